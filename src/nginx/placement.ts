import { Directive, KEY_VALUE_BLOCKS } from './directive';
import { ConfigFinding, Severity, describeWhere } from './findings';
import type { ModuleReference } from './module-reference';
import { NGINX_DIRECTIVES, NGINX_REFERENCE_VERSION } from './reference-data';

/**
 * One form of an nginx directive, from the table generated out of @nginx/reference-lib
 * (src/nginx/reference-data.ts).
 */
export interface NginxDirectiveForm {
  /**
   * Contexts the directive may appear in: main, events, http, server, location, 'if in server',
   * 'if in location', limit_except, upstream, acme_issuer, oidc_provider.
   */
  readonly contexts: string[];
  /** Whether it takes a `{ }` block. */
  readonly block: boolean;
  /** Fewest arguments. */
  readonly minArgs: number;
  /**
   * Most arguments.
   * @default - unbounded
   */
  readonly maxArgs?: number;
}

/**
 * Blocks whose entries are `key value;` pairs (or other data) with arbitrary keys, not directives: their contents are
 * not checked. `match` (ngx_http_upstream_hc_module) holds conditions the reference does not list as directives;
 * `num_map` is the numeric `map`.
 */
export { KEY_VALUE_BLOCKS };

/** Blocks whose contents are a context of the same name. */
const SAME_NAME_CONTEXTS = new Set([
  'events', 'http', 'server', 'location', 'limit_except', 'upstream', 'acme_issuer', 'oidc_provider',
]);

/** How the contexts read in messages, with the escape hatch of the library that reaches them. */
const CONTEXT_LABELS: Record<string, string> = {
  'main': 'main (the top level of nginx.conf: NginxConfig.addMainDirective)',
  'events': 'events (NginxConfig.addEventsDirective)',
  'http': 'http (NginxConfig.addHttpDirective)',
  'server': 'server (NginxServer.addDirective)',
  'location': 'location (the directives of addLocation)',
  'if in server': "an 'if' block directly in a server",
  'if in location': "an 'if' block in a location",
  'limit_except': 'limit_except',
  'upstream': 'upstream',
  'acme_issuer': 'acme_issuer',
  'oidc_provider': 'oidc_provider',
};

const FORMS = new Map<string, readonly NginxDirectiveForm[] | undefined>();

/** The forms of a directive, or undefined if the http modules of nginx have no directive of that name. */
export function nginxDirectiveForms(name: string): readonly NginxDirectiveForm[] | undefined {
  if (!FORMS.has(name)) {
    FORMS.set(name, !Object.prototype.hasOwnProperty.call(NGINX_DIRECTIVES, name) ? undefined : Object.freeze(
      NGINX_DIRECTIVES[name].map(([contexts, block, minArgs, maxArgs]) => Object.freeze({
        contexts: contexts.split(','),
        block: block === 1,
        minArgs,
        ...(maxArgs < 0 ? {} : { maxArgs }),
      }))));
  }
  return FORMS.get(name);
}

/**
 * Directive shapes already found correct: the checks of one directive depend only on its name, the context,
 * whether it has a block and how many arguments it has, so a shape that passed once passes again.
 */
const CORRECT_SHAPES = new Set<string>();

/**
 * The context of the contents of a block directive, given the context the block is in; undefined when its contents
 * are not directives (`map`, `types`, ... see KEY_VALUE_BLOCKS) or the context cannot be known (an `if` outside a
 * server or location, a directive nginx does not know).
 */
export function blockContentContext(name: string, parentContext: string): string | undefined {
  if (name === 'if') {
    if (parentContext === 'server') return 'if in server';
    if (parentContext === 'location') return 'if in location';
    return undefined;
  }
  return SAME_NAME_CONTEXTS.has(name) ? name : undefined;
}

/**
 * Checks where each directive of a configuration tree stands, whether it has a block when it should and how many
 * arguments it has, against the reference of nginx's core and http modules (@nginx/reference-lib). The tree starts in
 * the main context (as `NginxConfig.effectiveTree()` returns it); the entries of key-value blocks are skipped.
 *
 * Directives of loaded dynamic modules are checked against their declarations (`modules`).
 *
 * Checks: 'unknown-directive', 'directive-context', 'block-mismatch', 'directive-arguments' (all errors).
 */
export function checkPlacement(tree: readonly Directive[], modules?: ModuleReference): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  checkBlock(tree, 'main', [], findings, modules);
  return findings;
}

