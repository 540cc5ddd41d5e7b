import { Directive } from '../directive';
import { ConfigFinding, Severity, describeWhere } from '../findings';
import { CharSet, RegexMatcher, RegexNode } from './regex';
import { SecurityRule } from './rule';
import { finding, parseIfCondition, readVariable, show, variablesIn, walk } from './tree';

/**
 * origins: a regex that checks the Origin or Referer header (an `if` or a `map` key) and accepts a site the
 * author did not mean to trust.
 *
 * Browsers send `Origin: scheme://host[:port]` and `Referer: scheme://host[:port]/path?query`, with a
 * lower-case host; an attacker controls any host of a domain they register and any path on it. The
 * analysis reads the pattern (PCRE), takes the hosts it spells out as the trusted domains (`example\.com`
 * trusts example.com and its subdomains), builds candidate values (the pattern's own text with its
 * wildcards, unescaped dots and optional parts filled in other ways, and with attacker text before and after
 * it) and runs the pattern on them with a PCRE-like matcher. It reports a value a browser could send from
 * another domain that the pattern accepts (`https://example.com.evil.com`, `https://evilexample.com`,
 * `https://evil.com/?https://example.com/`, `https://example-com` for an unescaped dot), a pattern that
 * accepts text before the scheme, and one that can never match what browsers send (an Origin with a path,
 * no scheme). `$http_referrer` (double r) is reported too: browsers never send that header.
 */

/** What the matched value is: a full Origin, a full Referer, or a Referer without its scheme (valid_referers). */
export type UrlKind = 'origin' | 'referer' | 'referer-host';

export interface UrlRegexProblem {
  readonly kind: 'bypass' | 'prefix' | 'never';
  /** An accepted value (bypass, prefix) or the value the pattern expects (never). */
  readonly example: string;
  /** The trusted registrable domains the pattern spells out. */
  readonly trusted: readonly string[];
}

/* ---------------------------------------------------------------------------------------------------- */
/* Host names                                                                                             */
/* ---------------------------------------------------------------------------------------------------- */

/** Second-level labels under which names are registered in many country domains (example.co.uk). */
const SECOND_LEVEL = new Set([
  'co', 'com', 'net', 'org', 'gov', 'edu', 'ac', 'or', 'ne', 'go', 'gob', 'mil', 'nic', 'ltd', 'plc', 'sch', 'nom', 'gen', 'biz', 'info',
  'int', 'ed', 'gr', 'res', 'web', 'blogspot',
]);
/** Public suffixes run by hosting providers: anyone can get a name under them. */
const SHARED_SUFFIXES = new Set([
  'github.io', 'gitlab.io', 'herokuapp.com', 'appspot.com', 'azurewebsites.net', 'cloudfront.net', 'netlify.app', 'vercel.app',
  'pages.dev', 'workers.dev', 'web.app', 'firebaseapp.com', 'blogspot.com', 'wordpress.com', 'ngrok.io', 's3.amazonaws.com',
  'onrender.com', 'fly.dev', 'glitch.me', 'repl.co', 'surge.sh', 'now.sh', 'azurestaticapps.net', 'trycloudflare.com',
]);

function isIpAddress(host: string): boolean {
  return /^\d+(\.\d+){3}$/.test(host) || host.startsWith('[');
}

/** The name someone registers to own `host` (example.com for a.b.example.com, example.co.uk, x.github.io). */
export function registrableDomain(host: string): string {
  if (isIpAddress(host)) return host;
  const labels = host.split('.');
  if (labels.length < 2) return host;
  const lastTwo = labels.slice(-2).join('.');
  const countrySecondLevel = labels[labels.length - 1].length === 2 && SECOND_LEVEL.has(labels[labels.length - 2]);
  const takeThree = labels.length >= 3 && (SHARED_SUFFIXES.has(lastTwo) || countrySecondLevel);
  return labels.slice(takeThree ? -3 : -2).join('.');
}

