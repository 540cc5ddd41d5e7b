import { Directive } from '../directive';
import { ConfigFinding, Severity, describeWhere } from '../findings';
import { SecurityRule } from './rule';
import { finding, show, walk } from './tree';

/**
 * `return` runs in nginx's rewrite phase (the server's, or its location's), which comes before the access phase
 * where `allow`/`deny`, `auth_basic` and `auth_request` are checked: a block that returns answers every client,
 * whatever those rules say. `limit_except` is different: for the methods it restricts, nginx switches to the
 * limit_except block's configuration, which has no rewrite directives, so its rules do hold.
 */

/** Blocks whose access rules are inherited by the blocks inside them (when those have none of their own). */
const ACCESS_LEVELS = new Set(['http', 'server', 'location']);

/** Access-phase modules whose directive, inherited as a whole, is switched off by the value `off`. */
const AUTH = ['auth_basic', 'auth_request'];

interface Restriction {
  /** What restricts, for messages: `'deny all'`, `'auth_basic'`. */
  readonly what: string;
  /** The level it is written in, as describeWhere puts it. */
  readonly from: string;
  /** It is written in the block the `return` answers in (not inherited). */
  readonly own: boolean;
}

interface LevelBlock {
  readonly block: readonly Directive[];
  readonly where: string;
  /** The block the return answers in. */
  readonly self: boolean;
}

/** The levels around a return, innermost first, then the top of the tree (a fragment's own lines). */
function levelBlocks(levels: readonly Directive[], tree: readonly Directive[], answering: Directive): LevelBlock[] {
  return [
    ...levels.map((l, i) => ({ block: l.block ?? [], where: describeWhere(levels.slice(0, i), l), self: l === answering })).reverse(),
    { block: tree, where: describeWhere([]), self: false },
  ];
}

/** The allow/deny rules in force: those of the innermost level that has any, if they deny someone. */
function accessRules(levels: readonly Directive[], tree: readonly Directive[], answering: Directive): Restriction | undefined {
  for (const b of levelBlocks(levels, tree, answering)) {
    const rules = b.block.filter(c => c.name === 'allow' || c.name === 'deny');
    if (rules.length === 0) continue;
    // Rules are checked in order; an `allow all` before any deny lets every client in.
    const firstAllowAll = rules.findIndex(c => c.name === 'allow' && c.args[0]?.toLowerCase() === 'all');
    const deny = rules.find((c, i) => c.name === 'deny' && (firstAllowAll < 0 || i < firstAllowAll));
    return deny ? { what: `'${show(deny)}'`, from: b.where, own: b.self } : undefined;
  }
  return undefined;
}

/** An authentication in force (the innermost auth_basic / auth_request line, unless `off`). */
function authentications(levels: readonly Directive[], tree: readonly Directive[], answering: Directive): Restriction[] {
  const out: Restriction[] = [];
  for (const name of AUTH) {
    for (const b of levelBlocks(levels, tree, answering)) {
      const line = b.block.find(c => c.name === name && c.args[0] !== undefined);
      if (!line) continue;
      if (line.args[0].toLowerCase() !== 'off') out.push({ what: `'${name}'`, from: b.where, own: b.self });
      break;
    }
  }
  return out;
}

/** The status a `return` answers with: `return code [text|URL]`, or `return URL` (302). */
function statusOf(d: Directive): number | undefined {
  const first = d.args[0];
  if (first === undefined) return undefined;
  if (/^\d{3}$/.test(first)) return Number(first);
  return d.args.length === 1 ? 302 : undefined;
}

function checkReturnBypass(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  walk(tree, (d, parents) => {
    if (d.name !== 'return' || parents.some(p => p.name === 'stream' || p.name === 'limit_except')) return;
    const status = statusOf(d);
    // A refusal (4xx, 5xx, 444) withholds as much as the access rules would.
    if (status === undefined || status >= 400) return;
    // The block the return answers in: its location, else its server (the server's rewrite phase); `if` blocks belong to it.
    let at = parents.length - 1;
    while (at >= 0 && parents[at].name === 'if') at--;
    const answering = at >= 0 ? parents[at] : undefined;
    if (answering && answering.name !== 'location' && answering.name !== 'server') return;
    if (!answering && parents.length > 0) return;
    const levels = parents.slice(0, at + 1).filter(p => ACCESS_LEVELS.has(p.name));
    const answeringBlock = answering ?? d;
    const restrictions = [accessRules(levels, tree, answeringBlock), ...authentications(levels, tree, answeringBlock)]
      .filter((r): r is Restriction => r !== undefined);
    if (restrictions.length === 0) return;
    const redirect = status >= 300;
    const ownRule = restrictions.some(r => r.own);
    const where = describeWhere(parents);
    const listed = restrictions.map(r => `${r.what} (${r.own ? 'set in' : 'inherited from'} ${r.from})`).join(' and ');
    const level = answering?.name === 'server' ? "the server's rewrite phase, before nginx even picks a location" : "the location's rewrite phase";
    findings.push(finding('return-bypasses-allow-deny', redirect || !ownRule ? Severity.WARNING : Severity.ERROR, where,
      `'${show(d)}' runs in ${level}, which comes before the access phase where ${listed} ${restrictions.length === 1 ? 'is' : 'are'} checked: `
      + `nginx sends this ${redirect ? 'redirect' : `${status} response`} to every client, including the ones the rules deny, and the rules `
      + 'never apply here. Keep the access rules in this block and move the answer after the access check, into a named location that '
      + "clients cannot request: 'try_files /nonexistent @answer;' here and 'location @answer { return ...; }' (error_page to a named "
      + 'location that returns does not help: its return again runs before its own access rules). If the answer is meant for every '
      + "client, say so with 'allow all;' in this block."));
  });
  return findings;
}

/**
 * return-bypasses-allow-deny: a `return` answers before the `allow`/`deny`, `auth_basic` or `auth_request` rules of its
 * block (own or inherited) are checked.
 */
export const returnBypassesAllowDeny: SecurityRule = {
  ids: ['return-bypasses-allow-deny'],
  run: checkReturnBypass,
};
