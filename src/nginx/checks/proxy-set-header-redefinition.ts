import { Directive } from '../directive';
import { ConfigFinding, Severity, describeWhere } from '../findings';
import { droppedLines, forEachListLevel, ListLevel, ListLine } from './inheritance';
import { SecurityRule } from './rule';
import { finding } from './tree';

/** Levels where these lists can be written (http, server, location); `if` and `limit_except` use their location's list. */
const LEVELS = new Set(['http', 'server', 'location']);

interface ListFamily {
  /** The list directive. */
  readonly directive: string;
  /** The directives that send requests with the list. */
  readonly pass: ReadonlySet<string>;
  readonly kind: 'request-header' | 'param' | 'hide';
  /** Whether names compare case-insensitively (header names do, FastCGI/uwsgi/SCGI parameter names do not). */
  readonly caseSensitive: boolean;
}

const PROXY = new Set(['proxy_pass']);
const FAMILIES: readonly ListFamily[] = [
  { directive: 'proxy_set_header', pass: PROXY, kind: 'request-header', caseSensitive: false },
  { directive: 'grpc_set_header', pass: new Set(['grpc_pass']), kind: 'request-header', caseSensitive: false },
  { directive: 'fastcgi_param', pass: new Set(['fastcgi_pass']), kind: 'param', caseSensitive: true },
  { directive: 'uwsgi_param', pass: new Set(['uwsgi_pass']), kind: 'param', caseSensitive: true },
  { directive: 'scgi_param', pass: new Set(['scgi_pass']), kind: 'param', caseSensitive: true },
  { directive: 'proxy_hide_header', pass: PROXY, kind: 'hide', caseSensitive: false },
  { directive: 'grpc_hide_header', pass: new Set(['grpc_pass']), kind: 'hide', caseSensitive: false },
  { directive: 'fastcgi_hide_header', pass: new Set(['fastcgi_pass']), kind: 'hide', caseSensitive: false },
  { directive: 'uwsgi_hide_header', pass: new Set(['uwsgi_pass']), kind: 'hide', caseSensitive: false },
  { directive: 'scgi_hide_header', pass: new Set(['scgi_pass']), kind: 'hide', caseSensitive: false },
];

/** Response headers nginx hides from clients anyway (the upstream modules' default hide lists). */
const HIDDEN_BY_DEFAULT = new Set(['date', 'server', 'x-pad', 'status', 'x-accel-expires', 'x-accel-redirect',
  'x-accel-limit-rate', 'x-accel-buffering', 'x-accel-charset']);

/**
 * Whether dropping the line changes nothing: the value is what nginx sends without it (`Host $proxy_host`,
 * `Connection close`, the client's own header `X-Foo $http_x_foo`, a parameter `HTTP_X_FOO $http_x_foo`), or the
 * hidden header is hidden by default.
 */
function droppingChangesNothing(line: Directive, family: ListFamily): boolean {
  const name = line.args[0].toLowerCase();
  const value = (line.args[1] ?? '').toLowerCase();
  if (family.kind === 'hide') return HIDDEN_BY_DEFAULT.has(name);
  const asVariable = name.replace(/-/g, '_');
  if (family.kind === 'param') return value === `$${asVariable}` && name.startsWith('http_');
  if (family.directive === 'proxy_set_header' && ((name === 'host' && value === '$proxy_host') || (name === 'connection' && value === 'close'))) return true;
  return value === `$http_${asVariable}`;
}

/**
 * Whether the list in force in `block` is sent with some request: a pass directive of the family in the block (or in
 * its `if` and `limit_except` blocks), or in a nested location that has no line of its own and so uses this list.
 */
function usesList(block: Directive, family: ListFamily): boolean {
  return (block.block ?? []).some(c => {
    if (family.pass.has(c.name)) return true;
    if (!c.block) return false;
    if (c.name === 'if' || c.name === 'limit_except') return usesList(c, family);
    if (LEVELS.has(c.name)) return !c.block.some(x => x.name === family.directive) && usesList(c, family);
    return false;
  });
}

