// Writes src/nginx/reference-variables.ts: the embedded variables of nginx's http modules, from
// @nginx/reference-lib (generated from the nginx.org reference). Run: node scripts/gen-nginx-variables.mjs
// (--stdout prints instead of writing; the tests compare it with the committed file).
import { writeFileSync, readFileSync } from 'fs';
import { createRequire } from 'module';
import { getVariables } from '@nginx/reference-lib';

const require = createRequire(import.meta.url);
const version = JSON.parse(readFileSync(require.resolve('@nginx/reference-lib/package.json'), 'utf8')).version;
const names = [...new Set(getVariables()
  .filter(v => v.module.startsWith('ngx_http_') || v.module === 'ngx_otel_module')
  .map(v => v.name.replace(/^\$/, '')))].sort();
const exact = names.filter(n => !n.endsWith('_NAME'));
const prefixes = names.filter(n => n.endsWith('_NAME')).map(n => n.slice(0, -'NAME'.length));
const list = (xs) => xs.map(x => `  '${x}',`).join('\n');
const out = `// Generated from @nginx/reference-lib ${version} by scripts/gen-nginx-variables.mjs. Do not edit.

/** Embedded variables of nginx's http modules, without the '$'. */
export const NGINX_VARIABLES: readonly string[] = [
${list(exact)}
];

/** Variable families ($arg_NAME, $http_NAME, ...): any name with one of these prefixes exists. */
export const NGINX_VARIABLE_PREFIXES: readonly string[] = [
${list(prefixes)}
];
`;
if (process.argv.includes('--stdout')) process.stdout.write(out);
else writeFileSync(new URL('../src/nginx/reference-variables.ts', import.meta.url), out);
