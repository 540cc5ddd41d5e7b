import { Directive, KEY_VALUE_BLOCKS } from '../directive';
import { ConfigFinding, Severity, describeWhere } from '../findings';
import { parseRegex, RegexMatcher, RegexNode } from './regex';
import { SecurityRule } from './rule';
import { finding, isCaptureName, isRegexModifier, parseIfCondition, parseLocation, readVariable, show, variablesIn, walk } from './tree';

/**
 * invalid-regex: a reference to a regex capture that does not hold what is written, and regexes that do not
 * mean what they say.
 *
 * How nginx sets $1..$9 (ngx_http_regex_exec, ngx_http_script_regex_start_code; checked with Debian's nginx
 * 1.22): a regex that matches replaces all of them, so a matching regex with fewer groups leaves the others
 * empty, and a regex without groups empties them all; a rewrite or `if` regex that does not match empties
 * them too. Regex locations and server names set them only when they match, and captures survive internal
 * redirects. Named captures are variables of their own: later regexes leave them alone. So in
 *
 *     location ~ ^/img/(.+)$ { if ($http_referer ~ evil) { return 403; } alias /data/$1; }
 *
 * $1 is always empty: when the `if` regex does not match it empties the captures, when it matches the request
 * ends. The rule follows the rewrite phase in order (what ran before a rewrite-phase directive; all of it
 * for the other directives, which run later) and reports a `$n`
 * - that is empty whatever the request (no such group in any regex that can have set it);
 * - that the nearest regex around it (the location's, an enclosing `if`'s) defines, but that a later regex
 *   replaces or empties (it then holds something else than written, or nothing);
 * - that designates a named group in a regex that also has unnamed ones (named groups are numbered too).
 * It also reports `$name` for a name no regex, `set` or `map` defines next to a regex with named groups
 * (a misspelled named capture), and patterns PCRE2 accepts but reads differently from what is written:
 * `[jpg|png]` (a class, not alternatives), `[A-z]` (also [\]^_`), `x{,3}` (literal text in PCRE2 10.42),
 * an empty alternative (`a||b`, `^/api|`), `$` or `^` in the middle of a pattern, and `/*.jpg` (a glob).
 */

interface RegexInfo {
  readonly pattern: string;
  /** Number of groups, undefined when the pattern is not understood (then it is assumed to define any). */
  readonly groups?: number;
  readonly names: ReadonlyMap<string, number>;
  /** How the regex is named in messages. */
  readonly label: string;
}

type CaptureState =
  | { readonly kind: 'regex'; readonly regex: RegexInfo }
  /** Captures emptied by a regex that did not match (`by`), or never set. */
  | { readonly kind: 'reset'; readonly by?: Directive }
  /** Whatever an earlier pass (an internal redirect) left. */
  | { readonly kind: 'inherited' };

function regexInfo(pattern: string, caseless: boolean, label: string): RegexInfo {
  const parsed = parseRegex(pattern, caseless);
  return { pattern, groups: parsed?.groupCount, names: parsed?.names ?? new Map(), label };
}

/** The regex an `if` condition matches, with what a match means (`!~` runs the block when it does not match). */
function ifRegex(d: Directive): { regex: RegexInfo; negated: boolean } | undefined {
  const cond = parseIfCondition(d.args);
  if (!cond || cond.operand === undefined || !/^!?~\*?$/.test(cond.operator)) return undefined;
  return {
    regex: regexInfo(cond.operand, cond.operator.endsWith('*'), `'if (${cond.subject} ${cond.operator} ${cond.operand})'`),
    negated: cond.operator.startsWith('!'),
  };
}

function rewriteRegex(d: Directive): RegexInfo {
  return regexInfo(d.args[0], false, `'${show(d)}'`);
}

/** Directives of the rewrite module: they run in order in the rewrite phase. */
const REWRITE_PHASE = new Set(['rewrite', 'return', 'set', 'if', 'break']);