function shown(h: ListLine): string {
  return `'${[h.line.name, ...h.line.args.map(a => (a === '' ? '""' : a))].join(' ')}' (from ${h.from})`;
}

/** What nginx sends instead, for the lines dropped. */
function consequences(dropped: readonly ListLine[], family: ListFamily): string {
  if (family.kind === 'hide') {
    return `so the backend's ${dropped.map(h => h.line.args[0]).join(', ')} response ${dropped.length === 1 ? 'header reaches' : 'headers reach'} `
      + 'clients again (version and technology details, internal headers).';
  }
  if (family.kind === 'param') {
    return 'so these parameters are not sent to the application at all: a parameter it needs (SCRIPT_FILENAME, REQUEST_METHOD, '
      + 'QUERY_STRING...) is missing, and a parameter set to "" to blank a client header (HTTP_PROXY against httpoxy) lets the '
      + "client's header through again.";
  }
  const parts: string[] = [];
  const names = (hs: readonly ListLine[]) => hs.map(h => h.line.args[0]).join(', ');
  const host = dropped.filter(h => h.line.args[0].toLowerCase() === 'host');
  const emptied = dropped.filter(h => (h.line.args[1] ?? '') === '');
  const others = dropped.filter(h => !host.includes(h) && !emptied.includes(h) && h.line.args[0].toLowerCase() !== 'connection');
  if (host.length > 0) {
    parts.push(family.directive === 'proxy_set_header'
      ? "Host becomes $proxy_host (the upstream's own name) instead of the name the client asked for, which breaks virtual hosts, "
        + 'redirects and cookies built from it'
      : 'the Host header is no longer set');
  }
  if (others.length > 0) {
    parts.push(`the backend gets the client's own ${names(others)} header${others.length === 1 ? '' : 's'}, if sent, unchanged, so a `
      + 'client can forge the address, scheme or identity the backend trusts, or the header is missing');
  }
  if (emptied.length > 0) {
    parts.push(`the client's ${names(emptied)} header${emptied.length === 1 ? ', which the enclosing block removes,' : 's, which the enclosing block removes,'} `
      + 'reaches the backend again');
  }
  if (dropped.some(h => h.line.args[0].toLowerCase() === 'connection')) {
    parts.push('Connection is reset to close (no keep-alive to the upstream, no WebSocket upgrade)');
  }
  return `so nginx sends its defaults instead: ${parts.join('; ')}.`;
}

function report(level: ListLevel, family: ListFamily, dropped: readonly ListLine[]): ConfigFinding {
  const where = describeWhere(level.parents, level.block);
  const d = family.directive;
  const own = [...new Set(level.own.map(c => c.args[0]))].join(', ');
  return finding('proxy-set-header-redefinition', Severity.WARNING, where,
    `${where} has its own ${d} (${own}), so nginx drops every ${d} inherited from the enclosing blocks for the requests it `
    + `passes on: ${dropped.map(shown).join(', ')} ${dropped.length === 1 ? 'no longer applies' : 'no longer apply'}, `
    + `${consequences(dropped, family)} ${d} is inherited only by a block that has none of its own. Repeat the dropped lines in this `
    + `block (for example an include of one shared file in every block that sets its own), or move this block's ${d} lines up to the `
    + 'enclosing block.');
}

function checkFamily(tree: readonly Directive[], family: ListFamily): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  forEachListLevel(tree, { directive: family.directive, levels: LEVELS }, level => {
    if (!level.replaces || !usesList(level.block, family)) return;
    const dropped = droppedLines(level, family.caseSensitive).filter(h => !droppingChangesNothing(h.line, family));
    if (dropped.length > 0) findings.push(report(level, family, dropped));
  });
  return findings;
}

/**
 * proxy-set-header-redefinition: a block with its own `proxy_set_header` (or `grpc_set_header`, `fastcgi_param`,
 * `uwsgi_param`, `scgi_param`, `*_hide_header`) that passes requests on silently drops the lines it would inherit.
 */
export const proxySetHeaderRedefinition: SecurityRule = {
  ids: ['proxy-set-header-redefinition'],
  run: tree => FAMILIES.flatMap(family => checkFamily(tree, family)),
};
