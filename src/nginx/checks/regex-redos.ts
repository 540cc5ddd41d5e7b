import { Directive } from '../directive';
import { ConfigFinding, Severity, describeWhere } from '../findings';
import { CharSet, ParsedRegex, RegexMatcher, RegexNode } from './regex';
import { SecurityRule } from './rule';
import { scopeChain } from './scope';
import { requestControlled } from './taint';
import { finding, isRegexModifier, parseIfCondition, parseLocation, show, walk } from './tree';

/**
 * regex-redos: a regex with exponential backtracking (ReDoS) matched against request data.
 *
 * nginx runs its regexes with PCRE2, a backtracking matcher, without a match context, so pcre2_match stops
 * only at PCRE2's default match limit (10 000 000 steps). Measured with Debian's nginx 1.22 and PCRE2 10.42:
 * `location ~ ^/x/(a+)+$` and a request for /x/ followed by 24 a's and a '!' costs the worker about 0.13 s
 * of CPU (0.016 s with `pcre_jit on`), then fails with status 500 and an alert in the error log. A few
 * requests a second keep a worker busy.
 *
 * The analysis is the ambiguity of the pattern's position automaton (Glushkov): backtracking is exponential
 * when, inside a repeated part, some state can loop back to itself in two different ways over the same
 * text (exponential degree of ambiguity: `(a+)+`, `(a|a)*`, `(\w+\d*)+`, `(.*,)*`). Only such patterns
 * are reported: repeats side by side (`^/(.*)/(.*)$`, `.*.*`) are polynomial. Each candidate is then run
 * through a PCRE-like backtracking matcher on an attack string built from the ambiguous loop, in the
 * subject's own alphabet (nginx merges slashes in $uri and lower-cases $host), and reported only when the
 * work really grows exponentially with the input.
 *
 * Polynomial patterns are not reported, although a quadratic one such as `^/(.*)/(.*)$` also reaches the
 * match limit with a URI of about 8 KB (/a/a/...%0A, measured at 0.2 s): they are everywhere in working
 * configurations and need inputs near the header-buffer limit, which `large_client_header_buffers` bounds.
 */

/** What a regex is matched against, for the attack string and the severity. */
export type Subject = 'uri' | 'host' | 'header' | 'other';

interface RegexSite {
  readonly directive: Directive;
  readonly parents: readonly Directive[];
  readonly pattern: string;
  readonly caseless: boolean;
  readonly subject: Subject;
  /** The client chooses the subject (the request line or a request header). */
  readonly clientControlled: boolean;
  /** How the pattern is named in the message. */
  readonly label: string;
}

/** Variables that hold the (normalised) URI, the host, or raw request data. */
const URI_VARIABLES = new Set(['$uri', '$document_uri']);
const HOST_VARIABLES = new Set(['$host']);

function subjectOf(value: string, chain: ReturnType<typeof scopeChain>): { subject: Subject; clientControlled: boolean } {
  const v = value.toLowerCase();
  if (URI_VARIABLES.has(v)) return { subject: 'uri', clientControlled: true };
  if (HOST_VARIABLES.has(v)) return { subject: 'host', clientControlled: true };
  const controlled = requestControlled(value, chain).length > 0;
  return { subject: controlled ? 'header' : 'other', clientControlled: controlled };
}

const MAP_PARAMETERS = new Set(['default', 'hostnames', 'volatile', 'include']);

