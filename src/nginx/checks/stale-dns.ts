import { Directive } from '../directive';
import { ConfigFinding, Severity, describeWhere } from '../findings';
import { SecurityRule } from './rule';
import { expansions, scopeChain } from './scope';
import { finding, show, walk } from './tree';
import { hostKind, hostOf, PASS_DIRECTIVES, passTarget } from './upstream-address';

/**
 * When nginx resolves a host name, and so whether a changed DNS record reaches it:
 * - a `*_pass` without variables, and an upstream `server` without `resolve`, are resolved once, at start-up,
 *   by the system resolver (with the pod's search domains), and kept until nginx is restarted or reloaded;
 * - a `*_pass` with variables is resolved per request, by the `resolver` of its block (inherited from server
 *   and http); without one, every request fails (502, "no resolver defined to resolve");
 * - an upstream `server ... resolve` (nginx 1.27.3+) is re-resolved while nginx runs; nginx refuses to start
 *   unless the upstream has a `zone` and a `resolver` is in the upstream or in the level that holds it
 *   (http or stream; one in a server block does not count).
 */

const ID = 'stale-dns';

/** Whether a directive called `name` is in one of these levels (the tree's root counts as one). */
function inLevels(name: string, levels: readonly (readonly Directive[])[]): boolean {
  return levels.some(level => level.some(c => c.name === name));
}

const KUBERNETES_HINT = 'A Kubernetes Service needs neither, as its ClusterIP lasts as long as the Service: name it in full '
  + '(<service>.<namespace>.svc.cluster.local).';

function stalePass(d: Directive, host: string, where: string): ConfigFinding {
  return finding(ID, Severity.WARNING, where,
    `'${show(d)}' names the host ${host}, which nginx resolves once, at start-up, and then keeps using those addresses until it is `
    + 'restarted or reloaded (a resolver does not change that for a name written out): when the name moves to other addresses (a '
    + 'load balancer, CDN or cloud endpoint, a pod under a headless Service) requests still go to the old ones, which may now belong '
    + 'to someone else, and if the name does not resolve at start-up nginx refuses to start. Let nginx re-resolve it: put the host in a '
    + `variable with a resolver in scope ('resolver <DNS server> valid=30s; set $upstream_host ${host}; ${d.name} ...$upstream_host...', `
    + 'and give the path explicitly, since a variable changes how the URI is passed), or, on nginx 1.27.3 or later, use an upstream '
    + `with 'zone', a resolver in http and 'server ${host} resolve'. ${KUBERNETES_HINT}`);
}

function staleServer(d: Directive, host: string, upstream: string, where: string): ConfigFinding {
  return finding(ID, Severity.WARNING, where,
    `'${show(d)}' in upstream ${upstream} names the host ${host}, which nginx resolves once, at start-up, and then keeps using those `
    + 'addresses until it is restarted or reloaded: when the name moves to other addresses (a load balancer, CDN or cloud endpoint, a '
    + 'pod under a headless Service) requests still go to the old ones, which may now belong to someone else, and if the name does '
    + "not resolve at start-up nginx refuses to start. On nginx 1.27.3 or later add 'resolve' to the server line, 'zone "
    + `${upstream} 64k;' to the upstream and a resolver to http ('resolver <DNS server> valid=30s;'); on older versions proxy to the `
    + `name through a variable with a resolver instead of this upstream. ${KUBERNETES_HINT}`);
}