interface Run {
  /** States after the list, for the directives that follow. */
  out: CaptureState[];
  /** States that reach the content phase through `break`. */
  broke: CaptureState[];
  /** The states at the target, once reached (rewrite-phase targets). */
  atTarget?: CaptureState[];
}

/**
 * Runs a list of directives of the rewrite phase from the states `entry`. `target` is the directive whose
 * states are wanted; `mode` says what reaches the content phase: in a location, a rewrite without flag
 * (the URI changed) or with last starts a new location search; at server level both go on to the location
 * search with the captures they set.
 */
function run(list: readonly Directive[], entry: CaptureState[], target: Directive, ancestors: ReadonlySet<Directive>, serverLevel: boolean): Run {
  let states = entry;
  const broke: CaptureState[] = [];
  const stop = REWRITE_PHASE.has(target.name);
  for (const s of list) {
    if (s === target && stop) return { out: states, broke, atTarget: states };
    if (states.length === 0 && !ancestors.has(s)) continue;
    switch (s.name) {
      case 'rewrite': {
        if (s.args[0] === undefined) break;
        const matched: CaptureState = { kind: 'regex', regex: rewriteRegex(s) };
        const flag = s.args[2];
        const next: CaptureState[] = matchesEveryUri(s.args[0]) ? [] : [{ kind: 'reset', by: s }];
        if (flag === 'break') broke.push(matched);
        else if (flag === undefined || (serverLevel && flag === 'last')) next.push(matched);
        states = states.length > 0 ? next : [];
        break;
      }
      case 'return':
        states = [];
        break;
      case 'break':
        broke.push(...states);
        states = [];
        break;
      case 'if': {
        if (!s.block) break;
        const r = ifRegex(s);
        const matched: CaptureState[] = r ? [{ kind: 'regex', regex: r.regex }] : states;
        const failed: CaptureState[] = r ? [{ kind: 'reset', by: s }] : states;
        const enter = states.length > 0 ? (r?.negated ? failed : matched) : [];
        const skip = states.length > 0 ? (r?.negated ? matched : failed) : [];
        const inner = run(s.block, enter, target, ancestors, serverLevel);
        if (inner.atTarget) return inner;
        broke.push(...inner.broke);
        // On the way to a target inside this if, only the runs that entered it count.
        states = ancestors.has(s) ? inner.out : [...skip, ...inner.out];
        break;
      }
      default:
        break;
    }
  }
  return { out: states, broke };
}

const SAMPLE_URIS = ['/', '/a', '/index.php', '/a/b/c.html', '/A_b-c.d~e', '/x y'];

/** Whether a rewrite regex matches any URI (`^`, `^/(.*)$`): then it never empties the captures by failing. */
function matchesEveryUri(pattern: string): boolean {
  const m = RegexMatcher.of(pattern);
  return m !== undefined && SAMPLE_URIS.every(u => m.test(u));
}

/** The states a server's location search starts from: its regex server names, or what an earlier pass left. */
function serverEntry(server: Directive): CaptureState[] {
  const names = (server.block ?? []).filter(c => c.name === 'server_name').flatMap(c => c.args.filter(a => a.startsWith('~')));
  return [
    ...names.map(n => ({ kind: 'regex' as const, regex: regexInfo(n.slice(1), true, `'server_name ${n}'`) })),
    { kind: 'inherited' as const },
  ];
}

interface CaptureContext {
  readonly states: CaptureState[];
  /** The nearest regex the directive sits in (an if, a regex location): what its author most likely means. */
  readonly nearest?: RegexInfo;
}

