import { CR, fragmentCanContain, isDotAll, LF, RegexGroup, regexGroups } from './regex';
import { positionalProviders, RegexEntry, regexEntries, ScopeEntry } from './scope';
import { isCaptureName, variablesIn } from './tree';

/**
 * Where a variable's value can come from: whether it can hold a CR or LF (decoded from %0D / %0A in the
 * request path), and whether the client controls it (request variables, captures, `set` from either).
 */

/** Variables whose value comes straight from the request, so the client chooses it. */
const REQUEST_VARIABLES = new Set([
  'uri', 'document_uri', 'request_uri', 'args', 'query_string', 'host', 'request', 'request_body',
  'content_type', 'remote_user',
]);
const REQUEST_VARIABLE_PREFIXES = ['arg_', 'http_', 'cookie_'];

/** Variables that hold the decoded request path, which may contain a CR or LF decoded from %0D / %0A. */
const DECODED_VARIABLES = new Set(['uri', 'document_uri', 'request_body']);

function isRequestVariable(name: string): boolean {
  return REQUEST_VARIABLES.has(name) || REQUEST_VARIABLE_PREFIXES.some(p => name.startsWith(p));
}

const MAX_DEPTH = 8;

/** Which of CR and LF the value can contain at run time. */
function newlinesIn(value: string, chain: readonly ScopeEntry[], depth = 0, skipPositional = false): Set<string> {
  const found = new Set<string>();
  for (const ref of variablesIn(value)) {
    if (skipPositional && isCaptureName(ref.name)) continue;
    for (const ch of variableNewlines(ref.name, chain, depth)) found.add(ch);
  }
  return found;
}

export function variableNewlines(name: string, chain: readonly ScopeEntry[], depth: number): Set<string> {
  const found = new Set<string>();
  if (depth > MAX_DEPTH) return found;
  if (DECODED_VARIABLES.has(name)) return new Set([LF, CR]);
  const fromGroup = (e: RegexEntry, g: RegexGroup | undefined) => {
    if (!g) return;
    const subject = e.subject === '$uri' ? new Set([LF, CR]) : newlinesIn(e.subject, chain, depth + 1);
    for (const ch of subject) {
      if (fragmentCanContain(g.body, ch, isDotAll(e.pattern))) found.add(ch);
    }
  };
  if (isCaptureName(name)) {
    for (const e of positionalProviders(chain)) fromGroup(e, regexGroups(e.pattern).find(g => g.index === Number(name)));
    return found;
  }
  for (const e of chain) {
    if (e.kind === 'regex') {
      fromGroup(e, regexGroups(e.pattern).find(g => g.name === name));
    } else if (e.name === name) {
      for (const ch of newlinesIn(e.value, chain, depth + 1)) found.add(ch);
    }
  }
  return found;
}

/**
 * Whether a value holds a CR or LF written in the configuration itself (nginx reads `\r` and `\n` in a quoted
 * argument as the characters), directly or through the `set`s and maps of its variables.
 */
export function hasWrittenLineBreak(value: string, chain: readonly ScopeEntry[], depth = 0): boolean {
  if (/[\r\n]/.test(value)) return true;
  if (depth > MAX_DEPTH) return false;
  return variablesIn(value).some(ref => chain.some(e => e.kind === 'set' && e.name === ref.name && hasWrittenLineBreak(e.value, chain, depth + 1)));
}

/** The request-controlled variables a value is built from (directly, through captures or through `set`). */
export function requestControlled(value: string, chain: readonly ScopeEntry[], depth = 0): string[] {
  const names: string[] = [];
  for (const ref of variablesIn(value)) {
    if (variableIsRequestControlled(ref.name, chain, depth)) names.push(`$${ref.name}`);
  }
  return [...new Set(names)];
}

function variableIsRequestControlled(name: string, chain: readonly ScopeEntry[], depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  if (isRequestVariable(name)) return true;
  const regexes = regexEntries(chain);
  if (isCaptureName(name)) {
    // Every regex nginx matches runs on request data ($uri, the Host header, or an `if` subject).
    return regexes.some(e => regexGroups(e.pattern).length >= Number(name));
  }
  if (regexes.some(e => regexGroups(e.pattern).some(g => g.name === name))) return true;
  return chain.some(e => e.kind === 'set' && e.name === name && requestControlled(e.value, chain, depth + 1).length > 0);
}
