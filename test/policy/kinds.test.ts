import { CONTROLS, findControl } from '../../src/policy/controls';
import { ControlStatus, evaluatePolicy } from '../../src/policy/engine';

/**
 * Every control, on every workload kind the plugin meets on users' charts. The pod template lives at
 * spec.template (Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job), at
 * spec.jobTemplate.spec.template (CronJob) or is the object itself (Pod); violations must point there.
 */

const DIGEST = `sha256:${'fedcba9876543210'.repeat(4)}`;
const IMAGE = `registry.example.com/app/server:2.4.1@${DIGEST}`;
const LABELS = { 'app.kubernetes.io/name': 'app' };
const NS = 'shop';
const APPARMOR_KEY = 'container.apparmor.security.beta.kubernetes.io/app';

/** A kind and where its pod template is. */
interface Kind {
  readonly kind: string;
  /** JSON pointer of the pod spec. */
  readonly base: string;
  /** JSON pointer of the pod metadata. */
  readonly metaBase: string;
  /** Deployment and StatefulSet: replicas, disruption budget and spread apply. */
  readonly replicated: boolean;
  /** Job and CronJob: run to completion, no probes. */
  readonly batch: boolean;
}

const KINDS: Kind[] = [
  { kind: 'Deployment', base: '/spec/template/spec', metaBase: '/spec/template/metadata', replicated: true, batch: false },
  { kind: 'StatefulSet', base: '/spec/template/spec', metaBase: '/spec/template/metadata', replicated: true, batch: false },
  { kind: 'DaemonSet', base: '/spec/template/spec', metaBase: '/spec/template/metadata', replicated: false, batch: false },
  { kind: 'ReplicaSet', base: '/spec/template/spec', metaBase: '/spec/template/metadata', replicated: false, batch: false },
  { kind: 'ReplicationController', base: '/spec/template/spec', metaBase: '/spec/template/metadata', replicated: false, batch: false },
  { kind: 'Job', base: '/spec/template/spec', metaBase: '/spec/template/metadata', replicated: false, batch: true },
  { kind: 'CronJob', base: '/spec/jobTemplate/spec/template/spec', metaBase: '/spec/jobTemplate/spec/template/metadata', replicated: false, batch: true },
  { kind: 'Pod', base: '/spec', metaBase: '/metadata', replicated: false, batch: false },
];

/** A pod spec that meets every control. */
function podSpec(batch: boolean): any {
  return {
    serviceAccountName: 'app',
    automountServiceAccountToken: false,
    terminationGracePeriodSeconds: 30,
    ...(batch ? { restartPolicy: 'Never' } : {}),
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    topologySpreadConstraints: [
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: LABELS } },
    ],
    containers: [{
      name: 'app',
      image: IMAGE,
      imagePullPolicy: 'Always',
      ports: [{ containerPort: 8080, name: 'http' }],
      securityContext: {
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      },
      resources: {
        requests: { 'cpu': '50m', 'memory': '32Mi', 'ephemeral-storage': '8Mi' },
        limits: { 'cpu': '1', 'memory': '256Mi', 'ephemeral-storage': '64Mi' },
      },
      ...(batch ? {} : {
        startupProbe: { tcpSocket: { port: 8080 }, failureThreshold: 30 },
        readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
        livenessProbe: { httpGet: { path: '/alive', port: 'http' } },
      }),
      volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
    }],
    volumes: [{ name: 'tmp', emptyDir: {} }],
  };
}

