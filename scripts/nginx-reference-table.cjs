// @ts-check
// Pure logic behind scripts/gen-nginx-reference.mjs: turns the directives of @nginx/reference-lib into the
// compact table of src/nginx/reference-data.ts. CommonJS and free of the (ESM-only) reference-lib, so the jest
// tests can call it directly; types in nginx-reference-table.d.cts.
'use strict';

/**
 * The contexts of the table, in the order they are listed. The reference's own names, except:
 * - 'if' is split: the reference writes 'if in location' for directives nginx allows only in an `if` inside a
 *   location (NGX_HTTP_LIF_CONF, e.g. add_header, proxy_pass) and plain 'if' for the ngx_http_rewrite_module
 *   directives (return, rewrite, set, break, rewrite_log, uninitialized_variable_warn) that nginx allows in an
 *   `if` inside a server as well as inside a location (NGX_HTTP_SIF_CONF|NGX_HTTP_LIF_CONF). So
 *   'if' → 'if in server' + 'if in location'.
 * - '' (only `include`, which nginx accepts anywhere: NGX_ANY_CONF) → every context.
 * - 'acme_issuer' and 'oidc_provider' are kept: they are the blocks of two ngx_http_* modules, whose own
 *   directives (uri, contact, client_id, ...) are allowed only there.
 * - 'mail', 'stream' and 'mgmt' belong to modules outside an http configuration and are dropped.
 */
const CONTEXTS = [
  'main', 'events', 'http', 'server', 'location', 'if in server', 'if in location', 'limit_except', 'upstream',
  'acme_issuer', 'oidc_provider',
];
const DROPPED_CONTEXTS = new Set(['mail', 'stream', 'mgmt']);

/**
 * Whether a module of the reference can appear in an http server configuration: the core ("Core functionality":
 * main and events contexts) and every ngx_http_* module. ngx_mail_*, ngx_stream_* and the other non-http modules
 * (ngx_mgmt_module, ngx_otel_module, ngx_google_perftools_module) are left out.
 * @param {string} module
 */
function isHttpConfigModule(module) {
  return module === 'Core functionality' || module.startsWith('ngx_http_');
}

/**
 * The reference's contexts of one directive, normalised (see CONTEXTS), in CONTEXTS order.
 * @param {readonly string[]} contexts
 * @returns {string[]}
 */
function normaliseContexts(contexts) {
  const out = new Set();
  for (const c of contexts) {
    if (c === 'if') {
      out.add('if in server');
      out.add('if in location');
    } else if (c === '') {
      CONTEXTS.forEach(x => out.add(x));
    } else if (CONTEXTS.includes(c)) {
      out.add(c);
    } else if (!DROPPED_CONTEXTS.has(c)) {
      throw new Error(`unknown context ${JSON.stringify(c)} in @nginx/reference-lib: map it in scripts/nginx-reference-table.cjs`);
    }
  }
  return CONTEXTS.filter(c => out.has(c));
}

/**
 * The plain text of one HTML syntax string of the reference: tags removed, entities decoded.
 * @param {string} html
 */
function stripSyntax(html) {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&hellip;/g, '…')
    .replace(/&lsquo;/g, '‘')
    .replace(/&rsquo;/g, '’')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .trim();
}

/**
 * @typedef {{ min: number, max: number }} Bounds  max is Infinity when unbounded
 */

/**
 * Argument-count bounds of one syntax string (HTML or plain), and whether it marks a block.
 *
 * Rules:
 * - `{...}` marks a block and is not an argument.
 * - Whitespace separates arguments; text and groups written without whitespace between them (`address[:port]`,
 *   `[keepidle]:[keepintvl]`) are one argument.
 * - `[...]` is optional: 0 up to its content's maximum.
 * - `…` (or `...`) after an argument means it may repeat: no upper bound.
 * - ` | ` (with whitespace) separates alternatives and binds loosest (`default | off | redirect replacement` is 1
 *   or 2 arguments): the bounds of alternatives are the smallest minimum and the largest maximum. `|` without
 *   whitespace on both sides (`on|off`, `module::function|‘sub { … }’`) chooses within one argument.
 * - `(...)` is the condition of `if`, which nginx splits at whitespace (`($request_method = POST)` is three
 *   arguments): one or more.
 * - A quoted example (‘sub { … }’, perl) is one argument.
 * - The placeholder `parameters` (`server address [parameters]` in upstream, `health_check [parameters]`) stands
 *   for a list of parameters: any number of arguments.
 * - An empty syntax takes no arguments.
 * @param {string} syntax
 * @returns {Bounds & { block: boolean }}
 */
