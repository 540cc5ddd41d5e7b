import { describeValue, kindOf } from './describe';

/**
 * Characters no value may carry into an output: C0 and C1 control characters (CR, LF and NUL among them),
 * DEL, and the Unicode line and paragraph separators. Each would split a header, a config line, a
 * Dockerfile instruction or a shell word.
 */
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Whether a string holds a lone UTF-16 surrogate (it cannot be written as UTF-8 and read back). */
export function hasLoneSurrogate(value: string): boolean {
  return /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(value);
}

/** What is wrong with the characters of a string value, if anything. */
export function characterProblem(value: string): string | undefined {
  const control = CONTROL_CHARACTER.exec(value);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).padStart(4, '0');
    return `contains the control character U+${code.toUpperCase()} at position ${control.index}`;
  }
  if (hasLoneSurrogate(value)) return 'contains a lone UTF-16 surrogate, which is not text';
  return undefined;
}

/** Folders of the kernel's virtual filesystems: never served, written to or copied. */
export const SYSTEM_FOLDERS: readonly string[] = ['/proc', '/sys', '/dev'];

/** Whether `path` is `folder` or below it (both absolute and normalised). */
export function isPathUnder(path: string, folder: string): boolean {
  return folder === '/' || path === folder || path.startsWith(`${folder}/`);
}

/** The system folder `path` lies in, if any. */
export function systemFolderOf(path: string): string | undefined {
  return SYSTEM_FOLDERS.find(f => isPathUnder(path, f));
}

/** Anything that tells a good value from a bad one: a RegExp, or a parser's verdict. */
export interface ValueMatcher {
  test(value: string): boolean;
}

/** Rules for a string prop. */
export interface StringRule {
  /** The characters or form allowed. */
  readonly pattern?: ValueMatcher;
  /** What `pattern` asks for, in words ("lower-case letters, digits and '-'"). */
  readonly expected?: string;
  /** Longest value, in characters. */
  readonly maxLength?: number;
  /** Whether '' is allowed. */
  readonly allowEmpty?: boolean;
  /** A good value, quoted in the fix. */
  readonly example: string;
}

/** Rules for a whole-number prop. */
export interface IntegerRule {
  readonly min: number;
  readonly max: number;
  /** A good value, quoted in the fix. */
  readonly example: number;
  /** Why the range is what it is, if that helps the fix. */
  readonly why?: string;
}

/** Rules for an absolute path prop. */
export interface PathRule {
  /** A good value, quoted in the fix. */
  readonly example: string;
  /**
   * Characters allowed in each segment; the default is the portable file-name set plus `@`, `+` and `~`
   * (no space, quote, `$`, backslash or glob), since the path may reach a Dockerfile or a shell word.
   */
  readonly segment?: RegExp;
  /** Whether `/` itself is allowed. */
  readonly allowRoot?: boolean;
  /** Allowed despite being under a system folder (the runtime folder under /dev/shm). */
  readonly allowUnder?: readonly string[];
  /** Whether the path may lie under /proc, /sys or /dev at all (URL paths are not files). */
  readonly anyFolder?: boolean;
  /** Whether the path may end with '/' (a URL prefix such as '/api/'). */
  readonly trailingSlash?: boolean;
}

const PORTABLE_SEGMENT = /^[A-Za-z0-9._+@~-]+$/;
/** Longest path prop: far above any real path, far below nginx's 4 KiB token limit and PATH_MAX. */
export const MAX_PATH_LENGTH = 1024;
/** Longest path segment most filesystems accept (NAME_MAX). */
const MAX_SEGMENT_LENGTH = 255;

/**
 * Reads the props of one model, whatever types a caller passed: every reader checks its value and, when it
 * is wrong, records a problem naming the prop, the value (escaped, cut short) and the fix, and returns the
 * fallback, so a model is always built and its `validate()` reports every problem at once. Nothing that
 * reaches cdk8s, cdk8s-plus, a renderer or the filesystem has skipped a reader.
 */
export class PropReader {
  /** The problems found, in the order the props were read. */
  public readonly problems: string[] = [];

  /**
   * @param owner how messages name the model, for example `server 'www'`; '' for none.
   */
  constructor(private readonly owner: string = '') {}

  /** Records a problem: `<owner>: <prop> <value> <what>; <fix>`. */
  public fail(prop: string, value: unknown, what: string, fix: string): void {
    const owner = this.owner ? `${this.owner}: ` : '';
    // A required prop that was not given is missing, whatever else the check would say.
    this.problems.push(value === undefined ? `${owner}${prop} is missing; ${fix}` : `${owner}${prop} ${describeValue(value)} ${what}; ${fix}`);
  }

  /** A string, or `fallback` when the value is undefined (or wrong). */
  public string(prop: string, value: unknown, fallback: string, rule: StringRule): string {
    if (value === undefined) return fallback;
    return this.checkString(prop, value, rule) ? value as string : fallback;
  }