/** The workload of a kind with the compliant pod template. */
function workload(k: Kind): any {
  const template = { metadata: { labels: { ...LABELS } }, spec: podSpec(k.batch) };
  const metadata = { name: 'app', namespace: NS, labels: { ...LABELS } };
  switch (k.kind) {
    case 'Pod':
      return { apiVersion: 'v1', kind: 'Pod', metadata: { ...metadata, labels: template.metadata.labels }, spec: template.spec };
    case 'CronJob':
      return { apiVersion: 'batch/v1', kind: 'CronJob', metadata, spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template } } } };
    case 'Job':
      return { apiVersion: 'batch/v1', kind: 'Job', metadata, spec: { template } };
    case 'ReplicationController':
      return { apiVersion: 'v1', kind: k.kind, metadata, spec: { replicas: 2, selector: LABELS, template } };
    case 'DaemonSet':
      return { apiVersion: 'apps/v1', kind: k.kind, metadata, spec: { selector: { matchLabels: LABELS }, template } };
    case 'StatefulSet':
      return { apiVersion: 'apps/v1', kind: k.kind, metadata, spec: { replicas: 3, serviceName: 'app', selector: { matchLabels: LABELS }, template } };
    default:
      return { apiVersion: 'apps/v1', kind: k.kind, metadata, spec: { replicas: 2, selector: { matchLabels: LABELS }, template } };
  }
}

/** The workload and what it needs to pass every control: ServiceAccount, Service, PDB and NetworkPolicy. */
interface Setup {
  readonly objects: any[];
  readonly workload: any;
  /** The pod spec, wherever it is in the workload. */
  readonly spec: any;
  /** The pod metadata, wherever it is in the workload. */
  readonly meta: any;
  readonly container: any;
  readonly sa: any;
  readonly service: any;
  readonly pdb: any;
  readonly np: any;
}

function setup(k: Kind): Setup {
  const w = workload(k);
  const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'app', namespace: NS }, automountServiceAccountToken: false };
  const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'app', namespace: NS }, spec: { selector: LABELS, ports: [{ port: 80, targetPort: 'http' }] } };
  const pdb = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'app', namespace: NS }, spec: { minAvailable: '50%', selector: { matchLabels: LABELS } } };
  const np = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'app', namespace: NS },
    spec: { podSelector: { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['app'] }] }, policyTypes: ['Ingress', 'Egress'] },
  };
  const template = k.kind === 'Pod' ? w : k.kind === 'CronJob' ? w.spec.jobTemplate.spec.template : w.spec.template;
  const spec = template.spec;
  return { objects: [sa, w, service, pdb, np], workload: w, spec, meta: template.metadata, container: spec.containers[0], sa, service, pdb, np };
}

/** What a break is expected to report: [object, path] pairs, given the kind. */
type Expect = (k: Kind, s: Setup) => Array<[string, string]>;

/** [control, what is broken, the break, the violations, other controls that fail too]. */
type Break = [string, string, (s: Setup) => void, Expect, string[]?];

const W = (k: Kind) => `${k.kind}/app`;
const C = (k: Kind) => `${k.base}/containers/0`;