function syntaxBounds(syntax) {
  let text = stripSyntax(syntax);
  const block = text.includes('{...}');
  text = text
    .replace(/\{\.\.\.\}/g, ' ')
    .replace(/‘[^’]*’/g, 'QUOTED')
    .replace(/\.\.\./g, '…');
  const tokens = text.match(/[[\]()|…]|\s+|[^[\]()|…\s]+/g) ?? [];
  let pos = 0;

  /** @returns {Bounds} */
  function parseAlternatives(/** @type {string | undefined} */ close) {
    /** @type {Bounds[]} */
    const alternatives = [parseSequence(close)];
    while (tokens[pos] === '|') {
      pos++;
      alternatives.push(parseSequence(close));
    }
    return {
      min: Math.min(...alternatives.map(a => a.min)),
      max: Math.max(...alternatives.map(a => a.max)),
    };
  }

  /** @returns {Bounds} */
  function parseSequence(/** @type {string | undefined} */ close) {
    let min = 0;
    let max = 0;
    /** @type {Bounds | undefined} */
    let last;
    for (;;) {
      const t = tokens[pos];
      if (t === undefined || t === '|' || t === close) break;
      if (/^\s+$/.test(t)) {
        pos++;
      } else if (t === '…') {
        pos++;
        if (last && last.max > 0) {
          max = Infinity;
        }
      } else if (t === ']' || t === ')') {
        throw new Error(`unbalanced ${t} in syntax ${JSON.stringify(syntax)}`);
      } else {
        last = parseArgument();
        min += last.min;
        max += last.max;
      }
    }
    return { min, max };
  }

  /** One argument: text and groups glued together without whitespace. @returns {Bounds} */
  function parseArgument() {
    /** @type {Bounds[]} */
    const groups = [];
    let hasText = false;
    let condition = false;
    let listPlaceholder = false;
    for (;;) {
      const t = tokens[pos];
      if (t === '[') {
        pos++;
        const inner = parseAlternatives(']');
        expect(']');
        groups.push({ min: 0, max: inner.max });
      } else if (t === '(') {
        pos++;
        parseAlternatives(')');
        expect(')');
        condition = true;
      } else if (t === '|' && pos > 0 && isGlued(tokens[pos - 1]) && isGlued(tokens[pos + 1])) {
        // `on|off` without whitespace: alternatives of this one argument.
        pos++;
      } else if (t !== undefined && !/^\s+$/.test(t) && !'|…])'.includes(t)) {
        pos++;
        hasText = true;
        listPlaceholder = t === 'parameters';
      } else {
        break;
      }
    }
    if (condition) return { min: 1, max: Infinity };
    if (listPlaceholder && groups.length === 0) return { min: 0, max: Infinity };
    if (!hasText && groups.length === 1) {
      // `[x]` alone; a placeholder list inside it (`[parameters]`) stays unbounded.
      return groups[0];
    }
    return { min: hasText ? 1 : 0, max: 1 };
  }

  /** Whether a neighbour of `|` belongs to the same argument (text or a group, not whitespace or `…`). */
  function isGlued(/** @type {string | undefined} */ t) {
    return t !== undefined && !/^\s+$/.test(t) && t !== '…' && t !== '|';
  }

  function expect(/** @type {string} */ t) {
    if (tokens[pos] !== t) {
      throw new Error(`expected ${t} at token ${pos} of syntax ${JSON.stringify(syntax)}`);
    }
    pos++;
  }

  const bounds = parseAlternatives(undefined);
  if (pos !== tokens.length) {
    throw new Error(`unexpected ${tokens[pos]} in syntax ${JSON.stringify(syntax)}`);
  }
  return { ...bounds, block };
}

/**
 * Corrections where the reference's syntax is stricter than nginx itself, so the table would reject a configuration
 * nginx accepts (checked against nginx 1.22's own argument checks). Keep this list short and explain each entry.
 * @type {Readonly<Record<string, { maxArgs: number, reason: string }>>}
 */
const OVERRIDES = {
  error_log: {
    maxArgs: Infinity,
    reason: 'syntax "file [level] [json]", but nginx takes several debug_* levels (error_log stderr debug_http debug_event)',
  },
  stub_status: {
    maxArgs: 1,
    reason: 'syntax is empty, but nginx still accepts the argument of the pre-1.7.5 form (stub_status on)',
  },
};

