import * as posix from 'path/posix';
import { Directive, KEY_VALUE_BLOCKS } from './directive';
import { NGINX_CONF_DIR } from './paths';
import { NGINX_VARIABLES } from './reference-variables';
import { argumentProblem, directiveNameProblem } from './render';
import { describeValue } from '../input/describe';
import { SYSTEM_FOLDERS, characterProblem, isPathUnder, systemFolderOf } from '../input/reader';

/** Directives whose first argument is the name of an HTTP header nginx writes (to the client or the upstream). */
const HEADER_NAME_DIRECTIVES: ReadonlySet<string> = new Set(['add_header', 'add_trailer', 'proxy_set_header', 'grpc_set_header']);
/** An HTTP header name: an RFC 9110 token. */
export const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/** Embedded variables `set` may change (nginx marks them changeable); any other embedded one is refused. */
const CHANGEABLE_VARIABLES: ReadonlySet<string> = new Set(['args', 'limit_rate']);
const LOG_ESCAPES = ['default', 'json', 'none'];

/**
 * What nginx refuses in the arguments of a few directives whose values arrive from users and escape
 * hatches: the variable `set` defines, and a `log_format`'s name (unique in its block) and escaping.
 */
function argumentGrammarProblem(d: Directive, logFormats: Set<string>): string | undefined {
  if (d.name === 'set' && d.args.length > 0) {
    const name = d.args[0];
    if (!/^\$[A-Za-z0-9_]+$/.test(name)) {
      return `set ${describeValue(name)} is not a variable name (nginx: "invalid variable name"); write '$' and letters, digits or '_', such as '$backend'.`;
    }
    if (NGINX_VARIABLES.includes(name.slice(1)) && !CHANGEABLE_VARIABLES.has(name.slice(1))) {
      return `set ${describeValue(name)} redefines an embedded variable (nginx: "the duplicate variable"); choose a name of your own, such as '$my_${name.slice(1)}'.`;
    }
  }
  if (d.name === 'log_format' && d.args.length > 0) {
    const name = d.args[0];
    if (logFormats.has(name)) {
      return `log_format ${describeValue(name)} is defined twice${name === 'combined' ? " (nginx defines 'combined' itself)" : ''} (nginx: "duplicate log_format name"); give this format another name.`;
    }
    logFormats.add(name);
    const escape = d.args[1]?.startsWith('escape=') ? d.args[1].slice('escape='.length) : undefined;
    if (escape !== undefined && !LOG_ESCAPES.includes(escape)) {
      return `log_format ${describeValue(name)}: ${describeValue(d.args[1])} is not an escaping nginx knows; use escape=default, escape=json or escape=none, or start the format with other text.`;
    }
  }
  return undefined;
}

/**
 * What keeps a pattern from compiling as nginx's PCRE would, if anything. Checked with JavaScript's regular
 * expressions (whose syntax is close to PCRE's) after PCRE's inline flags such as `(?i)`, plus the PCRE
 * errors JavaScript lets through: `\c` at the end, `\k` without a name, a lookbehind of variable length.
 * PCRE-only syntax JavaScript lacks (possessive `a++`, atomic `(?>`) is refused too: rare in nginx configs.
 */
