import { Directive, KEY_VALUE_BLOCKS } from '../directive';
import { ConfigFinding, Severity, describeWhere } from '../findings';
import { SecurityRule } from './rule';
import { finding, walk } from './tree';

function checkAllowWithoutDeny(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  walk(tree, (d, parents) => {
    if (!d.block || KEY_VALUE_BLOCKS.has(d.name)) return;
    const allows = d.block.filter(c => c.name === 'allow');
    if (allows.length === 0) return;
    if (allows.some(c => c.args[0]?.toLowerCase() === 'all')) return;
    if (d.block.some(c => c.name === 'deny' && c.args[0]?.toLowerCase() === 'all')) return;
    const where = describeWhere(parents, d);
    findings.push(finding('allow-without-deny', Severity.ERROR, where,
      `${where} allows ${allows.map(c => c.args.join(' ')).join(', ')} but has no 'deny all': a request that matches no rule is let in, `
      + 'so the allow lines restrict nothing; and because this block has its own access rules, a deny in an enclosing block is not '
      + "inherited. Add 'deny all;' after the allow lines in this block."));
  });
  return findings;
}

/**
 * allow-without-deny: a block with `allow` lines but no `deny all`.
 */
export const allowWithoutDeny: SecurityRule = {
  ids: ['allow-without-deny'],
  run: checkAllowWithoutDeny,
};
