import { MODULE_DIR, NginxModule, NginxModuleDirective } from './modules';
import { NginxDirectiveForm, nginxDirectiveForms } from './placement';
import { PropReader } from '../input/reader';

// What the checks make of NginxConfigProps.dynamicModules. Internal: not exported from the package.

/** The contexts a module directive may declare. */
export const MODULE_CONTEXTS = ['main', 'events', 'http', 'server', 'location', 'if in server', 'if in location', 'limit_except', 'upstream'];

/**
 * What the checks know beyond nginx's own modules: the directive forms and variables of the loaded modules.
 */
export interface ModuleReference {
  /** Directive forms by name. */
  readonly directives: ReadonlyMap<string, readonly NginxDirectiveForm[]>;
  /** Variable names, without `$`. */
  readonly variables: ReadonlySet<string>;
}

/** An empty reference: nginx's own modules only. */
export const NO_MODULES: ModuleReference = { directives: new Map(), variables: new Set() };

/**
 * The reference of some modules, read from declarations that were checked already (see
 * `moduleDeclarationProblems`).
 */
export function moduleReference(modules: readonly NginxModule[]): ModuleReference {
  const directives = new Map<string, NginxDirectiveForm[]>();
  const variables = new Set<string>();
  for (const m of modules) {
    for (const d of m.directives ?? []) {
      const minArgs = d.minArgs ?? 1;
      const maxArgs = d.maxArgs ?? minArgs;
      const form: NginxDirectiveForm = { contexts: [...d.contexts], block: d.block ?? false, minArgs, ...(maxArgs < 0 ? {} : { maxArgs }) };
      directives.set(d.name, [...(directives.get(d.name) ?? []), form]);
    }
    for (const v of m.variables ?? []) variables.add(v);
  }
  return { directives, variables };
}

const NAME = /^[a-z_][a-z0-9_]*$/;
const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const EXAMPLE = "[NginxModules.brotliFilter()] or [{ path: '/usr/lib/nginx/modules/ngx_http_x_module.so', directives: [{ name: 'x', contexts: ['location'] }] }]";

/** Reads `dynamicModules` from any caller: every field checked, nothing of a wrong entry kept. */
export function readModules(reader: PropReader, value: unknown): NginxModule[] {
  return reader.list('dynamicModules', value, [], (prop, raw) => {
    const m = reader.struct(prop, raw ?? null, 'NginxModules.brotliFilter()');
    if (m === undefined) return undefined;
    const before = reader.problems.length;
    const path = reader.optionalPath(`${prop}.path`, m.path ?? null, { example: `${MODULE_DIR}/ngx_http_brotli_filter_module.so` });
    const directives = reader.list(`${prop}.directives`, m.directives, [], (dprop, draw) => readDirective(reader, dprop, draw), EXAMPLE);
    const variables = reader.stringList(`${prop}.variables`, m.variables, [], { pattern: VARIABLE, maxLength: 64, example: 'brotli_ratio', expected: 'a variable name without $' });
    if (path === undefined || reader.problems.length > before) return undefined;
    return { path, directives, variables };
  }, EXAMPLE);
}

function readDirective(reader: PropReader, prop: string, raw: unknown): NginxModuleDirective | undefined {
  const d = reader.struct(prop, raw ?? null, "{ name: 'brotli', contexts: ['http', 'server', 'location'] }");
  if (d === undefined) return undefined;
  const before = reader.problems.length;
  const name = reader.optionalString(`${prop}.name`, d.name ?? null, { pattern: NAME, maxLength: 64, example: 'brotli', expected: "lower-case letters, digits and '_'" });
  const contexts = reader.list(`${prop}.contexts`, d.contexts ?? null, [], (cprop, c) => reader.optionalString(cprop, c ?? null, {
    pattern: new RegExp(`^(?:${MODULE_CONTEXTS.join('|')})$`), maxLength: 16, example: 'location', expected: `one of ${MODULE_CONTEXTS.join(', ')}`,
  }), "['http', 'server', 'location']");
  if (Array.isArray(d.contexts) && d.contexts.length === 0) {
    reader.fail(`${prop}.contexts`, d.contexts, 'is empty', "list where the directive may stand, such as ['http', 'server', 'location'].");
  }
  const block = reader.boolean(`${prop}.block`, d.block, false);
  const minArgs = reader.integer(`${prop}.minArgs`, d.minArgs, 1, { min: 0, max: 64, example: 1 });
  const maxArgs = reader.integer(`${prop}.maxArgs`, d.maxArgs, minArgs, { min: -1, max: 64, example: 1 });
  if (maxArgs >= 0 && maxArgs < minArgs) {
    reader.fail(`${prop}.maxArgs`, maxArgs, `is below minArgs ${minArgs}`, 'give at least minArgs, or -1 for no limit.');
  }
  if (name !== undefined && nginxDirectiveForms(name) !== undefined) {
    reader.fail(`${prop}.name`, name, 'is a directive of nginx itself', 'declare only the directives the module adds.');
  }
  if (name === undefined || reader.problems.length > before) return undefined;
  return { name, contexts, block, minArgs, maxArgs };
}
