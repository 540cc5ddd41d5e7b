import { ControlSource } from '../../src/policy/control';
import { CONTROLS, findControl } from '../../src/policy/controls';
import { ControlStatus, evaluatePolicy } from '../../src/policy/engine';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
const IMAGE = `registry.example.com/web/nginx:1.27.0@${DIGEST}`;
const LABELS = { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' };

/**
 * A hardened web workload in namespace 'web' that passes every control: a Deployment (seccomp, drop ALL,
 * uid/gid 65532, read-only root, resources with ephemeral-storage, three different probes, 2 replicas,
 * topology spread, own ServiceAccount, no token, grace period), its ServiceAccount, a ClusterIP Service,
 * a PodDisruptionBudget with maxUnavailable 1 and a NetworkPolicy with both policy types.
 */
function compliant(): any[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'web', namespace: 'web' },
      automountServiceAccountToken: false,
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'web', labels: LABELS },
      spec: {
        replicas: 2,
        selector: { matchLabels: LABELS },
        template: {
          metadata: { labels: LABELS },
          spec: {
            serviceAccountName: 'web',
            automountServiceAccountToken: false,
            terminationGracePeriodSeconds: 20,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 65532,
              runAsGroup: 65532,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            topologySpreadConstraints: [
              { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: LABELS } },
            ],
            containers: [{
              name: 'nginx',
              image: IMAGE,
              imagePullPolicy: 'Always',
              ports: [{ containerPort: 8080, name: 'http' }],
              securityContext: {
                runAsNonRoot: true,
                runAsUser: 65532,
                runAsGroup: 65532,
                readOnlyRootFilesystem: true,
                privileged: false,
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'] },
              },
              resources: {
                requests: { 'cpu': '100m', 'memory': '64Mi', 'ephemeral-storage': '16Mi' },
                limits: { 'cpu': '500m', 'memory': '128Mi', 'ephemeral-storage': '128Mi' },
              },
              startupProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 1, failureThreshold: 30 },
              readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 5, failureThreshold: 2 },
              livenessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 10, failureThreshold: 3 },
              volumeMounts: [{ name: 'runtime', mountPath: '/run/nginx' }],
            }],
            volumes: [{ name: 'runtime', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } }],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'web' },
      spec: { type: 'ClusterIP', selector: LABELS, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'web', namespace: 'web' },
      spec: { maxUnavailable: 1, selector: { matchLabels: LABELS } },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'web', namespace: 'web' },
      spec: {
        podSelector: { matchLabels: LABELS },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ ports: [{ port: 8080, protocol: 'TCP' }] }],
        egress: [{ ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] }],
      },
    },
  ];
}

/** Parts of the compliant objects, for the mutations. */
interface Parts {
  readonly all: any[];
  readonly sa: any;
  readonly deployment: any;
  readonly pod: any;
  readonly container: any;
  readonly service: any;
  readonly pdb: any;
  readonly np: any;
}

function parts(all: any[]): Parts {
  const kind = (k: string) => all.find(o => o.kind === k);
  const deployment = kind('Deployment');
  const pod = deployment.spec.template.spec;
  return { all, sa: kind('ServiceAccount'), deployment, pod, container: pod.containers[0], service: kind('Service'), pdb: kind('PodDisruptionBudget'), np: kind('NetworkPolicy') };
}

/** Controls that fail, or warn (advisory controls): what a user has to look at. */
function failing(objects: any[]): string[] {
  return evaluatePolicy(objects).filter(x => x.status === ControlStatus.FAIL || x.status === ControlStatus.WARN).map(x => x.control).sort();
}

describe('the compliant workload', () => {
  test.each(CONTROLS.map(c => [c.id]))('passes %s', id => {
    expect(findControl(id)!.check(compliant())).toEqual([]);
  });

  test('evaluatePolicy passes every control', () => {
    expect(evaluatePolicy(compliant()).map(x => [x.control, x.status])).toEqual(CONTROLS.map(c => [c.id, ControlStatus.PASS]));
  });
});

