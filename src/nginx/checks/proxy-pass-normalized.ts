import { Directive } from '../directive';
import { ConfigFinding, Severity, describeWhere } from '../findings';
import { fragmentCanContain, isDotAll, RegexGroup, regexGroups } from './regex';
import { SecurityRule } from './rule';
import { positionalProviders, RegexEntry, regexEntries, ScopeEntry, scopeChain } from './scope';
import { finding, isCaptureName, LocationMatch, parseLocation, show, variablesIn, walk } from './tree';
import { passTarget } from './upstream-address';

/**
 * Which URI nginx sends upstream (ngx_http_proxy_module):
 * - `proxy_pass` without a URI part, the request URI unchanged: the URI exactly as the client sent it;
 * - without a URI part, the URI changed by `rewrite`: the current `$uri`, escaped again (`%` becomes `%25`);
 * - with a URI part and no variables: the location's prefix in the normalised, decoded `$uri` replaced by the URI
 *   part, the rest escaped again; after a `rewrite ... break` the URI part is ignored and the changed `$uri` is sent;
 * - with variables and a URI part: that URI as it is, not escaped.
 * The normalised `$uri` has %XX decoded (%2F is a slash), dot segments resolved and slashes merged.
 */

/** What `$uri` holds when the proxy_pass runs: the request's own, one rewritten from its decoded form, the raw one, or a fixed one. */
type UriState = 'original' | 'decoded' | 'raw' | 'fixed';

/** Variables holding the normalised, decoded path (captures are added per directive). */
const DECODED_PATH = new Set(['uri', 'document_uri']);
/** Variables holding the raw request URI. */
const RAW_PATH = new Set(['request_uri']);
/** Patterns that match every URI: a rewrite with one of them always applies. */
const ALWAYS_MATCHES = new Set(['^', '^.*', '.*', '^.*$', '^(.*)$', '(.*)', '^(.*)', '^(.+)$', '^/(.*)$', '^/(.*)']);

/** Variables of the query string: raw, and not part of the path. */
const QUERY_VARIABLES = new Set(['args', 'is_args', 'query_string']);
/** Characters whose decoding changes what a path means to the backend: a decoded one sent as it is is not the client's. */
const SIGNIFICANT = ['/', '?', '#', '%', ' '];

/**
 * Whether a variable holds part of the request path, decoded (`$uri`, a capture of a regex matched on `$uri` that
 * can hold a slash, `?`, `#`, `%` or space) or raw (`$request_uri`, a capture of a regex matched on it), directly or
 * through `set`.
 */
function pathSource(name: string, chain: readonly ScopeEntry[], depth: number): 'decoded' | 'raw' | undefined {
  if (depth > 8) return undefined;
  if (DECODED_PATH.has(name)) return 'decoded';
  if (RAW_PATH.has(name)) return 'raw';
  const fromRegex = (e: RegexEntry, g: RegexGroup | undefined): 'decoded' | 'raw' | undefined => {
    if (!g) return undefined;
    const subject = variablesIn(e.subject).map(v => pathSource(v.name, chain, depth + 1));
    if (subject.includes('raw')) return 'raw';
    if (!subject.includes('decoded')) return undefined;
    return SIGNIFICANT.some(ch => fragmentCanContain(g.body, ch, isDotAll(e.pattern))) ? 'decoded' : undefined;
  };
  let found: Array<'decoded' | 'raw' | undefined>;
  if (isCaptureName(name)) {
    found = positionalProviders(chain).map(e => fromRegex(e, regexGroups(e.pattern).find(g => g.index === Number(name))));
  } else {
    found = chain.map(e => (e.kind === 'regex'
      ? fromRegex(e, regexGroups(e.pattern).find(g => g.name === name))
      : e.name === name ? combine(variablesIn(e.value).map(v => pathSource(v.name, chain, depth + 1))) : undefined));
  }
  return combine(found);
}

function combine(sources: ReadonlyArray<'decoded' | 'raw' | undefined>): 'decoded' | 'raw' | undefined {
  return sources.includes('decoded') ? 'decoded' : sources.includes('raw') ? 'raw' : undefined;
}

interface Rewrite {
  readonly line: Directive;
  readonly always: boolean;
}

function isRedirect(d: Directive): boolean {
  const replacement = d.args[1] ?? '';
  const flag = d.args[2]?.toLowerCase();
  return flag === 'redirect' || flag === 'permanent' || /^(https?:\/\/|\$scheme)/i.test(replacement);
}

/** The rewrite lines of a block and of its `if` (and `limit_except`) blocks, in order. */
function rewritesOf(block: readonly Directive[]): Directive[] {
  return block.flatMap(c => {
    if (c.name === 'rewrite' && c.args.length >= 2 && !isRedirect(c)) return [c];
    if (c.block && (c.name === 'if' || c.name === 'limit_except')) return rewritesOf(c.block);
    return [];
  });
}

