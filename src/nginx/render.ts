import { Directive, KEY_VALUE_BLOCKS } from './directive';

const NEEDS_QUOTES = /[\s;{}#"'\\]/;
const DIRECTIVE_NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * Renders one raw argument the way nginx's lexer reads it back unchanged.
 *
 * An argument is quoted when it is empty or holds whitespace, `;`, `{`, `}`, `#`, a quote or a
 * backslash. Inside the quotes `\` and `"` are escaped, and newline, carriage return and tab are
 * written as `\n`, `\r`, `\t` (nginx turns them back into the characters).
 */
export function renderArgument(arg: string): string {
  if (arg.length > 0 && !NEEDS_QUOTES.test(arg)) {
    return arg;
  }
  const escaped = arg
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t');
  return `"${escaped}"`;
}

/**
 * Problems with the shape of a tree (directive names), independent of nginx's directive contexts.
 * Entries of key-value blocks (map, geo, types, split_clients, charset_map) may have any key.
 */
export function checkDirectiveShape(directives: readonly Directive[], where: string): string[] {
  const problems: string[] = [];
  for (const d of directives) {
    if (!DIRECTIVE_NAME.test(d.name)) {
      problems.push(`${where}: directive name ${JSON.stringify(d.name)} is not a valid nginx directive name; use lower-case letters, digits and '_' only, starting with a letter or '_'.`);
    }
    if (d.block && !KEY_VALUE_BLOCKS.has(d.name)) {
      problems.push(...checkDirectiveShape(d.block, `${where} > ${d.name}`));
    }
  }
  return problems;
}

/**
 * Renders a list of directives as nginx configuration text, four spaces per level.
 * Pure and deterministic: the same tree always gives the same bytes.
 */
export function renderDirectives(directives: readonly Directive[], depth = 0): string {
  const indent = '    '.repeat(depth);
  const lines: string[] = [];
  for (const d of directives) {
    // A real directive name never needs quotes; the keys of map/geo/types entries may.
    const head = [renderArgument(d.name), ...d.args.map(renderArgument)].join(' ');
    if (d.block === undefined) {
      lines.push(`${indent}${head};\n`);
    } else if (d.block.length === 0) {
      lines.push(`${indent}${head} {\n${indent}}\n`);
    } else {
      lines.push(`${indent}${head} {\n${renderDirectives(d.block, depth + 1)}${indent}}\n`);
    }
  }
  return lines.join('');
}