const BREAKS: Break[] = [
  ['pss-host-process', 'a hostProcess container', s => { s.container.securityContext.windowsOptions = { hostProcess: true }; },
    k => [[W(k), `${C(k)}/securityContext/windowsOptions/hostProcess`]]],
  ['pss-host-namespaces', 'hostPID', s => { s.spec.hostPID = true; }, k => [[W(k), `${k.base}/hostPID`]]],
  ['pss-privileged', 'a privileged container', s => { s.container.securityContext.privileged = true; },
    k => [[W(k), `${C(k)}/securityContext/privileged`]]],
  ['pss-capabilities', 'an added SYS_ADMIN', s => { s.container.securityContext.capabilities.add = ['SYS_ADMIN']; },
    k => [[W(k), `${C(k)}/securityContext/capabilities/add`]]],
  ['pss-host-path-volumes', 'a hostPath volume', s => { s.spec.volumes.push({ name: 'h', hostPath: { path: '/' } }); },
    k => [[W(k), `${k.base}/volumes/1/hostPath`]]],
  ['pss-host-ports', 'a hostPort', s => { s.container.ports[0].hostPort = 80; }, k => [[W(k), `${C(k)}/ports/0/hostPort`]]],
  ['pss-apparmor', 'an unconfined AppArmor profile', s => { s.meta.annotations = { [APPARMOR_KEY]: 'unconfined' }; },
    k => [[W(k), `${k.metaBase}/annotations/${APPARMOR_KEY}`]]],
  ['pss-selinux', 'an SELinux role', s => { s.spec.securityContext.seLinuxOptions = { role: 'sysadm_r' }; },
    k => [[W(k), `${k.base}/securityContext/seLinuxOptions/role`]]],
  ['pss-proc-mount', 'procMount Unmasked', s => { s.container.securityContext.procMount = 'Unmasked'; },
    k => [[W(k), `${C(k)}/securityContext/procMount`]]],
  ['pss-seccomp', 'no seccomp profile', s => { delete s.spec.securityContext.seccompProfile; },
    k => [[W(k), `${C(k)}/securityContext/seccompProfile`]]],
  ['pss-sysctls', 'an unsafe sysctl', s => { s.spec.securityContext.sysctls = [{ name: 'vm.swappiness', value: '0' }]; },
    k => [[W(k), `${k.base}/securityContext/sysctls/0`]]],
  ['pss-volume-types', 'an nfs volume', s => { s.spec.volumes.push({ name: 'n', nfs: { server: 'nfs', path: '/' } }); },
    k => [[W(k), `${k.base}/volumes/1/nfs`]]],
  ['pss-privilege-escalation', 'allowPrivilegeEscalation unset', s => { delete s.container.securityContext.allowPrivilegeEscalation; },
    k => [[W(k), `${C(k)}/securityContext/allowPrivilegeEscalation`]]],
  ['pss-run-as-non-root', 'runAsNonRoot false on the container', s => { s.container.securityContext.runAsNonRoot = false; },
    k => [[W(k), `${C(k)}/securityContext/runAsNonRoot`]]],
  ['pss-run-as-user', 'uid 0 on the container', s => { s.container.securityContext.runAsUser = 0; },
    k => [[W(k), `${C(k)}/securityContext/runAsUser`]], ['high-uid-gid']],
  ['read-only-root-filesystem', 'a writable root filesystem', s => { s.container.securityContext.readOnlyRootFilesystem = false; },
    k => [[W(k), `${C(k)}/securityContext/readOnlyRootFilesystem`]]],
  ['high-uid-gid', 'gid 1000 on the pod', s => { s.spec.securityContext.runAsGroup = 1000; },
    k => [[W(k), `${k.base}/securityContext/runAsGroup`]]],
  ['resources', 'no memory limit', s => { delete s.container.resources.limits.memory; },
    k => [[W(k), `${C(k)}/resources/limits/memory`]]],
  ['ephemeral-storage', 'no ephemeral-storage limit', s => { delete s.container.resources.limits['ephemeral-storage']; },
    k => [[W(k), `${C(k)}/resources/limits/ephemeral-storage`]]],
  ['readiness-probe', 'no readiness probe', s => { delete s.container.readinessProbe; }, k => [[W(k), `${C(k)}/readinessProbe`]]],
  ['liveness-probe', 'no liveness probe', s => { delete s.container.livenessProbe; }, k => [[W(k), `${C(k)}/livenessProbe`]]],
  ['startup-probe', 'no startup probe', s => { delete s.container.startupProbe; }, k => [[W(k), `${C(k)}/startupProbe`]]],
  ['probes-differ', 'liveness asks what readiness asks', s => { s.container.livenessProbe = { httpGet: { path: '/ready', port: 8080 } }; },
    k => [[W(k), `${C(k)}/livenessProbe`]]],
  // With one replica, minAvailable 50% rounds up to 1: the budget then blocks every eviction too.
  ['replicas', 'one replica', s => { s.workload.spec.replicas = 1; }, k => [[W(k), '/spec/replicas']], ['pod-disruption-budget']],
  ['pod-disruption-budget', 'no PodDisruptionBudget', s => { s.objects.splice(s.objects.indexOf(s.pdb), 1); },
    k => [[W(k), `${k.metaBase}/labels`]]],
  ['spread', 'no topology spread', s => { delete s.spec.topologySpreadConstraints; }, k => [[W(k), `${k.base}/topologySpreadConstraints`]]],
  ['network-policy', 'no NetworkPolicy', s => { s.objects.splice(s.objects.indexOf(s.np), 1); }, k => [[W(k), `${k.metaBase}/labels`]]],
  ['service-type', 'a LoadBalancer Service', s => { s.service.spec.type = 'LoadBalancer'; }, () => [['Service/app', '/spec/type']]],
  ['image-tag', 'no tag and no digest', s => { s.container.image = 'registry.example.com/app/server'; }, k => [[W(k), `${C(k)}/image`]], ['image-digest']],
  ['image-digest', 'a tag without digest', s => { s.container.image = 'registry.example.com/app/server:2.4.1'; }, k => [[W(k), `${C(k)}/image`]]],
  ['image-pull-policy', 'imagePullPolicy Never', s => { s.container.imagePullPolicy = 'Never'; }, k => [[W(k), `${C(k)}/imagePullPolicy`]]],
  ['automount-token', 'the token mounted', s => { s.spec.automountServiceAccountToken = true; }, k => [[W(k), `${k.base}/automountServiceAccountToken`]]],
  ['service-account', 'the default ServiceAccount', s => { s.spec.serviceAccountName = 'default'; }, k => [[W(k), `${k.base}/serviceAccountName`]]],
  ['namespace', 'everything in kube-system', s => { for (const o of s.objects) o.metadata.namespace = 'kube-system'; },
    (_k, s) => s.objects.map(o => [`${o.kind}/${o.metadata.name}`, '/metadata/namespace'] as [string, string])],
  ['namespace-set', 'no namespace anywhere', s => { for (const o of s.objects) delete o.metadata.namespace; },
    (_k, s) => s.objects.map(o => [`${o.kind}/${o.metadata.name}`, '/metadata/namespace'] as [string, string])],
  ['termination-grace-period', 'a grace period of 9 s', s => { s.spec.terminationGracePeriodSeconds = 9; },
    k => [[W(k), `${k.base}/terminationGracePeriodSeconds`]]],
];