/** Every regex of the tree with what it is matched against. */
function regexSites(tree: readonly Directive[]): RegexSite[] {
  const sites: RegexSite[] = [];
  walk(tree, (d, parents) => {
    const add = (pattern: string, caseless: boolean, subject: Subject, clientControlled: boolean, label: string) => {
      if (pattern !== '') sites.push({ directive: d, parents, pattern, caseless, subject, clientControlled, label });
    };
    switch (d.name) {
      case 'location': {
        const loc = parseLocation(d.args);
        if (loc && isRegexModifier(loc.modifier)) add(loc.path, loc.modifier === '~*', 'uri', true, `'location ${d.args.join(' ')}'`);
        break;
      }
      case 'rewrite':
        if (d.args[0] !== undefined) add(d.args[0], false, 'uri', true, `'${show(d)}'`);
        break;
      case 'fastcgi_split_path_info':
        if (d.args[0] !== undefined) add(d.args[0], false, 'uri', true, `'${show(d)}'`);
        break;
      case 'if': {
        const cond = parseIfCondition(d.args);
        if (cond && cond.operand !== undefined && /^!?~\*?$/.test(cond.operator)) {
          const s = subjectOf(cond.subject, scopeChain(d, parents));
          add(cond.operand, cond.operator.endsWith('*'), s.subject, s.clientControlled, `'if (${cond.subject} ${cond.operator} ${cond.operand})'`);
        }
        break;
      }
      case 'server_name':
        for (const a of d.args) if (a.startsWith('~')) add(a.slice(1), true, 'host', true, `'server_name ${a}'`);
        break;
      case 'valid_referers':
        for (const a of d.args) if (a.startsWith('~')) add(a.slice(1), true, 'header', true, `'valid_referers ${a}'`);
        break;
      case 'gzip_disable':
        for (const a of d.args) if (a !== 'msie6' && a !== 'degradation') add(a, true, 'header', true, `'gzip_disable ${a}'`);
        break;
      case 'proxy_redirect': case 'proxy_cookie_path': case 'proxy_cookie_domain':
        // Matched against what the upstream sends (Location, Set-Cookie).
        if (d.args[0]?.startsWith('~')) {
          const caseless = d.args[0].startsWith('~*');
          add(d.args[0].slice(caseless ? 2 : 1), caseless, 'other', false, `'${show(d)}'`);
        }
        break;
      case 'map': {
        if (!d.block || d.args[0] === undefined) break;
        const s = subjectOf(d.args[0], scopeChain(d, parents));
        for (const entry of d.block) {
          if (MAP_PARAMETERS.has(entry.name) || !entry.name.startsWith('~')) continue;
          const caseless = entry.name.startsWith('~*');
          const pattern = entry.name.slice(caseless ? 2 : 1);
          if (pattern !== '') {
            sites.push({
              directive: d,
              parents,
              pattern,
              caseless,
              subject: s.subject,
              clientControlled: s.clientControlled,
              label: `the map key '${entry.name}' (map ${d.args.join(' ')})`,
            });
          }
        }
        break;
      }
      default:
        break;
    }
  });
  return sites;
}

/* ---------------------------------------------------------------------------------------------------- */
/* The position automaton and its ambiguity                                                             */
/* ---------------------------------------------------------------------------------------------------- */

/** More positions than this are not analysed (long lists of alternatives have no nested loops anyway). */
const MAX_POSITIONS = 400;
/** Bounded repeats above this count are analysed as unbounded ones ({1,255} backtracks like +). */
const MAX_EXPANDED_COUNT = 4;

interface Fragment {
  readonly first: number[];
  readonly last: number[];
  readonly nullable: boolean;
}

interface Loop {
  /** Positions [from, to) of the loop's body. */
  readonly from: number;
  readonly to: number;
  /** The repeat as written, for the message. */
  readonly text: string;
}

export class PositionAutomaton {
  public readonly labels: CharSet[] = [];
  /**
   * Transitions: `follow[p]` lists the positions that can come after p, once per way the pattern allows it
   * (in (a+)+ the a can follow itself through the inner or the outer repeat: two entries, two ways to
   * backtrack).
   */
  public readonly follow: number[][] = [];
  /** The outermost unbounded repeats: every cycle of the automaton lies inside one of them. */
  public readonly loops: Loop[] = [];
  public readonly root: Fragment;
  private loopDepth = 0;

  constructor(node: RegexNode) {
    this.root = this.build(node);
  }

  private position(set: CharSet): number {
    if (this.labels.length >= MAX_POSITIONS) throw new RangeError('too many positions');
    this.labels.push(set);
    this.follow.push([]);
    return this.labels.length - 1;
  }

  private link(from: readonly number[], to: readonly number[]): void {
    for (const a of from) for (const b of to) this.follow[a].push(b);
  }

