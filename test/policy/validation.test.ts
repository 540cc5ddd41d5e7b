import { CONTROLS, findControl } from '../../src/policy/controls';
import { ScratchNginxValidation } from '../../src/policy/plugin';

/**
 * ScratchNginxValidation against a recording stand-in for the cdk8s CLI's ValidationContext (manifests,
 * parseManifest, report.addViolation, report.submit); plugin.test.ts runs it under the real `cdk8s synth`.
 */

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const LABELS = { app: 'web' };

/** Objects that pass every control (the workload in one manifest, the rest in another). */
function workloadObjects(): any[] {
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web', namespace: 'web' }, automountServiceAccountToken: false },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'web' },
      spec: {
        replicas: 2,
        template: {
          metadata: { labels: LABELS },
          spec: {
            serviceAccountName: 'web',
            automountServiceAccountToken: false,
            terminationGracePeriodSeconds: 15,
            securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
            topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: LABELS } }],
            containers: [{
              name: 'nginx',
              image: `registry.example.com/nginx:1.27@${DIGEST}`,
              imagePullPolicy: 'Always',
              securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
              resources: {
                requests: { 'cpu': '10m', 'memory': '16Mi', 'ephemeral-storage': '1Mi' },
                limits: { 'cpu': '100m', 'memory': '64Mi', 'ephemeral-storage': '10Mi' },
              },
              startupProbe: { tcpSocket: { port: 8080 } },
              readinessProbe: { httpGet: { port: 8080, path: '/' } },
              livenessProbe: { tcpSocket: { port: 8080 } },
            }],
          },
        },
      },
    },
  ];
}

function supportObjects(): any[] {
  return [
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'web' }, spec: { maxUnavailable: 1, selector: { matchLabels: LABELS } } },
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'web', namespace: 'web' }, spec: { podSelector: { matchLabels: LABELS }, policyTypes: ['Ingress', 'Egress'] } },
  ];
}

interface Recorded {
  readonly violations: any[];
  readonly submits: any[][];
}

/** Runs the plugin over manifests (path to objects) and records what it reports. */
async function validate(manifests: { [path: string]: any[] }, props?: any): Promise<Recorded> {
  const violations: any[] = [];
  const submits: any[][] = [];
  const context = {
    manifests: Object.keys(manifests),
    parseManifest: (path: string) => manifests[path],
    report: {
      addViolation: (v: any) => violations.push(v),
      submit: (...args: any[]) => submits.push(args),
    },
  };
  await new ScratchNginxValidation(props).validate(context);
  return { violations, submits };
}

const summary = (passed: number, failed: number, warned: number, optedOut: number, warnings?: string) => ({
  controls: String(CONTROLS.length),
  passed: String(passed),
  failed: String(failed),
  warned: String(warned),
  ...(warnings === undefined ? {} : { warnings }),
  optedOut: String(optedOut),
});

