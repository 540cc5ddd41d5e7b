import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/**
 * The README's code, taken from its text so that it cannot drift: the Usage snippet compiles (strict) and
 * synthesises as written; the AWS CDK snippet, imports included, compiles (strict) against aws-cdk-lib.
 * test/e2e/install.e2e.test.ts compiles the Usage snippet again against the packed package, in a cdk8s-only app.
 */
const ROOT = path.join(__dirname, '../..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
// Inside the repository, so that node_modules resolve.
const WORK = path.join(ROOT, '.work/readme-snippets');

/** The first ```ts block after `heading`. */
function snippet(heading: string): string {
  const from = README.indexOf(heading);
  if (from < 0) throw new Error(`README has no heading ${heading}`);
  const m = /```ts\n([\s\S]*?)```/.exec(README.slice(from));
  if (!m) throw new Error(`README has no ts block after ${heading}`);
  return m[1];
}

/** The snippet with the package import pointing at the sources. */
function fromSources(code: string, file: string): string {
  const src = path.relative(path.dirname(file), path.join(ROOT, 'src')).replace(/\\/g, '/');
  return code.replace(/from 'cdk8s-scratch-nginx(\/aws)?'/g, (_m, sub: string | undefined) => `from '${src}${sub ?? ''}'`);
}

function tsc(files: string[]): { status: number | null; output: string } {
  const config = path.join(WORK, 'tsconfig.json');
  fs.writeFileSync(config, JSON.stringify({
    compilerOptions: {
      strict: true,
      noEmit: true,
      target: 'es2022',
      module: 'commonjs',
      moduleResolution: 'node',
      esModuleInterop: true,
      skipLibCheck: true,
      types: ['node'],
      typeRoots: [path.join(ROOT, 'node_modules/@types')],
      ignoreDeprecations: '6.0',
    },
    files,
  }));
  const r = spawnSync(path.join(ROOT, 'node_modules/.bin/tsc'), ['-p', config], { encoding: 'utf8', timeout: 180_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

beforeAll(() => {
  fs.rmSync(WORK, { recursive: true, force: true });
  fs.mkdirSync(WORK, { recursive: true });
});
afterAll(() => fs.rmSync(WORK, { recursive: true, force: true }));

test('the Usage snippet compiles in strict mode and synthesises what its comments say', () => {
  const dir = path.join(WORK, 'usage');
  fs.mkdirSync(path.join(dir, 'html'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'html/index.html'), '<h1>site</h1>\n');
  const file = path.join(dir, 'main.ts');
  fs.writeFileSync(file, fromSources(snippet('## Usage'), file));
  const compiled = tsc([file]);
  expect(compiled.output).toBe('');
  expect(compiled.status).toBe(0);
  const r = spawnSync(process.execPath, ['-r', require.resolve('ts-node/register/transpile-only'), file], {
    cwd: dir, encoding: 'utf8', timeout: 120_000, env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.dev.json') },
  });
  expect(r.status).toBe(0);
  for (const out of ['dist/site.k8s.yaml', 'dist/images/site/Dockerfile', 'dist/images/site/nginx.conf', 'dist/images/site/conf.d/site.conf', 'dist/reports/site.md']) {
    expect([out, fs.existsSync(path.join(dir, out))]).toEqual([out, true]);
  }
}, 240_000);

test('the AWS CDK snippet compiles in strict mode against aws-cdk-lib', () => {
  const file = path.join(WORK, 'aws.ts');
  fs.writeFileSync(file, fromSources(snippet('### AWS CDK: image asset, EKS, ECS Fargate'), file));
  const compiled = tsc([file]);
  expect(compiled.output).toBe('');
  expect(compiled.status).toBe(0);
}, 240_000);

test('the exposure snippet compiles in strict mode', () => {
  const file = path.join(WORK, 'exposure.ts');
  const prelude = [
    "import { Chart } from 'cdk8s';",
    "import { NginxConfig, ScratchNginx } from 'cdk8s-scratch-nginx';",
    'declare const chart: Chart;',
    'declare const config: NginxConfig;',
    '',
  ].join('\n');
  fs.writeFileSync(file, fromSources(prelude + snippet('**Exposure**'), file));
  const compiled = tsc([file]);
  expect(compiled.output).toBe('');
  expect(compiled.status).toBe(0);
}, 240_000);
