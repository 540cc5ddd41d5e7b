import { Directive, KEY_VALUE_BLOCKS, walkConfigDirectives } from './directive';
import { ConfigFinding, Severity, describeWhere } from './findings';

/**
 * Security and robustness checks over an nginx directive tree, in the spirit of gixy.
 *
 * Every finding has a stable check id; its message says what is wrong, why it matters and how to fix it.
 * The checks follow nginx's own semantics (inheritance of `add_header`, `allow`/`deny` and `resolver`,
 * when regex captures are set and escaped, when a proxied host name is resolved).
 */

/** Blocks whose entries are data (`key value;`), not directives: never checked as directives. */

/** Directives that name an upstream address. */
const PASS_DIRECTIVES = new Set(['proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'grpc_pass', 'memcached_pass']);

/** Configuration levels that inherit `add_header` / `add_trailer` from their enclosing level. */
const HEADER_LEVELS = new Set(['http', 'server', 'location', 'if', 'limit_except']);

/** Directives of the rewrite module: they run in the rewrite phase, before the content is produced. */
const REWRITE_PHASE = new Set(['rewrite', 'return', 'set', 'if', 'break']);

/** Variables whose value comes straight from the request, so the client chooses it. */
const REQUEST_VARIABLES = new Set([
  'uri', 'document_uri', 'request_uri', 'args', 'query_string', 'host', 'request', 'request_body',
  'content_type', 'remote_user',
]);
const REQUEST_VARIABLE_PREFIXES = ['arg_', 'http_', 'cookie_'];

/** Variables that hold the decoded request path, which may contain a CR or LF decoded from %0D / %0A. */
const DECODED_VARIABLES = new Set(['uri', 'document_uri', 'request_body']);

/** Variables that always start with `/`: in `proxy_pass http://host$request_uri` they end the host part. */
const PATH_VARIABLES = new Set(['uri', 'document_uri', 'request_uri']);

/** Status codes for which `return code URL` sends a `Location` header. */
const REDIRECT_CODES = new Set(['301', '302', '303', '307', '308']);

const LF = '\n';
const CR = '\r';

/**
 * Runs every check over a directive tree (for example `NginxConfig.effectiveTree()`) and returns the
 * findings, grouped by check, in tree order.
 *
 * Check ids: add-header-redefinition, host-from-http-host, alias-traversal, http-splitting, ssrf,
 * version-disclosure, if-in-location, root-slash, keepalive-requests, worker-rlimit-nofile,
 * unanchored-regex, proxy-pass-hostname, allow-without-deny, error-log-off, log-file.
 */
export function checkSecurity(tree: readonly Directive[]): ConfigFinding[] {
  const upstreams = new Set<string>();
  walk(tree, d => {
    if (d.name === 'upstream' && d.block && d.args[0] !== undefined) upstreams.add(d.args[0].toLowerCase());
  });
  return [
    ...checkHeaderInheritance(tree, 'add_header', 'add_header_inherit'),
    ...checkHeaderInheritance(tree, 'add_trailer', 'add_trailer_inherit'),
    ...checkHostFromHttpHost(tree),
    ...checkAliasTraversal(tree),
    ...checkHttpSplitting(tree),
    ...checkSsrf(tree),
    ...checkVersionDisclosure(tree),
    ...checkIfInLocation(tree),
    ...checkRootSlash(tree),
    ...checkKeepaliveRequests(tree),
    ...checkWorkerRlimitNofile(tree),
    ...checkUnanchoredRegex(tree),
    ...checkProxyPassHostname(tree, upstreams),
    ...checkAllowWithoutDeny(tree),
    ...checkLogTargets(tree),
  ];
}

// ---------------------------------------------------------------------------------------------------------
// Tree helpers

/** Depth-first walk that does not descend into key-value blocks (their entries are data). */
const walk = walkConfigDirectives;

function finding(check: string, severity: Severity, where: string, message: string): ConfigFinding {
  return { check, severity, where, message };
}

/** `name args...` as nginx would read it, for messages. */
function show(d: Directive): string {
  return [d.name, ...d.args].join(' ');
}

interface LocationMatch {
  /** '', '=', '^~', '~', '~*' or '@'. */
  readonly modifier: string;
  readonly path: string;
}

/** The modifier and path of a `location`, also for the glued forms nginx accepts (`location ~\.php$`). */
function parseLocation(args: readonly string[]): LocationMatch | undefined {
  if (args.length >= 2) return { modifier: args[0], path: args[1] };
  const a = args[0];
  if (a === undefined) return undefined;
  for (const m of ['=', '^~', '~*', '~']) {
    if (a.startsWith(m) && a.length > m.length) return { modifier: m, path: a.slice(m.length) };
  }
  if (a.startsWith('@')) return { modifier: '@', path: a };
  return { modifier: '', path: a };
}

function isRegexModifier(modifier: string): boolean {
  return modifier === '~' || modifier === '~*';
}

interface IfCondition {
  readonly subject: string;
  readonly operator: string;
  readonly operand?: string;
}

/** The condition of an `if` block: `($var ~ regex)` given as `['($var', '~', 'regex)']` or similar. */
function parseIfCondition(args: readonly string[]): IfCondition | undefined {
  let a = [...args];
  if (a.length === 1 && /\s/.test(a[0])) a = a[0].trim().split(/\s+/);
  if (a.length === 0) return undefined;
  a[0] = a[0].replace(/^\(/, '');
  if (a[0] === '') a.shift();
  if (a.length === 0) return undefined;
  a[a.length - 1] = a[a.length - 1].replace(/\)$/, '');
  if (a[a.length - 1] === '') a.pop();
  if (a.length >= 3) return { subject: a[0], operator: a[1], operand: a.slice(2).join(' ') };
  if (a.length === 2) return { subject: a[1], operator: a[0] };
  if (a.length === 1) return { subject: a[0], operator: '' };
  return undefined;
}

interface VariableRef {
  /** Lower-case variable name, or the digit of a positional capture. */
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

/** Reads the variable that starts at `value[i]` (a `$`), the way nginx's script compiler does. */
function readVariable(value: string, i: number): VariableRef | undefined {
  const m = /^\$(?:([1-9])|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/.exec(value.slice(i));
  if (!m) return undefined;
  const name = (m[1] ?? m[2] ?? m[3]).toLowerCase();
  return { name, start: i, end: i + m[0].length };
}

/** The variables a value refers to, in order. */
function variablesIn(value: string): VariableRef[] {
  const refs: VariableRef[] = [];
  let i = value.indexOf('$');
  while (i >= 0) {
    const ref = readVariable(value, i);
    if (ref) refs.push(ref);
    i = value.indexOf('$', ref ? ref.end : i + 1);
  }
  return refs;
}

function isCaptureName(name: string): boolean {
  return /^[1-9]$/.test(name);
}

function isRequestVariable(name: string): boolean {
  return REQUEST_VARIABLES.has(name) || REQUEST_VARIABLE_PREFIXES.some(p => name.startsWith(p));
}

// ---------------------------------------------------------------------------------------------------------
// Regular expressions (PCRE, as nginx uses them)

interface RegexGroup {
  /** 1-based number of the capture ($1 ... $9). */
  readonly index: number;
  /** Name of a named capture, which nginx also exposes as `$name`. */
  readonly name?: string;
  /** The pattern text inside the group's parentheses. */
  readonly body: string;
}

/** Index just past the character class that starts at `p[i]` (`[`). */
function classEnd(p: string, i: number): number {
  let j = i + 1;
  if (p[j] === '^') j++;
  if (p[j] === ']') j++;
  while (j < p.length) {
    if (p[j] === '\\') {
      j += 2;
    } else if (p[j] === '[' && p[j + 1] === ':') {
      const e = p.indexOf(':]', j + 2);
      j = e < 0 ? j + 1 : e + 2;
    } else if (p[j] === ']') {
      return j + 1;
    } else {
      j++;
    }
  }
  return p.length;
}

/** The capturing groups of a PCRE pattern, numbered as PCRE numbers them. */
function regexGroups(pattern: string): RegexGroup[] {
  const groups: RegexGroup[] = [];
  const open: Array<{ capturing: boolean; index: number; name?: string; start: number }> = [];
  let count = 0;
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === '\\') {
      if (pattern[i + 1] === 'Q') {
        const e = pattern.indexOf('\\E', i + 2);
        i = e < 0 ? pattern.length : e + 2;
      } else {
        i += 2;
      }
    } else if (c === '[') {
      i = classEnd(pattern, i);
    } else if (c === '(') {
      const rest = pattern.slice(i + 1);
      if (rest.startsWith('*') || rest.startsWith('?#')) {
        // (*VERB) or (?# comment): no group.
        const e = pattern.indexOf(')', i);
        i = e < 0 ? pattern.length : e + 1;
        continue;
      }
      const named = /^\?(?:P?<([A-Za-z_][A-Za-z0-9_]*)>|'([A-Za-z_][A-Za-z0-9_]*)')/.exec(rest);
      if (named) {
        count++;
        open.push({ capturing: true, index: count, name: (named[1] ?? named[2]).toLowerCase(), start: i + 1 + named[0].length });
        i += 1 + named[0].length;
      } else if (rest.startsWith('?')) {
        open.push({ capturing: false, index: 0, start: i + 2 });
        i += 2;
      } else {
        count++;
        open.push({ capturing: true, index: count, start: i + 1 });
        i++;
      }
    } else if (c === ')') {
      const g = open.pop();
      if (g?.capturing) groups.push({ index: g.index, name: g.name, body: pattern.slice(g.start, i) });
      i++;
    } else {
      i++;
    }
  }
  return groups.sort((a, b) => a.index - b.index);
}

interface Escape {
  /** Index just past the escape. */
  readonly end: number;
  /** The code point, for an escape that stands for one character. */
  readonly code?: number;
  /** Whether the escape (a class such as `\s`) matches the character. */
  readonly matches?: (ch: string) => boolean;
  /** The escape's set of characters is not worked out here (`\p{..}`, back-references). */
  readonly unknown?: boolean;
}

const CHAR_ESCAPES: Record<string, number> = { n: 10, r: 13, t: 9, f: 12, e: 27, a: 7 };

/** Reads the escape sequence that starts at `p[i]` (a backslash). */
function readEscape(p: string, i: number): Escape {
  const n = p[i + 1];
  if (n === undefined) return { end: i + 1, code: 92 };
  if (n in CHAR_ESCAPES) return { end: i + 2, code: CHAR_ESCAPES[n] };
  switch (n) {
    case 'x': {
      const braced = /^\{([0-9a-fA-F]+)\}/.exec(p.slice(i + 2));
      if (braced) return { end: i + 2 + braced[0].length, code: parseInt(braced[1], 16) };
      const hex = /^[0-9a-fA-F]{0,2}/.exec(p.slice(i + 2))![0];
      return { end: i + 2 + hex.length, code: hex.length > 0 ? parseInt(hex, 16) : 0 };
    }
    case 'o': {
      const braced = /^\{([0-7]+)\}/.exec(p.slice(i + 2));
      return braced ? { end: i + 2 + braced[0].length, code: parseInt(braced[1], 8) } : { end: i + 2, unknown: true };
    }
    case '0': {
      const oct = /^[0-7]{0,2}/.exec(p.slice(i + 2))![0];
      return { end: i + 2 + oct.length, code: oct.length > 0 ? parseInt(oct, 8) : 0 };
    }
    case 'c':
    {
      // \cX: the control character of X (\cJ is LF, \cM is CR).
      if (p[i + 2] === undefined) return { end: i + 2, unknown: true };
      const x = p[i + 2].toUpperCase().charCodeAt(0);
      return { end: i + 3, code: x >= 64 ? x - 64 : x + 64 };
    }
    // Classes that contain CR and LF: whitespace, vertical space, any newline, non-digit, non-word, ...
    case 's': case 'v': case 'R': case 'H': case 'D': case 'W': case 'X': case 'C':
      return { end: i + 2, matches: () => true };
    // Classes that contain neither.
    case 'S': case 'V': case 'd': case 'w': case 'h':
      return { end: i + 2, matches: () => false };
    // Any character but a newline (LF).
    case 'N':
      return { end: i + 2, matches: ch => ch !== LF };
    // Anchors and assertions match no character.
    case 'b': case 'B': case 'A': case 'z': case 'Z': case 'G': case 'K':
      return { end: i + 2, matches: () => false };
    case 'p': case 'P': case 'g': case 'k': {
      const braced = /^(\{[^}]*\}|<[^>]*>|'[^']*'|-?\d+|[A-Za-z])/.exec(p.slice(i + 2));
      return { end: i + 2 + (braced ? braced[0].length : 0), unknown: true };
    }
    default:
      if (/[1-9]/.test(n)) return { end: i + 2, unknown: true }; // back-reference
      return { end: i + 2, code: n.charCodeAt(0) };
  }
}

/** POSIX classes (`[:space:]`) that contain CR and LF. */
const POSIX_WITH_NEWLINES = new Set(['space', 'cntrl', 'ascii']);
const POSIX_WITHOUT_NEWLINES = new Set(['alpha', 'digit', 'alnum', 'upper', 'lower', 'punct', 'xdigit', 'blank', 'print', 'graph', 'word']);

/** Whether the character class `cls` (from `[` to `]`) can match `ch`; unknown parts count as matching. */
function classMatches(cls: string, ch: string): boolean {
  const code = ch.charCodeAt(0);
  let j = 1;
  const negated = cls[j] === '^';
  if (negated) j++;
  const end = cls.length - 1; // the closing ']'
  let matched = false;
  let unknown = false;
  while (j < end) {
    if (cls[j] === '[' && cls[j + 1] === ':') {
      const close = cls.indexOf(':]', j + 2);
      if (close > 0) {
        let name = cls.slice(j + 2, close);
        const inverted = name.startsWith('^');
        if (inverted) name = name.slice(1);
        if (POSIX_WITH_NEWLINES.has(name) || POSIX_WITHOUT_NEWLINES.has(name)) {
          if (POSIX_WITH_NEWLINES.has(name) !== inverted) matched = true;
        } else {
          unknown = true;
        }
        j = close + 2;
        continue;
      }
    }
    let lo: number | undefined;
    if (cls[j] === '\\') {
      const e = readEscape(cls, j);
      j = e.end;
      if (e.code === undefined) {
        if (e.unknown) unknown = true;
        else if (e.matches?.(ch)) matched = true;
        continue;
      }
      lo = e.code;
    } else {
      lo = cls.charCodeAt(j);
      j++;
    }
    if (cls[j] === '-' && j + 1 < end) {
      let hi: number | undefined;
      if (cls[j + 1] === '\\') {
        const e = readEscape(cls, j + 1);
        hi = e.code;
        j = e.end;
      } else {
        hi = cls.charCodeAt(j + 1);
        j += 2;
      }
      if (hi === undefined) unknown = true;
      else if (code >= lo && code <= hi) matched = true;
      continue;
    }
    if (lo === code) matched = true;
  }
  // Unknown parts: assume a positive class may match, and that a negated class does not exclude `ch`.
  return negated ? !matched : matched || unknown;
}

/** Whether a pattern fragment can match a string that contains `ch` (CR or LF). */
function fragmentCanContain(fragment: string, ch: string, dotAll: boolean): boolean {
  let i = 0;
  while (i < fragment.length) {
    const c = fragment[i];
    if (c === '\\') {
      if (fragment[i + 1] === 'Q') {
        const e = fragment.indexOf('\\E', i + 2);
        const literal = fragment.slice(i + 2, e < 0 ? fragment.length : e);
        if (literal.includes(ch)) return true;
        i = e < 0 ? fragment.length : e + 2;
        continue;
      }
      const e = readEscape(fragment, i);
      if (e.unknown || e.matches?.(ch) || e.code === ch.charCodeAt(0)) return true;
      i = e.end;
    } else if (c === '[') {
      const e = classEnd(fragment, i);
      if (classMatches(fragment.slice(i, e), ch)) return true;
      i = e;
    } else if (c === '.') {
      // PCRE's dot matches CR, and LF only in dotall mode.
      if (dotAll || ch !== LF) return true;
      i++;
    } else if (c === '(' && fragment.startsWith('(?#', i)) {
      const e = fragment.indexOf(')', i);
      i = e < 0 ? fragment.length : e + 1;
    } else {
      if (c === ch) return true;
      i++;
    }
  }
  return false;
}

/** `(?s)`, `(?is)`, `(?s:...)`: the dot matches newlines too. */
function isDotAll(pattern: string): boolean {
  return /\(\?[a-zA-Z]*s[a-zA-Z]*(?:-[a-zA-Z]*)?[:)]/.test(pattern);
}

// ---------------------------------------------------------------------------------------------------------
// What may have run before a directive: regexes (captures) and `set` (variables)

interface RegexEntry {
  readonly kind: 'regex';
  readonly pattern: string;
  /** The matched value: `$uri` for location and rewrite, `$host` for server_name, any expression for `if`. */
  readonly subject: string;
  /** The regex has certainly matched when the directive runs (an enclosing location or `if`). */
  readonly certain: boolean;
}

interface SetEntry {
  readonly kind: 'set';
  readonly name: string;
  readonly value: string;
}

type ScopeEntry = RegexEntry | SetEntry;

/** The regexes and `set`s a rewrite-phase directive contributes, in the order they run. */
function rewritePhaseEntries(d: Directive): ScopeEntry[] {
  if (d.name === 'rewrite' && d.args[0] !== undefined) {
    return [{ kind: 'regex', pattern: d.args[0], subject: '$uri', certain: false }];
  }
  if (d.name === 'set' && d.args.length >= 2) {
    const ref = readVariable(d.args[0], 0);
    return ref ? [{ kind: 'set', name: ref.name, value: d.args[1] }] : [];
  }
  if (d.name === 'if' && d.block) {
    const cond = parseIfCondition(d.args);
    const own: ScopeEntry[] = cond && (cond.operator === '~' || cond.operator === '~*') && cond.operand !== undefined
      ? [{ kind: 'regex', pattern: cond.operand, subject: cond.subject, certain: false }]
      : [];
    return [...own, ...d.block.flatMap(rewritePhaseEntries)];
  }
  return [];
}

/** The regex a level itself matched to be entered: a regex location, an `if` match, regex server names. */
function levelEntries(level: Directive): ScopeEntry[] {
  if (level.name === 'location') {
    const loc = parseLocation(level.args);
    return loc && isRegexModifier(loc.modifier) ? [{ kind: 'regex', pattern: loc.path, subject: '$uri', certain: true }] : [];
  }
  if (level.name === 'if') {
    const cond = parseIfCondition(level.args);
    return cond && (cond.operator === '~' || cond.operator === '~*') && cond.operand !== undefined
      ? [{ kind: 'regex', pattern: cond.operand, subject: cond.subject, certain: true }]
      : [];
  }
  if (level.name === 'server') {
    return (level.block ?? [])
      .filter(c => c.name === 'server_name')
      .flatMap(c => c.args.filter(a => a.startsWith('~')))
      .map(a => ({ kind: 'regex' as const, pattern: a.slice(1), subject: '$host', certain: false }));
  }
  return [];
}

/**
 * What may have run before `d` in the rewrite phase, innermost (most recent) first: the `set`s and regex
 * matches of its own block, of the location an `if` sits in, of the server (server rewrite phase), and the
 * regexes of the enclosing locations and `if`s. Rewrite directives of an outer location do not run for a
 * nested location, so they are left out.
 */
function scopeChain(d: Directive, parents: readonly Directive[]): ScopeEntry[] {
  const chain: ScopeEntry[] = [];
  if (d.name === 'rewrite' && d.args[0] !== undefined) {
    chain.push({ kind: 'regex', pattern: d.args[0], subject: '$uri', certain: true });
  }
  let child = d;
  for (let i = parents.length - 1; i >= 0; i--) {
    const level = parents[i];
    const siblings = level.block ?? [];
    const at = siblings.indexOf(child);
    let ran: readonly Directive[] = [];
    if (child === d) {
      ran = REWRITE_PHASE.has(d.name) ? siblings.slice(0, at) : siblings.filter(s => s !== d);
    } else if (child.name === 'if') {
      ran = siblings.slice(0, at);
    } else if (level.name === 'server') {
      ran = siblings;
    }
    for (const s of [...ran].reverse()) {
      if (s !== child) chain.push(...rewritePhaseEntries(s).reverse());
    }
    chain.push(...levelEntries(level));
    child = level;
  }
  return chain;
}

function regexEntries(chain: readonly ScopeEntry[]): RegexEntry[] {
  return chain.filter((e): e is RegexEntry => e.kind === 'regex');
}

/** The regexes that may have set `$n`: the innermost certain match and any conditional match after it. */
function positionalProviders(chain: readonly ScopeEntry[]): RegexEntry[] {
  const providers: RegexEntry[] = [];
  for (const e of regexEntries(chain)) {
    providers.push(e);
    if (e.certain) break;
  }
  return providers;
}

const MAX_DEPTH = 8;

/** Which of CR and LF the value can contain at run time. */
function newlinesIn(value: string, chain: readonly ScopeEntry[], depth = 0, skipPositional = false): Set<string> {
  const found = new Set<string>();
  for (const ref of variablesIn(value)) {
    if (skipPositional && isCaptureName(ref.name)) continue;
    for (const ch of variableNewlines(ref.name, chain, depth)) found.add(ch);
  }
  return found;
}

function variableNewlines(name: string, chain: readonly ScopeEntry[], depth: number): Set<string> {
  const found = new Set<string>();
  if (depth > MAX_DEPTH) return found;
  if (DECODED_VARIABLES.has(name)) return new Set([LF, CR]);
  const fromGroup = (e: RegexEntry, g: RegexGroup | undefined) => {
    if (!g) return;
    const subject = e.subject === '$uri' ? new Set([LF, CR]) : newlinesIn(e.subject, chain, depth + 1);
    for (const ch of subject) {
      if (fragmentCanContain(g.body, ch, isDotAll(e.pattern))) found.add(ch);
    }
  };
  if (isCaptureName(name)) {
    for (const e of positionalProviders(chain)) fromGroup(e, regexGroups(e.pattern).find(g => g.index === Number(name)));
    return found;
  }
  for (const e of chain) {
    if (e.kind === 'regex') {
      fromGroup(e, regexGroups(e.pattern).find(g => g.name === name));
    } else if (e.name === name) {
      for (const ch of newlinesIn(e.value, chain, depth + 1)) found.add(ch);
    }
  }
  return found;
}

/** The request-controlled variables a value is built from (directly, through captures or through `set`). */
function requestControlled(value: string, chain: readonly ScopeEntry[], depth = 0): string[] {
  const names: string[] = [];
  for (const ref of variablesIn(value)) {
    if (variableIsRequestControlled(ref.name, chain, depth)) names.push(`$${ref.name}`);
  }
  return [...new Set(names)];
}

function variableIsRequestControlled(name: string, chain: readonly ScopeEntry[], depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  if (isRequestVariable(name)) return true;
  const regexes = regexEntries(chain);
  if (isCaptureName(name)) {
    // Every regex nginx matches runs on request data ($uri, the Host header, or an `if` subject).
    return regexes.some(e => regexGroups(e.pattern).length >= Number(name));
  }
  if (regexes.some(e => regexGroups(e.pattern).some(g => g.name === name))) return true;
  return chain.some(e => e.kind === 'set' && e.name === name && requestControlled(e.value, chain, depth + 1).length > 0);
}

/** Replaces each variable by the literal value of its `set`, if every variable has one. */
function substitute(value: string, chain: readonly ScopeEntry[]): string | undefined {
  let out = '';
  let last = 0;
  for (const ref of variablesIn(value)) {
    const set = chain.find((e): e is SetEntry => e.kind === 'set' && e.name === ref.name);
    if (!set || set.value.includes('$')) return undefined;
    out += value.slice(last, ref.start) + set.value;
    last = ref.end;
  }
  return out + value.slice(last);
}

// ---------------------------------------------------------------------------------------------------------
// Upstream addresses

interface PassTarget {
  /** Scheme as written, possibly with variables; '' when there is none. */
  readonly scheme: string;
  /** Host and port (or `unix:path`), possibly with variables. */
  readonly address: string;
}

/** Splits `proxy_pass http://host:port/path` (or `fastcgi_pass host:port`, `grpc_pass grpc://...`). */
function passTarget(value: string): PassTarget {
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
function hostOf(address: string): string {
  if (address.startsWith('[')) return address.slice(0, address.indexOf(']') + 1);
  return address.replace(/:\d+$/, '');
}

/** An address nginx needs no DNS for, or one it finds among the upstream blocks. */
function needsNoDns(host: string, upstreams: ReadonlySet<string>): boolean {
  return host.startsWith('unix:')
    || host.startsWith('[')
    || /^\d{1,3}(\.\d{1,3}){3}$/.test(host)
    || host.toLowerCase() === 'localhost'
    || upstreams.has(host.toLowerCase());
}

// ---------------------------------------------------------------------------------------------------------
// 1. add-header-redefinition

interface InheritedHeader {
  readonly name: string;
  readonly from: string;
}

function checkHeaderInheritance(tree: readonly Directive[], directive: string, inheritDirective: string): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  const visit = (nodes: readonly Directive[], parents: readonly Directive[], inherited: InheritedHeader[], mode: string) => {
    for (const d of nodes) {
      if (!d.block || KEY_VALUE_BLOCKS.has(d.name)) continue;
      const path = [...parents, d];
      if (!HEADER_LEVELS.has(d.name)) {
        visit(d.block, path, inherited, mode);
        continue;
      }
      const own = d.block.filter(c => c.name === directive && c.args[0] !== undefined);
      // Described only for a block with headers of its own (the others just pass the inherited ones on).
      const where = own.length > 0 ? describeWhere(parents, d) : '';
      const ownMode = d.block.find(c => c.name === inheritDirective)?.args[0]?.toLowerCase() ?? mode;
      const ownHeaders = own.map(c => ({ name: c.args[0], from: where }));
      let effective: InheritedHeader[];
      if (ownMode === 'off') {
        effective = ownHeaders;
      } else if (own.length === 0) {
        effective = inherited;
      } else if (ownMode === 'merge') {
        effective = [...ownHeaders, ...inherited];
      } else {
        const ownNames = new Set(own.map(c => c.args[0].toLowerCase()));
        const dropped = new Map<string, InheritedHeader>();
        for (const h of inherited) {
          if (!ownNames.has(h.name.toLowerCase()) && !dropped.has(h.name.toLowerCase())) dropped.set(h.name.toLowerCase(), h);
        }
        if (dropped.size > 0) {
          const list = [...dropped.values()].map(h => `${h.name} (from ${h.from})`).join(', ');
          findings.push(finding('add-header-redefinition', Severity.WARNING, where,
            `${where} has its own ${directive} (${[...new Set(own.map(c => c.args[0]))].join(', ')}), so nginx drops every ${directive} `
            + `inherited from the enclosing blocks: ${list} ${dropped.size === 1 ? 'is' : 'are'} not sent for requests handled here. `
            + `${directive} is inherited only by a block that defines none of its own, which silently removes security headers. `
            + `Repeat the dropped ${directive} lines in this block (for example from one shared list), move this block's ${directive} up to the `
            + `enclosing block, or (nginx 1.29.3+) set '${inheritDirective} merge'.`));
        }
        effective = ownHeaders;
      }
      visit(d.block, path, effective, ownMode);
    }
  };
  visit(tree, [], [], 'on');
  return findings;
}

// ---------------------------------------------------------------------------------------------------------
// 2. host-from-http-host

function checkHostFromHttpHost(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  walk(tree, (d, parents) => {
    if (d.name !== 'proxy_set_header' || d.args[0]?.toLowerCase() !== 'host' || d.args[1] === undefined) return;
    if (!variablesIn(d.args[1]).some(v => v.name === 'http_host')) return;
    findings.push(finding('host-from-http-host', Severity.ERROR, describeWhere(parents),
      `'${show(d)}' forwards the raw Host header to the upstream. $http_host is whatever the client sent: it is empty for `
      + 'HTTP/1.0 requests, keeps any port, and is not the host nginx chose the server by when the request line carries an absolute URI, '
      + 'so the upstream can be told a host name this server never accepted (cache poisoning, password-reset and routing attacks). '
      + "Use 'proxy_set_header Host $host;' ($host is the validated, lower-cased host name, falling back to server_name).",
    ));
  });
  return findings;
}

// ---------------------------------------------------------------------------------------------------------
// 3. alias-traversal

function checkAliasTraversal(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  walk(tree, (d, parents) => {
    if (d.name !== 'location' || !d.block) return;
    const loc = parseLocation(d.args);
    if (!loc || (loc.modifier !== '' && loc.modifier !== '^~') || loc.path.endsWith('/')) return;
    for (const alias of d.block.filter(c => c.name === 'alias' && c.args[0]?.endsWith('/'))) {
      const where = describeWhere(parents, d);
      findings.push(finding('alias-traversal', Severity.ERROR, where,
        `location ${loc.path} does not end with '/' but its 'alias ${alias.args[0]}' does: a request for ${loc.path}../secret `
        + `maps to ${alias.args[0]}../secret, one directory above the alias, so any file next to ${alias.args[0]} can be read (path traversal). `
        + `End both with '/' (location ${loc.path}/ with alias ${alias.args[0]}), or neither.`));
    }
  });
  return findings;
}

// ---------------------------------------------------------------------------------------------------------
// 4. http-splitting

interface SplittingSink {
  /** The value that ends up in a header (or in the request line to the upstream). */
  readonly value: string;
  /** Sent to the upstream (only LF splits a request there) rather than to the client (CR or LF). */
  readonly serverSide: boolean;
  /** nginx percent-escapes $1..$9 here (the replacement of a redirecting rewrite). */
  readonly capturesEscaped: boolean;
}

function splittingSink(d: Directive): SplittingSink | undefined {
  const a = d.args;
  switch (d.name) {
    case 'add_header':
    case 'add_trailer':
      return a[1] === undefined ? undefined : { value: a[1], serverSide: false, capturesEscaped: false };
    case 'proxy_set_header':
      return a[1] === undefined ? undefined : { value: a[1], serverSide: true, capturesEscaped: false };
    case 'proxy_pass':
      return a[0] === undefined ? undefined : { value: a[0], serverSide: true, capturesEscaped: false };
    case 'return':
      // `return URL` and `return 301|302|303|307|308 URL` send a Location header; other codes send a body.
      if (a.length === 1 && !/^\d+$/.test(a[0])) return { value: a[0], serverSide: false, capturesEscaped: false };
      if (a.length >= 2 && REDIRECT_CODES.has(a[0])) return { value: a[1], serverSide: false, capturesEscaped: false };
      return undefined;
    case 'rewrite': {
      // Only a redirect puts the replacement in a header; an internal rewrite just changes the URI.
      const replacement = a[1];
      if (replacement === undefined) return undefined;
      const redirect = /^(https?:\/\/|\$scheme)/.test(replacement) || a[2] === 'redirect' || a[2] === 'permanent';
      return redirect ? { value: replacement, serverSide: false, capturesEscaped: true } : undefined;
    }
    default:
      return undefined;
  }
}

function checkHttpSplitting(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  walk(tree, (d, parents) => {
    const sink = splittingSink(d);
    if (!sink || !sink.value.includes('$')) return;
    const chain = scopeChain(d, parents);
    const bad: string[] = [];
    for (const ref of variablesIn(sink.value)) {
      if (sink.capturesEscaped && isCaptureName(ref.name)) continue;
      const chars = variableNewlines(ref.name, chain, 0);
      if (chars.has(LF) || (!sink.serverSide && chars.has(CR))) bad.push(`$${ref.name}`);
    }
    if (bad.length === 0) return;
    const vars = [...new Set(bad)].join(', ');
    const target = sink.serverSide ? 'the request nginx sends to the upstream' : 'the response headers';
    findings.push(finding('http-splitting', Severity.ERROR, describeWhere(parents),
      `'${show(d)}' puts ${vars} into ${target}. ${vars} can hold a CR or LF that nginx decoded from %0D/%0A in the request path `
      + '($uri and $document_uri are decoded, and so are regex captures taken from them), so a client can inject extra '
      + `${sink.serverSide ? 'headers or a second request to the upstream (request splitting)' : 'headers or a whole response (HTTP response splitting, header injection)'}. `
      + 'Use $request_uri (raw and still percent-encoded) instead of $uri/$document_uri, and make captures unable to match newlines '
      + '(for example [^/\\r\\n]+ or \\w+ instead of [^/]+).'));
  });
  return findings;
}

// ---------------------------------------------------------------------------------------------------------
// 5. ssrf

function checkSsrf(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  walk(tree, (d, parents) => {
    if (!PASS_DIRECTIVES.has(d.name) || d.args[0] === undefined || !d.args[0].includes('$')) return;
    const chain = scopeChain(d, parents);
    const target = passTarget(d.args[0]);
    const controlled = [...new Set([...requestControlled(target.scheme, chain), ...requestControlled(target.address, chain)])];
    if (controlled.length === 0) return;
    findings.push(finding('ssrf', Severity.ERROR, describeWhere(parents),
      `'${show(d)}' takes the upstream ${target.scheme.includes('$') ? 'scheme or host' : 'host'} from ${controlled.join(', ')}, which the client `
      + 'controls: anyone can make nginx connect to any address the pod can reach (cloud metadata at 169.254.169.254, the Kubernetes API, '
      + 'internal services) and read the answer (server-side request forgery). Proxy to a fixed host or an upstream block; if the target '
      + 'must vary, map the request value to an allow-list with a map block and use only the mapped value. Request data may appear only in '
      + 'the path after the host.'));
  });
  return findings;
}

// ---------------------------------------------------------------------------------------------------------
// 6. version-disclosure

function checkVersionDisclosure(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  walk(tree, (d, parents) => {
    if (d.name === 'server_tokens' && ['on', 'build'].includes(d.args[0]?.toLowerCase() ?? '')) {
      findings.push(finding('version-disclosure', Severity.ERROR, describeWhere(parents),
        `'${show(d)}' sends the exact nginx version${d.args[0].toLowerCase() === 'build' ? ' and build name' : ''} in the Server header `
        + 'and on error pages, which tells attackers which known vulnerabilities apply. Use \'server_tokens off;\'.'));
    }
    if (d.name === 'http' && d.block) {
      const own = d.block.find(c => c.name === 'server_tokens');
      if (own) return;
      const servers = d.block.filter(c => c.name === 'server' && c.block);
      const leaking = servers.filter(s => !s.block!.some(c => c.name === 'server_tokens'));
      if (servers.length > 0 && leaking.length === 0) return;
      const where = describeWhere(parents, d);
      findings.push(finding('version-disclosure', Severity.WARNING, where,
        `${where} has no 'server_tokens off', and nginx's default is on: ${leaking.length > 0
          ? leaking.map(s => describeWhere([], s)).join(', ')
          : 'every server'} send${leaking.length === 1 ? 's' : ''} the nginx version in the Server header and on error pages, `
        + "which tells attackers which known vulnerabilities apply. Add 'server_tokens off;' to the http block."));
    }
  });
  return findings;
}

// ---------------------------------------------------------------------------------------------------------
// 7. if-in-location

function isSafeInIf(d: Directive): boolean {
  return d.name === 'return' || (d.name === 'rewrite' && d.args[d.args.length - 1] === 'last');
}

function checkIfInLocation(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  walk(tree, (d, parents) => {
    if (d.name !== 'if' || !d.block || parents[parents.length - 1]?.name !== 'location') return;
    if (d.block.length > 0 && d.block.every(isSafeInIf)) return;
    const where = describeWhere(parents, d);
    findings.push(finding('if-in-location', Severity.WARNING, where,
      `'if ${d.args.join(' ')}' inside a location ("if is evil"): when the condition is true, nginx handles the request with a hidden `
      + 'location made from the if block, which does not inherit try_files nor the rewrite directives that follow the if, and keeps '
      + 'only its own content handler, so the location silently behaves differently for those requests. Only \'return ...\' and '
      + "'rewrite ... last' are safe in such an if; compute the value with a map block instead, use a separate location, "
      + 'or put the if in the server block.'));
  });
  return findings;
}

// ---------------------------------------------------------------------------------------------------------
// 8. root-slash

function checkRootSlash(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  walk(tree, (d, parents) => {
    if ((d.name !== 'root' && d.name !== 'alias') || !/^\/+$/.test(d.args[0] ?? '')) return;
    findings.push(finding('root-slash', Severity.ERROR, describeWhere(parents),
      `'${show(d)}' serves the whole filesystem of the container: any request path maps to a file under /, including /proc/self/environ `
      + `(secrets in environment variables) and mounted service-account tokens. Point ${d.name} at the directory that holds the site, `
      + "such as '/usr/share/nginx/html'."));
  });
  return findings;
}

// ---------------------------------------------------------------------------------------------------------
// 9. keepalive-requests

function checkKeepaliveRequests(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  walk(tree, (d, parents) => {
    if (d.name !== 'keepalive_requests' || !/^\d+$/.test(d.args[0] ?? '')) return;
    const n = Number(d.args[0]);
    if (n >= 1000) return;
    const upstream = parents[parents.length - 1]?.name === 'upstream';
    findings.push(finding('keepalive-requests', Severity.WARNING, describeWhere(parents),
      `'${show(d)}' closes each ${upstream ? 'upstream ' : ''}keep-alive connection after ${n} requests, below nginx's default of 1000 (since 1.19.10). `
      + `${upstream ? 'nginx then opens new connections to the upstream far more often' : 'Clients, and HTTP/2 clients especially, then reconnect far more often'}, `
      + 'paying a TCP and TLS handshake each time, and busy clients see spurious connection resets. '
      + "Remove the directive or set it to at least 1000 ('keepalive_requests 1000;')."));
  });
  return findings;
}

// ---------------------------------------------------------------------------------------------------------
// 10. worker-rlimit-nofile

function checkWorkerRlimitNofile(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  const rlimit = tree.find(d => d.name === 'worker_rlimit_nofile');
  if (!rlimit || !/^\d+$/.test(rlimit.args[0] ?? '')) return findings;
  const events = tree.find(d => d.name === 'events' && d.block);
  const wc = events?.block?.find(d => d.name === 'worker_connections');
  const connections = wc && /^\d+$/.test(wc.args[0] ?? '') ? Number(wc.args[0]) : 512;
  const limit = Number(rlimit.args[0]);
  if (limit >= 2 * connections) return findings;
  findings.push(finding('worker-rlimit-nofile', Severity.WARNING, describeWhere([]),
    `'${show(rlimit)}' is below twice worker_connections (${connections}${wc ? '' : ', the default'}): a proxied request holds two file `
    + 'descriptors (client and upstream), plus open files and logs, so workers hit "Too many open files" and drop connections before '
    + `reaching worker_connections. Set worker_rlimit_nofile to at least ${2 * connections}, or lower worker_connections.`));
  return findings;
}

// ---------------------------------------------------------------------------------------------------------
// 11. unanchored-regex

function checkUnanchoredRegex(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  walk(tree, (d, parents) => {
    if (d.name !== 'location' || !d.block) return;
    const loc = parseLocation(d.args);
    if (!loc || !isRegexModifier(loc.modifier)) return;
    const pattern = loc.path.replace(/^\(\?[a-zA-Z-]+\)/, '');
    const startAnchored = pattern.startsWith('^') || pattern.startsWith('\\A');
    const trailing = /(\\*)(\$|\\z|\\Z)$/.exec(pattern);
    const endAnchored = trailing !== null && (trailing[2] !== '$' || trailing[1].length % 2 === 0);
    if (startAnchored || endAnchored) return;
    const where = describeWhere(parents, d);
    findings.push(finding('unanchored-regex', Severity.WARNING, where,
      `'location ${d.args.join(' ')}' has a regex anchored neither with ^ nor with $, so it matches wherever the pattern occurs in the URI `
      + "('location ~ \\.php' also matches /uploads/shell.php.png, 'location ~ /admin' also matches /public/admin-notes): uploaded files "
      + 'can reach a script handler, and rules meant for one path apply to others. Anchor it: ^ for a path prefix (~ ^/admin/), '
      + '$ for an extension (~ \\.php$).'));
  });
  return findings;
}

// ---------------------------------------------------------------------------------------------------------
// 12. proxy-pass-hostname

function checkProxyPassHostname(tree: readonly Directive[], upstreams: ReadonlySet<string>): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  walk(tree, (d, parents) => {
    if (!PASS_DIRECTIVES.has(d.name) || d.args[0] === undefined) return;
    const value = d.args[0];
    const target = passTarget(value);
    const where = describeWhere(parents);
    if (!value.includes('$')) {
      const host = hostOf(target.address);
      if (host === '' || needsNoDns(host, upstreams)) return;
      findings.push(finding('proxy-pass-hostname', Severity.WARNING, where,
        `'${show(d)}' names the host ${host}, which is neither an IP address, a unix: socket nor an upstream block: nginx resolves it `
        + 'once, at start-up, and keeps those addresses until it is restarted (a resolver directive does not change that for a fixed '
        + 'name), so when the DNS record changes (a re-created Service, a rescheduled pod) requests go to a stale or foreign address; '
        + "and if the name does not resolve at start-up nginx refuses to start. Define 'upstream' with the address, or add a resolver and "
        + `put the name in a variable ('resolver kube-dns.kube-system.svc.cluster.local valid=10s; set $backend ${host}; ${d.name} ...$backend...') `
        + 'so nginx re-resolves it at run time.'));
      return;
    }
    // With variables nginx resolves at run time: an upstream name or an IP needs no resolver, anything else does.
    const chain = scopeChain(d, parents);
    let host: string;
    if (!target.address.includes('$')) {
      host = hostOf(target.address);
    } else {
      const resolved = substitute(value, chain);
      if (resolved === undefined) return; // the host is only known at run time
      host = hostOf(passTarget(resolved).address);
    }
    if (host === '' || needsNoDns(host, upstreams)) return;
    if (parents.some(p => p.block?.some(c => c.name === 'resolver'))) return;
    findings.push(finding('proxy-pass-hostname', Severity.WARNING, where,
      `'${show(d)}' contains variables, so nginx resolves the host ${host} at run time, but no resolver is configured in this block `
      + 'or any enclosing one: every request fails with 502 and "no resolver defined to resolve" in the error log. Add a resolver '
      + "('resolver kube-dns.kube-system.svc.cluster.local valid=10s;' in http or server), or proxy to an upstream block."));
  });
  return findings;
}

