import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { Podman, ensureDebianNginxBase, haveCommands } from '../helpers/podman';

/**
 * The package as a cdk8s-only user gets it, following the README: `npm pack`, a bare cdk8s app outside this
 * repository (cdk8s, cdk8s-plus-27, constructs and typescript only) that installs the tarball with npm's
 * defaults and gets no aws-cdk-lib, the README's Usage compiled by tsc with the cdk8s template's strict
 * tsconfig (no skipLibCheck), `cdk8s synth` with the README's `validations:` block, then
 * `npx cdk8s-scratch-nginx preview` on a local base image and a 200 from the address it prints.
 */
const TOOLS = ['buildah', 'podman', 'runc', 'debootstrap', 'npm'];
const available = haveCommands(...TOOLS);
if (!available && process.env.CI === 'true') {
  throw new Error(`install test needs ${TOOLS.join(', ')}; under CI a skip is a failure: .ci/run must install them.`);
}
if (!available) {
  // eslint-disable-next-line no-console
  console.warn(`SKIPPED install test: install ${TOOLS.join(', ')} (see .ci/run) to run it.`);
}

const ROOT = path.join(__dirname, '../..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const BASE = 'localhost/nginx-base:bookworm';
const version = (pkg: string) => JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version;

/** The first fenced block of `lang` after `marker` in the README. */
function readmeBlock(marker: string, lang: string): string {
  const from = README.indexOf(marker);
  if (from < 0) throw new Error(`README has no ${marker}`);
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(README.slice(from));
  if (!m) throw new Error(`README has no ${lang} block after ${marker}`);
  return m[1];
}

function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env, timeout = 600_000) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

(available ? describe : describe.skip)('the packed package in a bare cdk8s app', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'install-e2e-'));
  const app = path.join(work, 'app');
  const podman = new Podman(path.join(ROOT, '.work/install-e2e'));
  let previewArgs: string[] = [];

  afterAll(() => {
    if (previewArgs.length > 0) sh(process.execPath, [...previewArgs, '--down'], app, podman.env);
    fs.rmSync(work, { recursive: true, force: true });
  });

  test('npm pack, then npm install into an app with only cdk8s, cdk8s-plus-27, constructs and typescript: no aws-cdk-lib', () => {
    const packed = sh('npm', ['pack', '--pack-destination', work], ROOT);
    expect(packed.status).toBe(0);
    const tarball = fs.readdirSync(work).find(f => f.endsWith('.tgz'))!;
    fs.mkdirSync(path.join(app, 'html'), { recursive: true });
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({
      name: 'bare-cdk8s-app',
      version: '1.0.0',
      private: true,
      dependencies: { 'cdk8s': `^${version('cdk8s')}`, 'cdk8s-plus-27': `^${version('cdk8s-plus-27')}`, 'constructs': `^${version('constructs')}` },
      // The TypeScript of a fresh `cdk8s init typescript-app`.
      devDependencies: { typescript: JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/cdk8s-cli/templates/typescript-app/package.json'), 'utf8')).devDependencies.typescript },
    }, null, 2));
    const installed = sh('npm', ['install', '--no-audit', '--no-fund', path.join(work, tarball)], app);
    expect(installed.status).toBe(0);
    expect(fs.existsSync(path.join(app, 'node_modules/cdk8s-scratch-nginx/lib/index.js'))).toBe(true);
    expect(fs.existsSync(path.join(app, 'node_modules/aws-cdk-lib'))).toBe(false);
    expect(fs.existsSync(path.join(app, 'node_modules/@aws-cdk'))).toBe(false);
    // The AWS entry point is there, and says what it needs.
    const aws = sh(process.execPath, ['-e', "require('cdk8s-scratch-nginx/aws')"], app);
    expect(aws.status).not.toBe(0);
    expect(aws.out).toMatch(/Cannot find module 'aws-cdk-lib/);
  }, 600_000);

  test('the README Usage compiles with the cdk8s template\'s strict tsconfig, without skipLibCheck', () => {
    const tsconfig = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules/cdk8s-cli/templates/typescript-app/tsconfig.json'), 'utf8'));
    expect(tsconfig.compilerOptions.strict).toBe(true);
    expect(tsconfig.compilerOptions.skipLibCheck).toBeUndefined();
    fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
    fs.writeFileSync(path.join(app, 'main.ts'), readmeBlock('## Usage', 'ts'));
    fs.writeFileSync(path.join(app, 'html/index.html'), '<h1>bare app</h1>\n');
    const compiled = sh(path.join(app, 'node_modules/.bin/tsc'), ['-p', '.'], app);
    expect(compiled.out).toBe('');
    expect(compiled.status).toBe(0);
  }, 180_000);

  test('cdk8s synth with the README validations block runs the plugin from the installed package', () => {
    fs.writeFileSync(path.join(app, 'cdk8s.yaml'), `language: typescript\napp: node main.js\n${readmeBlock('```yaml\n# cdk8s.yaml', 'yaml')}`);
    const synth = sh(path.join(ROOT, 'node_modules/.bin/cdk8s'), ['synth', '--check-upgrade', 'false'], app);
    expect(synth.status).toBe(0);
    expect(synth.out).toContain(`Validation Report (${path.join(app, 'node_modules/cdk8s-scratch-nginx')}@0.0.0)`);
    expect(synth.out).toMatch(/Status\s*│ success/);
    expect(synth.out).toMatch(/optedOut\s*│ 1/);
    expect(synth.out).toMatch(/warnings\s*│ image-digest \(Deployment\//);
    for (const file of ['dist/site.k8s.yaml', 'dist/images/site/Dockerfile', 'dist/reports/site.md']) {
      expect([file, fs.existsSync(path.join(app, file))]).toEqual([file, true]);
    }
  }, 180_000);

  test('npx cdk8s-scratch-nginx preview builds on a local base, runs one replica and prints an address that answers 200', async () => {
    ensureDebianNginxBase(podman, BASE);
    const committed = fs.readFileSync(path.join(app, 'dist/site.k8s.yaml'), 'utf8');
    const port = await freePort();
    previewArgs = [path.join(app, 'node_modules/.bin/cdk8s-scratch-nginx'), 'preview', '--from', BASE, '--port', String(port)];
    const preview = sh(process.execPath, previewArgs, app, podman.env);
    expect(preview.status).toBe(0);
    const url = /: (http:\/\/localhost:[0-9]+\/)\n/.exec(preview.out)?.[1];
    expect(url).toBe(`http://localhost:${port}/`);
    const res = await fetch(url!.replace('localhost', '127.0.0.1'));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('<h1>bare app</h1>\n');
    // The preview ran a copy: the synth output is as committed.
    expect(fs.readFileSync(path.join(app, 'dist/site.k8s.yaml'), 'utf8')).toBe(committed);
    const down = sh(process.execPath, [...previewArgs, '--down'], app, podman.env);
    expect(down.status).toBe(0);
    previewArgs = [];
    await expect(fetch(url!.replace('localhost', '127.0.0.1'))).rejects.toThrow();
  }, 900_000);
});