  private seq(a: Fragment, b: Fragment): Fragment {
    this.link(a.last, b.first);
    return {
      first: a.nullable ? [...a.first, ...b.first] : a.first,
      last: b.nullable ? [...a.last, ...b.last] : b.last,
      nullable: a.nullable && b.nullable,
    };
  }

  private build(node: RegexNode): Fragment {
    switch (node.type) {
      case 'char': {
        if (node.set.isEmpty()) return { first: [], last: [], nullable: false };
        const p = this.position(node.set);
        return { first: [p], last: [p], nullable: false };
      }
      case 'seq':
        return node.items.reduce<Fragment>((acc, item) => this.seq(acc, this.build(item)), { first: [], last: [], nullable: true });
      case 'alt': {
        const parts = node.options.map(o => this.build(o));
        return { first: parts.flatMap(p => p.first), last: parts.flatMap(p => p.last), nullable: parts.some(p => p.nullable) };
      }
      case 'group': case 'atomic':
        return this.build(node.body);
      case 'repeat': {
        const unbounded = node.max === Infinity || node.max > MAX_EXPANDED_COUNT;
        const copies = unbounded ? Math.min(node.min, 2) : node.min;
        let acc: Fragment = { first: [], last: [], nullable: true };
        for (let i = 0; i < copies - (unbounded && copies > 0 ? 1 : 0); i++) acc = this.seq(acc, this.build(node.body));
        if (unbounded) {
          const from = this.labels.length;
          this.loopDepth++;
          const body = this.build(node.body);
          this.loopDepth--;
          this.link(body.last, body.first);
          if (this.loopDepth === 0) this.loops.push({ from, to: this.labels.length, text: node.text });
          return this.seq(acc, { ...body, nullable: body.nullable || copies === 0 });
        }
        for (let i = copies; i < node.max; i++) {
          const body = this.build(node.body);
          acc = this.seq(acc, { ...body, nullable: true });
        }
        return acc;
      }
      default:
        // Anchors, look-around and back-references consume no character of their own here.
        return { first: [], last: [], nullable: true };
    }
  }
}

/** Preferred characters for attack strings: ordinary ones first, so that they survive the subject's rules. */
const PREFERRED = 'abcdefghijklmnopqrstuvwxyz0123456789-_.~!';

interface Witness {
  /** Text that leads into the ambiguous loop. */
  readonly prefix: string;
  /** Text that the loop can match in two ways, repeated to blow up. */
  readonly pump: string;
  readonly loop: Loop;
}

const MAX_PAIRS = 40_000;

/**
 * A loop of the automaton with exponential ambiguity: a state that returns to itself over the same word
 * along two different paths. In the product of the automaton with itself, that is a strongly connected
 * component that holds a pair (p, p) and either a pair (q, r) with q != r or a step from a pair (p, p) to a
 * pair (p', p') along two different transitions.
 */
