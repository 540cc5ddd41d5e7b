import { Directive } from '../directive';
import { ConfigFinding, Severity, describeWhere } from '../findings';
import { PUBLIC_TLDS } from './public-tlds';
import { SecurityRule } from './rule';
import { finding, show, walk } from './tree';
import { hostKind } from './upstream-address';

/**
 * The name servers of a `resolver` line (http, server, location, upstream, stream, mail) that sit on the public
 * internet. nginx sends its queries over UDP from one socket per name server, so its source port stays the same
 * and only the 16-bit query id tells a real answer from a forged one: an answer spoofed by an attacker who can
 * race it, or one on the path, is cached and nginx proxies to the address of the attacker's choosing.
 */

const ID = 'resolver-external';

/** The four bytes of a dotted-quad IPv4 address. */
function ipv4Bytes(text: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  const bytes = m?.slice(1).map(Number);
  return bytes && bytes.every(b => b <= 255) ? bytes : undefined;
}

/**
 * Whether an IPv4 address is reachable on the public internet: not in a range of IANA's special-purpose
 * registry that is not globally reachable (this host, private, shared CGNAT, loopback, link-local,
 * documentation, benchmarking, reserved, multicast, broadcast).
 */
function ipv4IsPublic([a, b, c]: number[]): boolean {
  return !(a === 0 || a === 10 || a === 127 || a >= 224
    || (a === 100 && b >= 64 && b <= 127)
    || (a === 169 && b === 254)
    || (a === 172 && b >= 16 && b <= 31)
    || (a === 192 && b === 0 && (c === 0 || c === 2))
    || (a === 192 && b === 168)
    || (a === 198 && (b === 18 || b === 19))
    || (a === 198 && b === 51 && c === 100)
    || (a === 203 && b === 0 && c === 113));
}

/** The eight 16-bit groups of an IPv6 address (`::` and a dotted IPv4 tail allowed). */
function ipv6Groups(text: string): number[] | undefined {
  const m = /^([0-9a-f:]*?)(?::(\d{1,3}(?:\.\d{1,3}){3}))?$/i.exec(text);
  if (!m) return undefined;
  const tail = m[2] !== undefined ? ipv4Bytes(m[2]) : [];
  if (tail === undefined) return undefined;
  const tailGroups = tail.length === 4 ? [tail[0] * 256 + tail[1], tail[2] * 256 + tail[3]] : [];
  const head = m[2] !== undefined && m[1].endsWith(':') ? `${m[1]}:` : m[1];
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const parse = (s: string) => (s === '' ? [] : s.split(':').map(g => (/^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16) : NaN)));
  const left = parse(halves[0]);
  const right = [...parse(halves[1] ?? ''), ...tailGroups];
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...left, ...Array<number>(halves.length === 1 ? 0 : missing).fill(0), ...right];
  return groups.some(g => Number.isNaN(g)) ? undefined : groups;
}

/**
 * Whether an IPv6 address is reachable on the public internet: in 2000::/3 (global unicast) and not in its
 * special-purpose ranges (IETF protocol assignments 2001::/23, documentation 2001:db8::/32); an IPv4-mapped
 * address is judged as its IPv4 address. Loopback, unique local (fc00::/7), link-local, site-local and
 * multicast are not.
 */
function ipv6IsPublic(g: number[]): boolean {
  if (g.slice(0, 5).every(x => x === 0) && g[5] === 0xffff) {
    return ipv4IsPublic([Math.floor(g[6] / 256), g[6] % 256, Math.floor(g[7] / 256), g[7] % 256]);
  }
  if (Math.floor(g[0] / 0x2000) !== 1) return false;
  if (g[0] === 0x2001 && (g[1] < 0x200 || g[1] === 0xdb8)) return false;
  return true;
}

/** Why a name server address is public, or undefined when it is in your network (or not an address nginx takes). */
function publicServer(arg: string): string | undefined {
  let host = arg;
  const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(arg);
  if (bracket) host = bracket[1];
  else if ((arg.match(/:/g) ?? []).length === 1) host = arg.replace(/:\d*$/, '');
  const v4 = ipv4Bytes(host);
  if (v4) return ipv4IsPublic(v4) ? 'a public IP address' : undefined;
  if (host.includes(':')) {
    const v6 = ipv6Groups(host.replace(/%.*$/, ''));
    return v6 && ipv6IsPublic(v6) ? 'a public IP address' : undefined;
  }
  const name = host.toLowerCase().replace(/\.$/, '');
  const labels = name.split('.');
  // A single label, a Kubernetes Service, a name under a top-level domain that is not in the public DNS
  // (internal, local, lan, corp...) or under home.arpa is answered inside your network.
  if (labels.length < 2 || hostKind(name, new Set()) !== 'changing' || !PUBLIC_TLDS.has(labels[labels.length - 1])) return undefined;
  if (name.endsWith('.home.arpa')) return undefined;
  return 'a host name in the public DNS';
}

function checkResolverExternal(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  walk(tree, (d, parents) => {
    if (d.name !== 'resolver') return;
    const external = d.args.filter(a => !a.includes('=')).flatMap(a => {
      const why = publicServer(a);
      return why ? [`${a} (${why})`] : [];
    });
    if (external.length === 0) return;
    findings.push(finding(ID, Severity.WARNING, describeWhere(parents),
      `'${show(d)}' sends nginx's DNS queries to ${external.join(', ')}, a name server outside your network: queries and answers cross `
      + 'the internet as plain UDP, and nginx sends them from one fixed source port, so only the 16-bit query id tells a real answer '
      + 'from a forged one. An attacker on the path, or one who floods forged answers, can make nginx cache an address of their '
      + 'choosing and proxy requests, with their cookies and credentials, to it (and nginx\'s resolver has had bugs triggered by '
      + "crafted answers). Use a name server in your network: the cluster DNS ('resolver kube-dns.kube-system.svc.cluster.local "
      + "valid=30s;' or its ClusterIP), the VPC or data-centre resolver, or a local caching resolver on 127.0.0.1 that validates "
      + 'DNSSEC upstream.'));
  });
  return findings;
}

/**
 * resolver-external: a `resolver` that names a name server on the public internet (a public IP address or a
 * host name under a public top-level domain).
 */
export const resolverExternal: SecurityRule = {
  ids: [ID],
  run: checkResolverExternal,
};
