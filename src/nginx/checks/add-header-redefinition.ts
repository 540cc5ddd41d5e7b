import { Directive } from '../directive';
import { ConfigFinding, Severity, describeWhere } from '../findings';
import { droppedLines, forEachListLevel } from './inheritance';
import { SecurityRule } from './rule';
import { finding } from './tree';

/** Configuration levels that inherit `add_header` / `add_trailer` from their enclosing level. */
const HEADER_LEVELS = new Set(['http', 'server', 'location', 'if', 'limit_except']);

function checkHeaderInheritance(tree: readonly Directive[], directive: string, inheritDirective: string): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  forEachListLevel(tree, { directive, levels: HEADER_LEVELS, inheritDirective }, level => {
    if (!level.replaces) return;
    const dropped = droppedLines(level);
    if (dropped.length === 0) return;
    const where = describeWhere(level.parents, level.block);
    const list = dropped.map(h => `${h.line.args[0]} (from ${h.from})`).join(', ');
    findings.push(finding('add-header-redefinition', Severity.WARNING, where,
      `${where} has its own ${directive} (${[...new Set(level.own.map(c => c.args[0]))].join(', ')}), so nginx drops every ${directive} `
      + `inherited from the enclosing blocks: ${list} ${dropped.length === 1 ? 'is' : 'are'} not sent for requests handled here. `
      + `${directive} is inherited only by a block that defines none of its own, which silently removes security headers. `
      + `Repeat the dropped ${directive} lines in this block (for example from one shared list), move this block's ${directive} up to the `
      + `enclosing block, or (nginx 1.29.3+) set '${inheritDirective} merge'.`));
  });
  return findings;
}

/**
 * add-header-redefinition: a block with its own `add_header` (or `add_trailer`) silently drops the ones it would inherit.
 */
export const addHeaderRedefinition: SecurityRule = {
  ids: ['add-header-redefinition'],
  run: tree => [
    ...checkHeaderInheritance(tree, 'add_header', 'add_header_inherit'),
    ...checkHeaderInheritance(tree, 'add_trailer', 'add_trailer_inherit'),
  ],
};
