import { Directive } from '../directive';
import { ConfigFinding, Severity, describeWhere } from '../findings';
import { SecurityRule } from './rule';
import { scopeChain } from './scope';
import { requestControlled } from './taint';
import { finding, show, variablesIn, walk } from './tree';

function checkHostFromHttpHost(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  walk(tree, (d, parents) => {
    if (d.name !== 'proxy_set_header' || d.args[0]?.toLowerCase() !== 'host' || d.args[1] === undefined) return;
    // $host is validated by nginx (the server it chose, lower-cased); any other request value is not.
    const controlled = requestControlled(d.args[1], scopeChain(d, parents)).filter(v => v !== '$host');
    if (controlled.length === 0) return;
    if (!variablesIn(d.args[1]).some(v => v.name === 'http_host')) {
      findings.push(finding('host-from-http-host', Severity.ERROR, describeWhere(parents),
        `'${show(d)}' sets the upstream's Host header from ${controlled.join(', ')}, which the client chooses freely (a query argument, `
        + 'a cookie or a header), so the upstream can be told any host name (virtual-host confusion, cache poisoning, password-reset '
        + "and routing attacks). Use 'proxy_set_header Host $host;', or a fixed name."));
      return;
    }
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
 * host-from-http-host: `proxy_set_header Host` from $http_host (the unvalidated Host header) or any other request value.
 */
export const hostFromHttpHost: SecurityRule = {
  ids: ['host-from-http-host'],
  run: checkHostFromHttpHost,
};
