import { Directive, KEY_VALUE_BLOCKS } from '../directive';
import { ConfigFinding, Severity, describeWhere } from '../findings';
import { SecurityRule } from './rule';
import { finding } from './tree';

/** Configuration levels that inherit `add_header` / `add_trailer` from their enclosing level. */
const HEADER_LEVELS = new Set(['http', 'server', 'location', 'if', 'limit_except']);

interface InheritedHeader {
  readonly name: string;
  readonly from: string;
}

function checkHeaderInheritance(tree: readonly Directive[], directive: string, inheritDirective: string): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  const visit = (nodes: readonly Directive[], parents: readonly Directive[], inherited: InheritedHeader[], mode: string) => {
    for (const d of nodes) {
      if (!d.block || KEY_VALUE_BLOCKS.has(d.name)) continue;
      const path = [...parents, d];
      if (!HEADER_LEVELS.has(d.name)) {
        visit(d.block, path, inherited, mode);
        continue;
      }
      const own = d.block.filter(c => c.name === directive && c.args[0] !== undefined);
      // Described only for a block with headers of its own (the others just pass the inherited ones on).
      const where = own.length > 0 ? describeWhere(parents, d) : '';
      const ownMode = d.block.find(c => c.name === inheritDirective)?.args[0]?.toLowerCase() ?? mode;
      const ownHeaders = own.map(c => ({ name: c.args[0], from: where }));
      let effective: InheritedHeader[];
      if (ownMode === 'off') {
        effective = ownHeaders;
      } else if (own.length === 0) {
        effective = inherited;
      } else if (ownMode === 'merge') {
        effective = [...ownHeaders, ...inherited];
      } else {
        const ownNames = new Set(own.map(c => c.args[0].toLowerCase()));
        const dropped = new Map<string, InheritedHeader>();
        for (const h of inherited) {
          if (!ownNames.has(h.name.toLowerCase()) && !dropped.has(h.name.toLowerCase())) dropped.set(h.name.toLowerCase(), h);
        }
        if (dropped.size > 0) {
          const list = [...dropped.values()].map(h => `${h.name} (from ${h.from})`).join(', ');
          findings.push(finding('add-header-redefinition', Severity.WARNING, where,
            `${where} has its own ${directive} (${[...new Set(own.map(c => c.args[0]))].join(', ')}), so nginx drops every ${directive} `
            + `inherited from the enclosing blocks: ${list} ${dropped.size === 1 ? 'is' : 'are'} not sent for requests handled here. `
            + `${directive} is inherited only by a block that defines none of its own, which silently removes security headers. `
            + `Repeat the dropped ${directive} lines in this block (for example from one shared list), move this block's ${directive} up to the `
            + `enclosing block, or (nginx 1.29.3+) set '${inheritDirective} merge'.`));
        }
        effective = ownHeaders;
      }
      visit(d.block, path, effective, ownMode);
    }
  };
  visit(tree, [], [], 'on');
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
