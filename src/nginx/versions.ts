import { Directive, walkConfigDirectives } from './directive';
import { describeWhere } from './findings';
import { NGINX_DIRECTIVE_VERSIONS } from './version-data';

/** An nginx version as `major.minor.patch`. */
const VERSION = /^([0-9]{1,4})\.([0-9]{1,4})(?:\.([0-9]{1,4}))?$/;

/** Whether `version` is an nginx version (`1.22.1`; `1.27` counts as 1.27.0). */
export function isNginxVersion(version: unknown): version is string {
  return typeof version === 'string' && VERSION.test(version);
}

/** Whether version `a` is older than `b` (both valid). */
export function olderThan(a: string, b: string): boolean {
  const x = VERSION.exec(a)!.slice(1).map(n => Number(n ?? 0));
  const y = VERSION.exec(b)!.slice(1).map(n => Number(n ?? 0));
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] < y[i];
  return false;
}

/**
 * The nginx version an image reference names in its tag (`nginx:1.30.6-alpine`, `nginx:1.27-bookworm`,
 * `registry/nginx:1.22.1@sha256:…`), if it names one; `nginx:mainline` or `debian:bookworm` name none.
 */
export function nginxVersionOfImage(reference: string): string | undefined {
  const withoutDigest = reference.split('@')[0];
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  if (colon <= slash) return undefined;
  const tag = withoutDigest.slice(colon + 1);
  const m = /^v?([0-9]{1,4}\.[0-9]{1,4}(?:\.[0-9]{1,4})?)(?:$|[-_+])/.exec(tag);
  return m ? m[1] : undefined;
}

/** A hint for a directive the version refuses, where nginx has another way to say it. */
const INSTEAD: { readonly [name: string]: string } = {
  http2: "use the listen parameter 'http2' on that version",
  ssl: "use the listen parameter 'ssl'",
  http2_push: "use 'early_hints' (nginx 1.29.0+) or Link preload headers",
  http2_idle_timeout: "use 'keepalive_timeout'",
  http2_recv_timeout: "use 'client_header_timeout'",
  http2_max_field_size: "use 'large_client_header_buffers'",
  http2_max_header_size: "use 'large_client_header_buffers'",
  http2_max_requests: "use 'keepalive_requests'",
};

/**
 * Parameters that appeared after their directive, as nginx's documentation gives them (ngx_http_core_module's
 * `listen`, ngx_http_headers_module's `always`, ngx_http_ssl_module's protocols).
 */
interface ParameterVersion {
  readonly directive: string;
  readonly parameter: string;
  readonly since: string;
  readonly matches: (arg: string) => boolean;
}

const PARAMETER_VERSIONS: readonly ParameterVersion[] = [
  { directive: 'listen', parameter: 'quic', since: '1.25.0', matches: a => a === 'quic' },
  { directive: 'listen', parameter: 'http2', since: '1.9.5', matches: a => a === 'http2' },
  { directive: 'listen', parameter: 'proxy_protocol', since: '1.5.12', matches: a => a === 'proxy_protocol' },
  { directive: 'listen', parameter: 'fastopen', since: '1.5.8', matches: a => a.startsWith('fastopen=') },
  { directive: 'listen', parameter: 'reuseport', since: '1.9.1', matches: a => a === 'reuseport' },
  { directive: 'listen', parameter: 'so_keepalive', since: '1.1.11', matches: a => a.startsWith('so_keepalive=') },
  { directive: 'listen', parameter: 'multipath', since: '1.29.7', matches: a => a === 'multipath' },
  { directive: 'add_header', parameter: 'always', since: '1.7.5', matches: a => a === 'always' },
  { directive: 'ssl_protocols', parameter: 'TLSv1.3', since: '1.13.0', matches: a => a === 'TLSv1.3' },
];

/**
 * Directives of `tree` that the nginx `version` does not have, or no longer has, each with where it is, the
 * version that introduced, made obsolete or removed it, and the fix; and parameters it does not have yet.
 * Versions come from nginx's documentation.
 */
export function versionProblems(tree: readonly Directive[], version: string): string[] {
  const problems: string[] = [];
  walkConfigDirectives(tree, (d, parents) => {
    for (const p of PARAMETER_VERSIONS) {
      if (p.directive === d.name && olderThan(version, p.since) && d.args.some(a => typeof a === 'string' && p.matches(a))) {
        problems.push(`${describeWhere(parents, d)}: the '${p.parameter}' parameter of '${d.name}' appeared in nginx ${p.since}, and the base image has nginx ${version}, which refuses it. Use a base with nginx ${p.since} or later, or leave it out.`);
      }
    }
    const row = typeof d.name === 'string' && Object.prototype.hasOwnProperty.call(NGINX_DIRECTIVE_VERSIONS, d.name) ? NGINX_DIRECTIVE_VERSIONS[d.name] : undefined;
    if (row === undefined) return;
    const [since, obsolete, removed] = row;
    const where = describeWhere(parents, d);
    const instead = INSTEAD[d.name] ? `; ${INSTEAD[d.name]}` : '';
    if (since && olderThan(version, since)) {
      problems.push(`${where}: '${d.name}' appeared in nginx ${since}, and the base image has nginx ${version}, which stops with "unknown directive". Use a base with nginx ${since} or later, or leave it out${instead}.`);
    } else if (removed && !olderThan(version, removed)) {
      problems.push(`${where}: '${d.name}' was removed in nginx ${removed}, and the base image has nginx ${version}, which stops with "unknown directive"; leave it out${instead}.`);
    } else if (obsolete && !olderThan(version, obsolete)) {
      problems.push(`${where}: '${d.name}' is obsolete since nginx ${obsolete}, and the base image has nginx ${version}, which ignores it with a warning, so it does not do what it says; leave it out${instead}.`);
    }
  });
  return problems;
}
