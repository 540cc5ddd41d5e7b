import { Directive } from '../directive';
import { ConfigFinding, Severity, describeWhere } from '../findings';
import { SecurityRule } from './rule';
import { finding, parseLocation, walk } from './tree';

function checkAliasTraversal(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  walk(tree, (d, parents) => {
    if (d.name !== 'location' || !d.block) return;
    const loc = parseLocation(d.args);
    if (!loc || (loc.modifier !== '' && loc.modifier !== '^~') || loc.path.endsWith('/')) return;
    for (const alias of d.block.filter(c => c.name === 'alias' && c.args[0]?.endsWith('/'))) {
      const where = describeWhere(parents, d);
      findings.push(finding('alias-traversal', Severity.ERROR, where,
        `location ${loc.path} does not end with '/' but its 'alias ${alias.args[0]}' does: a request for ${loc.path}../secret `
        + `maps to ${alias.args[0]}../secret, one directory above the alias, so any file next to ${alias.args[0]} can be read (path traversal). `
        + `End both with '/' (location ${loc.path}/ with alias ${alias.args[0]}), or neither.`));
    }
  });
  return findings;
}

/**
 * alias-traversal: a prefix location without a trailing slash whose `alias` has one lets `..` climb out of the alias.
 */
export const aliasTraversal: SecurityRule = {
  ids: ['alias-traversal'],
  run: checkAliasTraversal,
};