// ---------------------------------------------------------------------------------------------------------
// 13. allow-without-deny

function checkAllowWithoutDeny(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  walk(tree, (d, parents) => {
    if (!d.block || KEY_VALUE_BLOCKS.has(d.name)) return;
    const allows = d.block.filter(c => c.name === 'allow');
    if (allows.length === 0) return;
    if (allows.some(c => c.args[0]?.toLowerCase() === 'all')) return;
    if (d.block.some(c => c.name === 'deny' && c.args[0]?.toLowerCase() === 'all')) return;
    const where = describeWhere(parents, d);
    findings.push(finding('allow-without-deny', Severity.ERROR, where,
      `${where} allows ${allows.map(c => c.args.join(' ')).join(', ')} but has no 'deny all': a request that matches no rule is let in, `
      + 'so the allow lines restrict nothing; and because this block has its own access rules, a deny in an enclosing block is not '
      + "inherited. Add 'deny all;' after the allow lines in this block."));
  });
  return findings;
}

// ---------------------------------------------------------------------------------------------------------
// 14. error-log-off and 15. log-file

function isStreamTarget(directive: string, target: string): boolean {
  if (target === '/dev/stdout' || target === '/dev/stderr' || target === '/dev/null' || target.startsWith('syslog:')) return true;
  if (directive === 'access_log') return target === 'off';
  // error_log: 'stderr' and 'memory:' are keywords of error_log only.
  return target === 'stderr' || target.startsWith('memory:');
}