/** What $1..$9 can hold when `d` runs, or undefined when the directive is not in a server. */
function captureContext(d: Directive, parents: readonly Directive[]): CaptureContext | undefined {
  const serverAt = parents.findIndex(p => p.name === 'server');
  if (serverAt < 0) return undefined;
  const server = parents[serverAt];
  const ancestors = new Set(parents);
  let nearest: RegexInfo | undefined;
  for (let i = parents.length - 1; i > serverAt && nearest === undefined; i--) {
    const p = parents[i];
    if (p.name === 'if') nearest = ifRegex(p)?.regex;
    if (p.name === 'location') {
      const loc = parseLocation(p.args);
      if (loc && isRegexModifier(loc.modifier)) nearest = regexInfo(loc.path, loc.modifier === '~*', `'location ${p.args.join(' ')}'`);
    }
  }
  const rewritePhase = REWRITE_PHASE.has(d.name);
  // The innermost location (its rewrite program), or the server level.
  let locAt = -1;
  for (let i = parents.length - 1; i > serverAt; i--) {
    if (parents[i].name === 'location') {
      locAt = i;
      break;
    }
  }
  const end = (r: Run) => (r.atTarget ?? (rewritePhase ? [] : [...r.out, ...r.broke]));
  if (locAt < 0) {
    // A directive of the server level: only rewrite-phase ones run there in order.
    if (!rewritePhase) return undefined;
    return { states: end(run(server.block ?? [], serverEntry(server), d, ancestors, true)), nearest };
  }
  const loc = parents[locAt];
  const match = parseLocation(loc.args);
  let entry: CaptureState[];
  const regexLocation = [...parents.slice(serverAt + 1, locAt + 1)].reverse().find(p => {
    const m = p.name === 'location' ? parseLocation(p.args) : undefined;
    return m !== undefined && isRegexModifier(m.modifier);
  });
  if (regexLocation) {
    const m = parseLocation(regexLocation.args)!;
    entry = [{ kind: 'regex', regex: regexInfo(m.path, m.modifier === '~*', `'location ${regexLocation.args.join(' ')}'`) }];
  } else if (match?.modifier === '@') {
    entry = [{ kind: 'inherited' }];
  } else {
    // The server's rewrite phase ran first (to the end: no target there).
    const s = run(server.block ?? [], serverEntry(server), d, new Set(), true);
    entry = [...s.out, ...s.broke];
  }
  return { states: end(run(loc.block ?? [], entry, d, ancestors, false)), nearest };
}

/** Whether capture `n` can be non-empty in a state; `serverMax` is the largest group count of the server's regexes. */
function canHold(state: CaptureState, n: number, serverMax: number): boolean {
  if (state.kind === 'reset') return false;
  if (state.kind === 'inherited') return serverMax >= n;
  return state.regex.groups === undefined || state.regex.groups >= n;
}

function sameRegex(a: RegexInfo, b: RegexInfo): boolean {
  return a.pattern === b.pattern && a.label === b.label;
}

/** The largest number of groups of any regex in a server (what an internal redirect may have left). */
function serverMaxGroups(server: Directive | undefined): number {
  let max = 0;
  if (!server) return max;
  const consider = (p: string, caseless = false) => {
    const g = parseRegex(p, caseless);
    max = Math.max(max, g ? g.groupCount : 9);
  };
  walk([server], d => {
    if (d.name === 'location') {
      const m = parseLocation(d.args);
      if (m && isRegexModifier(m.modifier)) consider(m.path, m.modifier === '~*');
    } else if (d.name === 'rewrite' && d.args[0] !== undefined) {
      consider(d.args[0]);
    } else if (d.name === 'if') {
      const r = ifRegex(d);
      if (r) max = Math.max(max, r.regex.groups ?? 9);
    } else if (d.name === 'server_name') {
      for (const a of d.args) if (a.startsWith('~')) consider(a.slice(1), true);
    }
  });
  return max;
}

/** Directives whose arguments are patterns, code or formats rather than values with captures. */
const NOT_VALUES = new Set(['location', 'server_name', 'valid_referers', 'log_format', 'gzip_disable', 'fastcgi_split_path_info', 'map', 'geo', 'split_clients']);

/** Directives with their own regex as first argument (`~...`) whose replacement refers to its captures. */
const OWN_REGEX = new Set(['proxy_redirect', 'proxy_cookie_path', 'proxy_cookie_domain']);

function isCodeDirective(name: string): boolean {
  return /(^|_)(lua|js|perl|njs)(_|$)/.test(name);
}

