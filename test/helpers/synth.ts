import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import * as YAML from 'yaml';

export interface ExampleModule {
  build(app: App, options?: { baseImage?: string }): unknown;
}

/** The cdk8s examples under examples/: a folder with a cdk8s.yaml and a main.ts exporting build(app, options). */
export const EXAMPLES: string[] = fs.readdirSync(path.join(__dirname, '../../examples'), { withFileTypes: true })
  .filter(e => e.isDirectory() && fs.existsSync(path.join(__dirname, '../../examples', e.name, 'cdk8s.yaml')))
  .map(e => e.name)
  .sort();

export function loadExample(name: string): ExampleModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(__dirname, '../../examples', name, 'main.ts')) as ExampleModule;
}

/** Runs `app.synth()` for an example into `outdir` (a fresh temp folder by default); returns the folder. */
export function synthExample(name: string, options: { baseImage?: string; outdir?: string } = {}): string {
  const outdir = options.outdir ?? fs.mkdtempSync(path.join(os.tmpdir(), `example-${name}-`));
  const app = new App({ outdir });
  loadExample(name).build(app, { baseImage: options.baseImage });
  app.synth();
  return outdir;
}

/** Every file below `dir`, relative path to content. */
export function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else out[r] = fs.readFileSync(path.join(dir, r), 'utf8');
    }
  };
  walk('');
  return out;
}

/** All YAML documents of the manifests (`*.k8s.yaml`) in a synth output folder. */
export function manifests(dir: string): any[] {
  return fs.readdirSync(dir).filter(f => f.endsWith('.k8s.yaml')).sort()
    .flatMap(f => YAML.parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map(d => d.toJS()));
}
