import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { NginxImage } from '../../src/image/nginx-image';
import { NginxConfig } from '../../src/nginx/config';
import { CONTROLS } from '../../src/policy/controls';
import { ControlResult, ControlStatus, PolicyOptOut, evaluatePolicy } from '../../src/policy/engine';
import { renderPolicyReport } from '../../src/policy/report';
import { NginxWorkload } from '../../src/workload/nginx-workload';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

/** The library's own workload, synthesised: in namespace 'web' with a digest unless told otherwise. */
function synthWorkload(options: { namespace?: string; digest?: string } = { namespace: 'web', digest: DIGEST }): any[] {
  const chart = new Chart(Testing.app(), 'test', { namespace: options.namespace });
  new NginxWorkload(chart, 'web', { image: new NginxImage({ config: new NginxConfig(), digest: options.digest }) });
  return Testing.synth(chart);
}

function statusOf(results: ControlResult[], id: string): ControlResult {
  return results.find(x => x.control === id)!;
}

/** The workload with imagePullPolicy IfNotPresent (a node-local image), breaking only `image-pull-policy`. */
function withPullPolicyIfNotPresent(): any[] {
  const objects = synthWorkload();
  const deployment = objects.find(o => o.kind === 'Deployment');
  deployment.spec.template.spec.containers[0].imagePullPolicy = 'IfNotPresent';
  return objects;
}

describe('evaluatePolicy', () => {
  test('NginxWorkload in a namespaced chart with a digest passes every control', () => {
    const results = evaluatePolicy(synthWorkload());
    expect(results.filter(x => x.status !== ControlStatus.PASS).map(x => [x.control, x.violations])).toEqual([]);
    expect(results.map(x => x.control)).toEqual(CONTROLS.map(c => c.id));
  });

  test('without a namespace and a digest, nothing fails; image-digest and namespace-set warn', () => {
    const results = evaluatePolicy(synthWorkload({}));
    expect(results.filter(x => x.status === ControlStatus.FAIL).map(x => x.control)).toEqual([]);
    expect(results.filter(x => x.status === ControlStatus.WARN).map(x => x.control)).toEqual(['image-digest', 'namespace-set']);
  });

  test('results carry title and references of each control', () => {
    for (const [i, res] of evaluatePolicy(synthWorkload()).entries()) {
      expect(res.title).toBe(CONTROLS[i].title);
      expect(res.references).toEqual(CONTROLS[i].references);
      expect(res.reason).toBeUndefined();
    }
  });

  test('entries that are not objects are ignored', () => {
    const results = evaluatePolicy([...synthWorkload(), null, 'text', 3, [1]]);
    expect(results.every(x => x.status === ControlStatus.PASS)).toBe(true);
  });

  test('the same objects give the same results, whatever their order', () => {
    const objects = withPullPolicyIfNotPresent();
    expect(evaluatePolicy([...objects].reverse())).toEqual(evaluatePolicy(objects));
  });
});

describe('opt-outs', () => {
  test('an opted-out control records the reason and still lists its violations', () => {
    const results = evaluatePolicy(withPullPolicyIfNotPresent(), [{ control: 'image-pull-policy', reason: '  node-local image, no registry  ' }]);
    const res = statusOf(results, 'image-pull-policy');
    expect(res.status).toBe(ControlStatus.OPTED_OUT);
    expect(res.reason).toBe('node-local image, no registry');
    expect(res.violations).toEqual([expect.objectContaining({
      control: 'image-pull-policy',
      path: '/spec/template/spec/containers/0/imagePullPolicy',
    })]);
    expect(results.filter(x => x.status === ControlStatus.FAIL)).toEqual([]);
  });

  test('without the opt-out the same control fails', () => {
    expect(statusOf(evaluatePolicy(withPullPolicyIfNotPresent()), 'image-pull-policy').status).toBe(ControlStatus.FAIL);
  });

  test('an opt-out of a passing control is recorded as OPTED_OUT with no violations', () => {
    const res = statusOf(evaluatePolicy(synthWorkload(), [{ control: 'service-type', reason: 'exposed by a LoadBalancer elsewhere' }]), 'service-type');
    expect(res).toMatchObject({ status: ControlStatus.OPTED_OUT, reason: 'exposed by a LoadBalancer elsewhere', violations: [] });
  });

  test.each(CONTROLS.filter(c => c.pss).map(c => [c.id]))('opting out of %s is refused', id => {
    expect(() => evaluatePolicy(synthWorkload(), [{ control: id, reason: 'we need it' }]))
      .toThrow(new RegExp(`'${id}' is not allowed: it is a Pod Security Standards "restricted" control.*Fix the manifest instead`));
  });

  test.each(CONTROLS.filter(c => !c.pss).map(c => [c.id]))('opting out of %s is allowed', id => {
    expect(statusOf(evaluatePolicy([], [{ control: id, reason: 'test' }]), id).status).toBe(ControlStatus.OPTED_OUT);
  });

  test('an unknown control is refused with the list of valid ones', () => {
    expect(() => evaluatePolicy([], [{ control: 'image-pull', reason: 'typo' }]))
      .toThrow(/unknown control 'image-pull'; use one of: .*image-pull-policy/);
  });

  test.each([[''], ['   '], [undefined as unknown as string]])('an empty reason (%p) is refused', reason => {
    expect(() => evaluatePolicy([], [{ control: 'image-digest', reason }])).toThrow(/'image-digest' has an empty reason; say why/);
  });

  test('the same control twice is refused', () => {
    const twice: PolicyOptOut[] = [{ control: 'replicas', reason: 'a' }, { control: 'replicas', reason: 'b' }];
    expect(() => evaluatePolicy([], twice)).toThrow(/'replicas' is listed twice/);
  });
});

