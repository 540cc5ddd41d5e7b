/** Longest excerpt of a value an error message shows. */
const MAX_SHOWN = 60;

/**
 * A value as an error message shows it: strings JSON-escaped (so control characters, quotes and
 * invisible characters are visible) and cut to a readable length; other types by what they are, since a
 * jsii caller (Python, Java, .NET, Go) or plain JavaScript can pass anything.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    const shown = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}` : value;
    // JSON escapes C0 controls and lone surrogates; DEL, the C1 controls and the line separators too here.
    const quoted = JSON.stringify(shown).replace(/[\u007f-\u009f\u2028\u2029]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    return value.length > MAX_SHOWN ? `${quoted.slice(0, -1)}..." (${value.length} characters)` : quoted;
  }
  if (typeof value === 'number') {
    return Number.isNaN(value) ? 'NaN' : String(value);
  }
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'boolean' || typeof value === 'bigint') return `${typeof value} ${String(value)}`;
  if (typeof value === 'symbol') return 'a symbol';
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  const name = (value as object).constructor?.name;
  return name && name !== 'Object' ? `an object of class ${name}` : 'an object';
}

/** What kind of value this is, for "is a number, not a string" style messages. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string': return 'a string';
    case 'number': return Number.isNaN(value) ? 'NaN' : Number.isFinite(value) ? 'a number' : 'an infinite number';
    case 'boolean': return 'a boolean';
    case 'undefined': return 'undefined';
    case 'object': {
      const tag = Object.prototype.toString.call(value).slice(8, -1);
      return tag === 'Object' ? 'an object' : `a ${tag}`;
    }
    default: return `a ${typeof value}`;
  }
}
