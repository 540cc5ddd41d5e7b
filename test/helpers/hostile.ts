import { spawnSync } from 'child_process';
import { DockerfileParser, Instruction, PropertyInstruction } from 'dockerfile-ast';
import * as fc from 'fast-check';
import { Directive } from '../../src/nginx/directive';

/**
 * Building blocks of the hostile-input property test (test/input/hostile.test.ts): hostile strings, numbers
 * and values of the wrong type, the checks every rejection message must pass, and readers of the outputs
 * (nginx trees, Dockerfiles, manifests).
 */

/** Strings that have broken parsers, quoting, paths or messages somewhere. */
export const HOSTILE_STRINGS: readonly string[] = [
  '', ' ', '  x', 'x  ', '\t', 'a\tb', 'a\nb', 'x\r\nX-Injected: 1', '\r', '\n', '\u0000', 'a\u0000b', '\u0001', '\u001b[31m', '\u007f',
  '\u0085', '\u009f', '\u2028', 'a\u2029b', '\ud800', 'a\udfff', '\udc00\ud800', '"', "'", '\\', '\\"', '"\\', 'a"b', "a'b", "a' b",
  ';', 'a;b', 'x; worker_processes 64', '{', '}', '{}', '} server {', '#', 'a #b', '$', '$x', '${x}', '$host', '$1', '${', '$(id)', '`id`',
  '&& id', '| id', '||', '*', '?', '[a-z]', '**/*', '~/x', '~', '=/x', '@x', '^~', '~*', '=', '..', '../x', 'a/../b', '/..', '/a/..',
  '//', '//x', '/a//b', '/./a', '/a/', '/proc/self/environ', '/proc', '/sys', '/sys/kernel', '/dev', '/dev/null', '/dev/shm/x',
  '/dev/shm', '/', '/etc/nginx', '/etc/passwd', 'é', '\u00a0', 'ü/ß', '日本語', '😀', '\ufeffx', '\u200b', 'x'.repeat(5000),
  `/${'a'.repeat(5000)}`, 'é'.repeat(2100), 'a'.repeat(256), `/${'a'.repeat(256)}`, `/${'é'.repeat(600)}`, 'latest', '-rf', '--help',
  'null', 'undefined', 'NaN', 'true', '0', '-1', '8080', '1e3', '0x10', ' 8080', 'http://x', 'https://www.example.com/',
  'javascript:alert(1)', '<script>', '%00', '%0d%0a', 'C:\\x', '\\\\server\\share', 'a=b', 'FOO=bar', 'if', '__proto__',
  'constructor', 'toString', 'hasOwnProperty',
];

/** Characters that each mean something to nginx, a shell, a Dockerfile, YAML or a path. */
const NASTY_CHARS = [' ', '\t', '\n', '\r', '\u0000', '\u2028', '\ud800', ';', '{', '}', '#', '"', "'", '\\', '$', '`', '(', ')', '[', ']',
  '*', '?', '~', '^', '=', '&', '|', '%', '@', ':', ',', '<', '>', '!', '/', '..', '//', 'é', '\u00a0', '😀'];
const SAFE_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789-._/'.split('');
const char = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...SAFE_CHARS) }, { weight: 1, arbitrary: fc.constantFrom(...NASTY_CHARS) });
/** Mostly ordinary characters, often a nasty one. */
export const nastyText = (min: number, max: number): fc.Arbitrary<string> => fc.array(char, { minLength: min, maxLength: max }).map(a => a.join(''));

/** A valid value with something hostile before, after or inside it. */
function mutated(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const bit = fc.oneof(fc.constantFrom(...NASTY_CHARS), fc.constantFrom(' ', '\n', ';', '$', '/', '..', '/..', '$(id)', 'x'.repeat(5000)));
  return fc.tuple(valid, bit, fc.nat(), fc.constantFrom<'prefix' | 'suffix' | 'insert'>('prefix', 'suffix', 'insert')).map(([v, b, at, where]) => {
    if (where === 'prefix') return `${b}${v}`;
    if (where === 'suffix') return `${v}${b}`;
    const i = v.length === 0 ? 0 : at % (v.length + 1);
    return `${v.slice(0, i)}${b}${v.slice(i)}`;
  });
}

