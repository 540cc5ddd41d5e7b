#!/usr/bin/env node
// Mutation testing with Stryker (stryker.config.json), for `npx projen mutation`.
//
//   npx projen mutation                         every file under src/ (about an hour on 2 cores)
//   npx projen mutation src/policy src/image    these folders or files only
//   npx projen mutation --since origin/main     the src/ files changed since a git ref (committed or not)
//   npx projen mutation --out .work/m-policy src/policy   reports and sandbox in another folder, so that two
//                                               runs can go side by side
//   --tests mirror                              only the tests that mirror the mutated files (test/policy/ for
//                                               src/policy/...): each folder's score counts its own unit tests,
//                                               and a run takes minutes instead of hours (the default for paths)
//   --tests related                             every test that imports a mutated file, end-to-end suites aside
//                                               (the default for a whole run and for --since)
//
// Reports: .work/mutation/index.html and .work/mutation/mutation.json, plus a score per folder on stdout
// (scripts/mutation-scores.mjs). Extra Stryker flags go after `--`, e.g. `-- --concurrency 1`.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
const dashes = args.indexOf('--');
const own = dashes < 0 ? args : args.slice(0, dashes);
const passThrough = dashes < 0 ? [] : args.slice(dashes + 1);

function fail(message) {
  console.error(`mutation: ${message}`);
  process.exit(2);
}

const targets = [];
const mirrors = new Set();
let tests;
let out = '.work/mutation';
for (let i = 0; i < own.length; i++) {
  if (own[i] === '--out') {
    out = own[++i]?.replace(/\/+$/, '');
    if (!out) fail('--out needs a folder, e.g. --out .work/mutation-policy');
  } else if (own[i] === '--tests') {
    tests = own[++i];
    if (tests !== 'mirror' && tests !== 'related') fail('--tests takes mirror or related');
  } else if (own[i] === '--since') {
    const ref = own[++i];
    if (!ref) fail('--since needs a git ref, e.g. --since origin/main');
    const changed = execFileSync('git', ['diff', '--name-only', ref, '--', 'src'], { encoding: 'utf8' })
      .split('\n').filter(f => f.endsWith('.ts') && existsSync(f));
    if (changed.length === 0) {
      console.log(`mutation: no file under src/ changed since ${ref}; nothing to do.`);
      process.exit(0);
    }
    targets.push(...changed);
  } else {
    const path = own[i].replace(/\/+$/, '');
    if (!existsSync(path)) fail(`${path} does not exist; give folders or files under src/, or --since <ref>.`);
    targets.push(statSync(path).isDirectory() ? `${path}/**/*.ts` : path);
    // src/policy/controls.ts and src/policy are both mirrored by test/policy/.
    const folder = path.split('/')[1];
    if (path.startsWith('src/') && folder && !folder.endsWith('.ts')) mirrors.add(folder);
  }
}
tests ??= mirrors.size > 0 && targets.length > 0 && !own.includes('--since') ? 'mirror' : 'related';
if (tests === 'mirror' && mirrors.size === 0) fail('--tests mirror needs folders or files under src/<folder>/.');

// The config with this run's report and sandbox folders.
const config = JSON.parse(readFileSync('stryker.config.json', 'utf8'));
config.tempDirName = `${out}/tmp`;
config.htmlReporter = { fileName: `${out}/index.html` };
config.jsonReporter = { fileName: `${out}/mutation.json` };
if (tests === 'mirror') {
  config.jest.enableFindRelatedTests = false;
  config.jest.config.testMatch = [...mirrors].map(folder => `<rootDir>/test/${folder}/**/*.test.ts`);
}
console.log(`mutation: ${targets.length > 0 ? targets.join(', ') : 'src/'}; tests: ${tests === 'mirror' ? [...mirrors].map(f => `test/${f}/`).join(', ') : 'related (jest --findRelatedTests)'}`);
mkdirSync(out, { recursive: true });
const configFile = `${out}/stryker.config.json`;
writeFileSync(configFile, JSON.stringify(config, null, 2));

const stryker = ['stryker', 'run', configFile];
if (targets.length > 0) {
  // The config's exclusions (generated tables, the barrel file) still apply.
  stryker.push('--mutate', [...targets, '!src/index.ts', '!src/nginx/reference-data.ts', '!src/nginx/reference-variables.ts'].join(','));
}
// Mutants run the library's real writers (build contexts, reports) under os.tmpdir(); a mutant that changes
// what they write must not leave files there that a later test run (or CI on this machine) trips over.
const scratch = `${process.cwd()}/${out}/os-tmp`;
mkdirSync(scratch, { recursive: true });
const started = Date.now();
const run = spawnSync('npx', [...stryker, ...passThrough], { stdio: 'inherit', env: { ...process.env, TMPDIR: scratch } });
console.log(`mutation: Stryker ran for ${((Date.now() - started) / 60000).toFixed(1)} min.`);
if (run.status === 0 && existsSync(`${out}/mutation.json`)) {
  spawnSync('node', ['scripts/mutation-scores.mjs', `${out}/mutation.json`], { stdio: 'inherit' });
}
process.exit(run.status ?? 1);