function checkBlock(
  directives: readonly Directive[],
  context: string,
  parents: readonly Directive[],
  findings: ConfigFinding[],
  modules: ModuleReference | undefined,
): void {
  for (const d of directives) {
    const shape = `${context}\0${d.name}\0${d.isBlock}\0${d.args.length}`;
    const before = findings.length;
    // The position is only described when there is a finding (most directives have none).
    const error = (check: string, message: string) =>
      findings.push({ check, severity: Severity.ERROR, where: describeWhere(parents, d), message });
    const own = nginxDirectiveForms(d.name);
    const forms = own ?? modules?.directives.get(d.name);
    if (forms === undefined) {
      const near = closestName(d.name);
      error('unknown-directive', `'${d.name}' is not an nginx directive of the http modules (core, events and ngx_http_*, `
        + `per @nginx/reference-lib ${NGINX_REFERENCE_VERSION}) nor of a module in dynamicModules; nginx stops with "unknown directive". `
        + `${near ? `Did you mean '${near}'? ` : ''}Check the spelling, or load the module that provides it with dynamicModules `
        + '(NginxModules has common ones, such as NginxModules.brotliFilter()).');
      continue;
    }
    // Only nginx's own forms are the same in every configuration, so only their shapes are remembered.
    if (own === undefined || !CORRECT_SHAPES.has(shape)) {
      checkShape(d, forms, context, error);
      if (own !== undefined && findings.length === before) CORRECT_SHAPES.add(shape);
    }
    if (d.block !== undefined && !KEY_VALUE_BLOCKS.has(d.name) && forms.some(f => f.block)) {
      const inner = blockContentContext(d.name, context);
      if (inner !== undefined) {
        checkBlock(d.block, inner, [...parents, d], findings, modules);
      }
    }
  }
}

/** Whether the directive may stand in `context`, with or without a block, and with its number of arguments. */
function checkShape(d: Directive, forms: readonly NginxDirectiveForm[], context: string, error: (check: string, message: string) => void): void {
  const here = forms.filter(f => f.contexts.includes(context));
  if (here.length === 0) {
    const allowed = [...new Set(forms.flatMap(f => f.contexts))];
    error('directive-context', `'${d.name}' is not allowed in ${CONTEXT_LABELS[context] ?? context}: nginx stops with `
      + `"directive is not allowed here". It is allowed in: ${allowed.map(c => CONTEXT_LABELS[c] ?? c).join('; ')}. `
      + 'Move it there.');
    return;
  }
  const shaped = here.filter(f => f.block === d.isBlock);
  if (shaped.length === 0) {
    error('block-mismatch', d.isBlock
      ? `'${d.name}' is a simple directive here and takes no block: nginx stops with "directive is not terminated `
        + `by ;". Build it with Directive.of('${d.name}', ...args) instead of Directive.withBlock.`
      : `'${d.name}' is a block directive and needs a block: nginx stops with "directive has no opening {". `
        + `Build it with Directive.withBlock('${d.name}', args, children).`);
    return;
  }
  checkArity(d, shaped, error);
}

function checkArity(d: Directive, forms: readonly NginxDirectiveForm[], error: (check: string, message: string) => void): void {
  const min = Math.min(...forms.map(f => f.minArgs));
  const max = forms.some(f => f.maxArgs === undefined) ? undefined : Math.max(...forms.map(f => f.maxArgs ?? 0));
  const n = d.args.length;
  if (n >= min && (max === undefined || n <= max)) {
    return;
  }
  const fix = n < min
    ? 'Add the missing arguments.'
    : 'Remove the extra arguments; a value that holds spaces is one argument: pass it as one string, the renderer quotes it.';
  error('directive-arguments', `'${d.name}' takes ${describeCount(min, max)} but has ${n}`
    + `${n > 0 ? ` (${d.args.map(a => JSON.stringify(a)).join(' ')})` : ''}: nginx stops with "invalid number of `
    + `arguments". ${fix}`);
}

function describeCount(min: number, max: number | undefined): string {
  const args = (k: number) => `${k} argument${k === 1 ? '' : 's'}`;
  if (max === undefined) return `at least ${args(min)}`;
  if (max === 0) return 'no arguments';
  if (min === max) return `exactly ${args(min)}`;
  return `${min} to ${args(max)}`;
}

/** The known directive nearest to a misspelt name (edit distance up to 2), for the message. */
function closestName(name: string): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of Object.keys(NGINX_DIRECTIVES)) {
    if (Math.abs(candidate.length - name.length) >= bestDistance) continue;
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