/** Whether a `last` (or flag-less) rewrite can bring the request back into this location. */
function mayReenter(loc: LocationMatch | undefined, rewrite: Directive): boolean {
  if (rewrite.args[2]?.toLowerCase() === 'break') return true;
  if (!loc || (loc.modifier !== '' && loc.modifier !== '^~')) return true;
  const replacement = rewrite.args[1];
  return replacement.startsWith('$') || replacement.startsWith(loc.path);
}

/**
 * The internal rewrites that may have changed `$uri` before the proxy_pass: those of its location, and those of its
 * server that apply to every request (a server-level rewrite with a narrower pattern is for other locations).
 */
function rewritesBefore(parents: readonly Directive[], location: Directive): Rewrite[] {
  const server = [...parents].reverse().find(p => p.name === 'server');
  const loc = parseLocation(location.args);
  const serverLevel = rewritesOf(server?.block ?? []).filter(r => ALWAYS_MATCHES.has(r.args[0]));
  const own = rewritesOf(location.block ?? []).filter(r => mayReenter(loc, r));
  return [...serverLevel, ...own].map(line => ({ line, always: ALWAYS_MATCHES.has(line.args[0]) }));
}

/** The states `$uri` may be in after the rewrites (each applies only if its pattern matches). */
function uriStates(rewrites: readonly Rewrite[], captureNames: ReadonlySet<string>): Set<UriState> {
  let states = new Set<UriState>(['original']);
  for (const r of rewrites) {
    const refs = variablesIn(r.line.args[1]).map(v => v.name);
    let after: Set<UriState>;
    if (refs.some(n => RAW_PATH.has(n))) {
      after = new Set(['raw']);
    } else if (refs.some(n => DECODED_PATH.has(n) || isCaptureName(n) || captureNames.has(n))) {
      after = new Set([...states].map((s): UriState => (s === 'original' ? 'decoded' : s)));
    } else {
      after = new Set(['fixed']);
    }
    states = r.always ? after : new Set([...states, ...after]);
  }
  return states;
}

/** Splits a proxy_pass value into what comes before the URI part and the URI part itself ('' when there is none). */
function uriPart(value: string): string {
  const scheme = /^[^/]*?:\/\//.exec(value)?.[0] ?? '';
  const address = passTarget(value).address;
  const rest = value.slice(scheme.length + address.length);
  return address.startsWith('unix:') && rest.startsWith(':') ? rest.slice(1) : rest;
}

const RAW_FIX = "take the path from the raw request URI instead: 'rewrite ^ $request_uri; rewrite ^/prefix(/.*)$ $1 break; return 400; "
  + "proxy_pass http://backend$1;' (the return refuses what the second rewrite does not match)";