/** The values of a directive that may refer to captures, without its patterns. */
function valueArgs(d: Directive): string[] {
  if (NOT_VALUES.has(d.name) || isCodeDirective(d.name)) return [];
  if (d.name === 'rewrite') return d.args.slice(1, 2);
  if (d.name === 'if') {
    const cond = parseIfCondition(d.args);
    if (!cond) return [];
    // The operand of ~ is a pattern; that of = and != is a value.
    return cond.operand !== undefined && !cond.operator.includes('~') ? [cond.subject, cond.operand] : [cond.subject];
  }
  return d.args;
}

/* ---------------------------------------------------------------------------------------------------- */
/* Patterns that do not mean what they say                                                                */
/* ---------------------------------------------------------------------------------------------------- */

function charKind(c: string): string {
  if (/[0-9]/.test(c)) return 'digit';
  if (/[A-Z]/.test(c)) return 'upper';
  if (/[a-z]/.test(c)) return 'lower';
  return 'other';
}

/** The character classes of a pattern, as text from '[' to ']'. */
function classesOf(p: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < p.length) {
    if (p[i] === '\\') {
      i += p[i + 1] === 'Q' ? Math.max(2, p.indexOf('\\E', i) < 0 ? p.length : p.indexOf('\\E', i) + 2 - i) : 2;
    } else if (p[i] === '[') {
      let j = i + 1;
      if (p[j] === '^') j++;
      if (p[j] === ']') j++;
      while (j < p.length && p[j] !== ']') {
        if (p[j] === '\\') {j++;} else if (p[j] === '[' && p[j + 1] === ':') {
          const e = p.indexOf(':]', j + 2);
          if (e > 0) j = e + 1;
        }
        j++;
      }
      out.push(p.slice(i, j + 1));
      i = j + 1;
    } else {
      i++;
    }
  }
  return out;
}

/** The pattern with its classes and escapes blanked out, to look at its structure. */
function outsideClasses(p: string): string {
  let out = '';
  let i = 0;
  while (i < p.length) {
    if (p[i] === '\\') {
      out += '__';
      i += 2;
    } else if (p[i] === '[') {
      const cls = classesOf(p.slice(i))[0] ?? p.slice(i);
      out += '_'.repeat(cls.length);
      i += cls.length;
    } else {
      out += p[i++];
    }
  }
  return out;
}

function nullable(node: RegexNode): boolean {
  switch (node.type) {
    case 'char': return false;
    case 'seq': return node.items.every(nullable);
    case 'alt': return node.options.some(nullable);
    case 'group': case 'atomic': return nullable(node.body);
    case 'repeat': return node.min === 0 || nullable(node.body);
    case 'backref': return true;
    default: return true;
  }
}

/** Whether a node can only match '\n' at its start (what may follow a `$` before the final newline). */
function startsWithNewlineOnly(node: RegexNode): boolean {
  if (node.type === 'char') return node.set.size() === 1 && node.set.hasChar('\n');
  if (node.type === 'seq') return node.items.length > 0 && startsWithNewlineOnly(node.items[0]);
  if (node.type === 'group' || node.type === 'atomic') return startsWithNewlineOnly(node.body);
  return false;
}

/** An anchor in the middle of a sequence that no subject can satisfy: `^/api$/v1`, `/a^b`. */
function misplacedAnchor(node: RegexNode): string | undefined {
  switch (node.type) {
    case 'seq': {
      const items = node.items;
      for (let i = 0; i < items.length; i++) {
        const it = items[i];
        if (it.type === 'assert' && !it.multiline) {
          const after = items.slice(i + 1);
          const before = items.slice(0, i);
          if ((it.kind === '$' || it.kind === 'Z' || it.kind === 'z') && after.some(a => !nullable(a)) && !(it.kind !== 'z' && after.length > 0 && startsWithNewlineOnly(after.find(a => !nullable(a))!))) {
            return it.kind === '$' ? '$' : `\\${it.kind}`;
          }
          if ((it.kind === '^' || it.kind === 'A') && before.some(b => !nullable(b))) return it.kind === '^' ? '^' : '\\A';
        }
        const inner = misplacedAnchor(it);
        if (inner) return inner;
      }
      return undefined;
    }
    case 'alt':
      for (const o of node.options) {
        const inner = misplacedAnchor(o);
        if (inner) return inner;
      }
      return undefined;
    case 'group': case 'atomic': case 'repeat': case 'look':
      return misplacedAnchor(node.body);
    default:
      return undefined;
  }
}

