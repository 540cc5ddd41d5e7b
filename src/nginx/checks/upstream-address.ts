import { readVariable } from './tree';

/** The upstream address of `proxy_pass` and the other `*_pass` directives, and whether it needs DNS. */

/** Directives that name an upstream address. */
export const PASS_DIRECTIVES = new Set(['proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'grpc_pass', 'memcached_pass']);

/** Variables that always start with `/`: in `proxy_pass http://host$request_uri` they end the host part. */
const PATH_VARIABLES = new Set(['uri', 'document_uri', 'request_uri']);

export interface PassTarget {
  /** Scheme as written, possibly with variables; '' when there is none. */
  readonly scheme: string;
  /** Host and port (or `unix:path`), possibly with variables. */
  readonly address: string;
}

/** Splits `proxy_pass http://host:port/path` (or `fastcgi_pass host:port`, `grpc_pass grpc://...`). */
export function passTarget(value: string): PassTarget {
  const m = /^([^/]*?):\/\//.exec(value);
  const scheme = m ? m[1] : '';
  const rest = m ? value.slice(m[0].length) : value;
  if (rest.startsWith('unix:')) {
    // http://unix:/path/to/socket:/uri
    const colon = m ? rest.indexOf(':', 5) : -1;
    return { scheme, address: colon < 0 ? rest : rest.slice(0, colon) };
  }
  let i = 0;
  while (i < rest.length) {
    const ch = rest[i];
    if (ch === '/' || ch === '?') break;
    if (ch === '$') {
      const ref = readVariable(rest, i);
      if (ref && PATH_VARIABLES.has(ref.name)) break;
      i = ref ? ref.end : i + 1;
      continue;
    }
    i++;
  }
  return { scheme, address: rest.slice(0, i) };
}

/** The host of an address without variables: `host`, `host:port`, `[v6]:port`, `unix:/path`. */
export function hostOf(address: string): string {
  if (address.startsWith('[')) return address.slice(0, address.indexOf(']') + 1);
  return address.replace(/:\d+$/, '');
}

/** An address nginx needs no DNS for, or one it finds among the upstream blocks. */
export function needsNoDns(host: string, upstreams: ReadonlySet<string>): boolean {
  return host.startsWith('unix:')
    || host.startsWith('[')
    || /^\d{1,3}(\.\d{1,3}){3}$/.test(host)
    || host.toLowerCase() === 'localhost'
    || upstreams.has(host.toLowerCase());
}

/** An IPv4 address, or an IPv6 one with or without brackets. */
export function isIpLiteral(host: string): boolean {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return true;
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return /^[0-9a-f:]*:[0-9a-f:]*:[0-9a-f:.]*(%[\w.-]+)?$/i.test(bare);
}

/**
 * How nginx finds the addresses of a host of a `*_pass` or an upstream `server`:
 * - `address`: no DNS (an IP address, `unix:`, `localhost`), or the name of an upstream block;
 * - `single-label`: a name without a dot, such as `backend`: an upstream defined in another file, or a name the
 *   system resolver completes with the pod's search domains (a Kubernetes Service of the same namespace);
 * - `stable`: a name whose address lasts as long as the pod: a Kubernetes Service
 *   (`<service>.<namespace>.svc`, with or without the cluster domain), a pod's IP-based name;
 * - `changing`: any other name (`api.example.com`, a cloud load balancer, a pod under a headless Service), whose
 *   addresses can change while nginx runs.
 */
export type HostKind = 'address' | 'single-label' | 'stable' | 'changing';

export function hostKind(host: string, upstreams: ReadonlySet<string>): HostKind {
  if (needsNoDns(host, upstreams) || isIpLiteral(host)) return 'address';
  const name = host.toLowerCase().replace(/\.$/, '');
  if (name === '' || name.endsWith('.localhost') || name === 'ip6-localhost' || name === 'ip6-loopback') return 'address';
  const labels = name.split('.');
  if (labels.length === 1) return 'single-label';
  // <service>.<namespace>.svc[.<cluster domain>]; a third label in front is a pod under a headless Service.
  if (labels.length >= 3 && labels[2] === 'svc') return 'stable';
  // <a-b-c-d>.<namespace>.pod[.<cluster domain>]: the name spells the pod's address.
  if (labels.length >= 3 && labels[2] === 'pod' && /^\d{1,3}(-\d{1,3}){3}$/.test(labels[0])) return 'stable';
  return 'changing';
}
