// Writes src/nginx/reference-data.ts: where each directive of nginx's core (main, events) and ngx_http_* modules
// may appear, whether it takes a block and how many arguments, from @nginx/reference-lib (generated from the
// nginx.org reference). Run: node scripts/gen-nginx-reference.mjs (--stdout prints instead of writing; the tests
// compare it with the committed file). The rules are in scripts/nginx-reference-table.cjs.
import { readFileSync, writeFileSync } from 'fs';
import { createRequire } from 'module';
import { getDirectives } from '@nginx/reference-lib';
import table from './nginx-reference-table.cjs';

const require = createRequire(import.meta.url);
const version = JSON.parse(readFileSync(require.resolve('@nginx/reference-lib/package.json'), 'utf8')).version;
const out = table.renderReferenceModule(getDirectives(), version);
if (process.argv.includes('--stdout')) process.stdout.write(out);
else writeFileSync(new URL('../src/nginx/reference-data.ts', import.meta.url), out);
