import * as posix from 'path/posix';
import { isPathUnder } from '../input/reader';

/** Where the image keeps nginx's configuration. */
export const NGINX_CONF_DIR = '/etc/nginx';
/** Where the image keeps the static files served by default. */
export const NGINX_HTML_DIR = '/usr/share/nginx/html';

/** True when `child` is `parent` or lies below it; both are normalised first (config values may hold `..`). */
export function isUnder(child: string, parent: string): boolean {
  // normalize leaves at most one trailing slash, which a folder other than / loses.
  return isPathUnder(posix.normalize(child), posix.normalize(parent).replace(/(.)\/$/, '$1'));
}

/** Problems with a value that must be an absolute path without `..` segments. */
export function checkAbsolutePath(value: string, what: string, example: string): string[] {
  if (!value.startsWith('/')) {
    return [`${what} ${JSON.stringify(value)} is not an absolute path; nginx resolves relative paths against its prefix, which differs between images. Use an absolute path such as ${example}.`];
  }
  if (value.split('/').includes('..')) {
    return [`${what} ${JSON.stringify(value)} contains '..'; write the path without '..' segments, such as ${example}.`];
  }
  if (/[\s;{}"'\\]/.test(value)) {
    return [`${what} ${JSON.stringify(value)} contains whitespace, a quote, a backslash, ';', '{' or '}'; use a plain absolute path such as ${example}.`];
  }
  return [];
}
