import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/**
 * The policy engine as a cdk8s CLI validation plugin, run by the real `cdk8s synth` on two apps: a
 * hand-written cdk8s-plus-27 Deployment (any chart, not this library's) and a ScratchNginx chart.
 */
const ROOT = path.join(__dirname, '../..');
const CLI = path.join(ROOT, 'node_modules/.bin/cdk8s');
// Inside the repository, so ts-node finds its tsconfig.json.
const WORK = path.join(ROOT, '.work/plugin-test');

function project(name: string, main: string, properties: object = {}): string {
  const dir = path.join(WORK, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'plugin'), { recursive: true });
  // A local plugin package that loads the plugin from the sources (the published package is lib/index.js).
  fs.writeFileSync(path.join(dir, 'plugin/index.js'), [
    `require(${JSON.stringify(require.resolve('ts-node'))}).register({ transpileOnly: true, project: ${JSON.stringify(path.join(ROOT, 'tsconfig.dev.json'))} });`,
    `module.exports = require(${JSON.stringify(path.join(ROOT, 'src/index.ts'))});`,
  ].join('\n'));
  fs.writeFileSync(path.join(dir, 'main.ts'), main.replace(/SRC/g, JSON.stringify(path.join(ROOT, 'src'))));
  fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), [
    'language: typescript',
    'app: npx ts-node --transpile-only main.ts',
    'output: dist',
    'validations:',
    '  - package: ./plugin',
    '    version: 0.0.0',
    '    class: ScratchNginxValidation',
    `    properties: ${JSON.stringify(properties)}`,
    '',
  ].join('\n'));
  return dir;
}

function synth(dir: string) {
  const r = spawnSync(CLI, ['synth', '--no-check-upgrade'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

afterAll(() => fs.rmSync(WORK, { recursive: true, force: true }));

const PLAIN = `
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
const app = new App();
const chart = new Chart(app, 'plain');
new kplus.Deployment(chart, 'web', { containers: [{ image: 'nginx:latest' }] });
new kplus.ConfigMap(chart, 'site', { data: { 'site.conf': 'server {\\n  listen 8080;\\n  add_header X-Frame-Options DENY;\\n  location /static {\\n    add_header Cache-Control public;\\n    alias /srv/static/;\\n  }\\n}\\n' } });
app.synth();
`;

const OURS = `
import { App, Chart } from 'cdk8s';
import { NginxConfig, NginxImage, NginxWorkload } from SRC;
const app = new App();
const chart = new Chart(app, 'site', { namespace: 'web' });
new NginxWorkload(chart, 'web', { image: new NginxImage({ config: new NginxConfig(), repository: 'registry.example.com/web', digest: 'sha256:${'a'.repeat(64)}' }) });
app.synth();
`;

test('cdk8s synth fails a plain cdk8s-plus Deployment and names each failing control and object', () => {
  const r = synth(project('plain', PLAIN));
  expect(r.status).not.toBe(0);
  for (const control of ['image-tag', 'pod-disruption-budget', 'network-policy', 'high-uid-gid', 'pss-seccomp', 'ephemeral-storage', 'readiness-probe']) {
    expect(r.output).toContain(control);
  }
  // Each occurrence carries its construct path (from the CLI's construct metadata), name, kind and field.
  expect(r.output).toMatch(/Construct Path: plain\/web\/Resource/);
  expect(r.output).not.toMatch(/Construct Path: N\/A/);
  expect(r.output).toMatch(/Resource Name: plain-web-[0-9a-f]+/);
  expect(r.output).toMatch(/> Deployment \/spec\/template\/spec\//);
  // Warnings are named in the summary, with their objects.
  expect(r.output).toMatch(/warnings\s*│\s*image-digest \(Deployment\/plain-web-[0-9a-f]+\)/);
  // A Pod Security Standards control offers no opt-out (one would be refused); the others do.
  const block = (control: string) => r.output.slice(r.output.indexOf(`${control} (`), r.output.indexOf('How to fix', r.output.indexOf(`${control} (`)) + 400);
  expect(block('pss-seccomp')).not.toContain('opt out');
  expect(block('image-tag')).toContain('Or opt out: add { control: image-tag');
  // An nginx configuration in a ConfigMap gets the security checks: its error is a violation of that ConfigMap.
  expect(r.output).toMatch(/nginx\/alias-traversal/);
  expect(r.output).toMatch(/server > location \/static in site.conf: .*alias/);
  expect(r.output).toMatch(/Resource Name: plain-site-[0-9a-f]+/);
  // Its warnings (the location drops the server's add_header) are listed in the summary.
  expect(r.output).toMatch(/nginxConfigWarnings[\s\S]*add-header-redefinition/);
  expect(r.output).toMatch(/failure/i);
}, 180_000);

test('cdk8s synth passes this library\'s hardened workload', () => {
  const r = synth(project('ours', OURS));
  expect(r.output).toMatch(/success/i);
  expect(r.status).toBe(0);
  expect(fs.readdirSync(path.join(WORK, 'ours/dist'))).toContain('site.k8s.yaml');
}, 180_000);

test('opt-outs in the plugin properties are honoured, and a PSS opt-out is refused', () => {
  const optedOut = synth(project('optout', OURS.replace("repository: 'registry.example.com/web', digest: 'sha256:" + 'a'.repeat(64) + "'", "repository: 'registry.example.com/web'"), {
    optOuts: [{ control: 'image-digest', reason: 'tags are immutable in our registry' }],
  }));
  expect(optedOut.status).toBe(0);
  const refused = synth(project('pss', OURS, { optOuts: [{ control: 'pss-seccomp', reason: 'we really want to' }] }));
  expect(refused.status).not.toBe(0);
  expect(refused.output).toContain('pss-seccomp');
}, 180_000);