export function ambiguousLoop(a: PositionAutomaton): Witness | undefined {
  for (const loop of a.loops) {
    const inLoop = (p: number) => p >= loop.from && p < loop.to;
    const n = loop.to - loop.from;
    const key = (p: number, q: number) => (p - loop.from) * n + (q - loop.from);
    const isDiagonal = (k: number) => Math.floor(k / n) === k % n;
    const edges = new Map<number, PairEdge[]>();
    const seen = new Set<number>();
    const queue: number[] = [];
    for (let p = loop.from; p < loop.to; p++) {
      seen.add(key(p, p));
      queue.push(key(p, p));
    }
    let tooBig = false;
    while (queue.length > 0 && !tooBig) {
      const k = queue.pop()!;
      const p = loop.from + Math.floor(k / n);
      const q = loop.from + (k % n);
      const out: PairEdge[] = [];
      a.follow[p].forEach((p2, i) => {
        if (!inLoop(p2)) return;
        a.follow[q].forEach((q2, j) => {
          if (!inLoop(q2)) return;
          const ch = a.labels[p2].intersect(a.labels[q2]).pick(PREFERRED);
          if (ch === undefined) return;
          const k2 = key(p2, q2);
          out.push({ to: k2, ch, split: p === q && p2 === q2 && i !== j });
          if (!seen.has(k2)) {
            seen.add(k2);
            queue.push(k2);
          }
        });
      });
      edges.set(k, out);
      tooBig = seen.size > MAX_PAIRS;
    }
    if (tooBig) continue;
    for (const component of stronglyConnected([...seen], k => (edges.get(k) ?? []).map(e => e.to))) {
      const members = new Set(component);
      const diagonal = component.find(isDiagonal);
      if (diagonal === undefined) continue;
      let start: number | undefined;
      let pump: string | undefined;
      const other = component.find(k => !isDiagonal(k));
      if (other !== undefined) {
        const there = pathWithin(diagonal, other, members, edges);
        const back = pathWithin(other, diagonal, members, edges);
        if (there !== undefined && back !== undefined) {
          start = diagonal;
          pump = there + back;
        }
      } else {
        // Only pairs (p, p): the ambiguity is two transitions between the same positions.
        for (const k of component) {
          const split = (edges.get(k) ?? []).find(e => e.split && members.has(e.to));
          if (!split) continue;
          const back = split.to === k ? '' : pathWithin(split.to, k, members, edges);
          if (back === undefined) continue;
          start = k;
          pump = split.ch + back;
          break;
        }
      }
      if (start === undefined || pump === undefined) continue;
      const prefix = pathTo(a, loop.from + Math.floor(start / n));
      if (prefix === undefined) continue;
      return { prefix, pump, loop };
    }
    // A single pair (p, p) with two transitions to itself is a component of its own.
    for (const k of seen) {
      if (!isDiagonal(k)) continue;
      const self = (edges.get(k) ?? []).find(e => e.split && e.to === k);
      if (!self) continue;
      const prefix = pathTo(a, loop.from + Math.floor(k / n));
      if (prefix !== undefined) return { prefix, pump: self.ch, loop };
    }
  }
  return undefined;
}

interface PairEdge {
  readonly to: number;
  readonly ch: string;
  /** A step from (p, p) to (p', p') along two different transitions of the automaton. */
  readonly split: boolean;
}

/** Tarjan's strongly connected components (iterative), only those with more than one node. */
function stronglyConnected(nodes: number[], next: (k: number) => number[]): number[][] {
  const index = new Map<number, number>();
  const low = new Map<number, number>();
  const onStack = new Set<number>();
  const stack: number[] = [];
  const out: number[][] = [];
  let counter = 0;
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: Array<{ node: number; i: number; succ: number[] }> = [{ node: root, i: 0, succ: next(root) }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const top = work[work.length - 1];
      if (top.i < top.succ.length) {
        const w = top.succ[top.i++];
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          work.push({ node: w, i: 0, succ: next(w) });
        } else if (onStack.has(w)) {
          low.set(top.node, Math.min(low.get(top.node)!, index.get(w)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.node)!));
      }
      if (low.get(top.node) === index.get(top.node)) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== top.node);
        if (component.length > 1) out.push(component);
      }
    }
  }
  return out;
}

/** The characters along a shortest non-empty path from `from` to `to` inside `members`. */
function pathWithin(from: number, to: number, members: Set<number>, edges: Map<number, PairEdge[]>): string | undefined {
  const prev = new Map<number, { from: number; ch: string }>();
  const queue = [from];
  const visited = new Set<number>([from]);
  while (queue.length > 0) {
    const k = queue.shift()!;
    for (const e of edges.get(k) ?? []) {
      if (!members.has(e.to) || visited.has(e.to)) continue;
      visited.add(e.to);
      prev.set(e.to, { from: k, ch: e.ch });
      if (e.to === to) {
        let word = '';
        let at = to;
        do {
          const step = prev.get(at)!;
          word = step.ch + word;
          at = step.from;
        } while (at !== from);
        return word;
      }
      queue.push(e.to);
    }
  }
  return undefined;
}