/** What in a pattern PCRE2 reads differently from what is written, as a sentence, if anything. */
export function regexMistake(pattern: string, caseless: boolean): string | undefined {
  const parsed = parseRegex(pattern, caseless);
  if (!parsed) return undefined;
  for (const cls of classesOf(pattern)) {
    const body = cls.slice(cls[1] === '^' ? 2 : 1, -1).replace(/\\./g, '__');
    if (/[A-Za-z0-9]\|[A-Za-z0-9]/.test(body)) {
      return `${cls} is a character class: it matches one character among those listed (the | included), not one of the words `
        + 'separated by |. Use a group for alternatives, for example (jpg|png) instead of [jpg|png].';
    }
    const range = /([A-Za-z0-9])-([A-Za-z0-9])/g;
    let m: RegExpExecArray | null;
    while ((m = range.exec(body)) !== null) {
      if (charKind(m[1]) !== charKind(m[2]) && m[1] < m[2]) {
        const between = [...Array(m[2].charCodeAt(0) - m[1].charCodeAt(0) + 1).keys()]
          .map(k => String.fromCharCode(m![1].charCodeAt(0) + k)).filter(c => charKind(c) === 'other').join('');
        return `the range ${m[1]}-${m[2]} in ${cls} also contains ${between}: ranges run over character codes, not over letters and `
          + 'digits. Write the ranges separately, for example [A-Za-z] instead of [A-z].';
      }
    }
  }
  const bare = outsideClasses(pattern);
  const brace = /\{,(\d+)\}/.exec(bare);
  if (brace) {
    return `{,${brace[1]}} is not a repeat count in PCRE2 before 10.43 (Debian 12 has 10.42): it matches the text "{,${brace[1]}}" itself, `
      + `while PCRE2 10.43 and later read it as {0,${brace[1]}}. Write {0,${brace[1]}}.`;
  }
  const root = parsed.root;
  const topEmpty = root.type === 'alt' && root.options.some(o => o.type === 'seq' && o.items.length === 0);
  if (bare.includes('||') || topEmpty) {
    return 'it has an empty alternative (|| or a | at the start or end of the pattern), which matches the empty string, so the regex '
      + 'matches every value (or the group matches nothing at all). Remove the extra |.';
  }
  const anchor = misplacedAnchor(root);
  if (anchor) {
    return `${anchor} stands in the middle of the pattern with more to match after (or before) it, so this part can never match: `
      + `an anchor only matches at the ${anchor === '^' || anchor === '\\A' ? 'start' : 'end'} of the value. Move it to the `
      + `${anchor === '^' || anchor === '\\A' ? 'start' : 'end'} or escape it (\\${anchor === '\\A' ? 'A' : anchor}) to match the character.`;
  }
  if (/\/\*\.[A-Za-z0-9]/.test(bare)) {
    return '/*. reads like a shell glob but is a regex: /* is "any number of slashes" and . is any character, so /images/*.jpg '
      + 'matches /imagesXjpg but not /images/a.jpg. Write the regex you mean, for example ^/images/[^/]+\\.jpg$.';
  }
  return undefined;
}

/* ---------------------------------------------------------------------------------------------------- */
/* The rule                                                                                               */
/* ---------------------------------------------------------------------------------------------------- */

