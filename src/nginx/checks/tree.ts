import { Directive, walkConfigDirectives } from '../directive';
import { ConfigFinding, Severity } from '../findings';

/** Reading directives as nginx reads them: walking the tree, locations, `if` conditions, variable references. */

/** Depth-first walk that does not descend into key-value blocks (their entries are data). */
export const walk = walkConfigDirectives;

export function finding(check: string, severity: Severity, where: string, message: string): ConfigFinding {
  return { check, severity, where, message };
}

/** `name args...` as nginx would read it, for messages. */
export function show(d: Directive): string {
  return [d.name, ...d.args].join(' ');
}

export interface LocationMatch {
  /** '', '=', '^~', '~', '~*' or '@'. */
  readonly modifier: string;
  readonly path: string;
}

/** The modifier and path of a `location`, also for the glued forms nginx accepts (`location ~\.php$`). */
export function parseLocation(args: readonly string[]): LocationMatch | undefined {
  if (args.length >= 2) return { modifier: args[0], path: args[1] };
  const a = args[0];
  if (a === undefined) return undefined;
  for (const m of ['=', '^~', '~*', '~']) {
    if (a.startsWith(m) && a.length > m.length) return { modifier: m, path: a.slice(m.length) };
  }
  if (a.startsWith('@')) return { modifier: '@', path: a };
  return { modifier: '', path: a };
}

export function isRegexModifier(modifier: string): boolean {
  return modifier === '~' || modifier === '~*';
}

export interface IfCondition {
  readonly subject: string;
  readonly operator: string;
  readonly operand?: string;
}

/** The condition of an `if` block: `($var ~ regex)` given as `['($var', '~', 'regex)']` or similar. */
export function parseIfCondition(args: readonly string[]): IfCondition | undefined {
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

export interface VariableRef {
  /** Lower-case variable name, or the digit of a positional capture. */
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

/** Reads the variable that starts at `value[i]` (a `$`), the way nginx's script compiler does. */
export function readVariable(value: string, i: number): VariableRef | undefined {
  const m = /^\$(?:([1-9])|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/.exec(value.slice(i));
  if (!m) return undefined;
  const name = (m[1] ?? m[2] ?? m[3]).toLowerCase();
  return { name, start: i, end: i + m[0].length };
}

/** The variables a value refers to, in order. */
export function variablesIn(value: string): VariableRef[] {
  const refs: VariableRef[] = [];
  let i = value.indexOf('$');
  while (i >= 0) {
    const ref = readVariable(value, i);
    if (ref) refs.push(ref);
    i = value.indexOf('$', ref ? ref.end : i + 1);
  }
  return refs;
}

export function isCaptureName(name: string): boolean {
  return /^[1-9]$/.test(name);
}