/** The characters of a shortest path from the start of the automaton to position `target` (included). */
function pathTo(a: PositionAutomaton, target: number): string | undefined {
  const prev = new Map<number, number>();
  const queue: number[] = [];
  for (const p of a.root.first) {
    if (!prev.has(p)) {
      prev.set(p, -1);
      queue.push(p);
    }
  }
  while (queue.length > 0) {
    const p = queue.shift()!;
    if (p === target) {
      let word = '';
      for (let at = p; at !== -1; at = prev.get(at)!) word = a.labels[at].pick(PREFERRED)! + word;
      return word;
    }
    for (const q of a.follow[p]) {
      if (!prev.has(q)) {
        prev.set(q, p);
        queue.push(q);
      }
    }
  }
  return undefined;
}

/* ---------------------------------------------------------------------------------------------------- */
/* Confirmation on the subject nginx really matches                                                      */
/* ---------------------------------------------------------------------------------------------------- */

/** What may follow the pumped text to make the overall match fail. */
const ENDINGS = ['!', '\n', '', '~', ' ', '/', '-', '.', '_', 'A', '0', '\x01', '\xff', '!!', '\n!'];

/**
 * The characters the pattern spells out literally. PCRE2 gives up at once on a subject that lacks the last
 * literal character every match needs (`.html$` needs an 'l'), so an attack string carries it after the
 * character that makes the match fail.
 */
function literalChars(node: RegexNode, out = new Set<string>()): Set<string> {
  switch (node.type) {
    case 'char': {
      const size = node.set.size();
      const ch = node.set.pick('abcdefghijklmnopqrstuvwxyz');
      if (ch !== undefined && (size === 1 || (size === 2 && node.set.hasChar(ch.toUpperCase()) && ch !== ch.toUpperCase()))) out.add(ch);
      break;
    }
    case 'seq': node.items.forEach(i => literalChars(i, out)); break;
    case 'alt': node.options.forEach(o => literalChars(o, out)); break;
    case 'group': case 'atomic': case 'repeat': case 'look': literalChars(node.body, out); break;
    default: break;
  }
  return out;
}