/** Hostile strings, some of them close to `valid` (a valid value with one hostile change). */
export function hostileString(valid?: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
    { weight: 2, arbitrary: nastyText(0, 24) },
    ...(valid ? [{ weight: 4, arbitrary: mutated(valid) }] : []),
  );
}

/** Numbers no prop should take as is, and some boundaries. */
export const HOSTILE_NUMBERS: readonly number[] = [NaN, Infinity, -Infinity, -1, 0, -0, 0.5, 1.5, 1e-300, 2 ** 31 - 1, 2 ** 31, 2 ** 32,
  2 ** 53, 2 ** 53 + 2, 1e21, 1e308, Number.MAX_VALUE, Number.MIN_VALUE, Number.EPSILON, -(2 ** 31), 65535, 65536, 1023, 1024, 80, 443, 1, 2];

export function hostileNumber(): fc.Arbitrary<number> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS) },
    { weight: 2, arbitrary: fc.integer({ min: -1_000_000, max: 10_000_000 }) },
    { weight: 1, arbitrary: fc.double() },
  );
}

/** Values a jsii caller (or plain JavaScript) can pass where the declared type is something else. */
const OBJECTS: readonly unknown[] = [{}, { a: 1 }, [], ['x'], [8080], new Date(0), { valueOf: () => 5, toString: () => '5' }];
export const WRONG_FOR_STRING: readonly unknown[] = [8080, 0, -1, NaN, null, true, false, ...OBJECTS];
export const WRONG_FOR_NUMBER: readonly unknown[] = ['8080', '1', '', ' 1', '1e3', '0x10', 'NaN', null, true, false, ...OBJECTS];
export const WRONG_FOR_BOOLEAN: readonly unknown[] = ['true', 'false', 'yes', '', 1, 0, null, ...OBJECTS];
export const WRONG_FOR_LIST: readonly unknown[] = ['x', 'a,b', '', 5, null, true, {}, { 0: 'a', length: 1 }, new Set(['a'])];
export const WRONG_FOR_STRUCT: readonly unknown[] = ['x', '', 5, NaN, null, true, [], ['a'], [{}]];
export const WRONG_FOR_ENUM: readonly unknown[] = ['', ' ', 'x', 'main', 'json', 'prefix', 'always', 0, 1, null, true, {}, []];

/** A string prop: valid values, hostile strings (some close to valid) and other types. */
export function stringValue(valid: readonly string[], extraHostile: readonly string[] = []): fc.Arbitrary<unknown> {
  const v = fc.constantFrom(...valid);
  return fc.oneof(
    { weight: 3, arbitrary: v },
    { weight: 5, arbitrary: hostileString(v) },
    ...(extraHostile.length > 0 ? [{ weight: 2, arbitrary: fc.constantFrom(...extraHostile) }] : []),
    { weight: 2, arbitrary: fc.constantFrom(...WRONG_FOR_STRING) },
  );
}

/** A number prop: valid values, hostile numbers and other types. */
export function numberValue(valid: readonly number[]): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...valid) },
    { weight: 5, arbitrary: hostileNumber() },
    { weight: 2, arbitrary: fc.constantFrom(...WRONG_FOR_NUMBER) },
  );
}

export function booleanValue(): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 3, arbitrary: fc.boolean() }, { weight: 2, arbitrary: fc.constantFrom(...WRONG_FOR_BOOLEAN) });
}

export function enumValue(valid: readonly string[]): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...valid) }, { weight: 3, arbitrary: fc.constantFrom(...WRONG_FOR_ENUM) });
}

