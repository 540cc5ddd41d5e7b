import { Directive, walkConfigDirectives } from './directive';
import { ConfigFinding, Severity, describeWhere } from './findings';
import type { ModuleReference } from './module-reference';
import { NGINX_VARIABLES, NGINX_VARIABLE_PREFIXES } from './reference-variables';

const KNOWN = new Set(NGINX_VARIABLES);
const NAMED_CAPTURE = /\(\?(?:P?<([A-Za-z_][A-Za-z0-9_]*)>|'([A-Za-z_][A-Za-z0-9_]*)')/g;
const REGEX_OPERATORS = new Set(['~', '~*', '!~', '!~*']);

/** The variable references of one complex value, as ngx_http_script_compile reads them. */
export function variableReferences(value: string): Array<{ name?: string; invalidAt?: number }> {
  const refs: Array<{ name?: string; invalidAt?: number }> = [];
  for (let i = 0; i < value.length; i++) {
    if (value[i] !== '$') continue;
    if (value[i + 1] === '{') {
      const end = value.indexOf('}', i + 2);
      const name = end < 0 ? '' : value.slice(i + 2, end);
      if (!/^[A-Za-z0-9_]+$/.test(name)) refs.push({ invalidAt: i });
      else refs.push({ name });
      i = end < 0 ? value.length : end;
      continue;
    }
    const m = /^[A-Za-z0-9_]+/.exec(value.slice(i + 1));
    if (!m) {refs.push({ invalidAt: i });} else { refs.push({ name: m[0] }); i += m[0].length; }
  }
  return refs;
}

/** Arguments of a directive that nginx reads as plain text or regular expressions, not as variables. */
function literalArgs(d: Directive): Set<number> {
  switch (d.name) {
    case 'location': return new Set(d.args.map((_, i) => i));
    case 'server_name': return new Set(d.args.map((a, i) => (a.startsWith('~') ? i : -1)).filter(i => i >= 0));
    case 'rewrite': return new Set([0]);
    case 'set': return new Set([0]);
    case 'map': return new Set([1]);
    case 'split_clients': return new Set([1]);
    case 'geo': return new Set(d.args.length === 2 ? [1] : [0]);
    case 'log_format': return new Set([0]);
    case 'if': return new Set(d.args.map((_, i) => (i > 0 && REGEX_OPERATORS.has(d.args[i - 1]) ? i : -1)).filter(i => i >= 0));
    // Regular expressions that nginx compiles as they are: a '$' there is an anchor, not a variable.
    case 'fastcgi_split_path_info': return new Set([0]);
    case 'gzip_disable': return new Set(d.args.map((_, i) => i));
    case 'valid_referers':
    case 'proxy_redirect':
    case 'proxy_cookie_domain':
    case 'proxy_cookie_path': return new Set(d.args.map((a, i) => (i === 0 || d.name === 'valid_referers') && typeof a === 'string' && a.startsWith('~') ? i : -1).filter(i => i >= 0));
    default: return new Set();
  }
}

/** Variables the configuration itself defines: set, map, geo, split_clients and named regex captures. */
function definedVariables(tree: readonly Directive[]): Set<string> {
  const defined = new Set<string>();
  const define = (arg: string | undefined) => {
    const m = arg ? /^\$([A-Za-z0-9_]+)$/.exec(arg) : null;
    if (m) defined.add(m[1]);
  };
  const captures = (regex: string) => {
    for (const m of regex.matchAll(NAMED_CAPTURE)) defined.add(m[1] ?? m[2]);
  };
  walkConfigDirectives(tree, d => {
    if (d.name === 'set' || d.name === 'perl_set' || d.name === 'js_set') define(d.args[0]);
    if (d.name === 'map' || d.name === 'split_clients') define(d.args[1]);
    if (d.name === 'geo') define(d.args[d.args.length - 1]);
    if (d.name === 'location' || d.name === 'server_name' || d.name === 'rewrite' || d.name === 'if') d.args.forEach(captures);
  });
  return defined;
}

/** Whether a referenced name exists; regex captures ($1..$9) only in script values, not in log_format. */
function exists(name: string, defined: Set<string>, directive: string, modules: ReadonlySet<string>): boolean {
  return (/^[0-9]$/.test(name) && directive !== 'log_format') || KNOWN.has(name) || defined.has(name) || modules.has(name)
    || NGINX_VARIABLE_PREFIXES.some(p => name.startsWith(p) && name.length > p.length);
}

/**
 * Every `$variable` the configuration uses must exist (an embedded variable of the http modules, from
 * @nginx/reference-lib, or one the configuration defines), and every `$` must start a valid name: nginx
 * refuses to start otherwise.
 */
export function checkVariables(tree: readonly Directive[], modules?: ModuleReference): ConfigFinding[] {
  const moduleVariables = modules?.variables ?? new Set<string>();
  const defined = definedVariables(tree);
  const findings: ConfigFinding[] = [];
  walkConfigDirectives(tree, (d, parents) => {
    const literal = literalArgs(d);
    d.args.forEach((arg, i) => {
      if (literal.has(i)) return;
      for (const ref of variableReferences(arg)) {
        if (ref.invalidAt !== undefined) {
          findings.push({
            check: 'invalid-variable',
            severity: Severity.ERROR,
            where: describeWhere(parents, d),
            message: `${d.name} argument ${JSON.stringify(arg)} has a '$' that starts no variable name; nginx refuses it ("invalid variable name"). A literal '$' needs a variable holding it, for example geo $dollar { default "$"; } and then \${dollar}.`,
          });
        } else if (ref.name !== undefined && !exists(ref.name, defined, d.name, moduleVariables)) {
          findings.push({
            check: 'unknown-variable',
            severity: Severity.ERROR,
            where: describeWhere(parents, d),
            message: `${d.name} uses $${ref.name}, which is neither an nginx variable, nor a variable of a module in dynamicModules, nor defined by this configuration (set, map, geo, a named capture); nginx refuses to start ("unknown variable"). Check the spelling, or define it.`,
          });
        }
      }
    });
  });
  return findings;
}
