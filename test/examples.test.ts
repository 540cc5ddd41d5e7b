import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { validate } from 'dockerfile-utils';
import { selfSignedCertificate } from './helpers/live-nginx';
import { nginxTest } from './helpers/nginx-t';
import { EXAMPLES, loadExample, manifests, readTree, synthExample } from './helpers/synth';
import { ScratchNginx } from '../src/composition/scratch-nginx';
import { PodSecurityChecker } from '../src/policy/pss';

test('there are examples: the seed and a static site at least', () => {
  expect(EXAMPLES).toEqual(expect.arrayContaining(['seed', 'static-site']));
});

describe.each(EXAMPLES)('example %s', (name) => {
  let outdir: string;
  let tree: Record<string, string>;
  beforeAll(() => {
    outdir = synthExample(name);
    tree = readTree(outdir);
  });
  // Only when beforeAll got that far: a synth that throws must show its own error, not an rmSync(undefined).
  afterAll(() => {
    if (outdir !== undefined) fs.rmSync(outdir, { recursive: true, force: true });
  });

  test('one app.synth() writes the manifests and the image build context', () => {
    const files = Object.keys(tree);
    expect(files.filter(f => f.endsWith('.k8s.yaml')).length).toBeGreaterThan(0);
    expect(files.filter(f => f.endsWith('/Dockerfile')).length).toBe(1);
    expect(files.filter(f => /\/nginx\.conf$/.test(f)).length).toBe(1);
    expect(files.filter(f => /\/conf\.d\/[^/]+\.conf$/.test(f)).length).toBeGreaterThan(0);
    expect(files.filter(f => f.endsWith('/html/index.html')).length).toBe(1);
  });

  // Golden files: a change to any output must be looked at and accepted with `npx projen test:update`.
  test('golden: manifests', () => {
    for (const f of Object.keys(tree).filter(x => x.endsWith('.k8s.yaml'))) {
      expect(tree[f]).toMatchSnapshot(f);
    }
  });
  test('golden: Dockerfile and build context', () => {
    for (const f of Object.keys(tree).filter(x => x.startsWith('images/') && !/\/(nginx\.conf|conf\.d\/.*)$/.test(x))) {
      expect(tree[f]).toMatchSnapshot(f);
    }
  });
  test('golden: hardening report', () => {
    for (const f of Object.keys(tree).filter(x => x.startsWith('reports/'))) {
      expect(tree[f]).toMatchSnapshot(f);
    }
  });
  test('golden: nginx.conf and conf.d', () => {
    for (const f of Object.keys(tree).filter(x => /\/(nginx\.conf|conf\.d\/.*)$/.test(x))) {
      expect(tree[f]).toMatchSnapshot(f);
    }
  });

  test('the nginx config has no finding at all: no error, no warning', () => {
    const example = loadExample(name).build(new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'findings-')) })) as ScratchNginx;
    expect(example.model.config.findings()).toEqual([]);
  });

  test('the hardening report: every control passes or is opted out with a reason; only the digest warns', () => {
    const reports = Object.keys(tree).filter(f => f.startsWith('reports/') && f.endsWith('.json') && !f.endsWith('.sbom.cdx.json'));
    expect(reports).toHaveLength(1);
    // Beside it, the declared SBOM of the workload's image.
    expect(Object.keys(tree).filter(f => f.startsWith('reports/') && f.endsWith('.sbom.cdx.json'))).toHaveLength(1);
    expect(Object.keys(tree)).toContain(reports[0].replace(/\.json$/, '.md'));
    const report = JSON.parse(tree[reports[0]]);
    expect(report.workloads).toHaveLength(1);
    const controls: any[] = report.workloads[0].results;
    expect(controls.length).toBeGreaterThan(30);
    expect(controls.filter(c => c.status === 'FAIL')).toEqual([]);
    expect(controls.filter(c => c.status === 'WARN').map(c => c.control)).toEqual(['image-digest']);
    for (const c of controls.filter(x => x.status === 'OPTED_OUT')) expect(c.reason.length).toBeGreaterThan(20);
  });

  test('the Dockerfile has no problem for dockerfile-utils', () => {
    const dockerfile = Object.keys(tree).find(f => f.endsWith('/Dockerfile'))!;
    expect(validate(tree[dockerfile])).toEqual([]);
  });

  test('every object passes Pod Security Standards "restricted"', () => {
    const objects = manifests(outdir);
    expect(objects.some(o => o.kind === 'Deployment')).toBe(true);
    for (const o of objects) expect(PodSecurityChecker.restricted(o)).toEqual([]);
  });

  test('nginx -t accepts the generated config as the runtime uid', () => {
    const context = path.dirname(Object.keys(tree).find(f => f.endsWith('/Dockerfile'))!);
    const files = Object.keys(tree)
      .filter(f => f.startsWith(`${context}/`) && /^(nginx\.conf|conf\.d\/.+)$/.test(f.slice(context.length + 1)))
      .map(f => ({ path: f.slice(context.length + 1), content: tree[f] }));
    const deployment = manifests(outdir).find(o => o.kind === 'Deployment');
    const uid = deployment.spec.template.spec.securityContext.runAsUser;
    const gid = deployment.spec.template.spec.securityContext.runAsGroup;
    // What the cluster provides: TLS Secrets at their mounts, Service names in DNS.
    const model = (loadExample(name).build(new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'model-')) })) as ScratchNginx).model.config;
    for (const s of model.servers.filter(x => x.certificateDir)) {
      const cert = selfSignedCertificate(s.serverNames[0]);
      const dir = s.certificateDir!.replace(/^\/etc\/nginx\//, '');
      files.push({ path: `${dir}/tls.crt`, content: cert.crt }, { path: `${dir}/tls.key`, content: cert.key });
    }
    const hosts = model.upstreams.flatMap(u => u.servers.map(x => x.replace(/:[0-9]+$/, '')));
    const r = nginxTest(files, uid, gid, { hosts });
    expect(r.output).toBe('');
    expect(r.ok).toBe(true);
  });

  test('two synths are byte-identical', () => {
    const again = synthExample(name);
    try {
      expect(readTree(again)).toEqual(tree);
    } finally {
      fs.rmSync(again, { recursive: true, force: true });
    }
  });
});