const PROBES = ['readiness-probe', 'liveness-probe', 'startup-probe', 'probes-differ'];
const REPLICATED_ONLY = ['replicas', 'pod-disruption-budget', 'spread'];

/** Whether a control applies to a kind: probes not to batch kinds, replicas/PDB/spread only to Deployment and StatefulSet. */
function applies(id: string, k: Kind): boolean {
  if (PROBES.includes(id)) return !k.batch;
  if (REPLICATED_ONLY.includes(id)) return k.replicated;
  return true;
}

const ADVISORY = ['image-digest', 'namespace-set'];

function notPassing(objects: any[]): string[] {
  return evaluatePolicy(objects).filter(r => r.status !== ControlStatus.PASS).map(r => r.control).sort();
}

describe.each(KINDS.map(k => [k.kind, k]))('%s', (_name, k) => {
  test('the compliant objects pass every control', () => {
    expect(evaluatePolicy(setup(k).objects).filter(r => r.status !== ControlStatus.PASS).map(r => [r.control, r.violations])).toEqual([]);
  });

  const applicable = BREAKS.filter(([id]) => applies(id, k));
  test.each(applicable)('%s fails: %s', (id, _what, mutate, expected, alsoFails = []) => {
    const s = setup(k);
    mutate(s);
    const result = evaluatePolicy(s.objects).find(r => r.control === id)!;
    expect(result.status).toBe(ADVISORY.includes(id) ? ControlStatus.WARN : ControlStatus.FAIL);
    expect(result.violations.map(v => [v.object, v.path]).sort()).toEqual(expected(k, s).sort());
    for (const v of result.violations) expect(v.control).toBe(id);
    expect(notPassing(s.objects)).toEqual([id, ...alsoFails].sort());
  });

  const exempt = BREAKS.filter(([id]) => !applies(id, k));
  if (exempt.length > 0) {
    test.each(exempt)('%s does not apply: %s passes', (id, _what, mutate) => {
      const s = setup(k);
      mutate(s);
      expect(findControl(id)!.check(s.objects)).toEqual([]);
      expect(notPassing(s.objects)).toEqual([]);
    });
  }
});

