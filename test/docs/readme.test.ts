import * as fs from 'fs';
import * as path from 'path';
import { BAD_INPUT_CASES, badInputMessage } from './bad-input-cases';
import { CONTROLS } from '../../src/policy/controls';

const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('### Bad input fails at synth'), readme.indexOf('### Hardened workload'));

/** The README's "Bad input fails at synth" lists each class with the message the library really gives. */
describe('README: Bad input fails at synth', () => {
  test.each(BAD_INPUT_CASES.map(c => [c.title, c] as const))('%s: the README shows the library\'s message, word for word', (title, c) => {
    const lines = badInputMessage(c.build).split('\n');
    expect(lines[0]).toBe('Validation failed with the following errors:');
    const block = `**${title}**\n\n\`\`\`\n${lines.slice(1).map(l => l.trim()).join('\n')}\n\`\`\``;
    expect(section).toContain(block);
  });

  test('every class in the README is a case of this test', () => {
    const titles = [...section.matchAll(/^\*\*(.+)\*\*$/gm)].map(m => m[1]);
    expect(titles).toEqual(BAD_INPUT_CASES.map(c => c.title));
  });
});

describe('README: numbers and lists match the code', () => {
  test('the controls table has one row per control (sorted by id), with its title and whether it can be opted out', () => {
    const table = readme.slice(readme.indexOf('| control | asks for |'));
    const rows = [...table.slice(0, table.indexOf('\n\n')).matchAll(/^\| `([a-z0-9-]+)` \| ([^|]+) \|[^|]*\|([^|]*)\|$/gm)].map(m => [m[1], m[2].trim(), m[3].trim()]);
    const sorted = [...CONTROLS].sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(rows.map(r => r[0])).toEqual(sorted.map(c => c.id));
    expect(rows.map(r => r[1])).toEqual(sorted.map(c => c.title));
    for (const [id, , atSynth] of rows) {
      expect([id, atSynth.includes('no opt-out')]).toEqual([id, id.startsWith('pss-')]);
    }
  });

  test('a count of controls, where the README gives one, is the engine\'s', () => {
    for (const m of readme.matchAll(/\b([0-9]+) (?:policy )?controls\b/g)) expect(Number(m[1])).toBe(CONTROLS.length);
  });
});