/** A list prop: valid lists, lists with a hostile item, and other types (a string where a list is expected). */
export function listValue(valid: ReadonlyArray<readonly unknown[]>, item: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...valid).map(l => [...l]) },
    {
      weight: 4,
      arbitrary: fc.tuple(fc.constantFrom(...valid), item, fc.nat()).map(([l, x, at]) => {
        const out = [...l];
        out.splice(at % (out.length + 1), 0, x);
        return out;
      }),
    },
    { weight: 1, arbitrary: fc.array(item, { minLength: 0, maxLength: 3 }) },
    { weight: 2, arbitrary: fc.constantFrom(...WRONG_FOR_LIST) },
  );
}

/** A string-to-string map prop: one entry (hostile key or value), and other types. */
export function mapEntryValue(validKeys: readonly string[], validValues: readonly string[], which: 'key' | 'value', extraHostile: readonly string[] = []): fc.Arbitrary<unknown> {
  // Object keys are always strings: a hostile key is a hostile string.
  const keys = fc.constantFrom(...validKeys);
  const key = which === 'key'
    ? fc.oneof(
      { weight: 3, arbitrary: keys },
      { weight: 5, arbitrary: hostileString(keys) },
      ...(extraHostile.length > 0 ? [{ weight: 2, arbitrary: fc.constantFrom(...extraHostile) }] : []),
    )
    : keys;
  const value = which === 'value' ? stringValue(validValues, extraHostile) : fc.constantFrom(...validValues);
  return fc.oneof(
    { weight: 8, arbitrary: fc.tuple(key, value).map(([k, v]) => ({ [String(k)]: v })) },
    // Not a map: a string, a list, a number, and a Map (KNOWN: a Map is accepted as an empty map and its entry lost).
    { weight: 1, arbitrary: fc.constantFrom<unknown>('x', ['a=b'], 5, new Map([[validKeys[0], validValues[0]]])) },
  );
}

/**
 * The fragments of a JavaScript error escaping the library instead of its own message.
 * KNOWN: NginxImage without a config says "config undefined is not an NginxConfig" (see test/input/hostile.test.ts).
 */
export const JS_ERROR_FRAGMENTS = ['TypeError', 'RangeError', 'ReferenceError', 'undefined is not', 'Cannot read prop', 'is not a function', 'ERR_', 'Maximum call stack', '[object Object]'];
/**
 * A raw character that would split or hide a line of a message (messages show values escaped).
 * KNOWN: describeValue (src/input/describe.ts) escapes with JSON.stringify, which leaves DEL, the C1 controls
 * (U+0080-009F, NEL among them) and U+2028/2029 raw: "clientMaxBodySize \"\u0085\" contains the control character
 * U+0085" holds the raw character. Every prop's message is affected.
 */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** What is wrong with one problem message of the library, if anything. */
export function messageProblem(message: unknown): string | undefined {
  if (typeof message !== 'string') return `a problem is ${typeof message}, not a string: ${String(message)}`;
  if (message.trim().length < 10) return `a problem is (nearly) empty: ${JSON.stringify(message)}`;
  const js = JS_ERROR_FRAGMENTS.find(f => message.includes(f));
  if (js) return `a problem carries a JavaScript error ('${js}'): ${JSON.stringify(message.slice(0, 400))}`;
  if (message.includes('\n') || message.includes('\r')) return `a problem holds a raw line break (values must be shown escaped): ${JSON.stringify(message.slice(0, 400))}`;
  const raw = RAW_CONTROL.exec(message);
  if (raw) return `a problem holds the raw character U+${raw[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()} (values must be shown escaped): ${JSON.stringify(message.slice(0, 400))}`;
  return undefined;
}

