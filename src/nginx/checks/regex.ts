/**
 * Regular expressions as nginx uses them (PCRE): the capturing groups of a pattern, and whether a fragment
 * can match a CR or LF (escapes, character classes, POSIX classes, the dot and dotall mode).
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