test('every control has a break, and every break names a control', () => {
  expect([...new Set(BREAKS.map(b => b[0]))].sort()).toEqual(CONTROLS.map(c => c.id).sort());
});

describe('batch workloads need no probes', () => {
  test.each(['Job', 'CronJob'])('a %s without any probe passes the probe controls', kind => {
    const k = KINDS.find(x => x.kind === kind)!;
    const s = setup(k);
    expect(s.container.readinessProbe).toBeUndefined();
    for (const id of PROBES) expect(findControl(id)!.check(s.objects)).toEqual([]);
  });

  test('a CronJob with identical readiness and liveness probes is not reported either', () => {
    const s = setup(KINDS.find(x => x.kind === 'CronJob')!);
    s.container.readinessProbe = { exec: { command: ['/bin/true'] } };
    s.container.livenessProbe = { exec: { command: ['/bin/true'] } };
    expect(findControl('probes-differ')!.check(s.objects)).toEqual([]);
  });

  test.each(['Deployment', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'StatefulSet', 'Pod'])('a %s without probes is reported for each probe', kind => {
    const s = setup(KINDS.find(x => x.kind === kind)!);
    for (const p of ['readinessProbe', 'livenessProbe', 'startupProbe']) delete s.container[p];
    expect(notPassing(s.objects)).toEqual(['liveness-probe', 'readiness-probe', 'startup-probe']);
  });
});

describe('replicated kinds', () => {
  test('a StatefulSet scaled by an HPA with minReplicas 1 is reported on the HPA', () => {
    const s = setup(KINDS.find(x => x.kind === 'StatefulSet')!);
    s.objects.push({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'hpa', namespace: NS }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'app' }, minReplicas: 1, maxReplicas: 5 } });
    const v = findControl('replicas')!.check(s.objects);
    expect(v.map(x => [x.object, x.path])).toEqual([['HorizontalPodAutoscaler/hpa', '/spec/minReplicas']]);
    expect(v[0].message).toContain('the autoscaler of StatefulSet/app may scale it to 1 pod');
  });

  test('a DaemonSet, ReplicaSet or Job with one pod is not asked for replicas, a budget or spread', () => {
    for (const kind of ['DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob', 'Pod']) {
      const s = setup(KINDS.find(x => x.kind === kind)!);
      if (s.workload.spec.replicas !== undefined) s.workload.spec.replicas = 1;
      s.objects.splice(s.objects.indexOf(s.pdb), 1);
      delete s.spec.topologySpreadConstraints;
      expect(notPassing(s.objects)).toEqual([]);
    }
  });
});

