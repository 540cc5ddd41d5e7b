import * as fs from 'fs';
import * as path from 'path';
import { BAD_INPUT_CASES, badInputMessage } from './bad-input-cases';

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
