// Writes src/nginx/version-data.ts: the nginx version each directive of nginx's core (main, events) and
// ngx_http_* modules appeared in, and the version it became obsolete in, from the XML sources of nginx's own
// documentation (https://github.com/nginx/nginx.org, xml/en/docs; BSD-2-Clause, text/LICENSE there).
// @nginx/reference-lib, which reference-data.ts comes from, drops these versions.
//
//   node scripts/gen-nginx-versions.mjs <checkout of nginx/nginx.org> [--stdout]
import { execFileSync } from 'child_process';
import { readdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';

const [root] = process.argv.slice(2).filter(a => !a.startsWith('--'));
if (!root) {
  console.error('usage: node scripts/gen-nginx-versions.mjs <checkout of nginx/nginx.org> [--stdout]');
  process.exit(2);
}
const docs = join(root, 'xml/en/docs');
const files = [join(docs, 'ngx_core_module.xml'), join(docs, 'events.xml'),
  ...readdirSync(join(docs, 'http')).filter(f => /^ngx_http_.*\.xml$/.test(f)).map(f => join(docs, 'http', f))]
  .filter(f => { try { readFileSync(f); return true; } catch { return false; } });

/** A version as numbers, for comparing. */
const parts = v => v.split('.').map(Number);
const older = (a, b) => { const x = parts(a); const y = parts(b); for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) < (y[i] ?? 0); return false; };

const versions = new Map();
for (const file of files) {
  const xml = readFileSync(file, 'utf8');
  for (const m of xml.matchAll(/<directive name="([a-z0-9_]+)">([\s\S]*?)<\/directive>/g)) {
    const [, name, body] = m;
    // The directive's own <appeared-in> comes before its first paragraph; later ones belong to parameters.
    const head = body.split('<para>')[0];
    const since = /<appeared-in>([0-9.]+)<\/appeared-in>/.exec(head)?.[1] ?? '';
    const text = body.replace(/\s+/g, ' ');
    const version = '([0-9]+(?:\\.[0-9]+)*)';
    const obsolete = new RegExp(`(?:obsolete since version|made obsolete in version) ${version}`).exec(text)?.[1] ?? '';
    const removed = new RegExp(`removed in version ${version}`).exec(text)?.[1] ?? '';
    const known = versions.get(name);
    // A name documented by two modules (server in http and upstream) counts from its earliest appearance.
    if (!known) versions.set(name, [since, obsolete, removed]);
    else versions.set(name, [known[0] && since && older(since, known[0]) ? since : (known[0] && since ? known[0] : ''), known[1] || obsolete, known[2] || removed]);
  }
}

let commit = 'unknown';
try {
  commit = execFileSync('git', ['-C', root, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
} catch { /* not a git checkout */ }

const rows = [...versions].filter(([, v]) => v.some(x => x)).sort(([a], [b]) => (a < b ? -1 : 1));
const out = `// Generated from nginx's documentation (github.com/nginx/nginx.org, xml/en/docs; BSD-2-Clause),
// commit ${commit}, by scripts/gen-nginx-versions.mjs. Do not edit.

/**
 * For each directive of nginx's core, events and ngx_http_* modules whose documentation gives a version:
 * [the version it appeared in ('' for one older than the documented history), the version it became obsolete
 * in (still accepted, with a warning, and often ignored), the version it was removed in ('' for none)].
 */
export const NGINX_DIRECTIVE_VERSIONS: { readonly [name: string]: readonly [string, string, string] } = {
${rows.map(([name, [since, obsolete, removed]]) => `  ${name}: ['${since}', '${obsolete}', '${removed}'],`).join('\n')}
};
`;
if (process.argv.includes('--stdout')) process.stdout.write(out);
else writeFileSync(new URL('../src/nginx/version-data.ts', import.meta.url), out);
