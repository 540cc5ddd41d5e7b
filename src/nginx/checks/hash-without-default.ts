import { Directive, walkDirectives } from '../directive';
import { ConfigFinding, Severity, describeWhere } from '../findings';
import { SecurityRule } from './rule';
import { finding, readVariable, variablesIn, walk } from './tree';

/** Parameters of a `map` block (not entries); a key spelled like one is escaped with a backslash (`\default`). */
const MAP_PARAMETERS = new Set(['default', 'hostnames', 'volatile', 'include']);
/** Parameters of a `geo` block. */
const GEO_PARAMETERS = new Set(['default', 'include', 'delete', 'proxy', 'proxy_recursive', 'ranges']);
/** Networks that match every client: the documented equivalents of `default` in a geo block. */
const GEO_EVERYWHERE = new Set(['0.0.0.0/0', '::/0']);

/** Directives whose key, when it is empty, switches the feature off for the request (documented nginx behaviour). */
const EMPTY_MEANS_OFF = new Set(['limit_req_zone', 'limit_conn_zone']);
/** Directives that send no header at all when the value is empty. */
const HEADER_ADDERS = new Set(['add_header', 'add_trailer']);

/**
 * Whether every use of `$name` is one where the empty value is the documented "off": the whole key of a
 * `limit_req_zone` / `limit_conn_zone` (an empty key is not counted), the whole value of an `add_header` (an
 * empty value sends no header) or the `if=` condition of `access_log`.
 * A variable used nowhere, or anywhere else, is not.
 */
function usedOnlyWhereEmptyMeansOff(tree: readonly Directive[], name: string): boolean {
  let uses = 0;
  let other = 0;
  walkDirectives(tree, (d, parents) => {
    if (parents.some(p => p.name === 'map' || p.name === 'geo' || p.name === 'split_clients')) {
      // A value of another map or geo block that copies this variable.
      if (d.args.some(a => variablesIn(a).some(v => v.name === name)) || variablesIn(d.name).some(v => v.name === name)) other++;
      return;
    }
    // The last argument of a map or geo block names the variable it defines, not a use.
    const args = (d.name === 'map' || d.name === 'geo') && d.block ? d.args.slice(0, -1) : d.args;
    args.forEach((arg, i) => {
      const refs = variablesIn(arg).filter(v => v.name === name);
      if (refs.length === 0) return;
      uses++;
      const whole = arg.toLowerCase() === `$${name}` || arg.toLowerCase() === `\${${name}}`;
      const wholeKey = whole && ((EMPTY_MEANS_OFF.has(d.name) && i === 0) || (HEADER_ADDERS.has(d.name) && i === 1));
      const condition = d.name === 'access_log' && arg.toLowerCase() === `if=$${name}`;
      if (!wholeKey && !condition) other++;
    });
  });
  return uses > 0 && other === 0;
}

function checkHashWithoutDefault(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  walk(tree, (d, parents) => {
    if ((d.name !== 'map' && d.name !== 'geo') || !d.block) return;
    const isMap = d.name === 'map';
    // map $source $target; geo $target or geo $address $target.
    if (isMap ? d.args.length !== 2 : d.args.length < 1 || d.args.length > 2) return;
    const target = readVariable(d.args[d.args.length - 1], 0);
    if (!target) return;
    const parameters = isMap ? MAP_PARAMETERS : GEO_PARAMETERS;
    const entries = d.block.filter(e => !parameters.has(e.name));
    const hasDefault = d.block.some(e => e.name === 'default') || (!isMap && entries.some(e => GEO_EVERYWHERE.has(e.name)));
    if (hasDefault) return;
    // The entries of an included file are not in this tree: its default may be among them.
    if (d.block.some(e => e.name === 'include')) return;
    // One entry and no default is the common "only these requests get a value" pattern (limit keys).
    if (isMap && entries.length <= 1) return;
    if (isMap && usedOnlyWhereEmptyMeansOff(tree, target.name)) return;
    const where = describeWhere(parents, d);
    const what = isMap
      ? `a value that matches none of its ${entries.length} entries`
      : 'a client address in none of its networks';
    findings.push(finding('hash-without-default', Severity.WARNING, where,
      `'${d.name} ${d.args.join(' ')}' has no 'default' entry: for ${what}, $${target.name} is the empty string. `
      + 'Anything that tests the variable (an if, a proxy_pass or access decision, a rate-limit key) then takes an unplanned path for '
      + 'unexpected input, which can skip the intended restriction or routing. Add an explicit fallback as the first entry, chosen for '
      + 'least privilege (for example \'default 0;\'), or write \'default "";\' if the empty value is meant.'));
  });
  return findings;
}

/**
 * hash-without-default: a `map` (with two or more entries) or `geo` block without a `default` entry.
 */
export const hashWithoutDefault: SecurityRule = {
  ids: ['hash-without-default'],
  run: checkHashWithoutDefault,
};