function checkPass(d: Directive, parents: readonly Directive[], tree: readonly Directive[], upstreams: ReadonlySet<string>): ConfigFinding[] {
  const value = d.args[0];
  const where = describeWhere(parents);
  if (!value.includes('$')) {
    const host = hostOf(passTarget(value).address);
    return host !== '' && hostKind(host, upstreams) === 'changing' ? [stalePass(d, host, where)] : [];
  }
  // With variables nginx resolves the host per request: an upstream name or an address needs no resolver. A host
  // only known at run time is left alone; a name without a dot may be an upstream defined elsewhere.
  const hosts = new Set<string>();
  // A fragment's top-level sets run before it too: give the root a block so scopeChain sees them.
  const chain = scopeChain(d, parents.length > 0 ? parents : [Directive.withBlock('main', [], [...tree])]);
  for (const v of expansions(value, chain)) {
    const address = passTarget(v).address;
    if (address.includes('$')) continue;
    const host = hostOf(address);
    const kind = hostKind(host, upstreams);
    if (host !== '' && (kind === 'stable' || kind === 'changing')) hosts.add(host);
  }
  if (hosts.size === 0 || inLevels('resolver', [tree, ...parents.map(p => p.block ?? [])])) return [];
  const names = [...hosts].join(', ');
  return [finding(ID, Severity.WARNING, where,
    `'${show(d)}' contains variables, so nginx resolves the host ${names} per request, with the resolver of this block or an enclosing `
    + 'one, and there is none: every request through it fails with 502 Bad Gateway and "no resolver defined to resolve" in the error '
    + "log. Add a resolver in http or server ('resolver <DNS server> valid=30s;', in Kubernetes the cluster DNS such as "
    + "'kube-dns.kube-system.svc.cluster.local'), or proxy to an upstream block.")];
}

function checkUpstream(u: Directive, parents: readonly Directive[], tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  const name = u.args[0] ?? '';
  const where = describeWhere(parents, u);
  const reResolved: Directive[] = [];
  for (const s of (u.block ?? []).filter(c => c.name === 'server' && c.args[0] !== undefined)) {
    const host = hostOf(s.args[0]);
    const kind = host.startsWith('unix:') ? 'address' : hostKind(host, new Set());
    if (kind === 'address') continue;
    if (s.args.includes('resolve')) {
      reResolved.push(s);
    } else if (kind === 'changing') {
      findings.push(staleServer(s, host, name, where));
    }
  }
  if (reResolved.length === 0) return findings;
  // nginx takes the resolver of the upstream block or of the level that holds it (http, stream), not of a server.
  const holder = parents.length > 0 ? parents[parents.length - 1].block ?? [] : tree;
  const place = parents.length > 0 ? parents[parents.length - 1].name : 'the enclosing block';
  const missing: Array<[string, string]> = [];
  if (!u.block!.some(c => c.name === 'zone')) {
    missing.push([`a 'zone' in the upstream ("resolving names at run time requires upstream "${name}" ... to be in shared memory")`,
      `'zone ${name} 64k;' to the upstream`]);
  }
  if (!inLevels('resolver', [u.block!, holder])) {
    missing.push([`a resolver in the upstream or in ${place} ("no resolver defined to resolve names at run time in upstream "${name}"")`,
      `'resolver <DNS server> valid=30s;' to ${place} or the upstream (one in a server block does not count)`]);
  }
  if (missing.length > 0) {
    findings.push(finding(ID, Severity.WARNING, where,
      `'${show(reResolved[0])}' asks nginx to re-resolve the name while it runs, which needs ${missing.map(m => m[0]).join(' and ')}: `
      + "without it nginx 1.27.3 and later refuse to start, and older versions do not know the 'resolve' parameter at all. Add "
      + `${missing.map(m => m[1]).join(' and ')}.`));
  }
  return findings;
}

function checkStaleDns(tree: readonly Directive[], upstreams: ReadonlySet<string>): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  walk(tree, (d, parents) => {
    if (PASS_DIRECTIVES.has(d.name) && d.args[0] !== undefined) findings.push(...checkPass(d, parents, tree, upstreams));
    if (d.name === 'upstream' && d.block) findings.push(...checkUpstream(d, parents, tree));
  });
  return findings;
}

/**
 * stale-dns: a host name nginx resolves only at start-up although its addresses can change (`*_pass` without
 * variables, upstream `server` without `resolve`), a `*_pass` with variables and no resolver, and an upstream
 * `server ... resolve` without the `zone` and resolver it needs.
 */
export const staleDns: SecurityRule = {
  ids: [ID],
  run: (tree, context) => checkStaleDns(tree, context.upstreams),
};