describe('the control list', () => {
  test('IDs are unique kebab-case; PSS controls are exactly the pss-* ones', () => {
    const ids = CONTROLS.map(c => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of CONTROLS) {
      expect(c.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(c.pss).toBe(c.id.startsWith('pss-'));
      expect(c.title.length).toBeGreaterThan(0);
      if (c.pss) expect(c.references[0].source).toBe(ControlSource.PSS);
    }
  });

  test('every Pod Security Standards control of the checker has its own control', () => {
    expect(CONTROLS.filter(c => c.pss).map(c => c.references[0].check).sort()).toEqual([
      '/proc Mount Type', 'AppArmor', 'Capabilities', 'Host Namespaces', 'Host Ports', 'HostPath Volumes', 'HostProcess',
      'Privilege Escalation', 'Privileged Containers', 'Running as Non-root', 'Running as Non-root user', 'SELinux', 'Seccomp',
      'Sysctls', 'Volume Types',
    ]);
  });

  test('records the tools\' own check names', () => {
    const checks = (id: string, source: ControlSource) => findControl(id)!.references.filter(x => x.source === source).map(x => x.check);
    expect(checks('high-uid-gid', ControlSource.KUBE_SCORE)).toEqual(['container-security-context-user-group-id']);
    expect(checks('resources', ControlSource.POLARIS)).toEqual(['cpuRequestsMissing', 'cpuLimitsMissing', 'memoryRequestsMissing', 'memoryLimitsMissing']);
    expect(checks('read-only-root-filesystem', ControlSource.KUBESEC)).toEqual(['ReadOnlyRootFilesystem']);
    expect(checks('ephemeral-storage', ControlSource.KUBE_SCORE)).toEqual(['container-ephemeral-storage-request-and-limit']);
    expect(checks('spread', ControlSource.POLARIS)).toEqual(['topologySpreadConstraint']);
  });
});

/** [control that must fail, what is broken, the mutation, other controls that must fail too]. */
type Case = [string, string, (p: Parts) => void, string[]?];

const CASES: Case[] = [
  // Pod Security Standards.
  ['pss-host-process', 'a hostProcess container', p => { p.container.securityContext.windowsOptions = { hostProcess: true }; }],
  ['pss-host-namespaces', 'hostNetwork', p => { p.pod.hostNetwork = true; }],
  ['pss-privileged', 'a privileged container', p => { p.container.securityContext.privileged = true; }],
  ['pss-capabilities', 'an added NET_ADMIN', p => { p.container.securityContext.capabilities.add = ['NET_ADMIN']; }],
  ['pss-host-path-volumes', 'a hostPath volume', p => { p.pod.volumes.push({ name: 'sock', hostPath: { path: '/var/run/docker.sock' } }); }],
  ['pss-host-ports', 'a hostPort', p => { p.container.ports[0].hostPort = 8080; }],
  ['pss-apparmor', 'an unconfined AppArmor profile', p => { p.deployment.spec.template.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/nginx': 'unconfined' }; }],
  ['pss-selinux', 'SELinux type spc_t', p => { p.pod.securityContext.seLinuxOptions = { type: 'spc_t' }; }],
  ['pss-proc-mount', 'procMount Unmasked', p => { p.container.securityContext.procMount = 'Unmasked'; }],
  ['pss-seccomp', 'seccomp Unconfined', p => { p.pod.securityContext.seccompProfile.type = 'Unconfined'; }],
  ['pss-sysctls', 'an unsafe sysctl', p => { p.pod.securityContext.sysctls = [{ name: 'kernel.msgmax', value: '65536' }]; }],
  ['pss-volume-types', 'a gitRepo volume', p => { p.pod.volumes.push({ name: 'src', gitRepo: { repository: 'https://example.com/x.git' } }); }],
  ['pss-privilege-escalation', 'allowPrivilegeEscalation true', p => { p.container.securityContext.allowPrivilegeEscalation = true; }],
  ['pss-run-as-non-root', 'runAsNonRoot false on the pod', p => { p.pod.securityContext.runAsNonRoot = false; }],
  ['pss-run-as-user', 'runAsUser 0 on the pod', p => { p.pod.securityContext.runAsUser = 0; }],
  // Beyond PSS.
  ['read-only-root-filesystem', 'a writable root filesystem', p => { p.container.securityContext.readOnlyRootFilesystem = false; }],
  ['read-only-root-filesystem', 'no container securityContext field', p => { delete p.container.securityContext.readOnlyRootFilesystem; }],
  ['high-uid-gid', 'gid 1000 on pod and container', p => { p.pod.securityContext.runAsGroup = 1000; p.container.securityContext.runAsGroup = 1000; }],
  ['high-uid-gid', 'uid 10000 (kubesec wants more than 10000)', p => { p.pod.securityContext.runAsUser = 10000; p.container.securityContext.runAsUser = 10000; }],
  ['high-uid-gid', 'no uid anywhere', p => { delete p.pod.securityContext.runAsUser; delete p.container.securityContext.runAsUser; }],
  ['resources', 'no cpu limit', p => { delete p.container.resources.limits.cpu; }],
  ['resources', 'a zero memory request', p => { p.container.resources.requests.memory = '0'; }],
  ['ephemeral-storage', 'no ephemeral-storage request', p => { delete p.container.resources.requests['ephemeral-storage']; }],
  ['readiness-probe', 'no readiness probe', p => { delete p.container.readinessProbe; }],
  ['liveness-probe', 'no liveness probe', p => { delete p.container.livenessProbe; }],
  ['startup-probe', 'no startup probe', p => { delete p.container.startupProbe; }],
  ['probes-differ', 'liveness identical to readiness', p => { p.container.livenessProbe = { ...p.container.readinessProbe }; }],
  ['probes-differ', 'same check, port by name, other timings', p => { p.container.livenessProbe = { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 30 }; }],
  ['replicas', 'one replica', p => { p.deployment.spec.replicas = 1; }],
  ['replicas', 'no replicas field (defaults to 1)', p => { delete p.deployment.spec.replicas; }],
  ['pod-disruption-budget', 'no PodDisruptionBudget', p => { p.all.splice(p.all.indexOf(p.pdb), 1); }],
  ['pod-disruption-budget', 'a PDB selecting other pods', p => { p.pdb.spec.selector.matchLabels = { 'app.kubernetes.io/name': 'other' }; }],
  ['pod-disruption-budget', 'a PDB in another namespace', p => { p.pdb.metadata.namespace = 'other'; }],
  ['pod-disruption-budget', 'maxUnavailable 0', p => { p.pdb.spec.maxUnavailable = 0; }],
  ['pod-disruption-budget', 'minAvailable equal to replicas', p => { delete p.pdb.spec.maxUnavailable; p.pdb.spec.minAvailable = 2; }],
  ['pod-disruption-budget', 'minAvailable 100%', p => { delete p.pdb.spec.maxUnavailable; p.pdb.spec.minAvailable = '100%'; }],
  ['pod-disruption-budget', 'policy/v1beta1', p => { p.pdb.apiVersion = 'policy/v1beta1'; }],
  ['pod-disruption-budget', 'no minAvailable or maxUnavailable', p => { delete p.pdb.spec.maxUnavailable; }],
  ['spread', 'no topology spread or anti-affinity', p => { delete p.pod.topologySpreadConstraints; }],
  ['spread', 'a spread constraint selecting other pods', p => { p.pod.topologySpreadConstraints[0].labelSelector = { matchLabels: { app: 'other' } }; }],
  ['spread', 'a spread constraint without labelSelector', p => { delete p.pod.topologySpreadConstraints[0].labelSelector; }],
  ['spread', 'anti-affinity on the zone only', p => {
    delete p.pod.topologySpreadConstraints;
    p.pod.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'topology.kubernetes.io/zone', labelSelector: { matchLabels: LABELS } }] } };
  }],
  ['network-policy', 'no Egress policy type', p => { p.np.spec.policyTypes = ['Ingress']; }],
  ['network-policy', 'no NetworkPolicy', p => { p.all.splice(p.all.indexOf(p.np), 1); }],
  ['network-policy', 'a NetworkPolicy selecting other pods', p => { p.np.spec.podSelector = { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['api'] }] }; }],
  ['service-type', 'a NodePort Service', p => { p.service.spec.type = 'NodePort'; }],
  ['service-type', 'a LoadBalancer Service', p => { p.service.spec.type = 'LoadBalancer'; }],
  ['image-tag', 'the latest tag', p => { p.container.image = 'registry.example.com/web/nginx:latest'; }, ['image-digest']],
  ['image-tag', 'no tag (registry with a port)', p => { p.container.image = 'registry.example.com:5000/web/nginx'; }, ['image-digest']],
  ['image-digest', 'a tag without digest', p => { p.container.image = 'registry.example.com/web/nginx:1.27.0'; }],
  ['image-pull-policy', 'IfNotPresent', p => { p.container.imagePullPolicy = 'IfNotPresent'; }],
  ['image-pull-policy', 'no imagePullPolicy', p => { delete p.container.imagePullPolicy; }],
  ['automount-token', 'a token mounted on the pod', p => { p.pod.automountServiceAccountToken = true; }],
  ['automount-token', 'unset on pod and ServiceAccount', p => { delete p.pod.automountServiceAccountToken; delete p.sa.automountServiceAccountToken; }],
  ['service-account', "the 'default' ServiceAccount", p => { p.pod.serviceAccountName = 'default'; }],
  ['service-account', 'no serviceAccountName', p => { delete p.pod.serviceAccountName; }],
  ['namespace', "everything in 'default'", p => { for (const o of p.all) o.metadata.namespace = 'default'; }],
  ['namespace-set', 'no namespace anywhere (cdk8s Chart without namespace)', p => { for (const o of p.all) delete o.metadata.namespace; }],
  ['termination-grace-period', 'a 5 s grace period', p => { p.pod.terminationGracePeriodSeconds = 5; }],
  ['termination-grace-period', 'no grace period', p => { delete p.pod.terminationGracePeriodSeconds; }],
];

