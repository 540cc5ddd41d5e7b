import * as fs from 'fs';
import * as path from 'path';

/**
 * The folders of src/ are the architecture (ARCHITECTURE.md): each may import only the folders listed
 * here, so the graph has no cycle and a newcomer can read it bottom-up.
 */
const ALLOWED: { [folder: string]: string[] } = {
  input: [],
  nginx: ['input'],
  policy: ['input', 'nginx'],
  output: [],
  image: ['input', 'nginx', 'output'],
  workload: ['input', 'nginx', 'image', 'policy', 'output'],
  aws: ['input', 'nginx', 'image', 'output'],
  composition: ['input', 'nginx', 'image', 'workload', 'policy', 'output'],
  preview: [],
};

const SRC = path.resolve(__dirname, '../src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** The top folder of src/ a file is in ('' for src/index.ts). */
function folderOf(file: string): string {
  const parts = path.relative(SRC, file).split(path.sep);
  return parts.length > 1 ? parts[0] : '';
}

/** Every relative import of every file, as [from folder, to folder, file]. */
function folderImports(): Array<[string, string, string]> {
  const out: Array<[string, string, string]> = [];
  for (const file of sourceFiles(SRC)) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+'(\.[^']*)'/gms)) {
      const target = path.resolve(path.dirname(file), m[1]);
      out.push([folderOf(file), folderOf(`${target}.ts`), path.relative(SRC, file)]);
    }
  }
  return out;
}

describe('architecture: folder imports', () => {
  const imports = folderImports();

  test('the scan sees the imports (a broken regex must not make the rules below pass)', () => {
    expect(imports.length).toBeGreaterThan(50);
    expect(imports).toContainEqual(['workload', 'image', 'workload/nginx-workload.ts']);
  });

  test('every folder of src/ has a rule', () => {
    const folders = fs.readdirSync(SRC, { withFileTypes: true }).filter(e => e.isDirectory()).map(e => e.name).sort();
    expect(folders).toEqual(Object.keys(ALLOWED).sort());
  });

  test('each folder imports only the folders it may', () => {
    const broken = imports
      .filter(([from, to]) => from !== '' && to !== from && !(ALLOWED[from] ?? []).includes(to))
      .map(([from, to, file]) => `${file} (${from}) imports ${to}`);
    expect(broken).toEqual([]);
  });

  test('the allowed imports have no cycle', () => {
    const visiting = new Set<string>();
    const done = new Set<string>();
    const cycles: string[] = [];
    const visit = (folder: string, trail: string[]): void => {
      if (done.has(folder)) return;
      if (visiting.has(folder)) {
        cycles.push([...trail, folder].join(' -> '));
        return;
      }
      visiting.add(folder);
      for (const next of ALLOWED[folder]) visit(next, [...trail, folder]);
      visiting.delete(folder);
      done.add(folder);
    };
    for (const folder of Object.keys(ALLOWED)) visit(folder, []);
    expect(cycles).toEqual([]);
  });

  test('only src/index.ts sits at the top of src/', () => {
    const top = fs.readdirSync(SRC, { withFileTypes: true }).filter(e => e.isFile() && e.name.endsWith('.ts')).map(e => e.name);
    expect(top).toEqual(['index.ts']);
  });
});
