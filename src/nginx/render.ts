import { Directive, KEY_VALUE_BLOCKS } from './directive';
import { describeValue, kindOf } from '../input/describe';
import { characterProblem } from '../input/reader';

const NEEDS_QUOTES = /[\s;{}#"'\\]/;
const DIRECTIVE_NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * Longest token nginx reads, in bytes as written in the file (quotes and escapes included): its lexer
 * fails with "too long parameter" at 4096 (NGX_CONF_BUFFER).
 */
export const MAX_TOKEN_BYTES = 4095;

/** A value the renderer refuses to write: it would not read back as the same value, or not at all. */
export class NginxRenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NginxRenderError';
  }
}

/** The escapes nginx's lexer turns back into a tab, CR or LF (ngx_conf_read_token), the only control characters it can read. */
const CONTROL_ESCAPES: Readonly<Record<string, string>> = { '\t': '\\t', '\r': '\\r', '\n': '\\n' };

function quote(arg: string): string {
  if (arg.length > 0 && !NEEDS_QUOTES.test(arg)) {
    return arg;
  }
  return `"${arg.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/[\t\r\n]/g, c => CONTROL_ESCAPES[c])}"`;
}

/**
 * What is wrong with the characters of an argument, if anything: a tab, CR or LF is written as its escape
 * (`\t`, `\r`, `\n`) and read back the same (where a line break is dangerous, in a header or a redirect, the
 * security checks say so); any other control character, and a lone surrogate, cannot be written.
 */
function argumentCharacterProblem(arg: string): string | undefined {
  return characterProblem(arg.replace(/[\t\r\n]/g, ' '));
}

/** The UTF-8 length of a written token, when it may be over nginx's limit (none of 1,365 UTF-16 units or fewer is). */
function bytesOverLimit(token: string): number | undefined {
  // A UTF-16 unit is at most 3 UTF-8 bytes: a short token cannot be over the limit, and is not measured.
  // Stryker disable next-line ConditionalExpression,EqualityOperator: measuring a short token too (the condition false, or < for <=) gives the same answer, only slower.
  if (token.length * 3 <= MAX_TOKEN_BYTES) return undefined;
  const bytes = Buffer.byteLength(token);
  return bytes > MAX_TOKEN_BYTES ? bytes : undefined;
}

/** The argument as one token, or undefined when `argumentProblem` refuses it. */
function written(arg: unknown): string | undefined {
  if (typeof arg !== 'string' || argumentCharacterProblem(arg)) return undefined;
  const token = quote(arg);
  return bytesOverLimit(token) === undefined ? token : undefined;
}

/**
 * What keeps a value from being written as one nginx token that reads back unchanged, if anything: it is
 * not a string, it holds a control character nginx cannot read from a file (NUL, ESC, DEL...; a tab, CR or LF
 * is written as its escape), or it is over nginx's token limit.
 */
export function argumentProblem(arg: unknown): string | undefined {
  if (typeof arg !== 'string') return `is ${kindOf(arg)}, not a string`;
  const chars = argumentCharacterProblem(arg);
  if (chars) return `${chars}, which nginx cannot read from a configuration file (only a tab, CR and LF have escapes)`;
  const bytes = bytesOverLimit(quote(arg));
  if (bytes !== undefined) return `is ${bytes} bytes once written, over nginx's limit of ${MAX_TOKEN_BYTES} bytes per token ("too long parameter")`;
  return undefined;
}

/** What is wrong with a directive name, if anything (keys of map/geo/types entries are arguments instead). */
export function directiveNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return `is ${kindOf(name)}, not a string`;
  return DIRECTIVE_NAME.test(name) ? undefined : 'is not a valid nginx directive name; use lower-case letters, digits and \'_\' only, starting with a letter or \'_\'';
}

/**
 * Renders one raw argument the way nginx's lexer reads it back unchanged: quoted when it is empty or holds
 * whitespace, `;`, `{`, `}`, `#`, a quote or a backslash, with `\` and `"` escaped inside the quotes, and a
 * tab, CR or LF written `\t`, `\r`, `\n`.
 * The only place nginx text is quoted. Throws `NginxRenderError` for a value `argumentProblem` refuses.
 */
export function renderArgument(arg: string): string {
  const token = written(arg);
  if (token === undefined) throw new NginxRenderError(`nginx argument ${describeValue(arg)} ${argumentProblem(arg)}.`);
  return token;
}

/**
 * Renders a list of directives as nginx configuration text, four spaces per level.
 * Pure and deterministic: the same tree always gives the same bytes. Refuses (throws `NginxRenderError`)
 * anything that is not a Directive, a bad directive name, or an argument `argumentProblem` refuses.
 */
export function renderDirectives(directives: readonly Directive[], depth = 0, keyValue = false): string {
  const indent = '    '.repeat(depth);
  const lines: string[] = [];
  for (const d of directives) {
    if (!(d instanceof Directive)) throw new NginxRenderError(`${describeValue(d)} is not a Directive; build it with Directive.of or Directive.withBlock.`);
    if (d._problem) throw new NginxRenderError(`directive ${describeValue(d.name)}: ${d._problem}`);
    const nameProblem = keyValue ? undefined : directiveNameProblem(d.name);
    if (nameProblem) throw new NginxRenderError(`directive name ${describeValue(d.name)} ${nameProblem}.`);
    // A real directive name never needs quotes; the keys of map/geo/types entries may.
    const head = [renderArgument(d.name), ...d.args.map(renderArgument)].join(' ');
    if (d.block === undefined) {
      lines.push(`${indent}${head};\n`);
    } else {
      lines.push(`${indent}${head} {\n${renderDirectives(d.block, depth + 1, KEY_VALUE_BLOCKS.has(d.name))}${indent}}\n`);
    }
  }
  return lines.join('');
}
