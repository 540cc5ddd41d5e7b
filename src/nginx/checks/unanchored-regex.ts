import { Directive } from '../directive';
import { ConfigFinding, Severity, describeWhere } from '../findings';
import { SecurityRule } from './rule';
import { finding, isRegexModifier, parseLocation, walk } from './tree';

function checkUnanchoredRegex(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  walk(tree, (d, parents) => {
    if (d.name !== 'location' || !d.block) return;
    const loc = parseLocation(d.args);
    if (!loc || !isRegexModifier(loc.modifier)) return;
    const pattern = loc.path.replace(/^\(\?[a-zA-Z-]+\)/, '');
    const startAnchored = pattern.startsWith('^') || pattern.startsWith('\\A');
    const trailing = /(\\*)(\$|\\z|\\Z)$/.exec(pattern);
    const endAnchored = trailing !== null && (trailing[2] !== '$' || trailing[1].length % 2 === 0);
    if (startAnchored || endAnchored) return;
    const where = describeWhere(parents, d);
    findings.push(finding('unanchored-regex', Severity.WARNING, where,
      `'location ${d.args.join(' ')}' has a regex anchored neither with ^ nor with $, so it matches wherever the pattern occurs in the URI `
      + "('location ~ \\.php' also matches /uploads/shell.php.png, 'location ~ /admin' also matches /public/admin-notes): uploaded files "
      + 'can reach a script handler, and rules meant for one path apply to others. Anchor it: ^ for a path prefix (~ ^/admin/), '
      + '$ for an extension (~ \\.php$).'));
  });
  return findings;
}

/**
 * unanchored-regex: a regex location anchored neither at the start nor at the end.
 */
export const unanchoredRegex: SecurityRule = {
  ids: ['unanchored-regex'],
  run: checkUnanchoredRegex,
};