function checkProxyPassNormalized(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  walk(tree, (d, parents) => {
    const value = d.args[0];
    if (d.name !== 'proxy_pass' || value === undefined || parents.some(p => p.name === 'stream')) return;
    const location = [...parents].reverse().find(p => p.name === 'location');
    if (!location) return;
    const loc = parseLocation(location.args);
    // An exact location has one path: whatever nginx does to it, the upstream gets that one path.
    if (loc?.modifier === '=') return;
    // A destination that is only a variable: whether it holds a path is not known here.
    if (/^\$(\{\w+\}|\w+)$/.test(value)) return;

    const chain = scopeChain(d, parents);
    const captureNames = new Set(regexEntries(chain).flatMap(e => regexGroups(e.pattern).flatMap(g => (g.name ? [g.name] : []))));
    const rewrites = rewritesBefore(parents, location);
    const states = uriStates(rewrites, captureNames);
    const hasVariables = value.includes('$');
    const uri = uriPart(value);
    const where = describeWhere(parents);
    const rawRewrite = rewrites.find(r => variablesIn(r.line.args[1]).some(v => RAW_PATH.has(v.name)));
    const decodedRewrite = rewrites.find(r => !variablesIn(r.line.args[1]).some(v => RAW_PATH.has(v.name))
      && variablesIn(r.line.args[1]).some(v => DECODED_PATH.has(v.name) || isCaptureName(v.name) || captureNames.has(v.name)));
    const decodedUri = states.has('original') || states.has('decoded');

    if (hasVariables) {
      // nginx sends a URI given with variables as it is: what matters is what the variables hold. After
      // 'rewrite ^ $request_uri' (the fix below), $uri and the captures of later rewrites hold the raw URI.
      const pathRefs = variablesIn(value).filter(v => DECODED_PATH.has(v.name) || isCaptureName(v.name) || captureNames.has(v.name));
      if (!decodedUri && pathRefs.length > 0) return;
      const sources = variablesIn(value).map(v => ({ name: v.name, source: pathSource(v.name, chain, 0) }));
      const decoded = sources.filter(v => v.source === 'decoded').map(v => `$${v.name}`);
      if (decoded.length > 0) {
        findings.push(finding('proxy-pass-normalized', Severity.WARNING, where,
          `'${show(d)}' builds the upstream URI from ${[...new Set(decoded)].join(', ')}, which holds the normalised, percent-decoded request `
          + 'path, and nginx sends a URI given with variables as it is, without escaping it again: an encoded slash (%2F) arrives as a '
          + 'real one, a decoded %25 as a bare % the backend decodes a second time, and a decoded %3F or %23 becomes a real ? or # in the '
          + 'request line, so a client can add query parameters the backend trusts or cut the path short. The backend no longer sees '
          + "what the client sent, and its own path checks can be bypassed. Pass the URI unchanged with 'proxy_pass http://backend;' "
          + `(no URI part), or ${RAW_FIX}.`));
        return;
      }
      if (sources.some(v => v.source === 'raw')) return; // the raw request URI, passed as it is
      if (uri !== '') {
        // Only a fixed path (and the query string) is reported; another variable may carry a path of the request.
        if (variablesIn(uri).some(v => !QUERY_VARIABLES.has(v.name))) return;
        findings.push(finding('proxy-pass-normalized', Severity.WARNING, where,
          `'${show(d)}' has variables and a URI part ('${uri}'): nginx then sends that URI as it is in place of the request URI, so every `
          + 'request this location handles reaches the same path upstream, whatever path the client asked for (the request path is '
          + 'dropped, not appended). If the upstream path should follow the request, append the raw request URI explicitly '
          + `('${value.slice(0, value.length - uri.length)}$request_uri'), or leave the URI part out so nginx passes the request URI unchanged.`));
        return;
      }
    }

    const refused = !hasVariables && uri !== '' && (loc?.modifier !== '' && loc?.modifier !== '^~'
      || parents[parents.length - 1] !== location);
    if (states.has('raw')) {
      findings.push(finding('proxy-pass-normalized', refused ? Severity.ERROR : Severity.WARNING, where,
        `'${show(d)}' runs after '${show(rawRewrite!.line)}', which puts the raw request URI, still percent-encoded, into $uri. Since the `
        + 'URI has changed and this proxy_pass does not pass it through a variable, nginx escapes it again before sending it: %2F arrives '
        + 'as %252F, %20 as %2520, so the backend gets a double-encoded path (and a different resource, or a 404). Put the raw path into the '
        + "URI through a variable: 'rewrite ^/prefix(/.*)$ $1 break; return 400; proxy_pass http://backend$1;' after the first rewrite, or "
        + `drop the rewrite and the URI part ('proxy_pass http://backend;' passes the request URI unchanged).${refused ? REFUSED : ''}`));
      return;
    }
    if (uri !== '' && decodedUri) {
      const prefix = loc && (loc.modifier === '' || loc.modifier === '^~') ? `the location prefix ${loc.path}` : 'the matched part';
      findings.push(finding('proxy-pass-normalized', refused ? Severity.ERROR : Severity.WARNING, where,
        `'${show(d)}' has a URI part ('${uri}'), so nginx does not pass the request URI as the client sent it: it replaces ${prefix} of the `
        + 'normalised URI with it, and that URI is percent-decoded (%2F becomes a slash) with dot segments resolved and slashes merged'
        + `${decodedRewrite?.line.args[2] === 'break' ? ` (after '${show(decodedRewrite.line)}' nginx even ignores the URI part and sends the rewritten, equally decoded URI)` : ''}. The backend `
        + 'cannot tell an encoded slash from a real one, and a path the backend blocks or routes by its raw form can be reached through an '
        + `encoded variant. Pass the URI unchanged with 'proxy_pass ${value.slice(0, value.length - uri.length).replace(/:$/, '')};' (no URI part) and let `
        + `the backend serve the full path; if the prefix must go, ${RAW_FIX}.${refused ? REFUSED : ''}`));
      return;
    }
    if (uri === '' && decodedRewrite && states.has('decoded')) {
      findings.push(finding('proxy-pass-normalized', Severity.WARNING, where,
        `'${show(d)}' sends the URI that '${show(decodedRewrite.line)}' rewrote from the normalised request path: once the URI has `
        + 'changed, nginx passes $uri, which is percent-decoded (%2F becomes a slash) with dot segments resolved, instead of the URI as '
        + 'the client sent it. The backend cannot tell an encoded slash from a real one, and a path it blocks or routes by its raw form '
        + `can be reached through an encoded variant. To strip a prefix, ${RAW_FIX}.`));
    }
  });
  return findings;
}

const REFUSED = ' Here nginx also refuses to start: a URI part is not allowed in a regex or named location, in an if block or in limit_except.';

/**
 * proxy-pass-normalized: a `proxy_pass` that sends the upstream a decoded, normalised (or double-encoded, or fixed)
 * path instead of the request URI as the client sent it.
 */
export const proxyPassNormalized: SecurityRule = {
  ids: ['proxy-pass-normalized'],
  run: checkProxyPassNormalized,
};
