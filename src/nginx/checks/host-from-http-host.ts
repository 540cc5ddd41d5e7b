import { Directive } from '../directive';
import { ConfigFinding, Severity, describeWhere } from '../findings';
import { SecurityRule } from './rule';
import { finding, show, variablesIn, walk } from './tree';

function checkHostFromHttpHost(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  walk(tree, (d, parents) => {
    if (d.name !== 'proxy_set_header' || d.args[0]?.toLowerCase() !== 'host' || d.args[1] === undefined) return;
    if (!variablesIn(d.args[1]).some(v => v.name === 'http_host')) return;
    findings.push(finding('host-from-http-host', Severity.ERROR, describeWhere(parents),
      `'${show(d)}' forwards the raw Host header to the upstream. $http_host is whatever the client sent: it is empty for `
      + 'HTTP/1.0 requests, keeps any port, and is not the host nginx chose the server by when the request line carries an absolute URI, '
      + 'so the upstream can be told a host name this server never accepted (cache poisoning, password-reset and routing attacks). '
      + "Use 'proxy_set_header Host $host;' ($host is the validated, lower-cased host name, falling back to server_name).",
    ));
  });
  return findings;
}

/**
 * host-from-http-host: `proxy_set_header Host $http_host` forwards the unvalidated Host header.
 */
export const hostFromHttpHost: SecurityRule = {
  ids: ['host-from-http-host'],
  run: checkHostFromHttpHost,
};
