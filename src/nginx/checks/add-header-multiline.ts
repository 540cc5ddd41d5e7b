import { Directive } from '../directive';
import { ConfigFinding, Severity, describeWhere } from '../findings';
import { SecurityRule } from './rule';
import { scopeChain } from './scope';
import { hasWrittenLineBreak } from './taint';
import { finding, show, walk } from './tree';

/** Options of `more_set_headers` that take a value (`-s '404 500'`, `-t 'text/html'`): not headers. */
const OPTIONS_WITH_VALUE = new Set(['-s', '-t']);

/**
 * The `Name: value` arguments of a `more_set_headers` line, as headers-more reads them: it skips the white space
 * (line breaks included) before the name and before the value, and sends the rest as it is.
 */
function moreSetHeaders(d: Directive): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i < d.args.length; i++) {
    const a = d.args[i];
    if (OPTIONS_WITH_VALUE.has(a)) {
      i++;
      continue;
    }
    if (a.startsWith('-')) continue;
    const colon = a.indexOf(':');
    out.push([(colon < 0 ? a : a.slice(0, colon)).replace(/^\s+/, ''), colon < 0 ? '' : a.slice(colon + 1).replace(/^\s+/, '')]);
  }
  return out;
}

function checkAddHeaderMultiline(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  walk(tree, (d, parents) => {
    // add_header and add_trailer lines with a line break are http-splitting's (same rule, same severity).
    if (d.name !== 'more_set_headers') return;
    const headers = moreSetHeaders(d);
    let chain: ReturnType<typeof scopeChain> | undefined;
    const multiline = headers.some(([name, value]) => {
      if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) return true;
      if (!value.includes('$')) return false;
      chain ??= scopeChain(d, parents);
      return hasWrittenLineBreak(value, chain);
    });
    if (!multiline) return;
    findings.push(finding('add-header-multiline', Severity.ERROR, describeWhere(parents),
      `${JSON.stringify(show(d))} sends a response header with a line break inside its value (written in the configuration, directly or `
      + 'through a set or map value). headers-more sends it as it is: a break followed by spaces is obsolete line folding, which clients '
      + 'must reject or rewrite and which browsers and proxies handle differently (some cut the header off, some drop the response); a '
      + 'break without them starts a new header line or, on an empty line, ends the headers and turns the rest into the body. Write each '
      + 'header on one line; to keep a long value (a Content-Security-Policy) readable, build it from pieces, one set per line '
      + '(set $csp "${csp}; img-src data:";), and send the variable.'));
  });
  return findings;
}

/**
 * add-header-multiline: a `more_set_headers` (headers-more) value with a line break; for `add_header` and
 * `add_trailer`, http-splitting reports it.
 */
export const addHeaderMultiline: SecurityRule = {
  ids: ['add-header-multiline'],
  run: checkAddHeaderMultiline,
};