export function regexProblem(pattern: string): string | undefined {
  try {
    // eslint-disable-next-line no-new
    new RegExp(pattern.replace(/\(\?[imsxJU-]+\)/g, ''));
  } catch (e) {
    return `is not a valid regular expression (${(e as Error).message.replace(/^Invalid regular expression: /, '')})`;
  }
  if (/(^|[^\\])(\\\\)*\\c$/.test(pattern)) return 'ends with \\c, which PCRE refuses';
  if (/(^|[^\\])(\\\\)*\\k(?![<{'])/.test(pattern)) return "has \\k without a name ('\\k<name>'), which PCRE refuses";
  if (/\(\?<[=!][^)]*[*+?{]/.test(pattern)) return 'has a lookbehind of variable length, which PCRE refuses';
  return undefined;
}

/** The modifiers of a two-argument `location`, as nginx reads them. */
export const LOCATION_MODIFIERS: readonly string[] = ['=', '^~', '~', '~*'];

/** How a directive is named in a place: `location /x` for locations (cut short), else its name. */
export function directiveLabel(d: Directive): string {
  if (d.name !== 'location' && d.name !== 'server_name' && d.name !== 'upstream') return String(d.name);
  const args = d.args.filter(a => typeof a === 'string').join(' ');
  return `${d.name} ${args.length > 40 ? `${args.slice(0, 40)}...` : args}`;
}

/**
 * Problems with the form of a `location`: nginx reads the first characters of a one-argument location as
 * its modifier (`~/x` is a regular expression, `=/x` an exact match, `@x` a named location), so a prefix
 * must start with `/`; a two-argument location's first argument must be one of the four modifiers.
 */
export function locationFormProblem(args: readonly string[]): string | undefined {
  const typed = 'use NginxServer.addLocation with a LocationModifier, or write the modifier as its own argument, such as [\'~\', \'^/x\']';
  if (args.length === 1) {
    const [path] = args;
    if (path.startsWith('/')) return undefined;
    if (/^@[A-Za-z0-9_-]+$/.test(path)) return undefined;
    return `location ${describeValue(path)} does not start with '/' or name a location ('@name'); nginx would read its first characters as a modifier or never match. ${typed}.`;
  }
  if (args.length === 2) {
    const [modifier, path] = args;
    if (!LOCATION_MODIFIERS.includes(modifier)) {
      return `location modifier ${describeValue(modifier)} is not one of ${LOCATION_MODIFIERS.join(' ')} (nginx refuses it: "invalid location modifier"); ${typed}.`;
    }
    if (path === '') return `location ${modifier} has an empty path or pattern; give one, such as '/x' or '^/x'.`;
    if ((modifier === '=' || modifier === '^~') && !path.startsWith('/')) {
      return `location ${modifier} ${describeValue(path)} does not start with '/', so no request URI can match it; write the path from '/'.`;
    }
    const regex = modifier.startsWith('~') ? regexProblem(path) : undefined;
    return regex && `location ${modifier} ${describeValue(path)} ${regex}; fix the pattern (nginx would fail to start: "pcre2_compile() failed").`;
  }
  return `location has ${args.length} arguments; give a path, or a modifier and a path, such as ['=', '/x'].`;
}

/**
 * Problems with a `root` or `alias` folder: never under /proc, /sys or /dev (nginx would serve the
 * container's environment, devices or kernel data) and never a parent of the nginx configuration (which
 * holds the TLS keys). Only the part before the first variable is known at synth; it is normalised first,
 * so `/./proc` and `/usr/../proc` count as `/proc`.
 */
export function servedFolderProblem(directive: string, value: string): string | undefined {
  const fixed = value.split('$')[0];
  if (!fixed.startsWith('/')) return undefined;
  // Without a variable the whole value is the folder; with one, only whole segments before it count.
  const known = value.includes('$') ? fixed.slice(0, fixed.lastIndexOf('/') + 1) : fixed;
  const folder = posix.normalize(known).replace(/(.)\/+$/, '$1');
  // `/sys$uri` is /sys/... for any URI: a fixed part that is itself a system folder counts as well.
  const exact = value.includes('$') ? posix.normalize(fixed).replace(/(.)\/+$/, '$1') : folder;
  const system = systemFolderOf(folder) ?? (SYSTEM_FOLDERS.includes(exact) ? exact : undefined);
  if (system) {
    return `${directive} ${describeValue(value)} serves ${system}, a kernel filesystem: nginx would answer with the container's environment (/proc/self/environ), devices or kernel data. Serve a folder of the image, such as '/usr/share/nginx/html'.`;
  }
  if (!value.includes('$') && folder !== '/' && isPathUnder(NGINX_CONF_DIR, folder)) {
    return `${directive} ${describeValue(value)} serves ${NGINX_CONF_DIR} (the configuration and the TLS keys); serve a folder of its own, such as '/usr/share/nginx/html'.`;
  }
  return undefined;
}

/**
 * Problems with the structure of a tree, before any other check: names, every argument (type, control
 * characters, nginx's token limit, as the renderer would refuse them), location forms and served folders.
 * Each names its place in the tree and the fix.
 *
 * @param where the place of the tree, for example `nginx.conf` or `server 'www'`.
 */
export function checkStructure(directives: readonly Directive[], where: string, keyValue = false): string[] {
  const problems: string[] = [];
  // log_format names are unique in their block; nginx defines 'combined' itself.
  const logFormats = new Set(['combined']);
  for (const d of directives) {
    const here = `${where} > ${directiveLabel(d)}`;
    if (d._problem) problems.push(`${here}: ${d._problem}`);
    const nameProblem = keyValue ? argumentProblem(d.name) : directiveNameProblem(d.name);
    if (nameProblem) {
      problems.push(`${where}: ${keyValue ? 'entry' : 'directive name'} ${describeValue(d.name)} ${nameProblem}.`);
    }
    let argsOk = nameProblem === undefined;
    d.args.forEach((arg, i) => {
      const problem = argumentProblem(arg);
      if (problem) {
        argsOk = false;
        const fix = typeof arg !== 'string' ? 'Pass strings only.'
          : characterProblem(arg) ? 'Remove the control character (serve binary content from a file).'
            : 'Shorten it, or serve long text from a file.';
        problems.push(`${here}: argument ${i + 1} ${describeValue(arg)} ${problem}. ${fix}`);
      }
    });
    if (argsOk && !keyValue) {
      if (d.name === 'location' && d.block) {
        const problem = locationFormProblem(d.args);
        if (problem) problems.push(`${where}: ${problem}`);
      }
      if (HEADER_NAME_DIRECTIVES.has(d.name) && d.args.length > 0 && !HEADER_NAME.test(d.args[0])) {
        problems.push(`${here}: header name ${describeValue(d.args[0])} is not an HTTP header name (RFC 9110 token); nginx would write it as it is, so a ':' or a space forges another header (\`Set-Cookie: x=1; X-A\`). Use letters, digits and '-', such as 'X-Frame-Options'.`);
      }
      const grammar = argumentGrammarProblem(d, logFormats);
      if (grammar) problems.push(`${here}: ${grammar}`);
      if ((d.name === 'root' || d.name === 'alias') && d.args.length > 0) {
        const problem = servedFolderProblem(d.name, d.args[0]);
        if (problem) problems.push(`${here}: ${problem}`);
      }
    }
    if (d.block) problems.push(...checkStructure(d.block, here, KEY_VALUE_BLOCKS.has(d.name)));
  }
  return problems;
}
