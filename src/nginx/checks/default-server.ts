import { Directive } from '../directive';
import { ConfigFinding, Severity, describeWhere } from '../findings';
import { httpServers, socketGroups } from './listen';
import { SecurityRule } from './rule';
import { finding } from './tree';

function serverLabel(server: Directive): string {
  const names = server.block?.find(c => c.name === 'server_name')?.args.join(' ');
  return names ? `server (${names})` : 'server (no server_name)';
}

/** The `listen` argument that names a socket key (`*:80` is `80`, QUIC adds its parameter). */
function listenSpec(key: string): string {
  const udp = key.endsWith('/udp');
  const base = udp ? key.slice(0, -'/udp'.length) : key;
  return `${base.startsWith('*:') ? base.slice(2) : base}${udp ? ' quic' : ''}`;
}

function checkDefaultServer(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  const http = tree.find(d => d.name === 'http' && d.block);
  if (!http) return findings;
  for (const group of socketGroups(httpServers(tree))) {
    // A duplicate default_server is refused by nginx itself ("a duplicate default server").
    if (group.servers.length < 2 || group.defaults.length > 0) continue;
    const first = group.servers[0];
    const spec = listenSpec(group.key);
    const socket = group.key.startsWith('*:') ? `port ${spec} (every IPv4 address)` : spec;
    findings.push(finding('default-server', Severity.WARNING, describeWhere([http], first),
      `${group.servers.length} server blocks listen on ${socket} (${group.servers.map(serverLabel).join(', ')}) and none has `
      + '\'default_server\': a request whose Host header matches no server_name, or has none (a scanner, a request by IP address, '
      + `a stale DNS name), is answered by whichever of them nginx reads first (${serverLabel(first)} in this tree's order; included files are `
      + 'read in name order). That choice silently changes when files are renamed, added or reordered, and it can serve one site\'s '
      + 'content or certificate for any host name. Mark one server explicitly '
      + `('listen ${spec} default_server;'), typically a catch-all that answers `
      + "'return 444;' or a 404 (with the typed model: defaultServer: true on one server)."));
  }
  return findings;
}

/**
 * default-server: several http servers share a listen socket and none of them is its `default_server`.
 */
export const defaultServer: SecurityRule = {
  ids: ['default-server'],
  run: checkDefaultServer,
};