  /** A string, or undefined when the value is undefined (or wrong). */
  public optionalString(prop: string, value: unknown, rule: StringRule): string | undefined {
    if (value === undefined) return undefined;
    return this.checkString(prop, value, rule) ? value as string : undefined;
  }

  /** Whether `value` is a string that follows `rule` (records the problem when not). */
  public checkString(prop: string, value: unknown, rule: StringRule): boolean {
    const fix = `use ${rule.expected ? `${rule.expected}, such as` : 'a value such as'} ${JSON.stringify(rule.example)}.`;
    if (typeof value !== 'string') {
      this.fail(prop, value, `is ${kindOf(value)}, not a string`, fix);
      return false;
    }
    const chars = characterProblem(value);
    if (chars) {
      this.fail(prop, value, chars, `write it on one line without control characters; ${fix}`);
      return false;
    }
    if (value === '' && !rule.allowEmpty) {
      this.fail(prop, value, 'is empty', fix);
      return false;
    }
    if (rule.pattern && value !== '' && value.length <= 4096 && !rule.pattern.test(value)) {
      this.fail(prop, value, `is not ${rule.expected ?? 'allowed here'}`, `use a value such as ${JSON.stringify(rule.example)}.`);
      return false;
    }
    const max = rule.maxLength ?? MAX_PATH_LENGTH;
    if (value.length > max) {
      this.fail(prop, value, `is longer than ${max} characters`, fix);
      return false;
    }
    return true;
  }

  /** A whole number in a range, or `fallback` when the value is undefined (or wrong). */
  public integer(prop: string, value: unknown, fallback: number, rule: IntegerRule): number {
    if (value === undefined) return fallback;
    return this.checkInteger(prop, value, rule) ? value as number : fallback;
  }

  /** A whole number in a range, or undefined when the value is undefined (or wrong). */
  public optionalInteger(prop: string, value: unknown, rule: IntegerRule): number | undefined {
    if (value === undefined) return undefined;
    return this.checkInteger(prop, value, rule) ? value as number : undefined;
  }

  /** Whether `value` is a whole number in the rule's range (records the problem when not). */
  public checkInteger(prop: string, value: unknown, rule: IntegerRule): boolean {
    const fix = `use a whole number from ${rule.min} to ${rule.max}, such as ${rule.example}${rule.why ? ` (${rule.why})` : ''}.`;
    if (typeof value !== 'number') {
      this.fail(prop, value, `is ${kindOf(value)}, not a number`, `${fix}${typeof value === 'string' ? ' Pass the number itself, without quotes.' : ''}`);
      return false;
    }
    if (!Number.isFinite(value) || !Number.isInteger(value)) {
      this.fail(prop, value, 'is not a whole number', fix);
      return false;
    }
    if (value < rule.min || value > rule.max) {
      this.fail(prop, value, 'is out of range', fix);
      return false;
    }
    return true;
  }

