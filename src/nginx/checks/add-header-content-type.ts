import { Directive } from '../directive';
import { ConfigFinding, Severity, describeWhere } from '../findings';
import { SecurityRule } from './rule';
import { finding, show } from './tree';

/** Levels that inherit `add_header` and the `*_hide_header` lists from their enclosing level. */
const LEVELS = new Set(['http', 'server', 'location', 'if', 'limit_except']);

/** The hide-header directive of each module that passes a backend's response headers on, by its pass directive. */
const HIDE_BY_PASS: ReadonlyMap<string, string> = new Map([
  ['proxy_pass', 'proxy_hide_header'],
  ['fastcgi_pass', 'fastcgi_hide_header'],
  ['uwsgi_pass', 'uwsgi_hide_header'],
  ['scgi_pass', 'scgi_hide_header'],
  ['grpc_pass', 'grpc_hide_header'],
]);
const HIDE_DIRECTIVES = [...HIDE_BY_PASS.values()];

interface State {
  /** The `add_header Content-Type` lines in force. */
  readonly contentType: readonly Directive[];
  /** Per hide directive, the lower-cased header names of the list in force. */
  readonly hidden: ReadonlyMap<string, readonly string[]>;
  /** The pass directive of the enclosing location (an `if` or `limit_except` inside it serves with it). */
  readonly handler?: string;
}

/** Where the response comes from at this level: a `*_pass` module, nginx itself (`return`), or unknown (none written). */
function handlerOf(block: readonly Directive[], inherited: string | undefined): string | undefined {
  for (const c of block) {
    if (HIDE_BY_PASS.has(c.name)) return c.name;
    if (c.name === 'return') return 'return';
  }
  return inherited;
}

function checkAddHeaderContentType(tree: readonly Directive[]): ConfigFinding[] {
  const duplicated = new Set<Directive>();
  const placeOf = new Map<Directive, readonly Directive[]>();

  const visit = (block: readonly Directive[], parents: readonly Directive[], state: State, level: Directive | undefined) => {
    const own = block.filter(c => c.name === 'add_header' && c.args[0] !== undefined);
    for (const c of own) placeOf.set(c, parents);
    const inherit = block.find(c => c.name === 'add_header_inherit')?.args[0]?.toLowerCase();
    const ownCt = own.filter(c => c.args[0].toLowerCase() === 'content-type');
    // A level with add_header lines of its own does not inherit the enclosing ones (unless add_header_inherit merge).
    const contentType = inherit === 'off' || (own.length > 0 && inherit !== 'merge') ? ownCt : [...ownCt, ...state.contentType];
    const hidden = new Map(state.hidden);
    for (const name of HIDE_DIRECTIVES) {
      const lines = block.filter(c => c.name === name);
      if (lines.length > 0) hidden.set(name, lines.map(c => (c.args[0] ?? '').toLowerCase()));
    }
    const isLocation = level?.name === 'location';
    const handler = handlerOf(block, isLocation ? undefined : state.handler);
    const next: State = { contentType, hidden, handler };
    const children = block.filter(c => c.block && LEVELS.has(c.name));
    for (const c of children) visit(c.block!, [...parents, c], next, c);
    // Where a response is produced: a location, an if or limit_except inside one, a server without locations, or
    // the top of a fragment that has neither servers nor locations.
    const hasInner = children.some(c => c.name === 'server' || c.name === 'location' || c.name === 'http');
    const endpoint = level === undefined || level.name === 'http' || level.name === 'server' ? !hasInner : true;
    if (!endpoint || contentType.length === 0) return;
    // Hiding the backend's Content-Type leaves only the added one, when that backend serves this level (or none is written here).
    const hides = HIDE_DIRECTIVES.some(name => (hidden.get(name) ?? []).includes('content-type')
      && (handler === undefined || HIDE_BY_PASS.get(handler) === name));
    if (!hides) for (const c of contentType) duplicated.add(c);
  };
  visit(tree, [], { contentType: [], hidden: new Map() }, undefined);

  const findings: ConfigFinding[] = [];
  for (const [d, parents] of placeOf) {
    if (!duplicated.has(d)) continue;
    findings.push(finding('add-header-content-type', Severity.WARNING, describeWhere(parents),
      `'${show(d)}' adds a second Content-Type header: add_header never replaces the Content-Type nginx already sends (from the types `
      + 'map and default_type, or the one the backend sent), so clients, caches and content sniffers get two values and may pick the '
      + "other one (for example render text/html where application/json was meant). Set the type with 'default_type' (or a 'types' block) "
      + "instead; for a proxied response, remove the backend's header first ('proxy_hide_header Content-Type;', or the fastcgi_/uwsgi_/"
      + 'scgi_/grpc_ variant) so that the added one is the only one.'));
  }
  return findings;
}

/**
 * add-header-content-type: `add_header Content-Type` where nginx (or the backend) already sends a Content-Type.
 */
export const addHeaderContentType: SecurityRule = {
  ids: ['add-header-content-type'],
  run: checkAddHeaderContentType,
};