/**
 * @typedef {{ name: string, module: string, syntax: string[], contexts: string[], isBlock: boolean }} RefDirective
 * @typedef {{ contexts: string[], block: boolean, minArgs: number, maxArgs: number }} TableForm  maxArgs Infinity: unbounded
 */

/**
 * The table: per directive name (sorted), its forms. Directives of the same name from several included modules are
 * merged (union of contexts, union of bounds); they stay separate forms only when one takes a block and the other
 * does not (`server` in http vs `server` in upstream). OVERRIDES are applied last.
 * @param {readonly RefDirective[]} directives
 * @returns {Array<[string, TableForm[]]>}
 */
function buildTable(directives) {
  /** @type {Map<string, TableForm[]>} */
  const byName = new Map();
  for (const d of directives) {
    if (!isHttpConfigModule(d.module)) continue;
    const contexts = normaliseContexts(d.contexts);
    if (contexts.length === 0) continue;
    const variants = d.syntax.length > 0 ? d.syntax.map(syntaxBounds) : [syntaxBounds('')];
    for (const v of variants) {
      if (v.block !== d.isBlock) {
        throw new Error(`${d.module} ${d.name}: isBlock ${d.isBlock} but syntax ${JSON.stringify(d.syntax)}`);
      }
    }
    const form = {
      contexts,
      block: d.isBlock,
      minArgs: Math.min(...variants.map(v => v.min)),
      maxArgs: Math.max(...variants.map(v => v.max)),
    };
    const forms = byName.get(d.name) ?? [];
    const same = forms.find(f => f.block === form.block);
    if (same) {
      same.contexts = CONTEXTS.filter(c => same.contexts.includes(c) || form.contexts.includes(c));
      same.minArgs = Math.min(same.minArgs, form.minArgs);
      same.maxArgs = Math.max(same.maxArgs, form.maxArgs);
    } else {
      forms.push(form);
    }
    byName.set(d.name, forms);
  }
  for (const [name, forms] of byName) {
    forms.sort((a, b) => Number(b.block) - Number(a.block));
    const override = OVERRIDES[name];
    if (override) {
      if (forms.length !== 1 || forms[0].maxArgs >= override.maxArgs) {
        throw new Error(`override of ${name} is stale: the reference now gives ${JSON.stringify(forms)}`);
      }
      forms[0].maxArgs = override.maxArgs;
    }
  }
  return [...byName.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The text of src/nginx/reference-data.ts.
 * @param {readonly RefDirective[]} directives getDirectives() of @nginx/reference-lib
 * @param {string} version the version of @nginx/reference-lib
 */
function renderReferenceModule(directives, version) {
  const table = buildTable(directives);
  const key = (/** @type {string} */ n) => (/^[a-z_][a-z0-9_]*$/.test(n) ? n : JSON.stringify(n));
  const row = (/** @type {TableForm} */ f) =>
    `['${f.contexts.join(',')}', ${f.block ? 1 : 0}, ${f.minArgs}, ${f.maxArgs === Infinity ? -1 : f.maxArgs}]`;
  const lines = table.map(([name, forms]) => `  ${key(name)}: [${forms.map(row).join(', ')}],`
    + (OVERRIDES[name] ? ` // corrected: ${OVERRIDES[name].reason}` : ''));
  return `// Generated from @nginx/reference-lib ${version} by scripts/gen-nginx-reference.mjs. Do not edit.
// Regenerate with: node scripts/gen-nginx-reference.mjs (rules: scripts/nginx-reference-table.cjs).

/** Version of @nginx/reference-lib this table was generated from. */
export const NGINX_REFERENCE_VERSION = '${version}';

/** Every context of the table. 'if in server' and 'if in location': inside an \`if\` block of a server / location. */
export const NGINX_CONTEXTS: readonly string[] = [${CONTEXTS.map(c => `'${c}'`).join(', ')}];

/**
 * One form of a directive: [contexts (comma-separated), takes a block (1) or not (0), minArgs, maxArgs (-1:
 * unbounded)]. Names with two forms: one with a block, one without (\`server\` in http and in upstream).
 */
export type NginxDirectiveRow = readonly [string, 0 | 1, number, number];

/** The directives of nginx's core (main, events) and ngx_http_* modules, by name. */
export const NGINX_DIRECTIVES: { readonly [name: string]: readonly NginxDirectiveRow[] } = {
${lines.join('\n')}
};
`;
}

module.exports = {
  CONTEXTS,
  OVERRIDES,
  isHttpConfigModule,
  normaliseContexts,
  stripSyntax,
  syntaxBounds,
  buildTable,
  renderReferenceModule,
};