describe('breaking one aspect fails that control', () => {
  test.each(CASES)('%s: %s', (id, _what, mutate, alsoFails = []) => {
    const objects = compliant();
    mutate(parts(objects));
    const result = evaluatePolicy(objects).find(x => x.control === id)!;
    expect(result.status).toBe(id === 'image-digest' || id === 'namespace-set' ? ControlStatus.WARN : ControlStatus.FAIL);
    expect(result.violations.length).toBeGreaterThan(0);
    for (const v of result.violations) {
      expect(v.control).toBe(id);
      expect(v.path).toMatch(/^\/\S*$/);
      expect(v.object).toMatch(/^[A-Za-z]+\/\S+$/);
      expect(v.message.length).toBeGreaterThan(20);
    }
    expect(failing(objects)).toEqual([id, ...alsoFails].sort());
  });

  test('every control has at least one breaking case', () => {
    expect([...new Set(CASES.map(c => c[0]))].sort()).toEqual(CONTROLS.map(c => c.id).sort());
  });
});

describe('paths and objects', () => {
  function violations(id: string, mutate: (p: Parts) => void) {
    const objects = compliant();
    mutate(parts(objects));
    return findControl(id)!.check(objects);
  }

  test('container fields point into the container', () => {
    expect(violations('resources', p => { delete p.container.resources.limits.cpu; })).toEqual([{
      control: 'resources',
      object: 'Deployment/web',
      path: '/spec/template/spec/containers/0/resources/limits/cpu',
      message: expect.stringContaining('resources.limits.cpu'),
    }]);
  });

  test('a uid set only on the pod is reported on the pod', () => {
    const v = violations('high-uid-gid', p => { p.pod.securityContext.runAsUser = 1000; delete p.container.securityContext.runAsUser; });
    expect(v.map(x => x.path)).toEqual(['/spec/template/spec/securityContext/runAsUser']);
  });

  test('init containers count', () => {
    const v = violations('read-only-root-filesystem', p => { p.pod.initContainers = [{ ...p.container, name: 'init', securityContext: { ...p.container.securityContext, readOnlyRootFilesystem: false } }]; });
    expect(v.map(x => x.path)).toEqual(['/spec/template/spec/initContainers/0/securityContext/readOnlyRootFilesystem']);
  });

  test('a PDB that blocks evictions is reported on the PDB', () => {
    expect(violations('pod-disruption-budget', p => { p.pdb.spec.maxUnavailable = '0%'; }).map(x => [x.object, x.path]))
      .toEqual([['PodDisruptionBudget/web', '/spec/maxUnavailable']]);
  });

  test('a NetworkPolicy without Egress is reported on the NetworkPolicy', () => {
    expect(violations('network-policy', p => { p.np.spec.policyTypes = ['Ingress']; }).map(x => [x.object, x.path]))
      .toEqual([['NetworkPolicy/web', '/spec/policyTypes']]);
  });

  test('a NetworkPolicy that selects nothing is reported, as is the pod it leaves uncovered', () => {
    const v = violations('network-policy', p => { p.np.spec.podSelector = { matchLabels: { app: 'api' } }; });
    expect(v.map(x => [x.object, x.path])).toEqual([
      ['Deployment/web', '/spec/template/metadata/labels'],
      ['NetworkPolicy/web', '/spec/podSelector'],
    ]);
  });

  test('an HPA with minReplicas 1 is reported on the HPA', () => {
    const v = violations('replicas', p => {
      p.all.push({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'web' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 4 } });
    });
    expect(v.map(x => [x.object, x.path])).toEqual([['HorizontalPodAutoscaler/web', '/spec/minReplicas']]);
  });

  test('every object without a namespace is listed', () => {
    const v = violations('namespace-set', p => { for (const o of p.all) delete o.metadata.namespace; });
    expect(v.map(x => x.object).sort()).toEqual(['Deployment/web', 'NetworkPolicy/web', 'PodDisruptionBudget/web', 'Service/web', 'ServiceAccount/web']);
  });

  test('bare Pods and CronJobs are checked at their own pod spec paths', () => {
    const container = { name: 'c', image: IMAGE, imagePullPolicy: 'Always', securityContext: { readOnlyRootFilesystem: false } };
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'web' }, spec: { containers: [container] } };
    const cron = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'cj', namespace: 'web' },
      spec: { schedule: '@daily', jobTemplate: { spec: { template: { spec: { containers: [container] } } } } },
    };
    expect(findControl('read-only-root-filesystem')!.check([pod, cron]).map(x => [x.object, x.path])).toEqual([
      ['Pod/p', '/spec/containers/0/securityContext/readOnlyRootFilesystem'],
      ['CronJob/cj', '/spec/jobTemplate/spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem'],
    ]);
  });

  test('identical exec and grpc probes are caught; different commands are not', () => {
    const check = (readinessProbe: any, livenessProbe: any) => violations('probes-differ', p => Object.assign(p.container, { readinessProbe, livenessProbe })).length;
    expect(check({ exec: { command: ['/ok'] } }, { exec: { command: ['/ok'] }, periodSeconds: 60 })).toBe(1);
    expect(check({ exec: { command: ['/ready'] } }, { exec: { command: ['/alive'] } })).toBe(0);
    expect(check({ grpc: { port: 9000 } }, { grpc: { port: 9000 } })).toBe(1);
    expect(check({ grpc: { port: 9000, service: 'ready' } }, { grpc: { port: 9000 } })).toBe(0);
  });

  test('a PDB minAvailable given as a numeric string is reported: the API server takes only integers and percentages', () => {
    const v = violations('pod-disruption-budget', p => { delete p.pdb.spec.maxUnavailable; p.pdb.spec.minAvailable = '1'; });
    expect(v.map(x => x.path)).toEqual(['/spec/minAvailable']);
    expect(v[0].message).toContain('which the API server rejects');
  });

  test('PSS violations keep the checker\'s path', () => {
    expect(violations('pss-host-ports', p => { p.container.ports[0].hostPort = 8080; }).map(x => x.path))
      .toEqual(['/spec/template/spec/containers/0/ports/0/hostPort']);
  });
});

