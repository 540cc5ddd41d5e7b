import { Directive } from '../directive';
import { ConfigFinding, Severity, describeWhere } from '../findings';
import { defaultServerOf, serverSockets, SocketGroup, socketGroups } from './listen';
import { SecurityRule } from './rule';
import { finding, walk } from './tree';

/**
 * Client certificates across servers that share an address. The TLS handshake runs under the server the SNI
 * names; each request then goes to the server its Host (HTTP/2 `:authority`) names, so a client can ask one
 * connection for another server the certificate covers (HTTP/2 connection coalescing does so by design).
 * nginx guards this itself: when the SNI named a server and the request names another one that verifies
 * client certificates (`ssl_verify_client` on, optional or optional_no_ca), it answers 421 Misdirected Request
 * (since 1.11.0; 400 before); and a request to a server that requires a certificate over a handshake that did
 * not ask for one gets 400 "No required SSL certificate was sent". Different `ssl_protocols` or ciphers per
 * server are no bypass: the client picks the SNI and only weakens its own connection; a man in the middle
 * cannot change it, as the handshake covers it.
 *
 * What nginx does not guard: a handshake without SNI, or with a name no server has, runs under the default
 * server of the address, and nginx does not compare names then. If that default server verifies client
 * certificates itself, the request to another server that requires them only checks that the certificate
 * passed the default server's verification: a certificate issued by the default server's CA (or one revoked
 * only in the other server's CRL) opens the other server. Verified with nginx 1.22.1 and 1.31.
 */

const ID = 'http2-misdirected-request';

/** Settings that decide which client certificates pass verification. */
const TRUST = ['ssl_client_certificate', 'ssl_trusted_certificate', 'ssl_verify_depth', 'ssl_crl', 'ssl_ocsp', 'ssl_ocsp_responder'];

/** The last `name` directive of the innermost level that has one. */
function effective(name: string, levels: readonly (readonly Directive[])[]): Directive | undefined {
  for (let i = levels.length - 1; i >= 0; i--) {
    const own = levels[i].filter(c => c.name === name);
    if (own.length > 0) return own[own.length - 1];
  }
  return undefined;
}

function checkLevel(outer: readonly (readonly Directive[])[], holder: readonly Directive[], parents: readonly Directive[]): ConfigFinding[] {
  const servers = holder.filter(c => c.name === 'server' && c.block);
  const sslOn = (server: Directive) => server.block!.some(c => c.name === 'ssl' && c.args[0]?.toLowerCase() === 'on');
  const tls = (group: SocketGroup) => group.servers.some(s => sslOn(s) || serverSockets(s).some(k => k.key === group.key && k.tls));
  const levels = (server: Directive) => [...outer, server.block!];
  const value = (name: string, server: Directive) => effective(name, levels(server))?.args.join(' ') ?? '';
  const verify = (server: Directive) => value('ssl_verify_client', server).toLowerCase();
  const findings: ConfigFinding[] = [];
  const reported = new Set<Directive>();
  for (const group of socketGroups(servers)) {
    const key = group.key;
    const def = defaultServerOf(group);
    if (!tls(group) || !['on', 'optional', 'optional_no_ca'].includes(verify(def))) continue;
    if (value('ssl_reject_handshake', def).toLowerCase() === 'on') continue;
    if (!value('ssl_client_certificate', def) && !value('ssl_trusted_certificate', def)) continue;
    const trust = (server: Directive) => TRUST.map(n => value(n, server)).join('\n');
    for (const server of group.servers) {
      if (server === def || reported.has(server) || !['on', 'optional'].includes(verify(server))) continue;
      if (trust(server) === trust(def)) continue;
      reported.add(server);
      const differs = TRUST.filter(n => value(n, server) !== value(n, def))
        .map(n => `${n} ${value(n, server) || '(unset)'} here, ${value(n, def) || '(unset)'} there`);
      const where = describeWhere([...parents, server]);
      findings.push(finding(ID, Severity.ERROR, where,
        `${where} requires client certificates ('ssl_verify_client ${verify(server)}') on ${key}, where the default `
        + `server, ${describeWhere([...parents, def])}, verifies client certificates with other settings (${differs.join('; ')}). A `
        + 'client that sends no SNI, or a server name that no server has, completes the TLS handshake under the default server and can '
        + 'then ask for this server by its Host (HTTP/1.1 or HTTP/2 alike): nginx answers 421 Misdirected Request only when the SNI named '
        + 'another server, so here it only checks that the certificate passed the default server\'s verification, and a certificate the '
        + 'default server accepts (issued by its CA, or revoked only in this server\'s list) opens this server. Give the default server of '
        + "this address the same client-certificate settings, make the default a server that refuses such handshakes ('server { listen "
        + `${key.replace(/^\*:/, '').replace(/\/udp$/, '')} ssl default_server; ssl_reject_handshake on; }', nginx 1.19.4+), or move this server to an address or `
        + 'port of its own.'));
    }
  }
  return findings;
}

function checkMisdirected(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  // Servers of a fragment without an http block share the fragment's top level.
  if (tree.some(d => d.name === 'server' && d.block)) findings.push(...checkLevel([tree], tree, []));
  walk(tree, (d, parents) => {
    if (d.name === 'http' && d.block) findings.push(...checkLevel([tree, d.block], d.block, [...parents, d]));
  });
  return findings;
}

/**
 * http2-misdirected-request: a server that requires client certificates on an address whose default server
 * verifies client certificates with other settings (another CA, depth, CRL or OCSP): a handshake without SNI
 * runs under the default server, and nginx's 421 Misdirected Request guard does not apply.
 */
export const http2MisdirectedRequest: SecurityRule = {
  ids: [ID],
  run: checkMisdirected,
};
