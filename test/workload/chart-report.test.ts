import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, JsonPatch, Testing } from 'cdk8s';
import { NginxImage } from '../../src/image/nginx-image';
import { NginxConfig } from '../../src/nginx/config';
import { CONTROLS } from '../../src/policy/controls';
import { NginxWorkload } from '../../src/workload/nginx-workload';
import { validateCycloneDx } from '../helpers/schema';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

function workload(chart: Chart, id: string): NginxWorkload {
  return new NginxWorkload(chart, id, { image: new NginxImage({ config: new NginxConfig(), repository: `registry.example.com/${id}`, digest: DIGEST }) });
}

describe('the hardening report: one per chart, next to its manifest', () => {
  let outdir: string;
  beforeEach(() => { outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'chart-report-')); });
  afterEach(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('every workload of the chart is in it; each chart has its own', () => {
    const app = new App({ outdir });
    const web = new Chart(app, 'web', { namespace: 'web' });
    workload(web, 'site');
    workload(web, 'blog');
    workload(new Chart(app, 'api', { namespace: 'api' }), 'docs');
    app.synth();
    expect(fs.readdirSync(path.join(outdir, 'reports')).sort()).toEqual(['api.docs.sbom.cdx.json', 'api.json', 'api.md', 'web.blog.sbom.cdx.json', 'web.json', 'web.md', 'web.site.sbom.cdx.json']);
    // Each workload's declared SBOM is its image's, valid CycloneDX.
    const sbom = JSON.parse(fs.readFileSync(path.join(outdir, 'reports/web.site.sbom.cdx.json'), 'utf8'));
    expect(validateCycloneDx(sbom)).toBe(true);
    expect(sbom.metadata.component.bomRef ?? sbom.metadata.component['bom-ref']).toBe('image');
    expect(sbom.components.map((c: any) => c.name)).toContain('/etc/nginx/nginx.conf');
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'reports/web.json'), 'utf8'));
    expect(report.title).toBe('web');
    expect(report.workloads.map((w: any) => w.workload)).toEqual(['web/blog', 'web/site']);
    expect(report.summary).toEqual({ workloads: 2, controls: 2 * CONTROLS.length, passed: 2 * CONTROLS.length, failed: 0, warned: 0, optedOut: 0 });
    expect(report.workloads[0].facts.image).toBe(`registry.example.com/blog@${DIGEST}`);
    const md = fs.readFileSync(path.join(outdir, 'reports/web.md'), 'utf8');
    expect(md).toContain('## Workload: web/blog');
    expect(md).toContain('## Workload: web/site');
    expect(JSON.parse(fs.readFileSync(path.join(outdir, 'reports/api.json'), 'utf8')).workloads.map((w: any) => w.workload)).toEqual(['api/docs']);
  });

  test('the image fact is what the container runs: the imageReference option, an AWS CDK token marked as one', () => {
    const app = new App({ outdir });
    const chart = new Chart(app, 'web', { namespace: 'web' });
    const image = () => new NginxImage({ config: new NginxConfig(), repository: 'site', tag: '1.0.0' });
    new NginxWorkload(chart, 'ecr', { image: image(), imageReference: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/site@${DIGEST}` });
    new NginxWorkload(chart, 'asset', { image: image(), imageReference: '${Token[TOKEN.123]}' });
    app.synth();
    const facts = Object.fromEntries(JSON.parse(fs.readFileSync(path.join(outdir, 'reports/web.json'), 'utf8')).workloads.map((w: any) => [w.workload, w.facts]));
    expect([facts['web/ecr'].image, facts['web/ecr']['image pinned by']]).toEqual([`123456789012.dkr.ecr.eu-west-1.amazonaws.com/site@${DIGEST}`, 'digest']);
    expect([facts['web/asset'].image, facts['web/asset']['image pinned by']])
      .toEqual(['${Token[TOKEN.123]} (an AWS CDK token: the asset\'s image URI, known at deploy)', 'asset (content hash)']);
  });

  test('written once per synth, although cdk8s validates the app once more per chart', () => {
    const app = new App({ outdir });
    const chart = new Chart(app, 'web', { namespace: 'web' });
    for (let i = 0; i < 3; i++) workload(chart, `site${i}`);
    // The module object itself: the library's `import * as fs` reads its functions through getters.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const spy = jest.spyOn(require('fs') as typeof fs, 'writeFileSync');
    try {
      app.synth();
      const reportWrites = spy.mock.calls.filter(c => String(c[0]).includes(`${path.sep}reports${path.sep}`)).map(c => path.basename(String(c[0])));
      expect(reportWrites).toEqual(['web.md', 'web.json', 'web.site0.sbom.cdx.json', 'web.site1.sbom.cdx.json', 'web.site2.sbom.cdx.json']);
    } finally {
      spy.mockRestore();
    }
  });

  test('a chart with a failing workload gets no report, and the synth fails', () => {
    const app = new App({ outdir });
    const chart = new Chart(app, 'web', { namespace: 'web' });
    workload(chart, 'good');
    const bad = workload(chart, 'bad');
    ApiObject.of(bad.deployment).addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/imagePullPolicy', 'IfNotPresent'));
    expect(() => app.synth()).toThrow(/\[web\/bad\] policy control 'image-pull-policy'/);
    expect(fs.existsSync(path.join(outdir, 'reports'))).toBe(false);
  });

  test('fixed and synthesised again, the report is written with the new outcome', () => {
    const app = new App({ outdir });
    const chart = new Chart(app, 'web', { namespace: 'web' });
    workload(chart, 'good');
    const bad = new NginxWorkload(chart, 'bad', {
      image: new NginxImage({ config: new NginxConfig(), repository: 'registry.example.com/bad', digest: DIGEST }),
      policyOptOuts: [{ control: 'image-pull-policy', reason: 'node-local image in this test' }],
    });
    ApiObject.of(bad.deployment).addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/imagePullPolicy', 'IfNotPresent'));
    app.synth();
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'reports/web.json'), 'utf8'));
    expect(report.summary.optedOut).toBe(1);
    expect(report.workloads[0].results.find((r: any) => r.control === 'image-pull-policy')).toMatchObject({ status: 'OPTED_OUT', reason: 'node-local image in this test' });
  });
});

describe('the checked manifests are the synthesised ones', () => {
  function setUp() {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'handover-')) });
    const chart = new Chart(app, 'web', { namespace: 'web' });
    const w = workload(chart, 'site');
    return { app, chart, w, cleanUp: () => fs.rmSync(app.outdir, { recursive: true, force: true }) };
  }

  test('a synth renders each object once per validation pass and once for the output; toJson stays cdk8s\'s own', () => {
    const { app, chart, w, cleanUp } = setUp();
    const deployment = ApiObject.of(w.deployment);
    const spy = jest.spyOn(Object.getPrototypeOf(deployment), 'toJson');
    try {
      // Testing.synth: one validation pass (the workload's check, shared with the report), then the output.
      const objects = Testing.synth(chart);
      expect(spy.mock.contexts.filter(c => c === deployment)).toHaveLength(2);
      expect(objects.find(o => o.kind === 'Deployment').spec.template.spec.containers[0].imagePullPolicy).toBe('Always');
      expect(Object.prototype.hasOwnProperty.call(deployment, 'toJson')).toBe(false);
      // app.synth with one chart: two passes (the app's, then the chart's), then the output.
      spy.mockClear();
      app.synth();
      expect(spy.mock.contexts.filter(c => c === deployment)).toHaveLength(3);
      expect(fs.existsSync(path.join(app.outdir, 'reports/web.json'))).toBe(true);
    } finally {
      spy.mockRestore();
      cleanUp();
    }
  });

  test('the report does not depend on the order of validation: a chart validated after the writer is reported in the same pass', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'order-'));
    try {
      const app = new App({ outdir });
      // The writer is created with the first chart's workload, so the second chart comes after it.
      workload(new Chart(app, 'first', { namespace: 'web' }), 'a');
      const second = new Chart(app, 'second', { namespace: 'web' });
      workload(second, 'b');
      expect(app.node.children.map(c => c.node.id)).toEqual(['first', 'cdk8s-scratch-nginx', 'second']);
      Testing.synth(second);
      expect(JSON.parse(fs.readFileSync(path.join(outdir, 'reports/second.json'), 'utf8')).workloads.map((x: any) => x.workload)).toEqual(['second/b']);
      expect(fs.existsSync(path.join(outdir, 'reports/first.json'))).toBe(true);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('validate, change, synth in one synchronous run: the change is checked and synthesised', () => {
    const { chart, w, cleanUp } = setUp();
    try {
      expect(w.node.validate()).toEqual([]);
      ApiObject.of(w.deployment).addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/imagePullPolicy', 'IfNotPresent'));
      expect(() => Testing.synth(chart)).toThrow(/policy control 'image-pull-policy'/);
    } finally {
      cleanUp();
    }
  });

  test('a change after a validation is rendered, in the same synchronous run and after it', async () => {
    const { w, cleanUp } = setUp();
    try {
      expect(w.node.validate()).toEqual([]);
      await Promise.resolve();
      const deployment = ApiObject.of(w.deployment);
      deployment.addJsonPatch(JsonPatch.replace('/spec/replicas', 5));
      expect(deployment.toJson().spec.replicas).toBe(5);
    } finally {
      cleanUp();
    }
  });
});
