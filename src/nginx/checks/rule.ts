import { Directive } from '../directive';
import { ConfigFinding } from '../findings';
import { walk } from './tree';

/**
 * What is worked out once per tree and shared by the rules that need it.
 *
 * Internal to the checks: not exported from the package.
 */
export interface CheckContext {
  /** Lower-cased names of the `upstream` blocks of the tree. */
  readonly upstreams: ReadonlySet<string>;
}

/** The context of one tree (for example `NginxConfig.effectiveTree()`). */
export function checkContext(tree: readonly Directive[]): CheckContext {
  const upstreams = new Set<string>();
  walk(tree, d => {
    if (d.name === 'upstream' && d.block && d.args[0] !== undefined) upstreams.add(d.args[0].toLowerCase());
  });
  return { upstreams };
}

/**
 * One security or robustness rule: it reports findings under one or more stable check ids, in tree order.
 *
 * Internal to the checks: not exported from the package.
 */
export interface SecurityRule {
  /** The check ids of the findings this rule reports, in the order it reports them. */
  readonly ids: readonly string[];
  /** The findings of this rule over the whole tree. */
  run(tree: readonly Directive[], context: CheckContext): ConfigFinding[];
}
