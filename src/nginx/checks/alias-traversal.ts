import { Directive } from '../directive';
import { ConfigFinding, Severity, describeWhere } from '../findings';
import { fragmentCanContain, isDotAll, regexGroups } from './regex';
import { SecurityRule } from './rule';
import { finding, isCaptureName, isRegexModifier, parseLocation, variablesIn, walk } from './tree';

/**
 * A regex location whose alias uses a capture that can start with '..': nginx matches the normalised URI,
 * where no segment is '..', but a group that does not start right after a '/' can begin inside a segment
 * (`^/images(.*)$` on /images../etc/passwd captures ../etc/passwd).
 */
function regexAliasFindings(d: Directive, pattern: string, parents: readonly Directive[]): ConfigFinding[] {
  const groups = regexGroups(pattern);
  const findings: ConfigFinding[] = [];
  for (const alias of (d.block ?? []).filter(c => c.name === 'alias' && c.args[0] !== undefined)) {
    for (const ref of variablesIn(alias.args[0])) {
      const g = groups.find(x => (isCaptureName(ref.name) ? x.index === Number(ref.name) : x.name === ref.name));
      if (!g || !fragmentCanContain(g.body, '.', isDotAll(pattern))) continue;
      const before = pattern.slice(0, g.openAt);
      if (before.endsWith('/')) continue; // '/' or '\/'
      findings.push(finding('alias-traversal', Severity.ERROR, describeWhere(parents, d),
        `location ~ ${pattern} passes the capture $${ref.name} into 'alias ${alias.args[0]}', and that group does not start right after a '/': `
        + `a request such as ${pattern.replace(/^\^/, '').split('(')[0]}../etc/passwd captures ../etc/passwd, which climbs out of the alias (path traversal). `
        + "Start the group after a slash (for example '^/images/(.*)$'), or limit it to characters without '.', such as ([a-z0-9_-]+)."));
    }
  }
  return findings;
}

function checkAliasTraversal(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  walk(tree, (d, parents) => {
    if (d.name !== 'location' || !d.block) return;
    const loc = parseLocation(d.args);
    if (loc && isRegexModifier(loc.modifier)) {
      findings.push(...regexAliasFindings(d, loc.path, parents));
      return;
    }
    if (!loc || (loc.modifier !== '' && loc.modifier !== '^~') || loc.path.endsWith('/')) return;
    // Neither ends with '/': /files-backup maps to <alias>-backup, a sibling of the alias (not for a single file).
    const lastSegment = loc.path.split('/').pop() ?? '';
    for (const alias of d.block.filter(c => c.name === 'alias' && c.args[0] !== undefined && !c.args[0].endsWith('/') && !c.args[0].includes('$'))) {
      if (lastSegment.includes('.')) continue;
      findings.push(finding('alias-traversal', Severity.WARNING, describeWhere(parents, d),
        `location ${loc.path} and its 'alias ${alias.args[0]}' both end without '/': a request for ${loc.path}-backup/x maps to `
        + `${alias.args[0]}-backup/x, so every folder next to ${alias.args[0]} whose name starts the same way can be read. `
        + `End both with '/' (location ${loc.path}/ with alias ${alias.args[0]}/).`));
    }
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
 * alias-traversal: a prefix location without a trailing slash whose `alias` has one lets `..` climb out of the alias;
 * a regex location's capture in `alias` that can start with `..` does too; neither with a slash reaches sibling folders.
 */
export const aliasTraversal: SecurityRule = {
  ids: ['alias-traversal'],
  run: checkAliasTraversal,
};
