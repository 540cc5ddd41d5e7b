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
