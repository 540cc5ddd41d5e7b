/**
 * Regular expressions as nginx uses them (PCRE): the capturing groups of a pattern, and whether a fragment
 * can match a given character, such as a CR or LF (escapes, character classes, POSIX classes, the dot and dotall mode).
 */

export const LF = '\n';
export const CR = '\r';

export interface RegexGroup {
  /** 1-based number of the capture ($1 ... $9). */
  readonly index: number;
  /** Name of a named capture, which nginx also exposes as `$name`. */
  readonly name?: string;
  /** The pattern text inside the group's parentheses. */
  readonly body: string;
  /** Index of the group's '(' in the pattern. */
  readonly openAt: number;
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
export function regexGroups(pattern: string): RegexGroup[] {
  const groups: RegexGroup[] = [];
  const open: Array<{ capturing: boolean; index: number; name?: string; start: number; openAt: number }> = [];
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
        open.push({ capturing: true, index: count, name: (named[1] ?? named[2]).toLowerCase(), start: i + 1 + named[0].length, openAt: i });
        i += 1 + named[0].length;
      } else if (rest.startsWith('?')) {
        open.push({ capturing: false, index: 0, start: i + 2, openAt: i });
        i += 2;
      } else {
        count++;
        open.push({ capturing: true, index: count, start: i + 1, openAt: i });
        i++;
      }
    } else if (c === ')') {
      const g = open.pop();
      if (g?.capturing) groups.push({ index: g.index, name: g.name, body: pattern.slice(g.start, i), openAt: g.openAt });
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

/** The characters of PCRE's class escapes, by lower-case letter (`\R` any newline; `\X` and `\C` any character). */
const CLASS_ESCAPES: Record<string, (ch: string) => boolean> = {
  s: ch => /^[\t\n\v\f\r ]$/.test(ch),
  v: ch => /^[\n\v\f\r\x85\u2028\u2029]$/.test(ch),
  h: ch => /^[\t \xa0\u1680\u180e\u2000-\u200a\u202f\u205f\u3000]$/.test(ch),
  d: ch => /^[0-9]$/.test(ch),
  w: ch => /^[A-Za-z0-9_]$/.test(ch),
  r: ch => /^[\n\v\f\r\x85\u2028\u2029]$/.test(ch),
  x: () => true,
  c: () => true,
};

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
    // Character classes (CR and LF are in \s, \v, \R, \H, \D, \W, \X, \C; not in \S, \V, \d, \w, \h).
    case 's': case 'S': case 'v': case 'V': case 'h': case 'H': case 'd': case 'D': case 'w': case 'W': case 'R': case 'X': case 'C': {
      const test = CLASS_ESCAPES[n.toLowerCase()];
      return { end: i + 2, matches: n === n.toLowerCase() || n === 'R' || n === 'X' || n === 'C' ? test : ch => !test(ch) };
    }
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

/** The characters of the POSIX classes (`[:space:]`); CR and LF are in space, cntrl and ascii only. */
const POSIX_CLASSES = new Map<string, (ch: string) => boolean>(Object.entries({
  alpha: ch => /^[A-Za-z]$/.test(ch),
  digit: ch => /^[0-9]$/.test(ch),
  alnum: ch => /^[A-Za-z0-9]$/.test(ch),
  upper: ch => /^[A-Z]$/.test(ch),
  lower: ch => /^[a-z]$/.test(ch),
  punct: ch => /^[!-/:-@[-`{-~]$/.test(ch),
  xdigit: ch => /^[0-9A-Fa-f]$/.test(ch),
  blank: ch => ch === ' ' || ch === '\t',
  print: ch => /^[ -~]$/.test(ch),
  graph: ch => /^[!-~]$/.test(ch),
  word: ch => /^[A-Za-z0-9_]$/.test(ch),
  space: ch => /^[\t\n\v\f\r ]$/.test(ch),
  cntrl: ch => /^[\x00-\x1f\x7f]$/.test(ch),
  ascii: ch => /^[\x00-\x7f]$/.test(ch),
}));

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
        const test = POSIX_CLASSES.get(name);
        if (test) {
          if (test(ch) !== inverted) matched = true;
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

/** Whether a pattern fragment can match a string that contains `ch` (a CR or LF, a `?`...). */
export function fragmentCanContain(fragment: string, ch: string, dotAll: boolean): boolean {
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
export function isDotAll(pattern: string): boolean {
  return /\(\?[a-zA-Z]*s[a-zA-Z]*(?:-[a-zA-Z]*)?[:)]/.test(pattern);
}

/*
 * The structure of a pattern, and a matcher with PCRE's backtracking semantics.
 *
 * nginx compiles its regexes with PCRE2 in byte mode (no UTF unless the pattern asks for it), with the
 * caseless option for `~*`, and searches the subject (pcre2_match without anchoring options). `parseRegex`
 * reads the PCRE syntax nginx configs use into a tree; `RegexMatcher` runs that tree the way PCRE does
 * (leftmost start, ordered alternatives, greedy / lazy / possessive repeats, atomic groups, look-around,
 * back-references), counting its steps so that a caller can bound the work and measure backtracking.
 */

/** A set of byte values (0-255): what one character position of a pattern can match. */
export class CharSet {
  /** The empty set. */
  public static none(): CharSet {
    return new CharSet();
  }

  /** Every byte. */
  public static all(): CharSet {
    const s = new CharSet();
    s.members.fill(1);
    return s;
  }

  /** The bytes of a string. */
  public static of(chars: string): CharSet {
    const s = new CharSet();
    for (let i = 0; i < chars.length; i++) s.add(chars.charCodeAt(i) % 256);
    return s;
  }

  /** The bytes lo..hi. */
  public static range(lo: number, hi: number): CharSet {
    const s = new CharSet();
    s.members.fill(1, lo, hi + 1);
    return s;
  }

  private readonly members = new Uint8Array(256);

  public add(code: number): void {
    this.members[code] = 1;
  }

  public has(code: number): boolean {
    return this.members[code] === 1;
  }

  public hasChar(ch: string): boolean {
    return ch.length > 0 && this.has(ch.charCodeAt(0) % 256);
  }

  public union(other: CharSet): CharSet {
    const s = new CharSet();
    for (let c = 0; c < 256; c++) s.members[c] = this.members[c] || other.members[c];
    return s;
  }

  public intersect(other: CharSet): CharSet {
    const s = new CharSet();
    for (let c = 0; c < 256; c++) s.members[c] = this.members[c] && other.members[c];
    return s;
  }

  public complement(): CharSet {
    const s = new CharSet();
    for (let c = 0; c < 256; c++) s.members[c] = 1 - this.members[c];
    return s;
  }

  public isEmpty(): boolean {
    return this.members.every(m => m === 0);
  }

  public equals(other: CharSet): boolean {
    return this.members.every((m, c) => m === other.members[c]);
  }

  public size(): number {
    return this.members.reduce((n, m) => n + m, 0);
  }

  /** Both cases of every ASCII letter in the set. */
  public caseless(): CharSet {
    const s = this.union(CharSet.none());
    for (let c = 65; c <= 90; c++) {
      if (this.has(c) || this.has(c + 32)) {
        s.add(c);
        s.add(c + 32);
      }
    }
    return s;
  }

  /** The first member of the set in the order of `preferred`, then in byte order; undefined for the empty set. */
  public pick(preferred = ''): string | undefined {
    for (const ch of preferred) if (this.hasChar(ch)) return ch;
    const c = this.members.indexOf(1);
    return c < 0 ? undefined : String.fromCharCode(c);
  }
}

export const DIGITS = CharSet.range(48, 57);
export const WORD_CHARS = CharSet.range(48, 57).union(CharSet.range(65, 90)).union(CharSet.range(97, 122)).union(CharSet.of('_'));
/** PCRE2's \s: space, \t, \n, \v, \f, \r. */
export const SPACE_CHARS = CharSet.of(' \t\n\x0b\f\r');
const HSPACE_CHARS = CharSet.of(' \t\xa0');
const VSPACE_CHARS = CharSet.of('\n\x0b\f\r\x85');

export type RegexNode =
  /** One character from a set. */
  | { readonly type: 'char'; readonly set: CharSet }
  | { readonly type: 'seq'; readonly items: readonly RegexNode[] }
  | { readonly type: 'alt'; readonly options: readonly RegexNode[] }
  /** A group: capturing when `index` is set. */
  | { readonly type: 'group'; readonly index?: number; readonly name?: string; readonly body: RegexNode }
  | { readonly type: 'repeat'; readonly body: RegexNode; readonly min: number; readonly max: number; readonly mode: 'greedy' | 'lazy' | 'possessive'; readonly text: string }
  /** ^ $ \A \z \Z \b \B \G, with the multiline option of their place. */
  | { readonly type: 'assert'; readonly kind: '^' | '$' | 'A' | 'z' | 'Z' | 'b' | 'B' | 'G'; readonly multiline: boolean }
  | { readonly type: 'look'; readonly behind: boolean; readonly negate: boolean; readonly body: RegexNode }
  | { readonly type: 'atomic'; readonly body: RegexNode }
  | { readonly type: 'backref'; readonly index?: number; readonly name?: string; readonly caseless: boolean };

export interface ParsedRegex {
  readonly root: RegexNode;
  /** Number of capturing groups ($1 ... $n). */
  readonly groupCount: number;
  /** Lower-cased names of the named groups, with their numbers. */
  readonly names: ReadonlyMap<string, number>;
}

interface Flags {
  readonly i: boolean;
  readonly s: boolean;
  readonly m: boolean;
  readonly x: boolean;
  readonly U: boolean;
}

class RegexSyntaxError extends Error {}

/** The byte an escape such as \\n, \\x41, \\x{41}, \\0, \\o{101}, \\cJ or \\. stands for, and where it ends; undefined for others. */
function escapedByte(p: string, i: number): { code: number; end: number } | undefined {
  const n = p[i + 1];
  const simple: Record<string, number> = { n: 10, r: 13, t: 9, f: 12, e: 27, a: 7 };
  if (n === undefined) return undefined;
  if (n in simple) return { code: simple[n], end: i + 2 };
  const rest = p.slice(i + 2);
  if (n === 'x') {
    const braced = /^\{([0-9a-fA-F]{1,2})\}/.exec(rest);
    if (braced) return { code: parseInt(braced[1], 16), end: i + 2 + braced[0].length };
    if (rest.startsWith('{')) return undefined;
    const hex = /^[0-9a-fA-F]{0,2}/.exec(rest)![0];
    return { code: hex ? parseInt(hex, 16) : 0, end: i + 2 + hex.length };
  }
  if (n === 'o') {
    const braced = /^\{([0-7]{1,3})\}/.exec(rest);
    return braced && parseInt(braced[1], 8) < 256 ? { code: parseInt(braced[1], 8), end: i + 2 + braced[0].length } : undefined;
  }
  if (n === '0') {
    const oct = /^[0-7]{0,2}/.exec(rest)![0];
    return { code: oct ? parseInt(oct, 8) : 0, end: i + 2 + oct.length };
  }
  if (n === 'c') {
    const x = p[i + 2];
    if (x === undefined || x.charCodeAt(0) > 126) return undefined;
    const upper = x.toUpperCase().charCodeAt(0);
    return { code: upper >= 64 ? upper - 64 : upper + 64, end: i + 3 };
  }
  if (/[A-Za-z0-9]/.test(n)) return undefined;
  return { code: n.charCodeAt(0) % 256, end: i + 2 };
}


/** The class escapes allowed inside a character class. */
const CLASS_ESCAPE_SETS: Record<string, CharSet> = {
  d: DIGITS,
  D: DIGITS.complement(),
  w: WORD_CHARS,
  W: WORD_CHARS.complement(),
  s: SPACE_CHARS,
  S: SPACE_CHARS.complement(),
  h: HSPACE_CHARS,
  H: HSPACE_CHARS.complement(),
  v: VSPACE_CHARS,
  V: VSPACE_CHARS.complement(),
};

const POSIX_CLASS_SETS: Record<string, CharSet> = {
  alpha: CharSet.range(65, 90).union(CharSet.range(97, 122)),
  digit: DIGITS,
  alnum: CharSet.range(48, 57).union(CharSet.range(65, 90)).union(CharSet.range(97, 122)),
  upper: CharSet.range(65, 90),
  lower: CharSet.range(97, 122),
  space: SPACE_CHARS,
  blank: CharSet.of(' \t'),
  punct: CharSet.range(33, 47).union(CharSet.range(58, 64)).union(CharSet.range(91, 96)).union(CharSet.range(123, 126)),
  xdigit: CharSet.range(48, 57).union(CharSet.range(65, 70)).union(CharSet.range(97, 102)),
  word: WORD_CHARS,
  cntrl: CharSet.range(0, 31).union(CharSet.of('\x7f')),
  print: CharSet.range(32, 126),
  graph: CharSet.range(33, 126),
  ascii: CharSet.range(0, 127),
};

/** Reads a PCRE pattern; undefined for what PCRE would refuse and for the rare constructs not modelled here. */
export function parseRegex(pattern: string, caseless = false): ParsedRegex | undefined {
  try {
    return new RegexParser(pattern, caseless).parse();
  } catch (e) {
    if (e instanceof RegexSyntaxError) return undefined;
    throw e;
  }
}

class RegexParser {
  private i = 0;
  private count = 0;
  private readonly names = new Map<string, number>();
  private readonly backrefNames: string[] = [];

  constructor(private readonly p: string, private readonly caseless: boolean) {}

  public parse(): ParsedRegex {
    // Leading option settings such as (*UTF) or (*LIMIT_MATCH=..): only the newline and limit ones are harmless.
    while (this.p.startsWith('(*', this.i)) {
      const e = this.p.indexOf(')', this.i);
      const verb = this.p.slice(this.i + 2, e);
      if (e < 0 || !/^(CR|LF|CRLF|ANYCRLF|ANY|NUL|BSR_ANYCRLF|BSR_UNICODE|NO_JIT|NO_START_OPT|NO_DOTSTAR_ANCHOR|NO_AUTO_POSSESS|LIMIT_[A-Z]+=\d+)$/.test(verb)) {
        throw new RegexSyntaxError();
      }
      this.i = e + 1;
    }
    const root = this.alternation({ i: this.caseless, s: false, m: false, x: false, U: false });
    if (this.i < this.p.length) throw new RegexSyntaxError(); // an unmatched ')'
    for (const n of this.backrefNames) if (!this.names.has(n)) throw new RegexSyntaxError();
    return { root, groupCount: this.count, names: this.names };
  }

  /** Alternatives up to ')' or the end; inline options such as (?i) change `flags` for the rest of the group. */
  private alternation(start: Flags, branchReset = false): RegexNode {
    const options: RegexNode[] = [];
    const flags = { ...start };
    const first = this.count;
    let most = this.count;
    for (;;) {
      if (branchReset) this.count = first;
      options.push(this.sequence(flags));
      most = Math.max(most, this.count);
      if (this.p[this.i] !== '|') break;
      this.i++;
    }
    this.count = most;
    return options.length === 1 ? options[0] : { type: 'alt', options };
  }

  private sequence(flags: { i: boolean; s: boolean; m: boolean; x: boolean; U: boolean }): RegexNode {
    const items: RegexNode[] = [];
    while (this.i < this.p.length && this.p[this.i] !== '|' && this.p[this.i] !== ')') {
      if (flags.x && this.skipExtended()) continue;
      const c = this.p[this.i];
      const atomStart = this.i;
      let atom: RegexNode | undefined;
      if (c === '(') {
        atom = this.group(flags);
        if (atom === undefined) continue; // an option setting such as (?i)
      } else if (c === '[') {
        atom = { type: 'char', set: this.charClass(flags) };
      } else if (c === '\\') {
        if (this.p[this.i + 1] === 'Q') {
          const e = this.p.indexOf('\\E', this.i + 2);
          const literal = this.p.slice(this.i + 2, e < 0 ? this.p.length : e);
          this.i = e < 0 ? this.p.length : e + 2;
          for (const ch of literal) items.push(this.literal(ch, flags));
          continue;
        }
        atom = this.escape(flags);
      } else if (c === '.') {
        this.i++;
        atom = { type: 'char', set: flags.s ? CharSet.all() : CharSet.of('\n').complement() };
      } else if (c === '^') {
        this.i++;
        atom = { type: 'assert', kind: '^', multiline: flags.m };
      } else if (c === '$') {
        this.i++;
        atom = { type: 'assert', kind: '$', multiline: flags.m };
      } else if (c === '*' || c === '+' || c === '?' || (c === '{' && this.quantifierAt(this.i))) {
        throw new RegexSyntaxError(); // a quantifier that follows nothing
      } else {
        this.i++;
        atom = this.literal(c, flags);
      }
      items.push(this.quantified(atom, flags, atomStart));
    }
    return items.length === 1 ? items[0] : { type: 'seq', items };
  }

  /** Skips white space and # comments in extended mode; whether it skipped anything. */
  private skipExtended(): boolean {
    const c = this.p[this.i];
    if (/\s/.test(c)) {
      this.i++;
      return true;
    }
    if (c === '#') {
      const e = this.p.indexOf('\n', this.i);
      this.i = e < 0 ? this.p.length : e + 1;
      return true;
    }
    return false;
  }

  private literal(ch: string, flags: Flags): RegexNode {
    const set = CharSet.of(ch);
    return { type: 'char', set: flags.i ? set.caseless() : set };
  }

  /** `{n}`, `{n,}` or `{n,m}` at `at` (PCRE2 before 10.43 reads `{,m}` as literal text). */
  private quantifierAt(at: number): RegExpExecArray | null {
    return /^\{(\d+)(,(\d*))?\}/.exec(this.p.slice(at));
  }

  private quantified(atom: RegexNode, flags: Flags, atomStart: number): RegexNode {
    if (flags.x) while (this.i < this.p.length && this.skipExtended());
    const c = this.p[this.i];
    let min: number;
    let max: number;
    if (c === '*' || c === '+' || c === '?') {
      min = c === '+' ? 1 : 0;
      max = c === '?' ? 1 : Infinity;
      this.i++;
    } else if (c === '{' && this.quantifierAt(this.i)) {
      const q = this.quantifierAt(this.i)!;
      min = Number(q[1]);
      max = q[2] === undefined ? min : q[3] === '' ? Infinity : Number(q[3]);
      if (max < min || min > 65535) throw new RegexSyntaxError();
      this.i += q[0].length;
    } else {
      return atom;
    }
    if (atom.type === 'assert' || atom.type === 'look') throw new RegexSyntaxError(); // not modelled
    let mode: 'greedy' | 'lazy' | 'possessive' = flags.U ? 'lazy' : 'greedy';
    if (this.p[this.i] === '?') {
      mode = flags.U ? 'greedy' : 'lazy';
      this.i++;
    } else if (this.p[this.i] === '+') {
      mode = 'possessive';
      this.i++;
    }
    const next = this.p[this.i];
    // PCRE refuses a quantifier right after another one.
    if (next === '*' || next === '+' || next === '?' || (next === '{' && this.quantifierAt(this.i))) throw new RegexSyntaxError();
    return { type: 'repeat', body: atom, min, max, mode, text: this.p.slice(atomStart, this.i) };
  }

  private group(flags: { i: boolean; s: boolean; m: boolean; x: boolean; U: boolean }): RegexNode | undefined {
    const rest = this.p.slice(this.i + 1);
    const close = () => {
      if (this.p[this.i] !== ')') throw new RegexSyntaxError();
      this.i++;
    };
    if (rest.startsWith('?#')) {
      const e = this.p.indexOf(')', this.i);
      if (e < 0) throw new RegexSyntaxError();
      this.i = e + 1;
      return undefined;
    }
    if (rest.startsWith('*')) throw new RegexSyntaxError(); // backtracking verbs are not modelled
    const named = /^\?(?:P?<([A-Za-z_][A-Za-z0-9_]*)>|'([A-Za-z_][A-Za-z0-9_]*)')/.exec(rest);
    if (named || !rest.startsWith('?')) {
      const index = ++this.count;
      let name: string | undefined;
      if (named) {
        name = (named[1] ?? named[2]).toLowerCase();
        if (this.names.has(name)) throw new RegexSyntaxError(); // PCRE2 refuses duplicate names without (?J)
        this.names.set(name, index);
        this.i += 1 + named[0].length;
      } else {
        this.i++;
      }
      const body = this.alternation(flags);
      close();
      return { type: 'group', index, name, body };
    }
    const kind = /^\?(:|\||>|=|!|<=|<!)/.exec(rest);
    if (kind) {
      this.i += 1 + kind[0].length;
      const body = this.alternation(flags, kind[1] === '|');
      close();
      switch (kind[1]) {
        case ':': case '|': return { type: 'group', body };
        case '>': return { type: 'atomic', body };
        case '=': return { type: 'look', behind: false, negate: false, body };
        case '!': return { type: 'look', behind: false, negate: true, body };
        case '<=': return { type: 'look', behind: true, negate: false, body };
        default: return { type: 'look', behind: true, negate: true, body };
      }
    }
    // Option settings: (?i) for the rest of the group, (?i:...) for a group; (?^) resets them.
    const opts = /^\?(\^)?([imnsxJU]*)(?:-([imnsxJU]*))?([:)])/.exec(rest);
    if (!opts) throw new RegexSyntaxError(); // conditionals, recursion, callouts: not modelled
    if (opts[2].includes('n') && !(opts[3] ?? '').includes('n')) throw new RegexSyntaxError(); // no-auto-capture changes numbering
    const next = { ...(opts[1] ? { i: false, s: false, m: false, x: false, U: false } : flags) };
    for (const f of opts[2]) if (f in next) (next as Record<string, boolean>)[f] = true;
    for (const f of opts[3] ?? '') if (f in next) (next as Record<string, boolean>)[f] = false;
    this.i += 1 + opts[0].length;
    if (opts[4] === ')') {
      Object.assign(flags, next);
      return undefined;
    }
    const body = this.alternation(next);
    close();
    return { type: 'group', body };
  }

  private escape(flags: Flags): RegexNode {
    const n = this.p[this.i + 1];
    if (n === undefined) throw new RegexSyntaxError();
    const set = (s: CharSet): RegexNode => {
      this.i += 2;
      return { type: 'char', set: flags.i ? s.caseless() : s };
    };
    switch (n) {
      case 'd': return set(DIGITS);
      case 'D': return set(DIGITS.complement());
      case 'w': return set(WORD_CHARS);
      case 'W': return set(WORD_CHARS.complement());
      case 's': return set(SPACE_CHARS);
      case 'S': return set(SPACE_CHARS.complement());
      case 'h': return set(HSPACE_CHARS);
      case 'H': return set(HSPACE_CHARS.complement());
      case 'v': return set(VSPACE_CHARS);
      case 'V': return set(VSPACE_CHARS.complement());
      case 'N': return set(CharSet.of('\n').complement());
      case 'C': return set(CharSet.all());
      case 'R': {
        this.i += 2;
        return { type: 'alt', options: [{ type: 'seq', items: [{ type: 'char', set: CharSet.of('\r') }, { type: 'char', set: CharSet.of('\n') }] }, { type: 'char', set: VSPACE_CHARS }] };
      }
      case 'b': case 'B': case 'A': case 'z': case 'Z': case 'G':
        this.i += 2;
        return { type: 'assert', kind: n, multiline: flags.m };
      case 'g': case 'k': {
        const m = /^\\[gk](?:\{(-?\d+|[A-Za-z_]\w*)\}|<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)'|(-?\d+))/.exec(this.p.slice(this.i));
        if (!m) throw new RegexSyntaxError();
        this.i += m[0].length;
        const ref = m[1] ?? m[2] ?? m[3] ?? m[4];
        if (/^-?\d+$/.test(ref)) {
          const num = Number(ref);
          const index = num < 0 ? this.count + 1 + num : num;
          if (index < 1) throw new RegexSyntaxError();
          return { type: 'backref', index, caseless: flags.i };
        }
        this.backrefNames.push(ref.toLowerCase());
        return { type: 'backref', name: ref.toLowerCase(), caseless: flags.i };
      }
      case 'p': case 'P': case 'X': case 'K': case 'E':
        throw new RegexSyntaxError(); // Unicode properties, \X and \K are not modelled; a lone \E is rare
      default:
        break;
    }
    if (/[1-9]/.test(n)) {
      // \1..\9 are back-references; longer numbers are not modelled.
      if (/[0-9]/.test(this.p[this.i + 2] ?? '')) throw new RegexSyntaxError();
      this.i += 2;
      return { type: 'backref', index: Number(n), caseless: flags.i };
    }
    const e = escapedByte(this.p, this.i);
    if (e === undefined) throw new RegexSyntaxError(); // PCRE2 refuses unknown letter escapes
    this.i = e.end;
    const s = CharSet.of(String.fromCharCode(e.code));
    return { type: 'char', set: flags.i ? s.caseless() : s };
  }

  private charClass(flags: Flags): CharSet {
    const end = classEnd(this.p, this.i);
    if (this.p[end - 1] !== ']' || end - 1 <= this.i) throw new RegexSyntaxError();
    const cls = this.p.slice(this.i, end);
    this.i = end;
    let j = 1;
    const negated = cls[j] === '^';
    if (negated) j++;
    const last = cls.length - 1;
    let set = CharSet.none();
    // One member at j: a POSIX class, an escape, or a character; with its code when it can start a range.
    const member = (): { code?: number; set?: CharSet } => {
      if (cls[j] === '[' && cls[j + 1] === ':') {
        const close = cls.indexOf(':]', j + 2);
        if (close > 0) {
          let name = cls.slice(j + 2, close);
          const inverted = name.startsWith('^');
          if (inverted) name = name.slice(1);
          const posix = POSIX_CLASS_SETS[name];
          if (!posix) throw new RegexSyntaxError();
          j = close + 2;
          return { set: inverted ? posix.complement() : posix };
        }
      }
      if (cls[j] === '[' && (cls[j + 1] === '.' || cls[j + 1] === '=')) throw new RegexSyntaxError(); // POSIX collating elements
      if (cls[j] === '\\') {
        const n = cls[j + 1];
        if (n in CLASS_ESCAPE_SETS) {
          j += 2;
          return { set: CLASS_ESCAPE_SETS[n] };
        }
        if (n === 'b') {
          j += 2;
          return { code: 8 };
        }
        if ('pPXRNgkBAzZG'.includes(n) || /[1-9]/.test(n)) throw new RegexSyntaxError();
        if (n === 'Q') {
          // \Q...\E inside a class: the characters are members (rare: taken one by one without ranges).
          const e = cls.indexOf('\\E', j + 2);
          const literal = cls.slice(j + 2, e < 0 ? last : e);
          j = e < 0 ? last : e + 2;
          return { set: CharSet.of(literal) };
        }
        if (n === 'E') {
          j += 2;
          return { set: CharSet.none() };
        }
        const e = escapedByte(cls, j);
        if (e === undefined) throw new RegexSyntaxError();
        j = e.end;
        return { code: e.code };
      }
      const code = cls.charCodeAt(j) % 256;
      j++;
      return { code };
    };
    while (j < last) {
      const m = member();
      if (m.set) {
        set = set.union(m.set);
        continue;
      }
      const lo = m.code!;
      if (cls[j] === '-' && j + 1 < last) {
        j++;
        const hi = member();
        if (hi.set) {
          // [a-\d]: the hyphen is literal.
          set = set.union(CharSet.of(String.fromCharCode(lo))).union(CharSet.of('-')).union(hi.set);
          continue;
        }
        if (hi.code! < lo) throw new RegexSyntaxError(); // PCRE refuses a range out of order
        set = set.union(CharSet.range(lo, hi.code!));
        continue;
      }
      set.add(lo);
    }
    if (flags.i) set = set.caseless();
    return negated ? set.complement() : set;
  }
}

/** The outcome of running a pattern over a subject: matched or not, or undefined when the step budget ran out. */
export interface MatchResult {
  readonly matched: boolean | undefined;
  /** Steps taken (one per node entered), a measure of the backtracking work. */
  readonly steps: number;
}

interface MatchState {
  s: string;
  names: ReadonlyMap<string, number>;
  caps: number[];
  steps: number;
  limit: number;
  start: number;
}

type Cont = (pos: number) => boolean;
type Matcher = (st: MatchState, pos: number, k: Cont) => boolean;

class StepLimit extends Error {}

function isWordAt(s: string, pos: number): boolean {
  return pos >= 0 && pos < s.length && WORD_CHARS.has(s.charCodeAt(pos) % 256);
}

/** The lengths a look-behind body can match: PCRE requires each alternative to have a fixed length. */
function fixedLengths(node: RegexNode): number[] | undefined {
  switch (node.type) {
    case 'char': return [1];
    case 'assert': case 'look': return [0];
    case 'group': case 'atomic': return fixedLengths(node.body);
    case 'alt': {
      const all: number[] = [];
      for (const o of node.options) {
        const l = fixedLengths(o);
        if (!l) return undefined;
        all.push(...l);
      }
      return [...new Set(all)];
    }
    case 'seq': {
      let acc = [0];
      for (const item of node.items) {
        const l = fixedLengths(item);
        if (!l || l.length > 1 && acc.length > 1) return undefined;
        acc = acc.flatMap(a => l.map(b => a + b));
      }
      return acc;
    }
    case 'repeat': {
      const l = fixedLengths(node.body);
      return l && l.length === 1 && node.min === node.max ? [l[0] * node.min] : undefined;
    }
    default: return undefined;
  }
}

function compile(node: RegexNode): Matcher {
  switch (node.type) {
    case 'char': {
      const set = node.set;
      return (st, pos, k) => {
        if (++st.steps > st.limit) throw new StepLimit();
        return pos < st.s.length && set.has(st.s.charCodeAt(pos) % 256) && k(pos + 1);
      };
    }
    case 'seq': {
      const items = node.items.map(compile);
      const run = (st: MatchState, idx: number, pos: number, k: Cont): boolean =>
        idx === items.length ? k(pos) : items[idx](st, pos, p => run(st, idx + 1, p, k));
      return (st, pos, k) => run(st, 0, pos, k);
    }
    case 'alt': {
      const options = node.options.map(compile);
      return (st, pos, k) => {
        if (++st.steps > st.limit) throw new StepLimit();
        for (const o of options) if (o(st, pos, k)) return true;
        return false;
      };
    }
    case 'group': {
      const body = compile(node.body);
      const index = node.index;
      if (index === undefined) return body;
      return (st, pos, k) => body(st, pos, end => {
        const old0 = st.caps[2 * index];
        const old1 = st.caps[2 * index + 1];
        st.caps[2 * index] = pos;
        st.caps[2 * index + 1] = end;
        if (k(end)) return true;
        st.caps[2 * index] = old0;
        st.caps[2 * index + 1] = old1;
        return false;
      });
    }
    case 'atomic': {
      const body = compile(node.body);
      return (st, pos, k) => {
        const saved = st.caps.slice();
        let end = -1;
        if (!body(st, pos, p => {
          end = p;
          return true;
        })) return false;
        if (k(end)) return true;
        st.caps = saved;
        return false;
      };
    }
    case 'repeat': {
      const body = compile(node.body);
      const { min, max, mode } = node;
      const loop = (st: MatchState, count: number, pos: number, k: Cont): boolean => {
        if (++st.steps > st.limit) throw new StepLimit();
        // An iteration that matched the empty string ends the repeat (PCRE does not loop on it).
        const again = (p: number) => (p === pos && count >= min ? false : loop(st, count + 1, p, k));
        if (mode === 'lazy') {
          if (count >= min && k(pos)) return true;
          return count < max && body(st, pos, again);
        }
        if (count < max && body(st, pos, again)) return true;
        return count >= min && k(pos);
      };
      if (mode !== 'possessive') return (st, pos, k) => loop(st, 0, pos, k);
      return (st, pos, k) => {
        const saved = st.caps.slice();
        let end = -1;
        if (!loop(st, 0, pos, p => {
          end = p;
          return true;
        })) return false;
        if (k(end)) return true;
        st.caps = saved;
        return false;
      };
    }
    case 'assert': {
      const { kind, multiline } = node;
      return (st, pos, k) => {
        const s = st.s;
        let ok: boolean;
        switch (kind) {
          case '^': ok = pos === 0 || (multiline && s[pos - 1] === '\n' && pos < s.length); break;
          case 'A': ok = pos === 0; break;
          case 'z': ok = pos === s.length; break;
          case 'Z': ok = pos === s.length || (pos === s.length - 1 && s[pos] === '\n'); break;
          case '$': ok = pos === s.length || (multiline ? s[pos] === '\n' : pos === s.length - 1 && s[pos] === '\n'); break;
          case 'b': ok = isWordAt(s, pos - 1) !== isWordAt(s, pos); break;
          case 'B': ok = isWordAt(s, pos - 1) === isWordAt(s, pos); break;
          default: ok = pos === st.start; break;
        }
        return ok && k(pos);
      };
    }
    case 'look': {
      const body = compile(node.body);
      const { behind, negate } = node;
      const lengths = behind ? fixedLengths(node.body) : [0];
      if (!lengths) throw new RegexSyntaxError(); // PCRE refuses a look-behind without a fixed length
      return (st, pos, k) => {
        const saved = st.caps.slice();
        let found = false;
        if (behind) {
          for (const len of lengths) {
            if (pos - len >= 0 && body(st, pos - len, p => p === pos)) {
              found = true;
              break;
            }
          }
        } else {
          found = body(st, pos, () => true);
        }
        if (found === negate) {
          st.caps = saved;
          return false;
        }
        if (negate) st.caps = saved;
        if (k(pos)) return true;
        st.caps = saved;
        return false;
      };
    }
    case 'backref': {
      const { caseless } = node;
      return (st, pos, k) => {
        if (++st.steps > st.limit) throw new StepLimit();
        const index = node.index ?? st.names.get(node.name!);
        const a = index === undefined ? undefined : st.caps[2 * index];
        const b = index === undefined ? undefined : st.caps[2 * index + 1];
        // An unset group matches nothing in PCRE2 (unless PCRE2_MATCH_UNSET_BACKREF).
        if (a === undefined || b === undefined || a < 0) return false;
        const text = st.s.slice(a, b);
        const here = st.s.slice(pos, pos + text.length);
        const same = caseless ? here.toLowerCase() === text.toLowerCase() : here === text;
        return here.length === text.length && same && k(pos + text.length);
      };
    }
  }
}

/**
 * A compiled pattern that matches like pcre2_match does for nginx: it tries each start position from the
 * left and returns the first match found in PCRE's order.
 */
export class RegexMatcher {
  /** The matcher of a pattern, or undefined when it is not parsed (see `parseRegex`). */
  public static of(pattern: string, caseless = false): RegexMatcher | undefined {
    const parsed = parseRegex(pattern, caseless);
    if (!parsed) return undefined;
    try {
      return new RegexMatcher(parsed);
    } catch (e) {
      if (e instanceof RegexSyntaxError) return undefined;
      throw e;
    }
  }

  private readonly run: Matcher;

  constructor(public readonly parsed: ParsedRegex) {
    this.run = compile(parsed.root);
  }

  /** Whether the pattern matches somewhere in `subject`, within `limit` steps. */
  public match(subject: string, limit = 100_000): MatchResult {
    const st: MatchState = {
      s: subject, caps: [], steps: 0, limit, start: 0, names: this.parsed.names,
    };
    try {
      for (let start = 0; start <= subject.length; start++) {
        st.start = start;
        st.caps = [];
        if (this.run(st, start, () => true)) return { matched: true, steps: st.steps };
      }
      return { matched: false, steps: st.steps };
    } catch (e) {
      if (e instanceof StepLimit || e instanceof RangeError) return { matched: undefined, steps: st.steps };
      throw e;
    }
  }

  /** Whether the pattern matches, ignoring the step budget (for short subjects such as candidate origins). */
  public test(subject: string): boolean {
    return this.match(subject).matched === true;
  }
}
