import { Directive } from '../directive';
import { ConfigFinding, Severity, describeWhere } from '../findings';
import { listensOnLoopbackOnly } from './listen';
import { SecurityRule } from './rule';
import { finding, parseIfCondition, parseLocation, variablesIn, walk } from './tree';

/** Levels whose `allow`/`deny`, `auth_*` and `satisfy` settings a location inherits. */
const ACCESS_LEVELS = new Set(['http', 'server', 'location']);

/** Addresses that stand for every client. */
const EVERYONE = new Set(['all', '0.0.0.0/0', '::/0']);

/** Variables that hold the client's address (or its TLS client certificate check). */
const CLIENT_VARIABLES = new Set(['remote_addr', 'binary_remote_addr', 'realip_remote_addr', 'ssl_client_verify']);

/** The innermost value of a single-valued directive, looking from the block outwards (nginx's merge). */
function inherited(levels: readonly Directive[], name: string): Directive | undefined {
  for (let i = levels.length - 1; i >= 0; i--) {
    const own = levels[i].block?.find(c => c.name === name);
    if (own) return own;
  }
  return undefined;
}

/**
 * The access rules in force: those of the innermost level that has `allow` or `deny` lines of its own (a level
 * with none inherits the enclosing level's list as a whole).
 */
function accessRules(levels: readonly Directive[]): Directive[] {
  for (let i = levels.length - 1; i >= 0; i--) {
    const own = (levels[i].block ?? []).filter(c => c.name === 'allow' || c.name === 'deny');
    if (own.length > 0) return own;
  }
  return [];
}

/** Whether the rules turn away clients in general: a `deny all` that no `allow all` before it overrides. */
function rulesRestrict(rules: readonly Directive[]): boolean {
  for (const r of rules) {
    if (!EVERYONE.has((r.args[0] ?? '').toLowerCase())) continue;
    return r.name === 'deny';
  }
  return false;
}

function rulesAllowEveryone(rules: readonly Directive[]): boolean {
  for (const r of rules) {
    if (EVERYONE.has((r.args[0] ?? '').toLowerCase())) return r.name === 'allow';
    if (r.name === 'deny') return false;
  }
  return false;
}

function authenticates(levels: readonly Directive[]): boolean {
  return ['auth_basic', 'auth_request', 'auth_jwt'].some(name => {
    const d = inherited(levels, name);
    return d !== undefined && d.args[0] !== undefined && d.args[0].toLowerCase() !== 'off';
  });
}

/** Variables computed from the client address: `geo` outputs, and `map` outputs whose source is one. */
function clientVariables(tree: readonly Directive[]): Set<string> {
  const vars = new Set(CLIENT_VARIABLES);
  const blocks: Directive[] = [];
  walk(tree, d => {
    if ((d.name === 'geo' || d.name === 'map') && d.block) blocks.push(d);
  });
  for (let pass = 0; pass < 3; pass++) {
    for (const b of blocks) {
      const target = b.args[b.args.length - 1];
      if (target === undefined || !target.startsWith('$')) continue;
      const source = b.name === 'geo' ? (b.args.length >= 2 ? b.args[0] : '$remote_addr') : b.args[0] ?? '';
      if (variablesIn(source).some(v => vars.has(v.name))) vars.add(target.slice(1).toLowerCase());
    }
  }
  return vars;
}

/** An `if` on the client's address (or certificate) that answers 401, 403, 404 or 444: an address gate. */
function gatesByAddress(block: readonly Directive[], clientVars: ReadonlySet<string>): boolean {
  return block.some(c => {
    if (c.name !== 'if' || !c.block) return false;
    const cond = parseIfCondition(c.args);
    if (!cond || !variablesIn(cond.subject).some(v => clientVars.has(v.name))) return false;
    return c.block.some(r => r.name === 'return' && ['401', '403', '404', '444'].includes(r.args[0] ?? ''));
  });
}

function checkStubStatus(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  let clientVars: Set<string> | undefined;
  walk(tree, (d, parents) => {
    if (d.name !== 'stub_status') return;
    const block = parents[parents.length - 1];
    if (!block || (block.name !== 'location' && block.name !== 'server')) return;
    if (parents.some(p => p.name === 'stream')) return;
    // A named or internal location is reached only from nginx itself (try_files, error_page, X-Accel-Redirect).
    if (block.name === 'location' && (parseLocation(block.args)?.modifier === '@' || block.block?.some(c => c.name === 'internal'))) return;
    const server = [...parents].reverse().find(p => p.name === 'server');
    if (server && listensOnLoopbackOnly(server)) return;
    const levels = parents.filter(p => ACCESS_LEVELS.has(p.name));
    const rules = accessRules(levels);
    const anyClient = inherited(levels, 'satisfy')?.args[0]?.toLowerCase() === 'any';
    if (anyClient && rulesAllowEveryone(rules)) {
      // `satisfy any` lets a client in when the access rules do, before any password is asked.
    } else if (rulesRestrict(rules) || authenticates(levels)) {
      return;
    }
    const verify = server ? inherited(parents.slice(0, parents.indexOf(server) + 1).filter(p => ACCESS_LEVELS.has(p.name)), 'ssl_verify_client') : undefined;
    if (verify?.args[0]?.toLowerCase() === 'on') return;
    clientVars ??= clientVariables(tree);
    if (gatesByAddress(block.block ?? [], clientVars) || (server && server !== block && gatesByAddress(server.block ?? [], clientVars))) return;
    const where = describeWhere(parents);
    findings.push(finding('stub-status-exposed', Severity.WARNING, where,
      `'stub_status' in ${where} answers anyone who can reach the server: no allow/deny list that ends in 'deny all' applies there `
      + '(a block with allow/deny lines of its own does not inherit those of the enclosing blocks), no authentication, and the server '
      + 'does not listen on a loopback address only. The page tells any client how many connections and requests nginx handles right '
      + "now, which helps time and measure a denial of service and fingerprints the server. Restrict the location: 'allow 127.0.0.1; "
      + "allow ::1;' (plus the monitoring network) then 'deny all;', or serve it from a server that listens on 127.0.0.1 only."));
  });
  return findings;
}

/**
 * stub-status-exposed: a `stub_status` page that no address list, authentication or loopback-only listen restricts.
 */
export const stubStatusExposed: SecurityRule = {
  ids: ['stub-status-exposed'],
  run: checkStubStatus,
};
