import * as fs from 'fs';
import * as path from 'path';
import type { ConfigFile } from './config-props';
import { Directive } from './directive';
import { at, parseNginx, rebuilt } from './parse';
import { NGINX_CONF_DIR } from './paths';
import { describeValue } from '../input/describe';
import { characterProblem } from '../input/reader';

/**
 * One segment of a glob(3) pattern as a regular expression: `*` and `?` never cross a `/`, `[...]` (with `!` or
 * `^` to negate) is a bracket expression, a backslash quotes the next character, and a name that starts with
 * a dot is matched only by a segment that starts with a literal dot (glob without GLOB_PERIOD, as nginx calls it).
 */
function segmentRegExp(segment: string): string {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i];
    if (ch === '\\' && i + 1 < segment.length) {
      out += escapeRegExp(segment[++i]);
    } else if (ch === '*') {
      out += '[^/]*';
    } else if (ch === '?') {
      out += '[^/]';
    } else if (ch === '[') {
      const end = bracketEnd(segment, i);
      if (end < 0) {
        out += '\\[';
        continue;
      }
      let body = segment.slice(i + 1, end);
      const negated = body.startsWith('!') || body.startsWith('^');
      if (negated) body = body.slice(1);
      // Inside the class only `\`, `]` and `^` need quoting for a JavaScript regular expression; ranges stay.
      out += `[${negated ? '^/' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = end;
    } else {
      out += escapeRegExp(ch);
    }
  }
  // A leading dot is matched only by a literal one.
  return segment.startsWith('.') || segment.startsWith('\\.') ? out : `(?!\\.)${out}`;
}

/** The index of the `]` that closes the bracket expression opening at `start`, or -1 when it is not closed. */
function bracketEnd(segment: string, start: number): number {
  let i = start + 1;
  if (segment[i] === '!' || segment[i] === '^') i++;
  // A `]` right after the opening (or its negation) is a member, not the end.
  if (segment[i] === ']') i++;
  const end = segment.indexOf(']', i);
  return end;
}

function escapeRegExp(ch: string): string {
  return ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Whether an include argument is a glob pattern (nginx: it has `*`, `?` or `[`). */
export function isGlob(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/** A matcher for a glob(3) pattern over `/`-separated relative paths. */
export function globMatcher(pattern: string): (file: string) => boolean {
  const re = new RegExp(`^${pattern.split('/').map(segmentRegExp).join('/')}$`);
  return file => re.test(file);
}

/** Byte order, as glob(3) sorts in the C locale that nginx runs in. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/**
 * Replaces `include` directives by the directives of the files they name, the way nginx resolves them: a
 * relative path is relative to the conf prefix (/etc/nginx); a glob follows glob(3) (sorted, no dot-files
 * unless the pattern names a dot, no match is no error); a plain path must exist. `mime.types` is the image's
 * own. Every error names the including file and line.
 */
export function inlineIncludes(tree: readonly Directive[], files: ReadonlyMap<string, string>, seen: readonly string[]): Directive[] {
  const out: Directive[] = [];
  for (const d of tree) {
    if (d.name === 'include' && d.args.length === 1) {
      const target = d.args[0];
      const where = `include ${target}${at(d)}`;
      const relative = target.startsWith(`${NGINX_CONF_DIR}/`) ? target.slice(NGINX_CONF_DIR.length + 1) : target;
      if (relative === 'mime.types') continue;
      if (relative.startsWith('/')) {
        throw new Error(`${where} is outside ${NGINX_CONF_DIR}; pass the file with a path relative to ${NGINX_CONF_DIR}, or inline it.`);
      }
      const normal = path.posix.normalize(relative);
      let matched: string[];
      if (isGlob(normal)) {
        const matches = globMatcher(normal);
        matched = [...files.keys()].filter(matches).sort(byteOrder);
      } else if (files.has(normal)) {
        matched = [normal];
      } else {
        throw new Error(`${where}: no such file among the imported files (${describeValue(normal)} relative to ${NGINX_CONF_DIR}); pass it too, or remove the include.`);
      }
      for (const f of matched) {
        if (seen.includes(f)) throw new Error(`${where} includes ${f} again (a cycle: ${[...seen, f].join(' -> ')}).`);
        out.push(...inlineIncludes(parseNginx(files.get(f)!, f), files, [...seen, f]));
      }
      continue;
    }
    out.push(d.block ? rebuilt(d, [...d.args], inlineIncludes(d.block, files, seen)) : d);
  }
  return out;
}

/**
 * Reads every file below `dir` (relative paths, any name), following symbolic links as nginx does (Debian's
 * `sites-enabled/*` are links), for `NginxConfig.fromDirectory`. Which of them count is decided by the
 * includes, as in nginx. A link to a folder already read (a loop) is read once.
 */
export function readConfigDirectory(dir: string): ConfigFile[] {
  const isFolder = typeof dir === 'string' && !characterProblem(dir) && fs.existsSync(dir) && fs.statSync(dir).isDirectory();
  if (!isFolder) {
    throw new Error(`NginxConfig.fromDirectory: dir ${describeValue(dir)} is not a folder; point it at a folder laid out like /etc/nginx (nginx.conf and the files it includes).`);
  }
  const out: ConfigFile[] = [];
  const visited = new Set<string>();
  const walk = (rel: string) => {
    const real = fs.realpathSync(path.join(dir, rel));
    if (visited.has(real)) return;
    visited.add(real);
    for (const name of fs.readdirSync(path.join(dir, rel)).sort(byteOrder)) {
      const r = rel ? `${rel}/${name}` : name;
      // statSync follows links; a dangling link is skipped (an include that names it fails as a missing file).
      const stat = fs.statSync(path.join(dir, r), { throwIfNoEntry: false });
      if (stat?.isDirectory()) walk(r);
      else if (stat?.isFile()) out.push({ path: r, content: fs.readFileSync(path.join(dir, r), 'utf8') });
    }
  };
  walk('');
  return out;
}
