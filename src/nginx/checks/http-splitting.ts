import { Directive } from '../directive';
import { ConfigFinding, Severity, describeWhere } from '../findings';
import { CR, LF } from './regex';
import { SecurityRule } from './rule';
import { scopeChain } from './scope';
import { hasWrittenLineBreak, variableNewlines } from './taint';
import { finding, isCaptureName, show, variablesIn, walk } from './tree';

/** Status codes for which `return code URL` sends a `Location` header. */
const REDIRECT_CODES = new Set(['301', '302', '303', '307', '308']);

interface SplittingSink {
  /** The value that ends up in a header (or in the request line to the upstream). */
  readonly value: string;
  /** Sent to the upstream (only LF splits a request there) rather than to the client (CR or LF). */
  readonly serverSide: boolean;
  /** nginx percent-escapes $1..$9 here (the replacement of a redirecting rewrite). */
  readonly capturesEscaped: boolean;
}

function splittingSink(d: Directive): SplittingSink | undefined {
  const a = d.args;
  switch (d.name) {
    case 'add_header':
    case 'add_trailer':
      return a[1] === undefined ? undefined : { value: a[1], serverSide: false, capturesEscaped: false };
    case 'proxy_set_header':
      return a[1] === undefined ? undefined : { value: a[1], serverSide: true, capturesEscaped: false };
    case 'proxy_pass':
      return a[0] === undefined ? undefined : { value: a[0], serverSide: true, capturesEscaped: false };
    case 'return':
      // `return URL` and `return 301|302|303|307|308 URL` send a Location header; other codes send a body.
      if (a.length === 1 && !/^\d+$/.test(a[0])) return { value: a[0], serverSide: false, capturesEscaped: false };
      if (a.length >= 2 && REDIRECT_CODES.has(a[0])) return { value: a[1], serverSide: false, capturesEscaped: false };
      return undefined;
    case 'rewrite': {
      // Only a redirect puts the replacement in a header; an internal rewrite just changes the URI.
      const replacement = a[1];
      if (replacement === undefined) return undefined;
      const redirect = /^(https?:\/\/|\$scheme)/.test(replacement) || a[2] === 'redirect' || a[2] === 'permanent';
      return redirect ? { value: replacement, serverSide: false, capturesEscaped: true } : undefined;
    }
    default:
      return undefined;
  }
}

/** Directives whose first argument is a header name. */
const HEADER_NAMED = new Set(['add_header', 'add_trailer', 'proxy_set_header']);

function checkHttpSplitting(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  walk(tree, (d, parents) => {
    const sink = splittingSink(d);
    if (!sink) return;
    // A line break written in the configuration (an escaped \r or \n) ends the header where it stands.
    const name = HEADER_NAMED.has(d.name) ? d.args[0] ?? '' : '';
    const written = /[\r\n]/.test(name) || (sink.value.includes('$') || /[\r\n]/.test(sink.value)
      ? hasWrittenLineBreak(sink.value, scopeChain(d, parents)) : false);
    if (written) {
      findings.push(finding('http-splitting', Severity.ERROR, describeWhere(parents),
        `${JSON.stringify(show(d))} writes a line break (CR or LF, from \\r or \\n in the configuration, directly or through a set `
        + `or map value) into ${sink.serverSide ? 'the request nginx sends to the upstream' : 'a response header'}: nginx sends it as it is, `
        + 'so the header ends there and the rest becomes another header or the body (splitting by configuration), and clients and '
        + 'proxies read it differently. Write the header name and value on one line, without \\r or \\n.'));
      return;
    }
    if (!sink.value.includes('$')) return;
    const chain = scopeChain(d, parents);
    const bad: string[] = [];
    for (const ref of variablesIn(sink.value)) {
      if (sink.capturesEscaped && isCaptureName(ref.name)) continue;
      const chars = variableNewlines(ref.name, chain, 0);
      if (chars.has(LF) || (!sink.serverSide && chars.has(CR))) bad.push(`$${ref.name}`);
    }
    if (bad.length === 0) return;
    const vars = [...new Set(bad)].join(', ');
    const target = sink.serverSide ? 'the request nginx sends to the upstream' : 'the response headers';
    findings.push(finding('http-splitting', Severity.ERROR, describeWhere(parents),
      `'${show(d)}' puts ${vars} into ${target}. ${vars} can hold a CR or LF that nginx decoded from %0D/%0A in the request path `
      + '($uri and $document_uri are decoded, and so are regex captures taken from them), so a client can inject extra '
      + `${sink.serverSide ? 'headers or a second request to the upstream (request splitting)' : 'headers or a whole response (HTTP response splitting, header injection)'}. `
      + 'Use $request_uri (raw and still percent-encoded) instead of $uri/$document_uri, and make captures unable to match newlines '
      + '(for example [^/\\r\\n]+ or \\w+ instead of [^/]+).'));
  });
  return findings;
}

/**
 * http-splitting: a value that can hold a decoded CR or LF ends up in a response header or in the request to the upstream.
 */
export const httpSplitting: SecurityRule = {
  ids: ['http-splitting'],
  run: checkHttpSplitting,
};
