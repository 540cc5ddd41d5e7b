import { describeValue } from '../input/describe';

/**
 * One nginx directive: a name, its raw arguments and, for block directives, its children.
 *
 * Arguments are raw values, exactly as nginx should read them back. They are never quoted by the
 * caller: the renderer alone decides quoting (see `renderDirectives`), so a value can never be
 * quoted twice or break out of its directive.
 */
export class Directive {
  /**
   * A simple directive (`name arg1 arg2;`).
   *
   * @param name directive name, for example `gzip`.
   * @param args raw argument values, unquoted.
   */
  public static of(name: string, ...args: string[]): Directive {
    return new Directive(name, args, undefined);
  }

  /**
   * A block directive (`name args { children }`).
   *
   * @param name directive name, for example `location`.
   * @param args raw argument values, unquoted.
   * @param children the directives inside the block (may be empty).
   */
  public static withBlock(name: string, args: string[], children: Directive[]): Directive {
    return new Directive(name, args, children);
  }

  /** Directive name. */
  public readonly name: string;
  /** Raw argument values. */
  public readonly args: string[];
  /** Children, for a block directive; undefined for a simple directive. */
  public readonly block?: Directive[];
  /**
   * Why this directive cannot be rendered (args or children that are not lists), if so; the structure check
   * reports it with its place in the tree and the renderer refuses it.
   * @internal
   */
  public readonly _problem?: string;

  private constructor(name: string, args: unknown, block: unknown) {
    // Any value may arrive (plain JavaScript, jsii languages): nothing is coerced. Arguments and
    // children are kept as given and checked by the structure check and the renderer.
    this.name = name;
    const problems: string[] = [];
    if (!Array.isArray(args)) problems.push(`its arguments are ${describeValue(args)}, not a list of strings; pass a list such as ['/x']`);
    if (block !== undefined && !Array.isArray(block)) problems.push(`its children are ${describeValue(block)}, not a list of directives; pass a list such as [Directive.of('return', '404')]`);
    this.args = Object.freeze(Array.isArray(args) ? [...args] : []) as string[];
    // Children are always Directives, so every walk over a tree can trust its nodes.
    const children = Array.isArray(block) ? block.filter(c => c instanceof Directive) : [];
    if (Array.isArray(block) && children.length !== block.length) {
      problems.push(`child ${describeValue(block.find(c => !(c instanceof Directive)))} is not a Directive; build children with Directive.of or Directive.withBlock`);
    }
    this.block = block === undefined ? undefined : Object.freeze(children) as Directive[];
    this._problem = problems.length > 0 ? `${problems.join('; ')}.` : undefined;
    Object.freeze(this);
  }

  /** Whether this directive has a block (possibly empty). */
  public get isBlock(): boolean {
    return this.block !== undefined;
  }
}

/**
 * Blocks whose entries are `key value;` data, not directives (the keys may be regexes or any text):
 * map, geo, types, split_clients, charset_map, match (upstream health checks) and num_map.
 */
export const KEY_VALUE_BLOCKS: ReadonlySet<string> = new Set(['map', 'geo', 'types', 'split_clients', 'charset_map', 'match', 'num_map']);

type Visitor = (d: Directive, parents: readonly Directive[]) => void;

/** One step of a walk: a directive and its parent chain. */
interface Step {
  readonly directive: Directive;
  readonly parents: readonly Directive[];
}

/**
 * The steps of walks from the top of a frozen list (every check walks the same tree): computed once per list
 * and kind of walk. A list that is not frozen may still change, so it is walked afresh each time.
 */
const STEPS = { all: new WeakMap<readonly Directive[], readonly Step[]>(), config: new WeakMap<readonly Directive[], readonly Step[]>() };

function steps(directives: readonly Directive[], parents: readonly Directive[], into: (d: Directive) => boolean): Step[] {
  const out: Step[] = [];
  const visit = (list: readonly Directive[], chain: readonly Directive[]): void => {
    for (const d of list) {
      out.push({ directive: d, parents: chain });
      // Parent chains are shared by every walk of the list: frozen, so no visitor can change another's.
      if (d.block && into(d)) visit(d.block, Object.freeze([...chain, d]));
    }
  };
  visit(directives, parents);
  return out;
}

function walk(
  directives: readonly Directive[], visit: Visitor, parents: readonly Directive[], kind: keyof typeof STEPS, into: (d: Directive) => boolean,
): void {
  let list: readonly Step[] | undefined;
  if (parents.length === 0 && Object.isFrozen(directives)) {
    list = STEPS[kind].get(directives);
    if (list === undefined) {
      list = Object.freeze(steps(directives, Object.freeze([]), into));
      STEPS[kind].set(directives, list);
    }
  } else {
    list = steps(directives, parents, into);
  }
  for (const step of list) visit(step.directive, step.parents);
}

/** Calls `visit` for every directive of the tree, depth first, with its parent chain. */
export function walkDirectives(directives: readonly Directive[], visit: Visitor, parents: readonly Directive[] = []): void {
  walk(directives, visit, parents, 'all', () => true);
}

/** Like `walkDirectives`, but does not descend into key-value blocks (their entries are data, not directives). */
export function walkConfigDirectives(directives: readonly Directive[], visit: Visitor, parents: readonly Directive[] = []): void {
  walk(directives, visit, parents, 'config', d => !KEY_VALUE_BLOCKS.has(d.name));
}
