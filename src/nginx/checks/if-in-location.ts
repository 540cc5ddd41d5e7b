import { Directive } from '../directive';
import { ConfigFinding, Severity, describeWhere } from '../findings';
import { SecurityRule } from './rule';
import { finding, walk } from './tree';

/** What ends the request's handling inside the if: `return`, and `rewrite` with last, redirect or permanent. */
function isSafeInIf(d: Directive): boolean {
  return d.name === 'return' || (d.name === 'rewrite' && ['last', 'redirect', 'permanent'].includes(d.args[d.args.length - 1]));
}

function checkIfInLocation(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  walk(tree, (d, parents) => {
    if (d.name !== 'if' || !d.block || parents[parents.length - 1]?.name !== 'location') return;
    if (d.block.length > 0 && d.block.every(isSafeInIf)) return;
    const where = describeWhere(parents, d);
    findings.push(finding('if-in-location', Severity.WARNING, where,
      `'if ${d.args.join(' ')}' inside a location ("if is evil"): when the condition is true, nginx handles the request with a hidden `
      + 'location made from the if block, which does not inherit try_files nor the rewrite directives that follow the if, and keeps '
      + 'only its own content handler, so the location silently behaves differently for those requests. Only \'return ...\' and '
      + "'rewrite ... last|redirect|permanent' are safe in such an if; compute the value with a map block instead, use a separate location, "
      + 'or put the if in the server block.'));
  });
  return findings;
}

/**
 * if-in-location: an `if` inside a location that does more than `return` or a `rewrite` that ends the handling ("if is evil").
 */
export const ifInLocation: SecurityRule = {
  ids: ['if-in-location'],
  run: checkIfInLocation,
};