/** What is wrong with a list of problems: one of them must name one of `mentions`, and each must be a clean message. */
export function problemsProblem(problems: readonly unknown[], mentions: readonly string[]): string | undefined {
  if (!Array.isArray(problems)) return `validate() returned ${typeof problems}, not a list`;
  for (const p of problems) {
    const m = messageProblem(p);
    if (m) return m;
  }
  if (!problems.some(p => mentions.some(x => (p as string).toLowerCase().includes(x.toLowerCase())))) {
    return `no problem names the prop or directive (${mentions.map(x => JSON.stringify(x)).join(' or ')}):\n  ${problems.map(p => String(p).slice(0, 300)).join('\n  ')}`;
  }
  return undefined;
}

/** Silences process.stderr (the constructs' warnings) while `fn` runs. */
export function quietly<T>(fn: () => T): T {
  const write = process.stderr.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    return fn();
  } finally {
    process.stderr.write = write;
  }
}

// ---------------------------------------------------------------------------------------------------------
// nginx trees

/** Every directive of a tree, depth first, with its parents' names. */
export function allDirectives(tree: readonly Directive[], parents: string[] = []): Array<{ d: Directive; parents: string[] }> {
  return tree.flatMap(d => [{ d, parents }, ...(d.block ? allDirectives(d.block, [...parents, d.name]) : [])]);
}

const sameArgs = (a: readonly string[], b: readonly unknown[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Whether some directive `name` with exactly `args` is in the tree (optionally inside a block named `inside`). */
export function hasDirective(tree: readonly Directive[], name: string, args: readonly unknown[], inside?: string): boolean {
  return allDirectives(tree).some(({ d, parents }) => d.name === name && sameArgs(d.args, args)
    && (inside === undefined || parents[parents.length - 1] === inside));
}

/** The arguments of each directive `name` in the tree. */
export function argsOf(tree: readonly Directive[], name: string): string[][] {
  return allDirectives(tree).filter(({ d }) => d.name === name).map(({ d }) => [...d.args]);
}

// ---------------------------------------------------------------------------------------------------------
// Dockerfiles

export const dockerKeywords = (text: string): string[] => DockerfileParser.parse(text).getInstructions().map(i => i.getKeyword());

/** The instructions of each stage, split at FROM. */
export function dockerStages(text: string): Instruction[][] {
  const out: Instruction[][] = [];
  for (const i of DockerfileParser.parse(text).getInstructions()) {
    if (i.getKeyword() === 'FROM') out.push([]);
    out[out.length - 1].push(i);
  }
  return out;
}

/** A label value as the builder reads it: dockerfile-ast unescapes `\"` and `\\` but leaves `\$` (variable syntax) alone. */
export const builderLabelValue = (astValue: string | null): string | undefined => astValue?.replace(/\\\$/g, '$');

/** The LABEL pairs of a Dockerfile, as the builder reads them. */
export function dockerLabels(text: string): Array<[string, string | undefined]> {
  return DockerfileParser.parse(text).getInstructions()
    .filter((i): i is PropertyInstruction => i.getKeyword() === 'LABEL')
    .flatMap(i => i.getProperties().map((p): [string, string | undefined] => [p.getName(), builderLabelValue(p.getValue())]));
}

/**
 * What a RUN's shell text runs: the words of each command, recorded by stub functions (NUL-separated, so any
 * word comes back byte for byte); the error text when the shell fails.
 *
 * @param shell the shell to run it with (`sh` is dash on Debian; `bash` too).
 */
export function shellCommands(script: string, commands: readonly string[], shell = 'sh'): string[][] | string {
  const stubs = commands.map(c => `${c}() { printf '%s\\0' ${c} "$@"; printf '%s\\0' '--end--'; }`).join('\n');
  const r = spawnSync(shell, ['-c', `${stubs}\n${script}`], { encoding: 'utf8' });
  if (r.status !== 0) return `sh failed (${r.status}): ${r.stderr}`;
  const argv: string[][] = [];
  let current: string[] = [];
  for (const word of r.stdout.split('\0').slice(0, -1)) {
    if (word === '--end--') {
      argv.push(current);
      current = [];
    } else {
      current.push(word);
    }
  }
  return argv;
}
