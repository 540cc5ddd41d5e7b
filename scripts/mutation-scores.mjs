#!/usr/bin/env node
// Prints the mutation score per folder (and per file) from a Stryker JSON report, as a Markdown table.
// Score = caught / (caught + survived + not covered), where caught = killed + timed out
// (Stryker's "mutation score"); compile errors and ignored mutants are left out.
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';

const report = JSON.parse(readFileSync(process.argv[2] ?? '.work/mutation/mutation.json', 'utf8'));
const rows = new Map();
function add(key, status) {
  const row = rows.get(key) ?? { caught: 0, missed: 0 };
  if (status === 'Killed' || status === 'Timeout') row.caught++;
  else if (status === 'Survived' || status === 'NoCoverage') row.missed++;
  rows.set(key, row);
}
for (const [file, { mutants }] of Object.entries(report.files)) {
  for (const m of mutants) {
    add(`${dirname(file)}/`, m.status);
    add(file, m.status);
    add('all', m.status);
  }
}
const pct = r => (r.caught + r.missed === 0 ? 'n/a' : `${(100 * r.caught / (r.caught + r.missed)).toFixed(1)} %`);
console.log('| folder or file | caught | survived + not covered | score |');
console.log('|---|---|---|---|');
for (const key of [...rows.keys()].sort()) {
  const r = rows.get(key);
  console.log(`| ${key} | ${r.caught} | ${r.missed} | ${pct(r)} |`);
}