describe('objects with parts missing', () => {
  function bare(kind: string, spec: any): any {
    const k = KINDS.find(x => x.kind === kind)!;
    const obj = workload(k);
    if (kind === 'Pod') obj.spec = spec;
    else if (kind === 'CronJob') obj.spec.jobTemplate.spec.template = { spec };
    else obj.spec.template = { spec };
    return obj;
  }

  test('a container without securityContext, resources or image is reported, not crashed on', () => {
    const obj = bare('Deployment', { containers: [{ name: 'x' }] });
    const results = evaluatePolicy([obj]);
    const paths = (id: string) => results.find(r => r.control === id)!.violations.map(v => v.path);
    expect(paths('read-only-root-filesystem')).toEqual(['/spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem']);
    expect(paths('high-uid-gid')).toEqual([
      '/spec/template/spec/containers/0/securityContext/runAsGroup',
      '/spec/template/spec/containers/0/securityContext/runAsUser',
    ]);
    expect(paths('resources')).toEqual([
      '/spec/template/spec/containers/0/resources/limits/cpu',
      '/spec/template/spec/containers/0/resources/limits/memory',
      '/spec/template/spec/containers/0/resources/requests/cpu',
      '/spec/template/spec/containers/0/resources/requests/memory',
    ]);
    expect(paths('ephemeral-storage')).toEqual([
      '/spec/template/spec/containers/0/resources/limits/ephemeral-storage',
      '/spec/template/spec/containers/0/resources/requests/ephemeral-storage',
    ]);
    expect(paths('image-tag')).toEqual(['/spec/template/spec/containers/0/image']);
    expect(paths('image-digest')).toEqual(['/spec/template/spec/containers/0/image']);
    expect(paths('pss-privilege-escalation')).toEqual(['/spec/template/spec/containers/0/securityContext/allowPrivilegeEscalation']);
    expect(paths('pss-seccomp')).toEqual(['/spec/template/spec/containers/0/securityContext/seccompProfile']);
    expect(results.find(r => r.control === 'image-tag')!.violations[0].message).toContain("uses image 'undefined' without a tag");
  });

  test('a pod spec without containers has no container violations', () => {
    for (const kind of ['Deployment', 'CronJob', 'Pod']) {
      const obj = bare(kind, {});
      for (const id of ['read-only-root-filesystem', 'high-uid-gid', 'resources', 'ephemeral-storage', 'readiness-probe', 'probes-differ', 'image-tag', 'image-digest', 'image-pull-policy', 'pss-capabilities']) {
        expect(findControl(id)!.check([obj])).toEqual([]);
      }
    }
  });

  test('a workload without template metadata has no labels: pod-level controls still run, paths point at the template', () => {
    const k = KINDS.find(x => x.kind === 'CronJob')!;
    const obj = bare('CronJob', podSpec(true));
    const v = findControl('network-policy')!.check([obj]);
    expect(v.map(x => [x.object, x.path])).toEqual([['CronJob/app', `${k.metaBase}/labels`]]);
    expect(v[0].message).toContain('podSelector.matchLabels {}');
    const np = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'all', namespace: NS }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } };
    expect(findControl('network-policy')!.check([obj, np])).toEqual([]);
  });

  test.each([
    ['a Deployment without spec', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: NS } }, ['replicas']],
    ['a Deployment without a pod spec', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: NS }, spec: { replicas: 2, template: { metadata: { labels: LABELS } } } }, []],
    ['a CronJob without jobTemplate', { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c', namespace: NS }, spec: { schedule: '@daily' } }, []],
    ['a CronJob with a pod spec at spec.template only', { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c', namespace: NS }, spec: { template: { spec: { containers: [{ name: 'x' }] } } } }, []],
    ['a Pod without spec', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: NS } }, []],
    ['an unknown kind with a pod template', { apiVersion: 'example.com/v1', kind: 'Rollout', metadata: { name: 'r', namespace: NS }, spec: { template: { spec: { containers: [{ name: 'x' }] } } } }, []],
  ])('%s has no pod template: no pod control looks at it', (_what, obj, failing) => {
    const results = evaluatePolicy([obj]);
    expect(results.filter(r => r.status !== ControlStatus.PASS).map(r => r.control)).toEqual(failing);
  });

  test('a workload without a name is reported as (unnamed)', () => {
    const obj = bare('Deployment', { containers: [{ name: 'x' }] });
    delete obj.metadata.name;
    expect(findControl('image-tag')!.check([obj]).map(v => v.object)).toEqual(['Deployment/(unnamed)']);
  });

  test('a container without a name is named in the message as it is', () => {
    const obj = bare('Pod', { containers: [{ image: 'nginx' }] });
    expect(findControl('image-tag')!.check([obj])[0].message).toMatch(/^container 'undefined' uses image 'nginx' without a tag/);
  });
});
