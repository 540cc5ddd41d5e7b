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
 * Directives of `tree` that the nginx `version` does not have, or no longer has, each with where it is, the
 * version that introduced, made obsolete or removed it, and the fix. Versions come from nginx's documentation.
 */
export function versionProblems(tree: readonly Directive[], version: string): string[] {
  const problems: string[] = [];
  walkConfigDirectives(tree, (d, parents) => {
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
