import { Directive } from '../directive';
import { ConfigFinding, Severity, describeWhere } from '../findings';
import { SecurityRule } from './rule';
import { finding, show, walk } from './tree';
import { hostOf, isIpLiteral, passTarget } from './upstream-address';

/**
 * OCSP stapling fetches the certificate's status from the CA's OCSP responder (the URL in the certificate, or
 * `ssl_stapling_responder`). nginx resolves the responder's name with the `resolver` of the server (inherited
 * from http); without one it resolves the name once, at start-up, with the system resolver, logs "no resolver
 * defined to resolve ..." at every refresh and keeps those addresses, and if the name did not resolve at
 * start-up it logs '"ssl_stapling" ignored, host not found in OCSP responder' and staples nothing.
 */

const ID = 'ocsp-stapling-without-resolver';

function isOn(d: Directive | undefined): boolean {
  return d?.args[0]?.toLowerCase() === 'on';
}

/** The last `name` directive among the children of the innermost level that has one. */
function effective(name: string, levels: readonly (readonly Directive[])[]): Directive | undefined {
  for (let i = levels.length - 1; i >= 0; i--) {
    const own = levels[i].filter(c => c.name === name);
    if (own.length > 0) return own[own.length - 1];
  }
  return undefined;
}

/** A server that certainly has no TLS: it listens, on plain ports only (no `ssl` or `quic` listen, no `ssl on`). */
function plainServer(server: Directive): boolean {
  const body = server.block ?? [];
  const listens = body.filter(c => c.name === 'listen');
  return listens.length > 0
    && !listens.some(l => l.args.some(a => a === 'ssl' || a === 'quic'))
    && !body.some(c => c.name === 'ssl' && isOn(c));
}

/** Whether stapling in this chain of levels (outermost first) needs DNS at run time and has no resolver for it. */
function missingResolver(levels: readonly (readonly Directive[])[]): boolean {
  if (effective('ssl_stapling_file', levels)) return false;
  if (effective('resolver', levels)) return false;
  const responder = effective('ssl_stapling_responder', levels)?.args[0];
  // A responder given by its IP address needs no DNS.
  return !(responder !== undefined && isIpLiteral(hostOf(passTarget(responder).address)));
}

function report(d: Directive, where: string): ConfigFinding {
  return finding(ID, Severity.WARNING, where,
    `'${show(d)}' has nginx fetch the certificate's OCSP status from the CA's responder, but there is no resolver in this server or `
    + 'http: nginx then resolves the responder\'s name once, at start-up, logs "no resolver defined to resolve ..." at every refresh '
    + 'and keeps those addresses, so when the CA moves its responder (they sit behind CDNs), or if the name did not resolve at '
    + "start-up ('\"ssl_stapling\" ignored, host not found'), nothing is stapled and clients must ask the CA themselves (slower "
    + 'handshakes, the CA learns who visits the site) or skip the revocation check. Add a resolver in http or this server '
    + "('resolver <DNS server> valid=300s;'), or give the response with 'ssl_stapling_file'.");
}

function checkOcspStapling(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  walk(tree, (d, parents) => {
    if (d.name !== 'ssl_stapling' || !isOn(d)) return;
    const parent = parents[parents.length - 1];
    const levels = [tree, ...parents.map(p => p.block ?? [])];
    const servers = parent?.name === 'http' ? (parent.block ?? []).filter(c => c.name === 'server' && c.block) : [];
    if (servers.length === 0) {
      // In a server, or an http block (or fragment) without servers: judge the directive's own scope.
      if (parent?.name === 'server' && plainServer(parent)) return;
      if (missingResolver(levels)) findings.push(report(d, describeWhere(parents)));
      return;
    }
    // In http: each server that inherits it (one with its own ssl_stapling is judged there).
    for (const server of servers) {
      const body = server.block!;
      if (body.some(c => c.name === 'ssl_stapling') || plainServer(server)) continue;
      if (missingResolver([...levels, body])) findings.push(report(d, describeWhere([...parents, server])));
    }
  });
  return findings;
}

/**
 * ocsp-stapling-without-resolver: `ssl_stapling on` for a TLS server with no `resolver` in the server or http
 * (and neither `ssl_stapling_file` nor a responder given by IP address).
 */
export const ocspStaplingWithoutResolver: SecurityRule = {
  ids: [ID],
  run: checkOcspStapling,
};
