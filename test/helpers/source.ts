import * as fs from 'fs';

/**
 * The text of a source file as committed. Stryker's sandbox (`npx projen mutation`) puts a `// @ts-nocheck`
 * line at the top of every file it copies; that line is not part of the source and is left out.
 */
export function readSource(file: string): string {
  return fs.readFileSync(file, 'utf8').replace(/^\/\/ @ts-nocheck\r?\n/, '');
}
