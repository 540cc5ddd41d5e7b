import { Directive } from '../directive';
import { ConfigFinding, Severity, describeWhere } from '../findings';
import { defaultServerOf, httpServers, serverSockets, socketGroups } from './listen';
import { SecurityRule } from './rule';
import { finding, parseLocation, walk } from './tree';

/** Handlers that run scripts: a request that escapes their location may get the script's source as a static file. */
const SCRIPT_HANDLERS = new Set(['fastcgi_pass', 'scgi_pass', 'uwsgi_pass']);
const AUTH = new Set(['auth_basic', 'auth_request', 'auth_jwt']);
const REFUSALS = new Set(['401', '403', '404', '444']);

/** Whether a URI with a doubled slash (`//admin`) fails to match the location that `/admin` matches. */
function escapedByDoubleSlash(location: Directive): boolean {
  const loc = parseLocation(location.args);
  if (!loc || loc.modifier === '@') return false;
  if (loc.modifier === '~' || loc.modifier === '~*') return /^\^(?:\/|\\\/)(?:[A-Za-z0-9_~%@-]|\\[.~-])/.test(loc.path);
  return loc.path.startsWith('/') && loc.path.length > 1;
}

/** The directives of a location that apply to it (its own, its `if` and `limit_except` blocks; not nested locations). */
function ownDirectives(location: Directive): Directive[] {
  const out: Directive[] = [];
  const visit = (list: readonly Directive[]) => {
    for (const c of list) {
      out.push(c);
      if (c.block && (c.name === 'if' || c.name === 'limit_except')) visit(c.block);
    }
  };
  visit(location.block ?? []);
  return out;
}

/** What a location protects: access rules, authentication, internal-only, a refusal, or a script handler. */
function protection(location: Directive): string | undefined {
  for (const c of ownDirectives(location)) {
    if (c.name === 'deny' || c.name === 'internal') return `'${c.name}${c.args.length > 0 ? ` ${c.args.join(' ')}` : ''}'`;
    if (AUTH.has(c.name) && c.args[0] !== undefined && c.args[0].toLowerCase() !== 'off') return `'${c.name}'`;
    if (c.name === 'return' && REFUSALS.has(c.args[0] ?? '')) return `'return ${c.args[0]}'`;
    if (SCRIPT_HANDLERS.has(c.name)) return `'${c.name}': its scripts would be served as plain files`;
  }
  return undefined;
}

function protectedLocations(server: Directive): string[] {
  const out: string[] = [];
  walk(server.block ?? [], d => {
    if (d.name !== 'location' || !d.block || !escapedByDoubleSlash(d)) return;
    const p = protection(d);
    if (p) out.push(`location ${d.args.join(' ')} (${p})`);
  });
  return out;
}

function checkMergeSlashes(tree: readonly Directive[]): ConfigFinding[] {
  const parentsOf = new Map<Directive, readonly Directive[]>();
  walk(tree, (d, parents) => {
    if (d.name === 'merge_slashes') parentsOf.set(d, parents);
  });
  const offs = [...parentsOf.keys()].filter(d => d.args[0]?.toLowerCase() === 'off');
  if (offs.length === 0) return [];

  // Servers of the tree (not stream's); a fragment without server blocks is one server (its locations at the top).
  const servers: Directive[] = [];
  const enclosing = new Map<Directive, readonly Directive[]>();
  walk(tree, (d, parents) => {
    if (d.name === 'server' && d.block && !parents.some(p => p.name === 'stream' || p.name === 'upstream')) {
      servers.push(d);
      enclosing.set(d, parents);
    }
  });
  /** The merge_slashes line in force for a server: its own, else that of the block around it (http, or the top of a fragment). */
  const settingOf = (server: Directive): Directive | undefined => {
    const own = server.block?.find(c => c.name === 'merge_slashes');
    if (own) return own;
    const parents = enclosing.get(server) ?? [];
    const around = parents.length > 0 ? parents[parents.length - 1].block ?? [] : tree;
    return around.find(c => c.name === 'merge_slashes');
  };
  const inHttp = httpServers(tree);
  const groups = socketGroups(inHttp);

  const affected = new Map<Directive, string[]>();
  const note = (line: Directive | undefined, locations: readonly string[]) => {
    if (!line || line.args[0]?.toLowerCase() !== 'off') return;
    affected.set(line, [...(affected.get(line) ?? []), ...locations.filter(l => !(affected.get(line) ?? []).includes(l))]);
  };
  if (servers.length === 0) {
    const top = Directive.withBlock('server', [], [...tree]);
    note(top.block!.find(c => c.name === 'merge_slashes'), protectedLocations(top));
  }
  for (const server of servers) {
    const locations = protectedLocations(server);
    if (locations.length === 0) continue;
    if (!inHttp.includes(server)) {
      note(settingOf(server), locations);
      continue;
    }
    // nginx reads the request line, and so merges slashes or not, with the settings of the socket's default
    // server (the Host header is not read yet); over TLS, SNI has already chosen the server.
    for (const socket of serverSockets(server)) {
      const group = groups.find(g => g.key === socket.key);
      const decides = socket.tls || !group ? server : defaultServerOf(group);
      note(settingOf(decides), locations);
    }
  }

  return [...affected.entries()].map(([line, locations]) => {
    const where = describeWhere(parentsOf.get(line) ?? []);
    const shown = locations.slice(0, 3).join(', ') + (locations.length > 3 ? `, and ${locations.length - 3} more` : '');
    return finding('merge-slashes', Severity.WARNING, where,
      `'merge_slashes off' in ${where} makes nginx match locations against the URI with repeated slashes kept, so a request for `
      + '\'//admin/x\' does not match a location for \'/admin/\' and falls through to another one, while the file system and most backends '
      + `read it as '/admin/x'. Here that bypasses ${shown}. Remove the line (merge_slashes on is the default); if a backend needs the `
      + 'client\'s slashes, proxy_pass without a URI part already passes the request URI exactly as the client sent it.');
  });
}

/**
 * merge-slashes: `merge_slashes off` in force for a server with a location that a doubled slash escapes
 * (access rules, authentication, `internal`, a refusal or a script handler).
 */
export const mergeSlashes: SecurityRule = {
  ids: ['merge-slashes'],
  run: checkMergeSlashes,
};
