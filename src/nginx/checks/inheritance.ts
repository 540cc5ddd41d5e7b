import { Directive, KEY_VALUE_BLOCKS } from '../directive';
import { describeWhere } from '../findings';

/**
 * How nginx inherits a list directive (`add_header`, `proxy_set_header`, `fastcgi_param`, `proxy_hide_header`...):
 * a configuration level takes the list of the enclosing level only when it has no line of that directive of its
 * own; one line of its own replaces the whole inherited list.
 */

export interface ListInheritance {
  /** The directive whose lines make up the list. */
  readonly directive: string;
  /** Block names that are configuration levels of the list; other blocks pass the enclosing list through. */
  readonly levels: ReadonlySet<string>;
  /** A switch that changes the inheritance (`add_header_inherit on|off|merge`), itself inherited. */
  readonly inheritDirective?: string;
}

/** One line of an inherited list and the level it was written in. */
export interface ListLine {
  readonly line: Directive;
  /** The level it comes from, as `describeWhere` puts it ('main' for the top of a fragment). */
  readonly from: string;
}

/** A configuration level of the list, as nginx merges it. */
export interface ListLevel {
  readonly block: Directive;
  readonly parents: readonly Directive[];
  /** The block's own lines of the directive. */
  readonly own: readonly Directive[];
  /** The list in force in the enclosing level. */
  readonly inherited: readonly ListLine[];
  /** The list in force in this block. */
  readonly effective: readonly ListLine[];
  /** The block's own lines replace a non-empty inherited list (inheritance not switched to merge or off). */
  readonly replaces: boolean;
}

/** Whether a line belongs to the list (a line without arguments is refused by nginx and left out). */
function isListLine(d: Directive, spec: ListInheritance): boolean {
  return d.name === spec.directive && d.args[0] !== undefined;
}

/**
 * Calls `visit` for every configuration level of the list, outermost first, with what it inherits and what is in
 * force in it. The lines at the top of a fragment (a tree without `http`) count as an enclosing level.
 */
export function forEachListLevel(tree: readonly Directive[], spec: ListInheritance, visit: (level: ListLevel) => void): void {
  const modeOf = (block: readonly Directive[], mode: string) =>
    (spec.inheritDirective ? block.find(c => c.name === spec.inheritDirective)?.args[0]?.toLowerCase() : undefined) ?? mode;
  const walkLevels = (nodes: readonly Directive[], parents: readonly Directive[], inherited: readonly ListLine[], mode: string) => {
    for (const d of nodes) {
      if (!d.block || KEY_VALUE_BLOCKS.has(d.name)) continue;
      const path = [...parents, d];
      if (!spec.levels.has(d.name)) {
        walkLevels(d.block, path, inherited, mode);
        continue;
      }
      const own = d.block.filter(c => isListLine(c, spec));
      const ownMode = modeOf(d.block, mode);
      const ownLines = own.length > 0 ? own.map(line => ({ line, from: describeWhere(parents, d) })) : [];
      let effective: readonly ListLine[];
      let replaces = false;
      if (ownMode === 'off') {
        effective = ownLines;
      } else if (own.length === 0) {
        effective = inherited;
      } else if (ownMode === 'merge') {
        effective = [...ownLines, ...inherited];
      } else {
        effective = ownLines;
        replaces = inherited.length > 0;
      }
      visit({ block: d, parents, own, inherited, effective, replaces });
      walkLevels(d.block, path, effective, ownMode);
    }
  };
  const top = tree.filter(c => isListLine(c, spec)).map(line => ({ line, from: describeWhere([]) }));
  walkLevels(tree, [], top, modeOf(tree, 'on'));
}

/** The inherited lines whose name (first argument) no own line repeats, one per name, in order. */
export function droppedLines(level: ListLevel, caseSensitive = false): ListLine[] {
  const key = (s: string) => (caseSensitive ? s : s.toLowerCase());
  const ownNames = new Set(level.own.map(c => key(c.args[0])));
  const dropped = new Map<string, ListLine>();
  for (const h of level.inherited) {
    const name = key(h.line.args[0]);
    if (!ownNames.has(name) && !dropped.has(name)) dropped.set(name, h);
  }
  return [...dropped.values()];
}