/** A host name as browsers send it: lower-case DNS labels or an IPv4 address. */
function isValidHost(host: string): boolean {
  return host.length > 0 && host.length <= 253 && host.split('.').every(l => /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(l) || /^[a-z0-9]$/.test(l));
}

interface ParsedUrl {
  readonly host: string;
  readonly path: string;
}

/** The value as a browser would send it for `kind`, or undefined if no browser sends such a value. */
function parseBrowserValue(value: string, kind: UrlKind, loose: boolean): ParsedUrl | undefined {
  const full = kind === 'referer-host' ? `https://${value}` : value;
  const m = /^https?:\/\/([^/:?#@]*)(?::(\d{1,5}))?(.*)$/.exec(full);
  if (!m || !isValidHost(m[1])) return undefined;
  const rest = m[3];
  if (kind === 'origin') return rest === '' ? { host: m[1], path: '' } : undefined;
  // A Referer always has a path (at least '/'), never a fragment, and no spaces or control characters.
  if (/[\s#\x00-\x1f\x7f]/.test(rest)) return undefined;
  if (rest === '') return loose ? { host: m[1], path: '' } : undefined;
  return rest.startsWith('/') || (loose && rest.startsWith('?')) ? { host: m[1], path: rest } : undefined;
}

/** The host a pattern's own text names, normalised: `https://..example.com` (from `.+\.example\.com`) is example.com. */
function spelledHost(sample: string): string | undefined {
  const afterScheme = sample.includes('://') ? sample.slice(sample.indexOf('://') + 3) : sample;
  const host = (/^[a-z0-9.-]*/i.exec(afterScheme)![0]).toLowerCase().replace(/\.{2,}/g, '.').replace(/^\.+|\.+$/g, '');
  return /[a-z]/.test(host) && host.includes('.') && isValidHost(host) ? host : undefined;
}

/* ---------------------------------------------------------------------------------------------------- */
/* Candidate values built from the pattern                                                                */
/* ---------------------------------------------------------------------------------------------------- */

interface Sample {
  readonly text: string;
  /** How many places were filled differently from the pattern's own text. */
  readonly changes: number;
}

const MAX_CHANGES = 2;
const MAX_SAMPLES = 3000;

class Unsupported extends Error {}

/** Single characters an attacker may put where a pattern has a class or a dot. */
const ATTACK_CHARS = ['-', 'a', '.', '/', '?', '#', '0', ':', '_'];
/** Texts an attacker may put where a pattern repeats a class or a dot. */
const ATTACK_TEXTS = [
  'evil', 'evil.com', 'evil.com.', '.evil.com', 'evil-', '-evil', 'evil.com/', 'evil.com/?', 'evil.com?', 'evil.com#', 'evil.com:443',
  'a.', 'a-', 'a.b', '/', '.', '-', 'evil.com/x/',
];

/** The character a class stands for in the pattern's own text: a dot for wide classes, else a letter. */
function canonicalChar(set: CharSet): string | undefined {
  if (set.size() > 128 && set.hasChar('.')) return '.';
  return set.pick('abcdefghijklmnopqrstuvwxyz0123456789-.');
}

function addSample(out: Map<string, number>, text: string, changes: number): void {
  if (changes > MAX_CHANGES) return;
  const old = out.get(text);
  if (old === undefined || changes < old) out.set(text, changes);
}

function samplesOf(node: RegexNode): Sample[] {
  const out = new Map<string, number>();
  switch (node.type) {
    case 'char': {
      const canonical = canonicalChar(node.set);
      if (canonical === undefined) return [];
      addSample(out, canonical, 0);
      for (const ch of ATTACK_CHARS) if (node.set.hasChar(ch)) addSample(out, ch, 1);
      break;
    }
    case 'seq': {
      let acc: Sample[] = [{ text: '', changes: 0 }];
      for (const item of node.items) acc = combine(acc, samplesOf(item));
      return acc;
    }
    case 'alt':
      for (const o of node.options) for (const s of samplesOf(o)) addSample(out, s.text, s.changes);
      break;
    case 'group': case 'atomic':
      return samplesOf(node.body);
    case 'assert':
      return [{ text: '', changes: 0 }];
    case 'repeat': {
      const { body, min, max } = node;
      if (body.type === 'char') {
        const canonical = canonicalChar(body.set);
        if (canonical === undefined) return min === 0 ? [{ text: '', changes: 0 }] : [];
        addSample(out, canonical.repeat(min), 0);
        if (min + 1 <= max) addSample(out, canonical.repeat(min + 1), 1);
        for (const text of [...ATTACK_CHARS, ...ATTACK_TEXTS]) {
          if (text.length >= min && text.length <= max && [...text].every(ch => body.set.hasChar(ch))) addSample(out, text, 1);
        }
        break;
      }
      const once = samplesOf(body);
      let acc: Sample[] = [{ text: '', changes: 0 }];
      for (let count = 0; count <= Math.min(max, min + 2); count++) {
        if (count >= min) for (const s of acc) addSample(out, s.text, s.changes + Math.max(0, count - min));
        acc = combine(acc, once);
      }
      break;
    }
    default:
      // Look-around and back-references: the candidates could not be trusted.
      throw new Unsupported();
  }
  return [...out].map(([text, changes]) => ({ text, changes }));
}

function combine(left: readonly Sample[], right: readonly Sample[]): Sample[] {
  const out = new Map<string, number>();
  for (const a of left) {
    for (const b of right) {
      if (a.changes + b.changes <= MAX_CHANGES) addSample(out, a.text + b.text, a.changes + b.changes);
    }
    if (out.size > MAX_SAMPLES) break;
  }
  return [...out].map(([text, changes]) => ({ text, changes }));
}

/** Attacker text before the pattern's own text. */
const PREFIXES = ['', 'https://', 'http://', 'https://evil', 'https://evil.', 'https://evil-', 'https://evil.com', 'https://evil.com/', 'https://evil.com/?', 'https://evil.com/?x=', 'evil', 'evil.', 'evil.com/', 'evil.com/?'];
/** Attacker text after it. */
const SUFFIXES = ['', '.evil.com', '-evil.com', 'evil.com', '.evil.com/', 'evil.com/', '-evil.com/', '/', '/x', ':8443', '.evil.com/x'];

/**
 * What is wrong with a pattern that checks an Origin or Referer value, if anything: the first problem of
 * bypass (an accepted value from an untrusted domain), prefix (text accepted before the scheme) and never
 * (no value a browser sends can match). Undefined when the pattern is fine or names no domain.
 */
export function urlRegexProblem(pattern: string, caseless: boolean, kind: UrlKind, labels = false): UrlRegexProblem | undefined {
  const matcher = RegexMatcher.of(pattern, caseless);
  if (!matcher) return undefined;
  let samples: Sample[];
  try {
    samples = samplesOf(matcher.parsed.root);
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
  const own = samples.filter(s => s.changes === 0).map(s => s.text);
  const trusted = [...new Set(own.flatMap(t => {
    const host = spelledHost(t);
    return host ? [registrableDomain(host)] : [];
  }))];
  // With `labels`, a pattern that names no whole domain (valid_referers ~\.google\.) trusts the domains named after its words.
  const words = trusted.length === 0 && labels
    ? [...new Set(own.flatMap(t => (t.includes('://') ? t.slice(t.indexOf('://') + 3) : t).split(/[/:?#]/)[0].toLowerCase().match(/[a-z0-9-]{3,}/g) ?? []))]
    : [];
  if (trusted.length === 0 && words.length === 0) return undefined;
  // Every host the pattern spells out is trusted, also those without a dot (localhost).
  const spelled = new Set(own.map(t => (/^[a-z0-9.-]*/i.exec(t.includes('://') ? t.slice(t.indexOf('://') + 3) : t)![0]).toLowerCase()));
  const isTrusted = (host: string) => isIpAddress(host) || spelled.has(host) || trusted.includes(registrableDomain(host))
    || words.some(w => registrableDomain(host).split('.')[0].includes(w));
  if (trusted.length === 0) trusted.push(...words.map(w => `the domains named ${w}`));

  const bypasses: string[] = [];
  let prefix: string | undefined;
  let usable = false;
  const tried = new Set<string>();
  const consider = (candidate: string) => {
    if (tried.has(candidate)) return;
    tried.add(candidate);
    if (!matcher.test(candidate)) return;
    const strict = parseBrowserValue(candidate, kind, false);
    if (strict && !isTrusted(strict.host)) bypasses.push(candidate);
    const loose = parseBrowserValue(candidate, kind, true);
    if (loose && isTrusted(loose.host)) usable = true;
  };
  for (const s of samples) {
    consider(s.text);
    // A pattern without its scheme (www\.example\.com$) is completed by the value's own scheme.
    if (s.changes > 0 && kind !== 'referer-host') for (const p of ['https://', 'http://']) consider(p + s.text);
  }
  for (const text of own) {
    for (const p of PREFIXES) {
      if (kind === 'referer-host' && p.includes('://')) continue;
      for (const q of SUFFIXES) consider(p + text + q);
    }
    // Text before the scheme: the pattern does not start where the value starts.
    if (kind !== 'referer-host' && /^https?:\/\//.test(text) && matcher.test(`evil${text}`)) prefix ??= `evil${text}`;
  }
  if (bypasses.length > 0) {
    // The most telling example: a host of evil.com, then any other, the shortest first.
    // A host under a real top-level domain (one of the trusted ones) reads best: https://blog-example.com.
    const tlds = new Set(['com', ...trusted.map(t => t.split('.').pop()!)]);
    const tld = (c: string) => tlds.has((parseBrowserValue(c, kind, false)?.host ?? '').split('.').pop()!) && (parseBrowserValue(c, kind, false)?.host ?? '').includes('.');
    const score = (c: string) => (/\bevil\.com\b/.test(c) ? 0 : c.includes('evil') ? 1000 : 2000) + (tld(c) ? 0 : 500) + c.length;
    return { kind: 'bypass', example: bypasses.sort((a, b) => score(a) - score(b))[0], trusted };
  }
  if (prefix !== undefined) return { kind: 'prefix', example: prefix, trusted };
  if (!usable && words.length === 0) return { kind: 'never', example: own[0] ?? '', trusted };
  return undefined;
}

/* ---------------------------------------------------------------------------------------------------- */
/* Where the configuration checks Origin and Referer                                                      */
/* ---------------------------------------------------------------------------------------------------- */

const HEADER_VARIABLES: Record<string, 'origin' | 'referer'> = { http_origin: 'origin', http_referer: 'referer' };

/** Whether a block only refuses the request (return 4xx/5xx or 444, deny): the `if` around it is a block list. */
function onlyRefuses(block: readonly Directive[]): boolean {
  const refusing = block.filter(c => (c.name === 'return' && /^(4\d\d|5\d\d)$/.test(c.args[0] ?? '')) || c.name === 'deny');
  return refusing.length > 0;
}

/** Whether directives set a CORS response header (Access-Control-Allow-*). */
function grantsCors(block: readonly Directive[]): boolean {
  let found = false;
  walk(block, d => {
    if ((d.name === 'add_header' || d.name === 'more_set_headers') && /access-control-allow-/i.test(d.args.join(' '))) found = true;
  });
  return found;
}

interface CheckedRegex {
  readonly directive: Directive;
  readonly parents: readonly Directive[];
  readonly pattern: string;
  readonly caseless: boolean;
  readonly kind: 'origin' | 'referer';
  readonly cors: boolean;
  readonly label: string;
}

/** Values of a map that mean "no" when a variable is tested with `if ($var)`. */
function isFalsy(value: string): boolean {
  return value === '' || value === '0';
}

/**
 * The regex keys of `map $http_origin|$http_referer $var` that grant something: their value differs from the
 * default and the variable is used to allow (a CORS header, an `if` that does not refuse), not to refuse.
 */
function grantingMapKeys(map: Directive, tree: readonly Directive[], kind: 'origin' | 'referer'): Array<{ entry: Directive; cors: boolean }> {
  const target = readVariable(map.args[1] ?? '', 0)?.name;
  if (!target || !map.block) return [];
  const defaultValue = map.block.find(e => e.name === 'default')?.args[0] ?? '';
  // How the variable is used: in a CORS header, or as the condition of an if.
  let cors = false;
  const conditions: Array<{ operator: string; operand?: string; refuses: boolean; grantsCors: boolean }> = [];
  walk(tree, d => {
    const uses = d.args.some(a => variablesIn(a).some(r => r.name === target));
    if (!uses) return;
    if (d.name === 'if' && d.block) {
      const cond = parseIfCondition(d.args);
      if (cond && readVariable(cond.subject, 0)?.name === target) {
        conditions.push({ operator: cond.operator, operand: cond.operand, refuses: onlyRefuses(d.block), grantsCors: grantsCors(d.block) });
      }
    } else if ((d.name === 'add_header' || d.name === 'more_set_headers') && /access-control-allow-/i.test(d.args.join(' '))) {
      cors = true;
    }
  });
  const out: Array<{ entry: Directive; cors: boolean }> = [];
  for (const entry of map.block) {
    if (!entry.name.startsWith('~') || entry.args.length !== 1) continue;
    const value = entry.args[0];
    if (value === defaultValue) continue;
    const conditionTrue = (c: { operator: string; operand?: string }) => {
      if (c.operator === '' ) return !isFalsy(value);
      if (c.operator === '=') return value === c.operand;
      if (c.operator === '!=') return value !== c.operand;
      return undefined;
    };
    let allows = cors && !isFalsy(value);
    let refuses = false;
    for (const c of conditions) {
      const t = conditionTrue(c);
      if (t === undefined) continue;
      if (c.refuses) {
        if (t) refuses = true;
        else allows = true;
      } else if (t) {
        allows = true;
      }
    }
    if (refuses) continue;
    // Without a recognised use, an Origin map is read as a CORS allow list; a Referer map is left alone.
    if (allows || (conditions.length === 0 && !cors && kind === 'origin' && !isFalsy(value))) {
      out.push({ entry, cors: cors || conditions.some(c => c.grantsCors) });
    }
  }
  return out;
}

function checkedRegexes(tree: readonly Directive[]): { regexes: CheckedRegex[]; misspelled: Array<{ d: Directive; parents: readonly Directive[] }> } {
  const regexes: CheckedRegex[] = [];
  const misspelled: Array<{ d: Directive; parents: readonly Directive[] }> = [];
  walk(tree, (d, parents) => {
    if (d.name === 'if' && d.block) {
      const cond = parseIfCondition(d.args);
      const name = cond && readVariable(cond.subject, 0)?.name;
      if (!cond || !name || readVariable(cond.subject, 0)!.end !== cond.subject.length) return;
      if (name === 'http_referrer') {
        misspelled.push({ d, parents });
        return;
      }
      const kind = HEADER_VARIABLES[name];
      if (!kind || cond.operand === undefined || !/^!?~\*?$/.test(cond.operator)) return;
      // `if ($x ~ re) { return 403; }` refuses what matches: a block list, whose gaps are not bypasses.
      if (!cond.operator.startsWith('!') && onlyRefuses(d.block)) return;
      regexes.push({
        directive: d,
        parents,
        pattern: cond.operand,
        caseless: cond.operator.endsWith('*'),
        kind,
        cors: grantsCors(d.block),
        label: `'if (${cond.subject} ${cond.operator} ${cond.operand})'`,
      });
    } else if (d.name === 'map' && d.block && d.args.length === 2) {
      const name = readVariable(d.args[0], 0)?.name;
      if (name === 'http_referrer') {
        misspelled.push({ d, parents });
        return;
      }
      const kind = name === undefined ? undefined : HEADER_VARIABLES[name];
      if (!kind || readVariable(d.args[0], 0)!.end !== d.args[0].length) return;
      for (const { entry, cors } of grantingMapKeys(d, tree, kind)) {
        const caseless = entry.name.startsWith('~*');
        regexes.push({
          directive: d,
          parents,
          pattern: entry.name.slice(caseless ? 2 : 1),
          caseless,
          kind,
          cors,
          label: `the key '${entry.name}' of 'map ${d.args.join(' ')}'`,
        });
      }
    }
  });
  return { regexes, misspelled };
}

function problemMessage(r: CheckedRegex, problem: UrlRegexProblem): string {
  const header = r.kind === 'origin' ? 'Origin' : 'Referer';
  const trusted = problem.trusted.join(', ');
  const fix = r.kind === 'origin'
    ? "Anchor the whole value and escape every dot, for example '^https://(www\\.)?example\\.com$' or, for subdomains and a port, "
      + "'^https://([a-z0-9-]+\\.)*example\\.com(:[0-9]+)?$'"
    : "Anchor the scheme and the host up to the path, escape every dot, for example '^https://(www\\.)?example\\.com/', or use "
      + 'valid_referers with host names';
  switch (problem.kind) {
    case 'bypass':
      return `${r.label} is meant to trust ${trusted}, but it also accepts the ${header} '${problem.example}', which a page on another `
        + `domain makes browsers send (an unescaped dot, a missing anchor or a wildcard lets other hosts in), so ${r.cors
          ? 'that site gets CORS access to responses meant for your own origins'
          : 'that site passes the check'}. ${fix}.`;
    case 'prefix':
      return `${r.label} accepts text before the scheme ('${problem.example}'): it is not anchored at the start with ^, so it checks `
        + `only the end of the ${header} value${r.kind === 'referer' ? ' and any site can pass it with a Referer such as https://evil.com/?https://...' : ''}. ${fix}.`;
    default:
      return `${r.label} can never match the ${header} header browsers send${r.kind === 'origin'
        ? ' (scheme://host[:port], lower-case, never a path, not even /)'
        : ' (scheme://host[:port]/path, lower-case host, never a fragment)'}: it expects '${problem.example}', so the check always `
        + `fails and whatever it guards is either always refused or never applied. ${fix}.`;
  }
}

function checkOrigins(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  const { regexes, misspelled } = checkedRegexes(tree);
  for (const { d, parents } of misspelled) {
    findings.push(finding('origins', Severity.WARNING, describeWhere(parents),
      `'${show(d)}' reads $http_referrer, the header "Referrer", which browsers never send (the header is spelled "Referer", `
      + 'one r): the value is always empty unless the client itself sets it, so the check means nothing. Use $http_referer.'));
  }
  for (const r of regexes) {
    const problem = urlRegexProblem(r.pattern, r.caseless, r.kind);
    if (!problem) continue;
    const severity = problem.kind === 'bypass' && r.kind === 'origin' && r.cors ? Severity.ERROR : Severity.WARNING;
    findings.push(finding('origins', severity, describeWhere(r.parents), problemMessage(r, problem)));
  }
  return findings;
}

/**
 * origins: an Origin or Referer check whose regex accepts other sites, or never matches.
 */
export const origins: SecurityRule = {
  ids: ['origins'],
  run: checkOrigins,
};