/** Every regex of the tree, for the pattern checks. */
function patternSites(tree: readonly Directive[]): Array<{ d: Directive; parents: readonly Directive[]; pattern: string; caseless: boolean }> {
  const sites: Array<{ d: Directive; parents: readonly Directive[]; pattern: string; caseless: boolean }> = [];
  walk(tree, (d, parents) => {
    const add = (pattern: string, caseless: boolean) => sites.push({ d, parents, pattern, caseless });
    if (d.name === 'location') {
      const m = parseLocation(d.args);
      if (m && isRegexModifier(m.modifier)) add(m.path, m.modifier === '~*');
    } else if (d.name === 'rewrite' && d.args[0] !== undefined) {
      add(d.args[0], false);
    } else if (d.name === 'if') {
      const cond = parseIfCondition(d.args);
      if (cond?.operand !== undefined && /^!?~\*?$/.test(cond.operator)) add(cond.operand, cond.operator.endsWith('*'));
    } else if (d.name === 'server_name' || d.name === 'valid_referers') {
      for (const a of d.args) if (a.startsWith('~')) add(a.slice(1), true);
    } else if (d.name === 'map' && d.block) {
      for (const e of d.block) if (e.name.startsWith('~')) add(e.name.slice(e.name.startsWith('~*') ? 2 : 1), e.name.startsWith('~*'));
    } else if (OWN_REGEX.has(d.name) && d.args[0]?.startsWith('~')) {
      add(d.args[0].slice(d.args[0].startsWith('~*') ? 2 : 1), d.args[0].startsWith('~*'));
    }
  });
  return sites;
}

/** Variables that nginx and its modules define, and the prefixes of the families of variables. */
const BUILTIN_PREFIXES = ['arg_', 'cookie_', 'http_', 'sent_http_', 'sent_trailer_', 'upstream_http_', 'upstream_cookie_', 'upstream_trailer_',
  'ssl_', 'geoip_', 'proxy_protocol_', 'upstream_', 'realip_', 'limit_', 'connections_', 'secure_link', 'uid_', 'jwt_', 'tcpinfo_', 'time_', 'date_', 'request_', 'server_', 'remote_', 'binary_', 'body_', 'bytes_', 'connection', 'content_', 'document_', 'fastcgi_', 'gzip_', 'invalid_', 'memcached_', 'query_', 'slice_', 'spdy', 'http2', 'http3', 'scheme', 'status', 'host', 'hostname', 'https', 'is_args', 'args', 'uri', 'msec', 'msie', 'modern_', 'ancient_', 'nginx_', 'pid', 'pipe', 'protocol', 'realpath_', 'session_', 'grpc_', 'dollar', 'echo_', 'brotli_'];

function isBuiltin(name: string): boolean {
  return BUILTIN_PREFIXES.some(p => name.startsWith(p));
}

/** Directives of nginx that use variables in their values (a whole-argument `$x` there is a use, not a definition). */
const VALUE_DIRECTIVES = new Set([
  'return', 'rewrite', 'if', 'proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'grpc_pass', 'memcached_pass', 'add_header',
  'add_trailer', 'proxy_set_header', 'fastcgi_param', 'uwsgi_param', 'scgi_param', 'grpc_set_header', 'alias', 'root', 'try_files',
  'index', 'error_page', 'access_log', 'error_log', 'proxy_redirect', 'more_set_headers', 'more_set_input_headers', 'sub_filter',
  'proxy_cache_key', 'fastcgi_cache_key', 'uwsgi_cache_key', 'scgi_cache_key', 'limit_req_zone', 'limit_conn_zone', 'proxy_set_body',
  'proxy_cookie_path', 'proxy_cookie_domain', 'auth_request', 'mirror', 'expires', 'limit_rate', 'set_real_ip_from', 'log_format',
  'proxy_no_cache', 'proxy_cache_bypass', 'fastcgi_no_cache', 'fastcgi_cache_bypass', 'secure_link', 'secure_link_md5', 'echo',
]);