describe('what passes', () => {
  function passes(id: string, mutate: (p: Parts) => void): boolean {
    const objects = compliant();
    mutate(parts(objects));
    return findControl(id)!.check(objects).length === 0;
  }

  test('a host podAntiAffinity selecting the pods instead of topology spread', () => {
    expect(passes('spread', p => {
      delete p.pod.topologySpreadConstraints;
      p.pod.affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: LABELS } } }] } };
    })).toBe(true);
  });

  test('the token disabled on the ServiceAccount only', () => {
    expect(passes('automount-token', p => { delete p.pod.automountServiceAccountToken; })).toBe(true);
  });

  test('an image pinned by digest only', () => {
    expect(passes('image-tag', p => { p.container.image = `registry.example.com/web/nginx@${DIGEST}`; })).toBe(true);
    expect(passes('image-digest', p => { p.container.image = `registry.example.com/web/nginx@${DIGEST}`; })).toBe(true);
  });

  test('minAvailable below the replica count, and a percentage maxUnavailable', () => {
    expect(passes('pod-disruption-budget', p => { delete p.pdb.spec.maxUnavailable; p.pdb.spec.minAvailable = 1; })).toBe(true);
    expect(passes('pod-disruption-budget', p => { p.pdb.spec.maxUnavailable = '50%'; })).toBe(true);
  });

  test('an HPA with minReplicas 2 instead of spec.replicas', () => {
    expect(passes('replicas', p => {
      delete p.deployment.spec.replicas;
      p.all.push({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'web' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 4 } });
    })).toBe(true);
  });

  test('two NetworkPolicies that together give Ingress and Egress', () => {
    expect(passes('network-policy', p => {
      p.np.spec.policyTypes = ['Ingress'];
      p.all.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny-egress', namespace: 'web' }, spec: { podSelector: {}, policyTypes: ['Egress'] } });
    })).toBe(true);
  });

  test('probes on a Job are not required; a Namespace needs no namespace', () => {
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'web' }, spec: { template: { spec: { containers: [{ name: 'j', image: IMAGE }] } } } };
    expect(findControl('readiness-probe')!.check([job])).toEqual([]);
    expect(findControl('namespace')!.check([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } }])).toEqual([]);
  });
});

test('an AWS CDK token image (a DockerImageAsset imageUri, content-hash tag) passes image-tag and image-digest', () => {
  const objects = compliant();
  const deployment = objects.find((o: any) => o.kind === 'Deployment');
  deployment.spec.template.spec.containers[0].image = '${Token[TOKEN.8]}';
  const results = evaluatePolicy(objects);
  expect(results.filter(r => r.control === 'image-tag' || r.control === 'image-digest').map(r => r.status)).toEqual([ControlStatus.PASS, ControlStatus.PASS]);
});