function checkLogTargets(tree: readonly Directive[]): ConfigFinding[] {
  const errorLogOff: ConfigFinding[] = [];
  const logFile: ConfigFinding[] = [];
  walk(tree, (d, parents) => {
    if (d.name !== 'access_log' && d.name !== 'error_log') return;
    const target = d.args[0];
    if (target === undefined) return;
    const where = describeWhere(parents);
    if (d.name === 'error_log' && target === 'off') {
      errorLogOff.push(finding('error-log-off', Severity.ERROR, where,
        `'${show(d)}' does not turn the error log off: error_log has no 'off' value, so nginx writes errors to a file named "off" under `
        + 'its prefix (for example /etc/nginx/off), which fails on a read-only root filesystem or fills the disk. '
        + "Log to stderr at a high level instead: 'error_log stderr crit;'."));
      return;
    }
    if (isStreamTarget(d.name, target)) return;
    const hint = d.name === 'access_log' && (target === 'stderr' || target.startsWith('memory:'))
      ? ` ('${target}' is a keyword of error_log only: access_log treats it as a file name relative to nginx's prefix)`
      : '';
    logFile.push(finding('log-file', Severity.ERROR, where,
      `'${show(d)}' writes to a file${hint}. On a read-only root filesystem nginx cannot open it (start-up fails with "Read-only file `
      + 'system"), and a log file under the memory-backed emptyDir grows until it exhausts the pod\'s memory limit and the pod is killed; '
      + `the log is also invisible to 'kubectl logs'. Log to ${d.name === 'access_log' ? "/dev/stdout ('access_log /dev/stdout main;')" : "stderr ('error_log stderr warn;')"}, `
      + 'or to syslog:, and let the container runtime collect it.'));
  });
  return [...errorLogOff, ...logFile];
}