/** Every variable the tree may define: set and map targets, named groups, and whole-argument variables of other directives. */
function definedNames(tree: readonly Directive[]): Set<string> {
  const names = new Set<string>();
  const addNamed = (pattern: string) => {
    for (const n of parseRegex(pattern)?.names.keys() ?? []) names.add(n);
  };
  const visit = (list: readonly Directive[]) => {
    for (const d of list) {
      const nameRef = readVariable(d.name, 0);
      if (nameRef && nameRef.end === d.name.length) names.add(nameRef.name);
      if (d.name.startsWith('~')) addNamed(d.name.replace(/^~\*?/, ''));
      if (d.name === 'set' || !VALUE_DIRECTIVES.has(d.name)) {
        const tokens = d.name === 'set' ? d.args.slice(0, 1) : d.args;
        for (const token of tokens) {
          const ref = readVariable(token, 0);
          if (ref && ref.end === token.length) names.add(ref.name);
        }
      }
      for (const a of d.args) if (a.startsWith('~')) addNamed(a.replace(/^~\*?/, ''));
      if (d.name === 'location') {
        const m = parseLocation(d.args);
        if (m && isRegexModifier(m.modifier)) addNamed(m.path);
      } else if (d.name === 'rewrite' && d.args[0]) {
        addNamed(d.args[0]);
      } else if (d.name === 'if') {
        for (const n of ifRegex(d)?.regex.names.keys() ?? []) names.add(n);
      }
      if (d.block) visit(d.block);
    }
  };
  visit(tree);
  return names;
}

function stateWords(states: readonly CaptureState[]): string {
  const parts: string[] = [];
  for (const s of states) {
    if (s.kind === 'regex') parts.push(`${s.regex.label} (${s.regex.groups} group${s.regex.groups === 1 ? '' : 's'})`);
    else if (s.kind === 'reset' && s.by) parts.push(`${s.by.name === 'if' ? ifRegex(s.by)?.regex.label : `'${show(s.by)}'`} not matching (which empties them)`);
  }
  return [...new Set(parts)].join(', ');
}