/** The subject nginx would match for an attack string, or undefined if it cannot carry it. */
function inSubject(text: string, subject: Subject): string | undefined {
  switch (subject) {
    case 'uri': {
      // $uri is decoded (%0A gives a newline), starts with '/', and has its slashes merged.
      const uri = (text.startsWith('/') ? text : `/${text}`).replace(/\/{2,}/g, '/');
      return uri.includes('\0') ? undefined : uri;
    }
    case 'host': {
      const host = text.toLowerCase();
      return /^[a-z0-9._~!$&'()*+,;=%:-]+$/.test(host) && !host.includes('..') ? host : undefined;
    }
    case 'header':
      return /[\r\n\0]/.test(text) ? undefined : text;
    default:
      return text;
  }
}

const LIMIT = 2_000_000;
/** The work the example of a finding should cause in this matcher: far past PCRE2's limit of 10 000 000. */
const EXAMPLE_STEPS = 1e9;

interface Blowup {
  readonly example: string;
  readonly loop: Loop;
}

/** What can come right after a part of the pattern: characters, the end of the subject, or something not modelled. */
interface Next {
  readonly chars: CharSet;
  readonly end: boolean;
  readonly unknown: boolean;
}

const NOTHING_NEXT: Next = { chars: CharSet.none(), end: false, unknown: false };

function joinNext(a: Next, b: Next): Next {
  return { chars: a.chars.union(b.chars), end: a.end || b.end, unknown: a.unknown || b.unknown };
}

/** The characters a part can start with, and whether it can match the empty string. */
function firstOf(node: RegexNode): Next & { readonly nullable: boolean } {
  switch (node.type) {
    case 'char': return { chars: node.set, end: false, unknown: false, nullable: false };
    case 'seq': {
      let acc: Next = NOTHING_NEXT;
      for (const item of node.items) {
        const f = firstOf(item);
        acc = joinNext(acc, f);
        if (!f.nullable) return { ...acc, nullable: false };
      }
      return { ...acc, nullable: true };
    }
    case 'alt': {
      const all = node.options.map(firstOf);
      return { ...all.reduce<Next>((a, f) => joinNext(a, f), NOTHING_NEXT), nullable: all.some(f => f.nullable) };
    }
    case 'group': case 'atomic': return firstOf(node.body);
    case 'repeat': {
      const f = firstOf(node.body);
      return { ...f, nullable: f.nullable || node.min === 0 };
    }
    case 'assert':
      if (node.kind === 'z') return { chars: CharSet.none(), end: true, unknown: false, nullable: false };
      if (node.kind === '$' || node.kind === 'Z') return { chars: CharSet.of('\n'), end: true, unknown: node.multiline, nullable: false };
      if (node.kind === '^' || node.kind === 'A' || node.kind === 'G') return { ...NOTHING_NEXT, nullable: true };
      return { ...NOTHING_NEXT, unknown: true, nullable: true };
    default:
      return { ...NOTHING_NEXT, unknown: true, nullable: true };
  }
}

/**
 * PCRE2's auto-possessification: a repeated single character (a+, [^/]*, \d+) followed by something that
 * cannot start with any of its characters never gives characters back, so PCRE2 compiles it as possessive
 * (a++). The matcher gets the same treatment, so that its step counts follow PCRE2's.
 */
function autoPossessify(node: RegexNode, after: Next): RegexNode {
  switch (node.type) {
    case 'seq': {
      const items = [...node.items];
      let next = after;
      for (let i = items.length - 1; i >= 0; i--) {
        const f = firstOf(items[i]);
        items[i] = autoPossessify(items[i], next);
        next = f.nullable ? joinNext(f, next) : f;
      }
      return { type: 'seq', items };
    }
    case 'alt':
      return { type: 'alt', options: node.options.map(o => autoPossessify(o, after)) };
    case 'group':
      return { ...node, body: autoPossessify(node.body, after) };
    case 'atomic':
      return { ...node, body: autoPossessify(node.body, { ...NOTHING_NEXT, end: true }) };
    case 'look':
      return { ...node, body: autoPossessify(node.body, { ...NOTHING_NEXT, unknown: true }) };
    case 'repeat': {
      if (node.body.type === 'char' && node.mode !== 'possessive') {
        const disjoint = !after.unknown && node.body.set.intersect(after.chars).isEmpty();
        return disjoint ? { ...node, mode: 'possessive' } : node;
      }
      // What follows one iteration is another iteration or what follows the repeat.
      const body = autoPossessify(node.body, node.max > 1 ? joinNext(firstOf(node.body), after) : after);
      return { ...node, body };
    }
    default:
      return node;
  }
}

/**
 * The last literal character that every match contains (PCRE2's "required code unit"): found walking the
 * pattern backwards over its mandatory parts; parts that may be skipped, and classes, are passed over.
 */
function requiredLiteral(node: RegexNode): CharSet | undefined {
  switch (node.type) {
    case 'char': {
      const size = node.set.size();
      const ch = node.set.pick('abcdefghijklmnopqrstuvwxyz');
      return ch !== undefined && (size === 1 || (size === 2 && ch !== ch.toUpperCase() && node.set.hasChar(ch.toUpperCase()))) ? node.set : undefined;
    }
    case 'seq':
      for (let i = node.items.length - 1; i >= 0; i--) {
        const found = requiredLiteral(node.items[i]);
        if (found) return found;
      }
      return undefined;
    case 'alt': {
      const all = node.options.map(requiredLiteral);
      return all.every(s => s !== undefined && s.equals(all[0]!)) ? all[0] : undefined;
    }
    case 'group': case 'atomic':
      return requiredLiteral(node.body);
    case 'repeat':
      return node.min >= 1 ? requiredLiteral(node.body) : undefined;
    default:
      return undefined;
  }
}

/**
 * Runs attack strings with the pumped text repeated 1, 2, 4, ... times: the blow-up is real when doubling the
 * input multiplies the work by 20 or more (a polynomial of degree 3 multiplies it by 8 at most) or runs it
 * past the budget.
 */
function confirm(parsed: ParsedRegex, w: Witness, subject: Subject): Blowup | undefined {
  const matcher = new RegexMatcher({ ...parsed, root: autoPossessify(parsed.root, { ...NOTHING_NEXT, end: true }) });
  const literals = [...literalChars(matcher.parsed.root)].slice(0, 16);
  const required = requiredLiteral(matcher.parsed.root);
  for (const ending of [...ENDINGS, ...literals.map(ch => `!${ch}`), ...literals.map(ch => `\n${ch}`)]) {
    let previous: number | undefined;
    for (let k = 1; k <= 64; k *= 2) {
      const text = inSubject(w.prefix + w.pump.repeat(k) + ending, subject);
      if (text === undefined) break;
      // PCRE2 fails at once when the subject lacks the literal every match needs.
      if (required && ![...text].some(ch => required.hasChar(ch))) break;
      // A later start position may still match: the work spent before it counts all the same.
      const r = matcher.match(text, LIMIT);
      const steps = r.matched === undefined ? LIMIT : r.steps;
      if (previous !== undefined && steps >= 20_000 && steps >= previous * 20) {
        // Long enough to pass PCRE2's match limit by a wide margin: the work grows by `rate` per pumped text.
        const rate = Math.max(1.05, (steps / previous) ** (2 / k));
        const more = Math.ceil(Math.log(EXAMPLE_STEPS / steps) / Math.log(rate));
        const count = Math.min(k + Math.max(0, more), Math.max(k, Math.floor(2000 / w.pump.length)));
        return { example: inSubject(w.prefix + w.pump.repeat(count) + ending, subject)!, loop: w.loop };
      }
      if (r.matched === undefined) break;
      previous = steps;
    }
  }
  return undefined;
}

/** The exponential blow-up of a pattern on its subject, if any. Exported for the tests. */
export function redosBlowup(pattern: string, caseless: boolean, subject: Subject): Blowup | undefined {
  const matcher = RegexMatcher.of(pattern, caseless);
  if (!matcher) return undefined;
  let automaton: PositionAutomaton;
  try {
    automaton = new PositionAutomaton(matcher.parsed.root);
  } catch (e) {
    if (e instanceof RangeError) return undefined;
    throw e;
  }
  const witness = ambiguousLoop(automaton);
  return witness && confirm(matcher.parsed, witness, subject);
}

/** A readable form of an attack string: URIs percent-encoded where needed, other control bytes escaped. */
function printable(text: string, subject: Subject): string {
  return text.replace(/[^\x21-\x7e]/g, ch => {
    const hex = ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0');
    return subject === 'uri' ? `%${hex}` : `\\x${hex}`;
  });
}

const SUBJECT_WORDS: Record<Subject, string> = {
  uri: 'a request URI such as',
  host: 'a Host header such as',
  header: 'a request value such as',
  other: 'a value such as',
};

function checkRegexRedos(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  const cache = new Map<string, Blowup | undefined>();
  for (const site of regexSites(tree)) {
    const key = `${site.caseless ? 'i' : ''}:${site.subject}:${site.pattern}`;
    if (!cache.has(key)) cache.set(key, redosBlowup(site.pattern, site.caseless, site.subject));
    const blowup = cache.get(key);
    if (!blowup) continue;
    const where = site.directive.name === 'location' ? describeWhere(site.parents, site.directive) : describeWhere(site.parents);
    const who = site.clientControlled ? 'Any client can send' : 'Whoever controls the matched value can send';
    findings.push(finding('regex-redos', site.clientControlled ? Severity.ERROR : Severity.WARNING, where,
      `${site.label} has a regex with exponential backtracking: in ${blowup.loop.text} the repeated part can match the same text in `
      + `several ways, and PCRE tries every one of them before it gives up. ${who} ${SUBJECT_WORDS[site.subject]} `
      + `'${printable(blowup.example, site.subject)}': each such request burns PCRE's whole match limit (about 0.1 s of CPU per request `
      + 'without pcre_jit) and ends in a 500 error, so a few requests a second keep a worker busy. Rewrite the pattern so that each '
      + 'character can be matched in only one way: no repeat directly inside another repeat over the same characters ((a+)+ is a+, '
      + '(\\w+\\d*)+ is \\w+), alternatives that cannot start with the same character, and a specific class such as [^/]+ instead of .* '
      + 'inside repeated groups.'));
  }
  return findings;
}

/**
 * regex-redos: a regex with exponential backtracking, matched against request data.
 */
export const regexRedos: SecurityRule = {
  ids: ['regex-redos'],
  run: checkRegexRedos,
};