describe('renderPolicyReport', () => {
  const FACTS = { 'uid': '65532', 'image': `registry.example.com/nginx@${DIGEST}`, 'file count': '27' };

  function report() {
    const results = evaluatePolicy(withPullPolicyIfNotPresent(), [{ control: 'service-type', reason: 'ClusterIP only | no change' }]);
    const passing = evaluatePolicy(synthWorkload());
    return {
      results,
      passing,
      rendered: renderPolicyReport('chart', [{ workload: 'chart/web', results, facts: FACTS }, { workload: 'chart/api', results: passing }]),
    };
  }

  test('is deterministic: same bytes for the same input in any order', () => {
    const { results, passing, rendered } = report();
    const reordered = renderPolicyReport('chart', [
      { workload: 'chart/api', results: [...passing].reverse() },
      { workload: 'chart/web', results: [...results].reverse(), facts: { 'file count': '27', 'image': FACTS.image, 'uid': '65532' } },
    ]);
    expect(reordered).toEqual(rendered);
    expect(report().rendered).toEqual(rendered);
  });

  test('has no timestamps', () => {
    const { rendered } = report();
    for (const text of [rendered.markdown, rendered.json]) expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}|\d{2}:\d{2}:\d{2}/);
  });

  test('markdown lists every control once with its sources, then per workload its facts and every status', () => {
    const { rendered } = report();
    const md = rendered.markdown;
    expect(md).toMatch(/^# Policy report: chart\n/);
    const n = CONTROLS.length;
    expect(md).toContain(`2 workload(s), ${2 * n} control results: ${2 * n - 2} passed, 1 failed, 0 warned, 1 opted out.`);
    const [, controls, api, web] = md.split(/\n## /);
    expect(api).toMatch(/^Workload: chart\/api\n/);
    expect(web).toMatch(/^Workload: chart\/web\n/);
    expect(web).toContain(`${n} controls: ${n - 2} passed, 1 failed, 0 warned, 1 opted out.`);
    expect(api).toContain(`${n} controls: ${n} passed, 0 failed, 0 warned, 0 opted out.`);
    const row = (text: string, id: string) => text.split('\n').find(l => l.startsWith(`| \`${id}\``))!;
    for (const c of CONTROLS) {
      expect(row(controls, c.id)).toBeDefined();
      expect(row(web, c.id)).toBeDefined();
      expect(row(api, c.id)).toBe(`| \`${c.id}\` | PASS |  |`);
    }
    expect(row(controls, 'image-pull-policy')).toContain('kube-score: `container-image-pull-policy`<br>Polaris: `pullPolicyNotAlways`');
    expect(row(controls, 'pss-seccomp')).toContain('PSS: `Seccomp`');
    expect(row(controls, 'startup-probe')).toContain('| this library |');
    expect(row(web, 'image-pull-policy')).toContain('| FAIL |');
    expect(row(web, 'image-pull-policy')).toContain('`/spec/template/spec/containers/0/imagePullPolicy`');
    expect(row(web, 'service-type')).toBe('| `service-type` | OPTED_OUT | Opted out: ClusterIP only \\| no change |');
    expect(web).toContain('| file count | 27 |');
    expect(web).toContain('| uid | 65532 |');
    expect(web).toContain(`| image | registry.example.com/nginx@${DIGEST} |`);
    expect(api).toContain('### Facts\n\n(none)\n');
    // Controls sorted by ID, facts by key.
    const ids = (text: string) => text.split('\n').filter(l => l.startsWith('| `')).map(l => l.slice(3, l.indexOf('`', 3)));
    expect(ids(controls)).toEqual([...ids(controls)].sort());
    expect(ids(web)).toEqual(ids(controls));
    expect(web.indexOf('| file count |')).toBeLessThan(web.indexOf('| image |'));
    expect(web.indexOf('| image |')).toBeLessThan(web.indexOf('| uid |'));
  });

  test('json has the same content, pretty-printed', () => {
    const { rendered } = report();
    expect(rendered.json).toMatch(/^\{\n {2}"title": "chart",\n/);
    expect(rendered.json.endsWith('}\n')).toBe(true);
    const doc = JSON.parse(rendered.json);
    const n = CONTROLS.length;
    expect(doc.summary).toEqual({ workloads: 2, controls: 2 * n, passed: 2 * n - 2, failed: 1, warned: 0, optedOut: 1 });
    expect(doc.controls.map((c: any) => c.control)).toEqual(CONTROLS.map(c => c.id).sort());
    expect(doc.controls.find((c: any) => c.control === 'image-pull-policy')).toEqual({
      control: 'image-pull-policy',
      title: expect.any(String),
      references: [{ source: 'kube-score', check: 'container-image-pull-policy' }, { source: 'Polaris', check: 'pullPolicyNotAlways' }],
    });
    expect(doc.workloads.map((w: any) => w.workload)).toEqual(['chart/api', 'chart/web']);
    const web = doc.workloads[1];
    expect(web.summary).toEqual({ controls: n, passed: n - 2, failed: 1, warned: 0, optedOut: 1 });
    expect(web.facts).toEqual({ 'file count': '27', 'image': FACTS.image, 'uid': '65532' });
    expect(Object.keys(web.facts)).toEqual(['file count', 'image', 'uid']);
    const pull = web.results.find((c: any) => c.control === 'image-pull-policy');
    expect(pull.status).toBe('FAIL');
    expect(pull.violations).toEqual([expect.objectContaining({ object: expect.stringMatching(/^Deployment\//), path: '/spec/template/spec/containers/0/imagePullPolicy' })]);
    expect(web.results.find((c: any) => c.control === 'service-type')).toMatchObject({ status: 'OPTED_OUT', reason: 'ClusterIP only | no change' });
    expect('reason' in web.results.find((c: any) => c.control === 'replicas')).toBe(false);
    expect(doc.workloads[0].facts).toEqual({});
  });

  test('of no workload says so', () => {
    const { markdown, json } = renderPolicyReport('empty', []);
    expect(markdown).toContain('0 workload(s), 0 control results: 0 passed, 0 failed, 0 warned, 0 opted out.');
    expect(JSON.parse(json).workloads).toEqual([]);
  });
});

test('the README lists every control', () => {
  const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
  for (const c of CONTROLS) expect(readme).toContain(`| \`${c.id}\` |`);
});

describe('evaluatePolicy on what a plugin meets: entries that are not objects, and order', () => {
  const service = (name: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'web' }, spec: { type: 'NodePort', ports: [{ port: 80 }] } });

  test('entries that are not objects are ignored, and a missing list is an empty one', () => {
    const only = evaluatePolicy([service('a')]);
    expect(evaluatePolicy([null, 5, 'Service', ['Service'], service('a'), undefined])).toEqual(only);
    expect(evaluatePolicy(undefined as any)).toEqual(evaluatePolicy([]));
    expect(statusOf(evaluatePolicy([]), 'service-type').status).toBe(ControlStatus.PASS);
  });

  test('violations come sorted by object whatever the input order', () => {
    const names = ['e', 'd', 'c', 'b', 'a'];
    const found = statusOf(evaluatePolicy(names.map(service)), 'service-type').violations.map(v => v.object);
    expect(found).toEqual(['Service/a', 'Service/b', 'Service/c', 'Service/d', 'Service/e']);
  });

  test('an opt-out that is not an object names no control, and the message lists every control that can be opted out of', () => {
    const allowed = CONTROLS.filter(c => !c.pss).map(c => c.id).join(', ');
    expect(allowed.length).toBeGreaterThan(0);
    expect(() => evaluatePolicy([], [null as any])).toThrow(`Policy opt-out names unknown control 'undefined'; use one of: ${allowed}.`);
    expect(() => evaluatePolicy([], [{ control: 'nope', reason: 'x' }])).toThrow(`Policy opt-out names unknown control 'nope'; use one of: ${allowed}.`);
  });
});
