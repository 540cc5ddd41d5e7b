import { Directive } from '../directive';
import { regexGroups } from './regex';
import { isCaptureName, isRegexModifier, parseIfCondition, parseLocation, readVariable, variablesIn } from './tree';

/**
 * What may have run before a directive in nginx's rewrite phase: the regexes that matched (and so set
 * captures) and the `set`s (variables), as a scope chain, innermost first.
 */

/** Directives of the rewrite module: they run in the rewrite phase, before the content is produced. */
const REWRITE_PHASE = new Set(['rewrite', 'return', 'set', 'if', 'break']);

export interface RegexEntry {
  readonly kind: 'regex';
  readonly pattern: string;
  /** The matched value: `$uri` for location and rewrite, `$host` for server_name, any expression for `if`. */
  readonly subject: string;
  /** The regex has certainly matched when the directive runs (an enclosing location or `if`). */
  readonly certain: boolean;
}

export interface SetEntry {
  readonly kind: 'set';
  readonly name: string;
  readonly value: string;
}

export type ScopeEntry = RegexEntry | SetEntry;

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

/** Map block parameters that are not entries. */
const MAP_PARAMETERS = new Set(['hostnames', 'volatile', 'include']);
/** geo block parameters that are not entries. */
const GEO_PARAMETERS = new Set(['ranges', 'delete', 'include', 'proxy', 'proxy_recursive']);

/**
 * The `geo` and `split_clients` blocks of a level, as `set`s of their output variable: one per value. Their
 * values are written in the configuration (nginx does not expand variables in them), so the variable holds
 * one of those fixed strings.
 */
function fixedValueEntries(level: Directive): ScopeEntry[] {
  const out: ScopeEntry[] = [];
  for (const b of level.block ?? []) {
    if (!b.block || (b.name !== 'geo' && b.name !== 'split_clients')) continue;
    const target = readVariable(b.args[b.args.length - 1] ?? '', 0);
    if (!target || (b.name === 'geo' && b.args.length > 2) || (b.name === 'split_clients' && b.args.length !== 2)) continue;
    for (const entry of b.block) {
      if (b.name === 'geo' && (GEO_PARAMETERS.has(entry.name) || entry.args.length !== 1)) continue;
      // A '$' in these values is a literal character, not a variable: such a value is left out rather than misread.
      const value = entry.args[0];
      if (value !== undefined && !value.includes('$')) out.push({ kind: 'set', name: target.name, value });
    }
  }
  return out;
}

/**
 * The `map` blocks of a level (http), as `set`s of their output variable: one per value (the default
 * included), so the variable is as request-controlled, and can hold what, as any of its values. A capture in
 * a value (`$1`, or a name from the entry's regex key) holds part of the map's source, so it stands for the
 * source itself.
 */
function mapEntries(level: Directive): ScopeEntry[] {
  const out: ScopeEntry[] = [];
  for (const m of (level.block ?? []).filter(c => c.name === 'map' && c.block && c.args.length === 2)) {
    const target = readVariable(m.args[1], 0);
    if (!target) continue;
    const source = m.args[0];
    for (const entry of m.block!) {
      if (MAP_PARAMETERS.has(entry.name) || entry.args.length !== 1) continue;
      const key = entry.name;
      const names = key.startsWith('~') ? regexGroups(key.replace(/^~\*?/, '')).flatMap(g => (g.name ? [g.name] : [])) : [];
      let value = '';
      let last = 0;
      for (const ref of variablesIn(entry.args[0])) {
        const capture = isCaptureName(ref.name) || names.includes(ref.name);
        value += entry.args[0].slice(last, ref.start) + (capture ? source : entry.args[0].slice(ref.start, ref.end));
        last = ref.end;
      }
      out.push({ kind: 'set', name: target.name, value: value + entry.args[0].slice(last) });
    }
  }
  return out;
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
export function scopeChain(d: Directive, parents: readonly Directive[]): ScopeEntry[] {
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
    chain.push(...levelEntries(level), ...mapEntries(level), ...fixedValueEntries(level));
    child = level;
  }
  return chain;
}

export function regexEntries(chain: readonly ScopeEntry[]): RegexEntry[] {
  return chain.filter((e): e is RegexEntry => e.kind === 'regex');
}

/** The regexes that may have set `$n`: the innermost certain match and any conditional match after it. */
export function positionalProviders(chain: readonly ScopeEntry[]): RegexEntry[] {
  const providers: RegexEntry[] = [];
  for (const e of regexEntries(chain)) {
    providers.push(e);
    if (e.certain) break;
  }
  return providers;
}

/** Replaces each variable by the literal value of its `set`, if every variable has one. */
export function substitute(value: string, chain: readonly ScopeEntry[]): string | undefined {
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

const MAX_EXPANSIONS = 32;

/**
 * The values `value` can take once each variable set by `set` (or a map) is replaced by what it was set to:
 * `set $target "http://api.internal$request_uri"; proxy_pass $target;` has the fixed host api.internal. A
 * variable with several values gives several expansions; one that is never set stays as it is.
 */
export function expansions(value: string, chain: readonly ScopeEntry[], depth = 0): string[] {
  const refs = variablesIn(value);
  const ref = refs.find(r => chain.some(e => e.kind === 'set' && e.name === r.name));
  if (ref === undefined || depth > 8) return [value];
  const values = [...new Set(chain.filter((e): e is SetEntry => e.kind === 'set' && e.name === ref.name).map(e => e.value))];
  const out: string[] = [];
  for (const v of values) {
    for (const x of expansions(value.slice(0, ref.start) + v + value.slice(ref.end), chain, depth + 1)) {
      if (out.length < MAX_EXPANSIONS) out.push(x);
    }
  }
  return out;
}