function checkInvalidRegex(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  const defined = definedNames(tree);
  const maxByServer = new Map<Directive, number>();
  const serverMax = (parents: readonly Directive[]) => {
    const server = parents.find(p => p.name === 'server');
    if (!server) return 9;
    if (!maxByServer.has(server)) maxByServer.set(server, serverMaxGroups(server));
    return maxByServer.get(server)!;
  };

  const report = (parents: readonly Directive[], message: string) =>
    findings.push(finding('invalid-regex', Severity.WARNING, describeWhere(parents), message));

  /** Checks the capture references of values evaluated with `states` around them. */
  const checkRefs = (d: Directive, parents: readonly Directive[], values: readonly string[], context: CaptureContext | undefined) => {
    if (!context || context.states.length === 0) return;
    const refs = values.flatMap(v => variablesIn(v));
    const seen = new Set<string>();
    for (const ref of refs) {
      if (seen.has(ref.name)) continue;
      seen.add(ref.name);
      const { states, nearest } = context;
      if (isCaptureName(ref.name)) {
        const n = Number(ref.name);
        const holders = states.filter(s => canHold(s, n, serverMax(parents)));
        if (holders.length === 0) {
          const why = stateWords(states);
          const glued = values.some(v => v.includes(`$${n}`) && /\$\d\d/.test(v)) ? ` (nginx reads $${n} followed by a digit as $${n} and the digit)` : '';
          report(parents, `'${show(d)}' uses $${n}${glued}, but no regex that can have run before it defines ${n} group${n === 1 ? '' : 's'}`
            + `${why ? `: the captures come from ${why}` : ''}; non-capturing groups (?:...) and options such as (?i) are not captures, and `
            + 'nginx empties $1..$9 when a rewrite or if regex does not match (and replaces them all when one matches). So the value is '
            + 'always empty here. Capture what you need with a group of the right regex, or keep it in a named capture (?<name>...) '
            + 'or a variable (set $part $1;) right after the regex that sets it.');
          continue;
        }
        if (nearest && nearest.groups !== undefined && nearest.groups >= n
            && states.some(s => !(s.kind === 'regex' && sameRegex(s.regex, nearest)))) {
          report(parents, `'${show(d)}' uses $${n} of ${nearest.label}, but the captures it reads come from ${stateWords(states.filter(s => !(s.kind === 'regex' && sameRegex(s.regex, nearest))))}`
            + ': nginx replaces $1..$9 whenever a later rewrite or if regex matches and empties them when it does not, so here '
            + `$${n} is something else or nothing. Use a named capture in ${nearest.label} (?<name>...) and $name, or save it first `
            + `(set $part $${n}; as the first directive).`);
          continue;
        }
        const single = states.length === 1 && states[0].kind === 'regex' ? states[0].regex : undefined;
        if (single && single.groups !== undefined && single.names.size > 0 && single.names.size < single.groups) {
          const named = [...single.names].find(([, index]) => index === n);
          if (named) {
            report(parents, `'${show(d)}' uses $${n}, which is the named group (?<${named[0]}>...) of ${single.label}: named groups count `
              + 'in the numbering of $1..$9, so the unnamed groups are not $1, $2... in order. Write '
              + `$${named[0]} for the named group and count every group, named or not, for the others (or name them all).`);
          }
        }
      } else if (!defined.has(ref.name) && !isBuiltin(ref.name)) {
        const names = [...new Set(states.flatMap(s => (s.kind === 'regex' ? [...s.regex.names.keys()] : [])))];
        if (names.length > 0) {
          report(parents, `'${show(d)}' uses $${ref.name}, but the regex before it names its groups ${names.map(x => `$${x}`).join(', ')} `
            + `and nothing defines $${ref.name} (nginx -t refuses an unknown variable; if a module defines it, it is not this capture). `
            + 'Use the name of the group exactly as written in (?<name>...).');
        }
      }
    }
  };

  walk(tree, (d, parents) => {
    if (d.name === 'rewrite' && d.args[0] !== undefined && d.args[1] !== undefined) {
      checkRefs(d, parents, [d.args[1]], { states: [{ kind: 'regex', regex: rewriteRegex(d) }] });
      return;
    }
    if (OWN_REGEX.has(d.name) && d.args[0]?.startsWith('~') && d.args[1] !== undefined) {
      const caseless = d.args[0].startsWith('~*');
      checkRefs(d, parents, [d.args[1]], { states: [{ kind: 'regex', regex: regexInfo(d.args[0].slice(caseless ? 2 : 1), caseless, `'${d.name} ${d.args[0]}'`) }] });
      return;
    }
    if (d.name === 'map' && d.block) {
      for (const e of d.block) {
        if (!e.name.startsWith('~') || e.args.length !== 1) continue;
        const caseless = e.name.startsWith('~*');
        const regex = regexInfo(e.name.slice(caseless ? 2 : 1), caseless, `the map key '${e.name}'`);
        checkRefs(Directive.of(e.name, ...e.args), [...parents, d], [e.args[0]], { states: [{ kind: 'regex', regex }] });
      }
      return;
    }
    if (KEY_VALUE_BLOCKS.has(d.name)) return;
    const values = valueArgs(d);
    if (!values.some(v => v.includes('$'))) return;
    const refs = values.flatMap(v => variablesIn(v));
    const needsContext = refs.some(r => isCaptureName(r.name) || (!defined.has(r.name) && !isBuiltin(r.name)));
    if (!needsContext) return;
    checkRefs(d, parents, values, captureContext(d, parents));
  });

  for (const site of patternSites(tree)) {
    const mistake = regexMistake(site.pattern, site.caseless);
    if (!mistake) continue;
    const where = site.d.name === 'location' ? describeWhere(site.parents, site.d) : describeWhere(site.parents);
    const label = site.d.name === 'map' ? `the map key for '${site.pattern}' (map ${site.d.args.join(' ')})` : `'${show(site.d)}'`;
    findings.push(finding('invalid-regex', Severity.WARNING, where,
      `${label} has a regex that does not mean what it says: ${mistake}`));
  }
  return findings;
}

/**
 * invalid-regex: a capture reference that is always empty or clobbered, and regexes PCRE reads differently from what is written.
 */
export const invalidRegex: SecurityRule = {
  ids: ['invalid-regex'],
  run: checkInvalidRegex,
};