describe('ScratchNginxValidation', () => {
  test('compliant objects: success with the counts, no violations', async () => {
    const r = await validate({ 'dist/a.k8s.yaml': workloadObjects(), 'dist/b.k8s.yaml': supportObjects() });
    expect(r.violations).toEqual([]);
    expect(r.submits).toEqual([['success', summary(CONTROLS.length, 0, 0, 0)]]);
  });

  test('without props, and with empty documents in a manifest', async () => {
    const r = await validate({ 'a.yaml': [null, ...workloadObjects(), undefined, ...supportObjects()] }, undefined);
    expect(r.submits).toEqual([['success', summary(CONTROLS.length, 0, 0, 0)]]);
  });

  test('a warning (advisory control) does not fail the synth and is not a violation; the summary names it and its objects', async () => {
    const objects = workloadObjects();
    objects[1].spec.template.spec.containers[0].image = 'registry.example.com/nginx:1.27';
    const r = await validate({ 'a.yaml': objects, 'b.yaml': supportObjects() });
    expect(r.violations).toEqual([]);
    expect(r.submits).toEqual([['success', summary(CONTROLS.length - 1, 0, 1, 0, 'image-digest (Deployment/web)')]]);
  });

  test('a failing control becomes one violation naming the objects, paths and manifests', async () => {
    const objects = workloadObjects();
    objects[1].spec.template.spec.containers[0].imagePullPolicy = 'IfNotPresent';
    const r = await validate({ 'dist/app.k8s.yaml': objects, 'dist/net.k8s.yaml': supportObjects() });
    const control = findControl('image-pull-policy')!;
    const [violation] = control.check([...objects, ...supportObjects()]);
    expect(r.violations).toEqual([{
      ruleName: 'image-pull-policy',
      recommendation: `${control.title} (kube-score: container-image-pull-policy, Polaris: pullPolicyNotAlways)`,
      fix: `${violation.message} Or opt out: add { control: image-pull-policy, reason: ... } to optOuts.`,
      // The CLI finds the construct path by the object's name; the kind goes with the field.
      violatingResources: [{ resourceName: 'web', locations: ['Deployment /spec/template/spec/containers/0/imagePullPolicy'], manifestPath: 'dist/app.k8s.yaml' }],
    }]);
    expect(r.submits).toEqual([['failure', summary(CONTROLS.length - 1, 1, 0, 0)]]);
  });

  test('violations in several manifests point at each manifest; a control without references says so', async () => {
    const objects = workloadObjects();
    delete objects[1].spec.template.spec.terminationGracePeriodSeconds;
    const support = supportObjects();
    support[1].spec.policyTypes = ['Ingress'];
    const r = await validate({ 'dist/app.k8s.yaml': objects, 'dist/net.k8s.yaml': support });
    expect(r.violations.map(v => v.ruleName)).toEqual(['network-policy', 'termination-grace-period']);
    expect(r.violations[0].violatingResources).toEqual([
      { resourceName: 'web', locations: ['NetworkPolicy /spec/policyTypes'], manifestPath: 'dist/net.k8s.yaml' },
    ]);
    expect(r.violations[1].recommendation).toBe(`${findControl('termination-grace-period')!.title} (cdk8s-scratch-nginx)`);
    expect(r.violations[1].violatingResources).toEqual([
      { resourceName: 'web', locations: ['Deployment /spec/template/spec/terminationGracePeriodSeconds'], manifestPath: 'dist/app.k8s.yaml' },
    ]);
    expect(r.submits).toEqual([['failure', summary(CONTROLS.length - 2, 2, 0, 0)]]);
  });

  test('a Pod Security Standards control offers no opt-out in its fix (one would be refused)', async () => {
    const objects = workloadObjects();
    delete objects[1].spec.template.spec.securityContext.seccompProfile;
    for (const c of objects[1].spec.template.spec.containers) delete c.securityContext?.seccompProfile;
    const r = await validate({ 'a.yaml': objects, 'b.yaml': supportObjects() });
    const pss = r.violations.find(v => v.ruleName === 'pss-seccomp');
    expect(pss?.fix).toBeDefined();
    expect(pss.fix).not.toMatch(/opt out/i);
  });

  test('every violating object of a control is listed', async () => {
    const objects = workloadObjects();
    const second = structuredClone(objects[1]);
    second.metadata.name = 'api';
    objects[1].spec.template.spec.containers[0].imagePullPolicy = 'Never';
    second.spec.template.spec.containers[0].imagePullPolicy = 'Never';
    const r = await validate({ 'one.yaml': objects, 'two.yaml': [second], 'three.yaml': supportObjects() });
    expect(r.violations).toHaveLength(1);
    expect(r.violations[0].violatingResources.map((x: any) => [x.resourceName, x.manifestPath])).toEqual([
      ['api', 'two.yaml'],
      ['web', 'one.yaml'],
    ]);
  });

  test('an object without a name is located in its manifest too', async () => {
    const objects = workloadObjects();
    delete objects[1].metadata.name;
    objects[1].spec.template.spec.containers[0].imagePullPolicy = 'Never';
    const r = await validate({ 'one.yaml': objects, 'two.yaml': supportObjects() });
    expect(r.violations.map(v => v.violatingResources)).toEqual([
      [{ resourceName: '(unnamed)', locations: ['Deployment /spec/template/spec/containers/0/imagePullPolicy'], manifestPath: 'one.yaml' }],
    ]);
  });

  test('opt-outs from the properties are honoured and counted', async () => {
    const objects = workloadObjects();
    objects[1].spec.template.spec.containers[0].imagePullPolicy = 'IfNotPresent';
    const optOuts = [{ control: 'image-pull-policy', reason: 'node-local image' }];
    const plugin = new ScratchNginxValidation({ optOuts });
    // The plugin keeps its own copy.
    optOuts.push({ control: 'image-pull-policy', reason: 'twice' });
    const violations: any[] = [];
    const submits: any[][] = [];
    await plugin.validate({
      manifests: ['a.yaml'],
      parseManifest: () => [...objects, ...supportObjects()],
      report: { addViolation: (v: any) => violations.push(v), submit: (...a: any[]) => submits.push(a) },
    });
    expect(violations).toEqual([]);
    expect(submits).toEqual([['success', summary(CONTROLS.length - 1, 0, 0, 1)]]);
  });

  test('a bad opt-out is reported as the failing rule opt-outs, with the fix', async () => {
    const r = await validate({ 'a.yaml': workloadObjects() }, { optOuts: [{ control: 'pss-seccomp', reason: 'please' }] });
    expect(r.violations).toEqual([{
      ruleName: 'opt-outs',
      recommendation: expect.stringMatching(/^Policy opt-out of 'pss-seccomp' is not allowed: it is a Pod Security Standards "restricted" control/),
      fix: 'Correct the optOuts in the properties of this validation in cdk8s.yaml.',
      violatingResources: [],
    }]);
    expect(r.submits).toEqual([['failure']]);
  });
});
