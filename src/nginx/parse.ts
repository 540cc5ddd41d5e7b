import { Directive } from './directive';
import { describeValue } from '../input/describe';

/** A syntax error in nginx configuration text, with the file and line nginx would report. */
export class NginxSyntaxError extends Error {
  constructor(public readonly file: string, public readonly line: number, detail: string) {
    super(`${file}:${line}: ${detail}`);
    this.name = 'NginxSyntaxError';
  }
}

type Token = { kind: 'word'; value: string; line: number } | { kind: ';' | '{' | '}'; line: number } | { kind: 'eof'; line: number };

const SPACE = new Set([' ', '\t', '\r', '\n']);

/** Turns the raw characters of one token into its value, as ngx_conf_read_token does. */
function unescape(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    if (ch === '\\' && i + 1 < raw.length) {
      const next = raw[i + 1];
      if (next === '"' || next === "'" || next === '\\') { out += next; i++; continue; }
      if (next === 't') { out += '\t'; i++; continue; }
      if (next === 'r') { out += '\r'; i++; continue; }
      if (next === 'n') { out += '\n'; i++; continue; }
    }
    out += ch;
  }
  return out;
}

/** Splits configuration text into words and punctuation with nginx's own lexing rules. */
function tokenize(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const ch = text[i];
    if (SPACE.has(ch)) {
      if (ch === '\n') line++;
      i++;
      continue;
    }
    if (ch === '#') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (ch === ';' || ch === '{' || ch === '}') {
      tokens.push({ kind: ch, line });
      i++;
      continue;
    }
    const startLine = line;
    if (ch === '"' || ch === "'") {
      const quote = ch;
      let j = i + 1;
      while (j < n && text[j] !== quote) {
        if (text[j] === '\\') j++;
        if (text[j] === '\n') line++;
        j++;
      }
      if (j >= n) throw new NginxSyntaxError(file, startLine, 'unexpected end of file in a quoted string');
      tokens.push({ kind: 'word', value: unescape(text.slice(i + 1, j)), line: startLine });
      i = j + 1;
      // After a closing quote nginx wants a space, ';', '{' or ')'.
      if (i < n && !SPACE.has(text[i]) && text[i] !== ';' && text[i] !== '{' && text[i] !== ')') {
        throw new NginxSyntaxError(file, line, `unexpected "${text[i]}" after a quoted string`);
      }
      continue;
    }
    // A bare word ends at whitespace, ';' or '{' ("${" keeps a variable name going); '}' does not end it.
    let j = i;
    let variable = false;
    while (j < n) {
      const c = text[j];
      if (c === '{' && variable) { variable = false; j++; continue; }
      variable = false;
      if (c === '\\') { j += 2; continue; }
      if (c === '$') { variable = true; j++; continue; }
      if (SPACE.has(c) || c === ';' || c === '{') break;
      j++;
    }
    const raw = text.slice(i, Math.min(j, n));
    line += (raw.match(/\n/g) ?? []).length;
    tokens.push({ kind: 'word', value: unescape(raw), line: startLine });
    i = j;
  }
  tokens.push({ kind: 'eof', line });
  return tokens;
}

/** Where a parsed directive came from: its file and the line its name is on. */
export interface SourcePosition {
  readonly file: string;
  readonly line: number;
}

/** The file and line of each parsed directive (directives are frozen values, so this lives beside them). */
const SOURCES = new WeakMap<Directive, SourcePosition>();

/** Where `d` was parsed from, if it was; `'nginx.conf:12'`-style text with `at()`. */
export function sourceOf(d: Directive): SourcePosition | undefined {
  return SOURCES.get(d);
}

/** `d` rebuilt with other arguments or children, keeping where it was parsed from. */
export function rebuilt(d: Directive, args: string[], block: Directive[] | undefined): Directive {
  const out = block === undefined ? Directive.of(d.name, ...args) : Directive.withBlock(d.name, args, block);
  const source = SOURCES.get(d);
  if (source) SOURCES.set(out, source);
  return out;
}

/** ` (file:line)` for a parsed directive, '' for one built in code. */
export function at(d: Directive): string {
  const s = SOURCES.get(d);
  return s ? ` (${s.file}:${s.line})` : '';
}

/**
 * Parses nginx configuration text into a directive tree, with the lexing rules of nginx itself
 * (ngx_conf_read_token): quotes, backslash escapes, `${var}`, comments. Comments are dropped; `include`
 * directives are kept as directives (see `NginxConfig.fromFiles` to follow them).
 *
 * `parseNginx(renderDirectives(tree))` gives back `tree` for every tree the renderer accepts.
 */
export function parseNginx(text: string, file = 'nginx.conf'): Directive[] {
  const tokens = tokenize(text, file);
  const placed = (d: Directive, line: number) => {
    SOURCES.set(d, { file, line });
    return d;
  };
  let pos = 0;
  const parseBlock = (depth: number): Directive[] => {
    const out: Directive[] = [];
    for (;;) {
      const t = tokens[pos];
      if (t.kind === 'eof') {
        if (depth > 0) throw new NginxSyntaxError(file, t.line, 'unexpected end of file, expecting "}"');
        return out;
      }
      if (t.kind === '}') {
        if (depth === 0) throw new NginxSyntaxError(file, t.line, 'unexpected "}"');
        pos++;
        return out;
      }
      if (t.kind !== 'word') throw new NginxSyntaxError(file, t.line, `unexpected "${t.kind}"`);
      const name = t.value;
      const args: string[] = [];
      pos++;
      for (;;) {
        const a = tokens[pos];
        if (a.kind === 'word') { args.push(a.value); pos++; continue; }
        if (a.kind === ';') { pos++; out.push(placed(Directive.of(name, ...args), t.line)); break; }
        if (a.kind === '{') { pos++; out.push(placed(Directive.withBlock(name, args, parseBlock(depth + 1)), t.line)); break; }
        throw new NginxSyntaxError(file, a.line, a.kind === 'eof' ? 'unexpected end of file, expecting ";" or "}"' : 'unexpected "}"');
      }
    }
  };
  return parseBlock(0);
}

/** Whether two trees are the same: names, arguments and blocks, in order. */
export function sameDirectives(a: readonly Directive[], b: readonly Directive[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((d, i) => {
    const e = b[i];
    if (d.name !== e.name || d.args.length !== e.args.length || d.args.some((x, j) => x !== e.args[j])) return false;
    if ((d.block === undefined) !== (e.block === undefined)) return false;
    return d.block === undefined || sameDirectives(d.block, e.block!);
  });
}

/** Reads nginx configuration text into directive trees, with nginx's own lexing rules. */
export class NginxParser {
  /**
   * Parses configuration text into a directive tree (comments dropped, `include` kept as a directive).
   * Throws with the file name and line of the first syntax error.
   *
   * @param text configuration text.
   * @param fileName name used in error messages.
   */
  public static parse(text: string, fileName: string = 'nginx.conf'): Directive[] {
    if (typeof text !== 'string') throw new NginxSyntaxError(String(fileName), 1, `the text is ${describeValue(text)}, not a string; pass the configuration's text`);
    return parseNginx(text, typeof fileName === 'string' ? fileName : 'nginx.conf');
  }

  private constructor() {}
}