  /** A boolean, or `fallback` when the value is undefined (or wrong). */
  public boolean(prop: string, value: unknown, fallback: boolean): boolean {
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') {
      this.fail(prop, value, `is ${kindOf(value)}, not a boolean`, 'use true or false.');
      return fallback;
    }
    return value;
  }

  /** One of an enum's values, or `fallback` when the value is undefined (or wrong). */
  public enumValue<T extends string>(prop: string, value: unknown, enumObject: { [key: string]: T }, fallback: T): T {
    if (value === undefined) return fallback;
    const allowed = Object.values(enumObject);
    if (typeof value !== 'string' || !(allowed as string[]).includes(value)) {
      this.fail(prop, value, 'is not one of the enum\'s values', `use one of ${allowed.map(a => JSON.stringify(a)).join(', ')}.`);
      return fallback;
    }
    return value as T;
  }

  /** A list, each item read by `item`; `fallback` when the value is undefined (or not a list). */
  public list<T>(prop: string, value: unknown, fallback: T[], item: (prop: string, value: unknown) => T | undefined, example: string): T[] {
    if (value === undefined) return [...fallback];
    if (!Array.isArray(value)) {
      this.fail(prop, value, `is ${kindOf(value)}, not a list`, `pass a list, such as ${example}.`);
      return [...fallback];
    }
    const out: T[] = [];
    value.forEach((v, i) => {
      const read = item(`${prop}[${i}]`, v);
      if (read !== undefined) out.push(read);
    });
    return out;
  }

  /** A list of strings, each checked by `rule`. */
  public stringList(prop: string, value: unknown, fallback: string[], rule: StringRule): string[] {
    return this.list(prop, value, fallback, (p, v) => this.optionalString(p, v === undefined ? null : v, rule), `[${JSON.stringify(rule.example)}]`);
  }

  /** A plain object (a struct of options), or undefined when the value is undefined (or not an object). */
  public struct(prop: string, value: unknown, example: string): { [key: string]: unknown } | undefined {
    if (value === undefined) return undefined;
    // Only a plain object: a Map, a Date or a list would be read as an empty object and lose its entries.
    if (typeof value !== 'object' || value === null || Object.prototype.toString.call(value) !== '[object Object]') {
      this.fail(prop, value, `is ${kindOf(value)}, not an object of options`, `pass a plain object, such as ${example}.`);
      return undefined;
    }
    return value as { [key: string]: unknown };
  }

  /** A string-to-string map, keys and values checked by their rules. */
  public stringMap(prop: string, value: unknown, keyRule: StringRule, valueRule: StringRule): { [key: string]: string } {
    const obj = this.struct(prop, value, `{ ${JSON.stringify(keyRule.example)}: ${JSON.stringify(valueRule.example)} }`);
    const out: { [key: string]: string } = {};
    if (obj === undefined) return out;
    for (const key of Object.keys(obj)) {
      if (!this.checkString(`${prop} key`, key, keyRule)) continue;
      // A JavaScript object cannot carry these keys as data: '__proto__' is dropped when assigned, and cdk8s
      // refuses to render an object whose 'constructor' is a string.
      if (key === '__proto__' || key === 'constructor') {
        this.fail(`${prop} key`, key, 'is a name that a JavaScript object map cannot carry through cdk8s', 'use another key.');
        continue;
      }
      const v = this.optionalString(`${prop}[${JSON.stringify(key)}]`, obj[key] === undefined ? null : obj[key], valueRule);
      if (v !== undefined) out[key] = v;
    }
    return out;
  }

  /** An absolute, normalised path, or `fallback` when the value is undefined (or wrong). */
  public path(prop: string, value: unknown, fallback: string, rule: PathRule): string {
    if (value === undefined) return fallback;
    return this.checkPath(prop, value, rule) ? value as string : fallback;
  }

  /** An absolute, normalised path, or undefined when the value is undefined (or wrong). */
  public optionalPath(prop: string, value: unknown, rule: PathRule): string | undefined {
    if (value === undefined) return undefined;
    return this.checkPath(prop, value, rule) ? value as string : undefined;
  }

  /** Whether `value` is an absolute, normalised path that follows `rule` (records the problem when not). */
  public checkPath(prop: string, value: unknown, rule: PathRule): boolean {
    const problem = pathProblem(value, rule);
    if (problem) this.fail(prop, value, problem.what, problem.fix);
    return problem === undefined;
  }
}

/** What is wrong with a path value and how to fix it, if anything. */
export function pathProblem(value: unknown, rule: PathRule): { what: string; fix: string } | undefined {
  const example = JSON.stringify(rule.example);
  if (typeof value !== 'string') return { what: `is ${kindOf(value)}, not a string`, fix: `use an absolute path such as ${example}.` };
  const chars = characterProblem(value);
  if (chars) return { what: chars, fix: `use an absolute path such as ${example}.` };
  if (value.length > MAX_PATH_LENGTH) return { what: `is longer than ${MAX_PATH_LENGTH} characters`, fix: `use a shorter path such as ${example}.` };
  if (!value.startsWith('/')) {
    return { what: 'is not an absolute path', fix: `nginx resolves relative paths against its prefix, which differs between images; use an absolute path such as ${example}.` };
  }
  if (value === '/') {
    return rule.allowRoot ? undefined : { what: 'is the whole filesystem', fix: `use a dedicated folder such as ${example}.` };
  }
  const segments = (rule.trailingSlash && value.endsWith('/') ? value.slice(1, -1) : value.slice(1)).split('/');
  if (segments.some(s => s === '' || s === '.' || s === '..')) {
    return { what: "is not normalised (an empty, '.' or '..' segment, or a trailing '/')", fix: `write it without them, such as ${example}.` };
  }
  const segment = rule.segment ?? PORTABLE_SEGMENT;
  const bad = segments.find(s => !segment.test(s) || s.length > MAX_SEGMENT_LENGTH);
  if (bad !== undefined) {
    return bad.length > MAX_SEGMENT_LENGTH
      ? { what: `has a segment longer than ${MAX_SEGMENT_LENGTH} characters`, fix: `use shorter names, such as ${example}.` }
      : { what: `has the segment ${JSON.stringify(bad)} with characters a path here may not hold`, fix: `use letters, digits, '.', '_', '-', '+', '@' and '~' only, such as ${example}.` };
  }
  const system = rule.anyFolder ? undefined : systemFolderOf(value);
  if (system && !(rule.allowUnder ?? []).some(a => isPathUnder(value, a))) {
    return { what: `is under ${system}, a kernel filesystem (nginx would serve or write the host's process, device or kernel data)`, fix: `use a folder of the image such as ${example}.` };
  }
  return undefined;
}
