import { Directive, KEY_VALUE_BLOCKS } from '../directive';
import { ConfigFinding, Severity, describeWhere } from '../findings';
import { SecurityRule } from './rule';
import { finding, show, walk } from './tree';

/**
 * variable-case: a header variable spelled with the header's dashes, which nginx reads as a shorter variable
 * followed by text.
 *
 * The case of a variable name does not matter to nginx, checked with Debian's nginx 1.22: `$HTTP_HOST`,
 * `$http_X_Real_IP`, `$Arg_x`, `$Cookie_Session`, `set $Foo` read as `$foo`, a named capture `(?<Name>)` as
 * `$name`, a map target `$UAx` as `$uax` (and `set $Host` is refused as a duplicate of $host). So mixed case
 * is not reported. What does misbehave is the header's own spelling: a variable name stops at the first
 * character that is not a letter, digit or underscore, so `$http_x-real-ip` is `$http_x` (a header named "X",
 * which nobody sends) followed by the text "-real-ip", and nginx -t accepts it. The rule reports
 * `$http_`, `$sent_http_` and `$upstream_http_` variables followed by a dash and the rest of a header name
 * (an X- header or a well-known one), not other dashes (`$http_host-$uri` joins two values on purpose).
 */

/** Well-known header names that contain a dash, lower-case. */
const HEADERS_WITH_DASHES = new Set([
  'user-agent', 'content-type', 'content-length', 'content-encoding', 'content-language', 'content-disposition', 'content-range',
  'content-security-policy', 'accept-encoding', 'accept-language', 'accept-ranges', 'accept-charset', 'if-none-match',
  'if-modified-since', 'if-match', 'if-unmodified-since', 'if-range', 'cache-control', 'last-modified', 'transfer-encoding',
  'proxy-authorization', 'proxy-authenticate', 'www-authenticate', 'set-cookie', 'max-forwards', 'retry-after', 'keep-alive',
  'upgrade-insecure-requests', 'access-control-request-method', 'access-control-request-headers', 'access-control-allow-origin',
  'access-control-allow-credentials', 'access-control-allow-methods', 'access-control-allow-headers', 'access-control-expose-headers',
  'access-control-max-age', 'strict-transport-security', 'referrer-policy', 'permissions-policy', 'sec-fetch-site', 'sec-fetch-mode',
  'sec-fetch-dest', 'sec-fetch-user', 'sec-websocket-key', 'sec-websocket-version', 'sec-websocket-protocol', 'sec-websocket-extensions',
  'sec-websocket-accept', 'sec-ch-ua', 'sec-ch-ua-mobile', 'sec-ch-ua-platform', 'cf-connecting-ip', 'cf-ipcountry', 'cf-ray',
  'cf-visitor', 'true-client-ip', 'fastly-client-ip', 'early-data', 'forwarded-for', 'front-end-https', 'dnt',
]);

const HEADER_PREFIXES = ['http_', 'sent_http_', 'upstream_http_'];

interface DashedVariable {
  /** The variable nginx reads, lower-case, e.g. http_x. */
  readonly read: string;
  /** What was written, e.g. $http_x-real-ip. */
  readonly written: string;
  /** The variable meant, e.g. $http_x_real_ip. */
  readonly meant: string;
}

/** Header variables written with dashes in a value. */
export function dashedHeaderVariables(value: string): DashedVariable[] {
  const out: DashedVariable[] = [];
  const re = /\$([A-Za-z0-9_]+)((?:-[A-Za-z0-9]+)+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(value)) !== null) {
    const name = m[1].toLowerCase();
    const prefix = HEADER_PREFIXES.find(p => name.startsWith(p) && name.length > p.length);
    if (!prefix) continue;
    const header = `${name.slice(prefix.length)}${m[2].toLowerCase()}`.replace(/_/g, '-');
    if (!header.startsWith('x-') && !HEADERS_WITH_DASHES.has(header)) continue;
    out.push({ read: name, written: m[0], meant: `$${prefix}${header.replace(/-/g, '_')}` });
  }
  return out;
}

function checkVariableCase(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  const inspect = (d: Directive, parents: readonly Directive[], values: readonly string[]) => {
    for (const v of values.flatMap(dashedHeaderVariables)) {
      findings.push(finding('variable-case', Severity.WARNING, describeWhere(parents),
        `'${show(d)}' writes ${v.written}: a variable name stops at the first character that is not a letter, digit or underscore, so `
        + `nginx reads $${v.read} (a header nobody sends, so empty) followed by the text "${v.written.slice(v.read.length + 1)}", and `
        + `nginx -t accepts it. Header variables spell the header in lower case with underscores for dashes: write ${v.meant}.`));
    }
  };
  walk(tree, (d, parents) => {
    if (KEY_VALUE_BLOCKS.has(d.name) && d.block) {
      // Map values are values; their keys are data.
      for (const e of d.block) inspect(e, [...parents, d], e.args);
      inspect(d, parents, d.args);
      return;
    }
    inspect(d, parents, d.args);
  });
  return findings;
}

/**
 * variable-case: `$http_x-real-ip` and the like, read by nginx as `$http_x` followed by text.
 */
export const variableCase: SecurityRule = {
  ids: ['variable-case'],
  run: checkVariableCase,
};
