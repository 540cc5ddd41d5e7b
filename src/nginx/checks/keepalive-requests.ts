import { Directive } from '../directive';
import { ConfigFinding, Severity, describeWhere } from '../findings';
import { SecurityRule } from './rule';
import { finding, show, walk } from './tree';

function checkKeepaliveRequests(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  walk(tree, (d, parents) => {
    if (d.name !== 'keepalive_requests' || !/^\d+$/.test(d.args[0] ?? '')) return;
    const n = Number(d.args[0]);
    if (n >= 1000) return;
    const upstream = parents[parents.length - 1]?.name === 'upstream';
    findings.push(finding('keepalive-requests', Severity.WARNING, describeWhere(parents),
      `'${show(d)}' closes each ${upstream ? 'upstream ' : ''}keep-alive connection after ${n} requests, below nginx's default of 1000 (since 1.19.10). `
      + `${upstream ? 'nginx then opens new connections to the upstream far more often' : 'Clients, and HTTP/2 clients especially, then reconnect far more often'}, `
      + 'paying a TCP and TLS handshake each time, and busy clients see spurious connection resets. '
      + "Remove the directive or set it to at least 1000 ('keepalive_requests 1000;')."));
  });
  return findings;
}

/**
 * keepalive-requests: `keepalive_requests` below nginx's default of 1000.
 */
export const keepaliveRequests: SecurityRule = {
  ids: ['keepalive-requests'],
  run: checkKeepaliveRequests,
};
