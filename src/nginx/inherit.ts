import { Directive } from './directive';

/** The header an add_header sets, lower-cased ('' when the argument is not a string; the structure check refuses it). */
function headerName(d: Directive): string {
  const name = d.args[0];
  return typeof name === 'string' ? name.toLowerCase() : '';
}

/** Blocks that may hold add_header and inherit it from their parent. */
const HEADER_BLOCKS = new Set(['server', 'location', 'if']);

/**
 * nginx drops every inherited `add_header` in a block that has one of its own. This repeats, in each such
 * block, the inherited headers of the typed model (`repeated` tells them apart: the security headers, HSTS,
 * typed cache headers) that the block does not set itself, so they reach every response. A header added by
 * hand or imported keeps nginx's own inheritance. Pure: returns a new tree.
 */
export function repeatInheritedHeaders(
  tree: readonly Directive[],
  repeated: (header: Directive) => boolean,
  inherited: readonly Directive[] = [],
): Directive[] {
  return tree.map(d => {
    if (!d.block) return d;
    if (d.name === 'http') {
      const own = d.block.filter(c => c.name === 'add_header' && repeated(c));
      return Directive.withBlock(d.name, d.args, repeatInheritedHeaders(d.block, repeated, own));
    }
    if (!HEADER_BLOCKS.has(d.name)) return d;
    const own = d.block.filter(c => c.name === 'add_header');
    if (own.length === 0) return Directive.withBlock(d.name, d.args, repeatInheritedHeaders(d.block, repeated, inherited));
    const ownNames = new Set(own.map(h => headerName(h)));
    const missing = inherited.filter(h => !ownNames.has(headerName(h)));
    return Directive.withBlock(d.name, d.args, repeatInheritedHeaders([...missing, ...d.block], repeated, [...missing, ...own.filter(repeated)]));
  });
}
