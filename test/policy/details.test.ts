import { ControlViolation } from '../../src/policy/control';
import { CONTROLS, findControl } from '../../src/policy/controls';

/**
 * The finer rules of each control beyond Pod Security Standards, one table per control: what passes, what
 * fails, and where and how the violation is reported.
 */

const DIGEST = `sha256:${'0a'.repeat(32)}`;
const LABELS = { app: 'web' };

/** A Deployment in namespace 'web' with one container; the pod spec and container are merged over the defaults. */
function deployment(pod: any = {}, container: any = {}, replicas = 2): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'web' },
    spec: { replicas, template: { metadata: { labels: LABELS }, spec: { containers: [{ name: 'nginx', ...container }], ...pod } } },
  };
}

function check(id: string, ...objects: any[]): ControlViolation[] {
  return findControl(id)!.check(objects);
}

function paths(id: string, ...objects: any[]): string[] {
  return check(id, ...objects).map(v => v.path);
}

const C0 = '/spec/template/spec/containers/0';

describe('every control', () => {
  test.each(CONTROLS.map(c => [c.id]))('%s ignores entries that are not objects', id => {
    expect(findControl(id)!.check([null, undefined, 0, 'Deployment', true])).toEqual([]);
  });

  test.each(CONTROLS.map(c => [c.id]))('%s has nothing to say about no objects', id => {
    expect(findControl(id)!.check([])).toEqual([]);
  });
});

describe('image-tag and image-digest', () => {
  /** [image, image-tag passes, image-digest passes]. */
  const IMAGES: Array<[string, boolean, boolean]> = [
    ['nginx', false, false],
    ['nginx:latest', false, false],
    ['nginx:', false, false],
    ['nginx:1.27', true, false],
    ['registry.example.com:5000/nginx', false, false],
    ['registry.example.com:5000/nginx:1.27', true, false],
    ['registry.example.com:5000/team/nginx:latest', false, false],
    [`nginx@${DIGEST}`, true, true],
    [`nginx:latest@${DIGEST}`, true, true],
    [`registry.example.com:5000/nginx:1.27@${DIGEST}`, true, true],
    ['nginx@sha256:abc', true, false],
    [`nginx@sha256:${'0A'.repeat(32)}`, true, false],
    [`nginx@sha256:${'0a'.repeat(32)}0`, true, false],
    [`nginx@sha512:${'0a'.repeat(32)}`, true, false],
    [`nginx@x${DIGEST}`, true, false],
    ['', false, false],
  ];

  test.each(IMAGES)('%j: image-tag passes %p, image-digest passes %p', (image, tagOk, digestOk) => {
    expect(paths('image-tag', deployment({}, { image }))).toEqual(tagOk ? [] : [`${C0}/image`]);
    expect(paths('image-digest', deployment({}, { image }))).toEqual(digestOk ? [] : [`${C0}/image`]);
  });

  test('messages say latest or no tag, and how to pin', () => {
    expect(check('image-tag', deployment({}, { image: 'nginx:latest' }))[0].message)
      .toBe("container 'nginx' uses image 'nginx:latest' with the latest tag, which changes under you; pin a version tag and a digest (repository:1.2.3@sha256:...).");
    expect(check('image-tag', deployment({}, { image: 'nginx' }))[0].message)
      .toBe("container 'nginx' uses image 'nginx' without a tag, which changes under you; pin a version tag and a digest (repository:1.2.3@sha256:...).");
    expect(check('image-digest', deployment({}, { image: 'nginx:1.27' }))[0].message)
      .toBe("container 'nginx' uses image 'nginx:1.27' without a sha256 digest, so a re-pushed tag changes what runs; reference it as repository@sha256:... with the 64-hex digest the registry returned on push.");
  });

  test('an AWS CDK token is skipped by both; other containers are still checked', () => {
    const obj = deployment({ initContainers: [{ name: 'init', image: 'busybox' }] }, { image: 'x/${Token[TOKEN.12]}' });
    expect(check('image-tag', obj).map(v => [v.path, v.message.slice(0, 16)])).toEqual([['/spec/template/spec/initContainers/0/image', "container 'init'"]]);
    expect(paths('image-digest', obj)).toEqual(['/spec/template/spec/initContainers/0/image']);
  });
});

describe('image-pull-policy', () => {
  test.each([['Always', true], ['IfNotPresent', false], ['Never', false], ['always', false], [undefined, false]])('%p passes: %p', (policy, ok) => {
    expect(paths('image-pull-policy', deployment({}, { imagePullPolicy: policy }))).toEqual(ok ? [] : [`${C0}/imagePullPolicy`]);
  });

  test('the message names the policy, or (unset)', () => {
    expect(check('image-pull-policy', deployment())[0].message).toMatch(/^container 'nginx' has imagePullPolicy \(unset\); set Always/);
    expect(check('image-pull-policy', deployment({}, { imagePullPolicy: 'Never' }))[0].message).toMatch(/^container 'nginx' has imagePullPolicy Never; set Always/);
  });

  test('init containers count too', () => {
    expect(paths('image-pull-policy', deployment({ initContainers: [{ name: 'i', imagePullPolicy: 'Never' }] }, { imagePullPolicy: 'Always' })))
      .toEqual(['/spec/template/spec/initContainers/0/imagePullPolicy']);
  });
});

describe('resources and ephemeral-storage', () => {
  const ALL = { 'cpu': '100m', 'memory': '64Mi', 'ephemeral-storage': '64Mi' };

  /** [a quantity, whether it counts as set]. */
  const QUANTITIES: Array<[any, boolean]> = [
    ['100m', true], ['1', true], [1, true], [0.5, true], ['0.5', true], ['64Mi', true], ['1e3', true],
    [0, false], ['0', false], ['0m', false], ['0Mi', false], ['0.0', false], ['', false], [null, false], [undefined, false], ['Mi', false], ['abc', false],
  ];

  test.each(QUANTITIES)('cpu request %p is set: %p', (q, set) => {
    const obj = deployment({}, { resources: { requests: { ...ALL, cpu: q }, limits: ALL } });
    expect(paths('resources', obj)).toEqual(set ? [] : [`${C0}/resources/requests/cpu`]);
  });

  test.each(QUANTITIES)('ephemeral-storage limit %p is set: %p', (q, set) => {
    const obj = deployment({}, { resources: { requests: ALL, limits: { ...ALL, 'ephemeral-storage': q } } });
    expect(paths('ephemeral-storage', obj)).toEqual(set ? [] : [`${C0}/resources/limits/ephemeral-storage`]);
  });

  test('each missing request and limit is reported with an example value', () => {
    expect(check('resources', deployment({}, { resources: {} })).map(v => [v.path, v.message])).toEqual([
      [`${C0}/resources/requests/cpu`, "container 'nginx' has no cpu request; set resources.requests.cpu (such as 100m)."],
      [`${C0}/resources/requests/memory`, "container 'nginx' has no memory request; set resources.requests.memory (such as 64Mi)."],
      [`${C0}/resources/limits/cpu`, "container 'nginx' has no cpu limit; set resources.limits.cpu (such as 100m)."],
      [`${C0}/resources/limits/memory`, "container 'nginx' has no memory limit; set resources.limits.memory (such as 64Mi)."],
    ]);
    expect(check('ephemeral-storage', deployment()).map(v => [v.path, v.message])).toEqual([
      [`${C0}/resources/requests/ephemeral-storage`, "container 'nginx' has no ephemeral-storage request; set resources.requests.ephemeral-storage (such as 64Mi), so logs and writable layers cannot fill the node's disk."],
      [`${C0}/resources/limits/ephemeral-storage`, "container 'nginx' has no ephemeral-storage limit; set resources.limits.ephemeral-storage (such as 64Mi), so logs and writable layers cannot fill the node's disk."],
    ]);
  });
});

describe('read-only-root-filesystem', () => {
  test.each([[true, true], [false, false], ['true', false], [undefined, false]])('readOnlyRootFilesystem %p passes: %p', (value, ok) => {
    const obj = deployment({}, { securityContext: { readOnlyRootFilesystem: value } });
    expect(paths('read-only-root-filesystem', obj)).toEqual(ok ? [] : [`${C0}/securityContext/readOnlyRootFilesystem`]);
  });

  test('the message says how to fix it', () => {
    expect(check('read-only-root-filesystem', deployment())[0].message)
      .toBe("container 'nginx' has a writable root filesystem; set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where it must write.");
  });
});

describe('high-uid-gid', () => {
  const both = (sc: any) => ({ runAsUser: 65532, runAsGroup: 65532, ...sc });

  test.each([
    [10001, true], [65532, true], [10000, false], [0, false], ['65532', false],
  ])('uid %p on the container passes: %p', (uid, ok) => {
    const obj = deployment({}, { securityContext: both({ runAsUser: uid }) });
    expect(paths('high-uid-gid', obj)).toEqual(ok ? [] : [`${C0}/securityContext/runAsUser`]);
  });

  test('the container value wins over the pod value', () => {
    expect(paths('high-uid-gid', deployment({ securityContext: both({ runAsUser: 1000 }) }, { securityContext: { runAsUser: 20000, runAsGroup: 20000 } }))).toEqual([]);
    expect(paths('high-uid-gid', deployment({ securityContext: both({}) }, { securityContext: { runAsUser: 1000 } }))).toEqual([`${C0}/securityContext/runAsUser`]);
  });

  test('a value from the pod is reported on the pod; a missing one on the container', () => {
    const v = check('high-uid-gid', deployment({ securityContext: { runAsUser: 1000 } }));
    expect(v.map(x => [x.path, x.message])).toEqual([
      ['/spec/template/spec/securityContext/runAsUser', "container 'nginx' runs with uid 1000; set runAsUser to 10001 or more (such as 65532) on the pod or the container, so the uid cannot clash with a host account (kube-score wants >= 10000, kubesec > 10000)."],
      [`${C0}/securityContext/runAsGroup`, "container 'nginx' has no runAsGroup; set runAsGroup to 10001 or more (such as 65532) on the pod or the container, so the gid cannot clash with a host account (kube-score wants >= 10000, kubesec > 10000)."],
    ]);
  });
});

describe('probes', () => {
  const probes = { startupProbe: { tcpSocket: { port: 80 } }, readinessProbe: { httpGet: { port: 80, path: '/ready' } }, livenessProbe: { tcpSocket: { port: 80 } } };

  test('init containers need no probes', () => {
    const obj = deployment({ initContainers: [{ name: 'init' }] }, probes);
    for (const id of ['readiness-probe', 'liveness-probe', 'startup-probe', 'probes-differ']) expect(check(id, obj)).toEqual([]);
  });

  test('the messages say why each probe matters', () => {
    expect(check('readiness-probe', deployment())[0].message).toBe("container 'nginx' has no readinessProbe; add one, so the Service sends traffic only to pods that can answer and a broken rollout stops.");
    expect(check('liveness-probe', deployment())[0].message).toBe("container 'nginx' has no livenessProbe; add one (cheaper than readiness, such as a TCP check), so the kubelet restarts a hung process.");
    expect(check('startup-probe', deployment())[0].message).toBe("container 'nginx' has no startupProbe; add one, so slow starts do not trip the liveness probe and readiness is asked only after startup.");
  });

  test('every container is checked', () => {
    const obj = deployment({}, probes);
    obj.spec.template.spec.containers.push({ name: 'sidecar', ...probes, startupProbe: undefined });
    expect(paths('startup-probe', obj)).toEqual(['/spec/template/spec/containers/1/startupProbe']);
  });

  const PORTS = [{ name: 'http', containerPort: 8080 }, { name: 'admin', containerPort: 9090 }];

  /** [readiness, liveness, the same question]. */
  const PAIRS: Array<[any, any, boolean]> = [
    [{ httpGet: { port: 8080, path: '/' } }, { httpGet: { port: 8080 } }, true],
    [{ httpGet: { port: 8080, path: '/ready' } }, { httpGet: { port: 8080, path: '/alive' } }, false],
    [{ httpGet: { port: 'http', path: '/h' } }, { httpGet: { port: 8080, path: '/h' } }, true],
    [{ httpGet: { port: 'admin', path: '/h' } }, { httpGet: { port: 8080, path: '/h' } }, false],
    [{ httpGet: { port: 'metrics', path: '/h' } }, { httpGet: { port: 'metrics', path: '/h' } }, true],
    [{ httpGet: { port: 'metrics', path: '/h' } }, { httpGet: { port: 8080, path: '/h' } }, false],
    [{ httpGet: { port: '8080', path: '/h' } }, { httpGet: { port: 8080, path: '/h' } }, true],
    [{ tcpSocket: { port: 'http' } }, { tcpSocket: { port: 8080 } }, true],
    [{ tcpSocket: { port: 8080 } }, { tcpSocket: { port: 9090 } }, false],
    [{ tcpSocket: { port: 8080 } }, { httpGet: { port: 8080, path: '/' } }, false],
    [{ grpc: { port: 9000 } }, { grpc: { port: 9000, service: '' } }, true],
    [{ grpc: { port: 9000, service: 'a' } }, { grpc: { port: 9000, service: 'b' } }, false],
    [{ grpc: { port: 9000 } }, { grpc: { port: 9001 } }, false],
    [{ exec: {} }, { exec: { command: [] } }, true],
    [{ exec: { command: ['a', 'b'] } }, { exec: { command: ['a b'] } }, false],
    [{}, {}, false],
    [{ periodSeconds: 5 }, { periodSeconds: 5 }, false],
  ];

  test.each(PAIRS)('readiness %j and liveness %j ask the same: %p', (readinessProbe, livenessProbe, same) => {
    const v = check('probes-differ', deployment({}, { ports: PORTS, readinessProbe, livenessProbe }));
    expect(v.map(x => x.path)).toEqual(same ? [`${C0}/livenessProbe`] : []);
  });

  test('a container with only one of the two probes has nothing to compare', () => {
    expect(check('probes-differ', deployment({}, { livenessProbe: { tcpSocket: { port: 80 } } }))).toEqual([]);
    expect(check('probes-differ', deployment({}, { readinessProbe: { tcpSocket: { port: 80 } } }))).toEqual([]);
  });

  test('the message names the shared check', () => {
    const v = check('probes-differ', deployment({}, { ports: PORTS, readinessProbe: { httpGet: { port: 'http' } }, livenessProbe: { httpGet: { port: 8080, path: '/' } } }));
    expect(v[0].message).toBe("container 'nginx' has the same readiness and liveness check (http 8080 /); a slow or overloaded pod then gets restarted instead of just taken out of the Service. Make liveness cheaper (such as tcpSocket on the port) or drop it.");
    const g = check('probes-differ', deployment({}, { readinessProbe: { grpc: { port: 1 } }, livenessProbe: { grpc: { port: 1 } } }));
    expect(g[0].message).toContain('(grpc 1 )');
    const t = check('probes-differ', deployment({}, { readinessProbe: { tcpSocket: { port: 1 } }, livenessProbe: { tcpSocket: { port: 1 } } }));
    expect(t[0].message).toContain('(tcp 1)');
    const e = check('probes-differ', deployment({}, { readinessProbe: { exec: { command: ['/ok'] } }, livenessProbe: { exec: { command: ['/ok'] } } }));
    expect(e[0].message).toContain('(exec ["/ok"])');
  });
});

describe('replicas', () => {
  test.each([[1, false], [2, true], [5, true], [0, false]])('replicas %p passes: %p', (n, ok) => {
    expect(paths('replicas', deployment({}, {}, n))).toEqual(ok ? [] : ['/spec/replicas']);
  });

  test('the message gives the count', () => {
    expect(check('replicas', deployment({}, {}, 1))[0].message)
      .toBe('Deployment/web runs 1 replica; set replicas to 2 or more so a node drain or a crash does not take the site down.');
  });

  test("an HPA's minReplicas decides, on the HPA", () => {
    const hpa = (minReplicas?: number) => ({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'hpa', namespace: 'web' },
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, ...(minReplicas === undefined ? {} : { minReplicas }), maxReplicas: 4 },
    });
    expect(check('replicas', deployment({}, {}, 5), hpa()).map(v => [v.object, v.path, v.message])).toEqual([[
      'HorizontalPodAutoscaler/hpa', '/spec/minReplicas',
      'the autoscaler of Deployment/web may scale it to 1 pod; set minReplicas to 2 or more so a node drain or a crash does not take the site down.',
    ]]);
    expect(check('replicas', deployment({}, {}, 1), hpa(2))).toEqual([]);
  });

  test('a Deployment without spec runs one replica', () => {
    expect(paths('replicas', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } })).toEqual(['/spec/replicas']);
  });
});

describe('spread', () => {
  const constraint = (c: any) => ({ topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: LABELS }, ...c }] });
  const P = '/spec/template/spec/topologySpreadConstraints';

  /** [the constraint's fields over a good one, the paths reported]. */
  const CONSTRAINTS: Array<[any, string[]]> = [
    [{}, []],
    [{ topologyKey: 'topology.kubernetes.io/zone' }, []],
    [{ whenUnsatisfiable: 'DoNotSchedule' }, []],
    [{ maxSkew: 2 }, []],
    [{ topologyKey: 'kubernetes.io/os' }, [P]],
    [{ topologyKey: 'topology.kubernetes.io/region' }, [P]],
    [{ topologyKey: undefined }, [`${P}/0/topologyKey`, P]],
    [{ topologyKey: '' }, [`${P}/0/topologyKey`, P]],
    [{ maxSkew: 0 }, [`${P}/0/maxSkew`, P]],
    [{ maxSkew: undefined }, [`${P}/0/maxSkew`, P]],
    [{ whenUnsatisfiable: undefined }, [`${P}/0/whenUnsatisfiable`, P]],
    [{ whenUnsatisfiable: 'Always' }, [`${P}/0/whenUnsatisfiable`, P]],
    [{ labelSelector: undefined, maxSkew: 0 }, [`${P}/0/labelSelector`, P]],
    [{ maxSkew: 0, topologyKey: undefined }, [`${P}/0/maxSkew`, P]],
    [{ topologyKey: undefined, whenUnsatisfiable: 'x' }, [`${P}/0/topologyKey`, P]],
  ];

  test.each(CONSTRAINTS)('a constraint with %j reports %j', (fields, expected) => {
    expect(paths('spread', deployment(constraint(fields)))).toEqual(expected);
  });

  test('the messages name the constraint and the fix', () => {
    const msg = (fields: any) => check('spread', deployment(constraint(fields)))[0].message;
    expect(msg({ labelSelector: undefined })).toBe('topology spread constraint 0 has no labelSelector, so it counts no pods; set labelSelector.matchLabels to the pod labels.');
    expect(msg({ maxSkew: 0 })).toBe('topology spread constraint 0 has maxSkew 0; set it to 1.');
    expect(msg({ topologyKey: undefined })).toBe('topology spread constraint 0 has no topologyKey; use kubernetes.io/hostname or topology.kubernetes.io/zone.');
    expect(msg({ whenUnsatisfiable: 'x' })).toBe('topology spread constraint 0 has whenUnsatisfiable x; use ScheduleAnyway or DoNotSchedule.');
    expect(check('spread', deployment())[0].message).toBe(
      'the pods of Deployment/web may all land on one node; add topologySpreadConstraints (maxSkew 1, topologyKey kubernetes.io/hostname, whenUnsatisfiable ScheduleAnyway, labelSelector.matchLabels {"app":"web"}) or a podAntiAffinity on kubernetes.io/hostname selecting them.',
    );
  });

  test('one good constraint among bad ones spreads; the bad ones are still reported by index', () => {
    const obj = deployment({
      topologySpreadConstraints: [
        { maxSkew: 0, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: {} },
        { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: {} },
      ],
    });
    expect(paths('spread', obj)).toEqual([`${P}/0/maxSkew`]);
  });

  test('pod anti-affinity: required or preferred, on the hostname, selecting the pods', () => {
    const anti = (a: any) => deployment({ affinity: { podAntiAffinity: a } });
    const term = { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: LABELS } };
    expect(paths('spread', anti({ requiredDuringSchedulingIgnoredDuringExecution: [term] }))).toEqual([]);
    expect(paths('spread', anti({ preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, podAffinityTerm: term }] }))).toEqual([]);
    expect(paths('spread', anti({ preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1 }] }))).toEqual([P]);
    expect(paths('spread', anti({ requiredDuringSchedulingIgnoredDuringExecution: [{ ...term, topologyKey: 'kubernetes.io/os' }] }))).toEqual([P]);
    expect(paths('spread', anti({ requiredDuringSchedulingIgnoredDuringExecution: [{ ...term, labelSelector: { matchLabels: { app: 'db' } } }, term] }))).toEqual([]);
    expect(paths('spread', deployment({ affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } } }))).toEqual([P]);
  });
});

describe('network-policy', () => {
  const np = (spec: any, name = 'np') => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: 'web' }, spec: { podSelector: {}, ...spec } });

  /** [policy spec, the policy types missing]. The API server defaults missing policyTypes: Ingress, plus Egress with egress rules. */
  const TYPES: Array<[any, string[]]> = [
    [{ policyTypes: ['Ingress', 'Egress'] }, []],
    [{ policyTypes: ['Egress', 'Ingress'] }, []],
    [{ policyTypes: ['Ingress'] }, ['Egress']],
    [{ policyTypes: ['Egress'] }, ['Ingress']],
    [{ policyTypes: ['ingress', 'egress'] }, ['Ingress', 'Egress']],
    [{}, ['Egress']],
    [{ policyTypes: [] }, ['Egress']],
    [{ egress: [] }, ['Egress']],
    [{ egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }] }, []],
    [{ policyTypes: [], egress: [{}] }, []],
    [{ policyTypes: ['Ingress'], egress: [{}] }, ['Egress']],
  ];

  test.each(TYPES)('a policy with %j misses %j', (spec, missing) => {
    const v = check('network-policy', deployment(), np(spec));
    expect(v.map(x => [x.object, x.path])).toEqual(missing.map(() => ['NetworkPolicy/np', '/spec/policyTypes']));
    expect(v.map(x => x.message)).toEqual(missing.map(t => `no NetworkPolicy selecting the pods of Deployment/web lists policyType ${t}, so all ${t.toLowerCase()} traffic is allowed; add ${t} to policyTypes with the ${t.toLowerCase()} rules the pods need.`));
  });

  test('the policy types of every policy selecting the pods add up; the first one is reported', () => {
    expect(check('network-policy', deployment(), np({ policyTypes: ['Ingress'] }, 'a'), np({ policyTypes: ['Egress'] }, 'b'))).toEqual([]);
    expect(check('network-policy', deployment(), np({ policyTypes: ['Ingress'] }, 'a'), np({ policyTypes: ['Ingress'] }, 'b')).map(v => v.object)).toEqual(['NetworkPolicy/a']);
    const other = np({ policyTypes: ['Egress'], podSelector: { matchLabels: { app: 'db' } } }, 'db');
    expect(check('network-policy', deployment(), np({ policyTypes: ['Ingress'] }, 'a'), other).map(v => [v.object, v.path])).toEqual([
      ['NetworkPolicy/a', '/spec/policyTypes'],
      ['NetworkPolicy/db', '/spec/podSelector'],
    ]);
  });

  test('a policy without spec selects every pod and restricts ingress', () => {
    const bare = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'np', namespace: 'web' } };
    expect(check('network-policy', deployment(), bare).map(v => [v.object, v.path])).toEqual([['NetworkPolicy/np', '/spec/policyTypes']]);
  });

  test('a policy selecting nothing: the message', () => {
    expect(check('network-policy', np({ policyTypes: ['Ingress', 'Egress'] }))[0].message)
      .toBe("NetworkPolicy/np selects no pod of these objects; fix podSelector to the workload's pod labels or remove it.");
  });
});

describe('service-type', () => {
  const svc = (type?: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'web' }, spec: type === undefined ? {} : { type } });

  test.each([[undefined, true], ['ClusterIP', true], ['ExternalName', true], ['NodePort', false], ['LoadBalancer', false]])('type %p passes: %p', (type, ok) => {
    expect(paths('service-type', svc(type))).toEqual(ok ? [] : ['/spec/type']);
  });

  test('the messages', () => {
    expect(check('service-type', svc('NodePort'))[0].message).toBe("Service/s is a NodePort Service, which opens a port on every node outside the NetworkPolicy's reach; use ClusterIP behind an Ingress or Gateway, or opt out with the reason.");
    expect(check('service-type', svc('LoadBalancer'))[0].message).toBe("Service/s is a LoadBalancer Service, which opens a port on every node and an external load balancer outside the NetworkPolicy's reach; use ClusterIP behind an Ingress or Gateway, or opt out with the reason.");
  });

  test('a Service without spec passes', () => {
    expect(check('service-type', { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } })).toEqual([]);
  });
});

describe('service-account and automount-token', () => {
  const sa = (name: string, automount?: boolean, namespace = 'web') => ({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name, namespace },
    ...(automount === undefined ? {} : { automountServiceAccountToken: automount }),
  });

  test.each([
    [{ serviceAccountName: 'web' }, true],
    [{ serviceAccount: 'web' }, true],
    [{ serviceAccountName: 'web', serviceAccount: 'default' }, true],
    [{ serviceAccountName: 'default' }, false],
    [{ serviceAccount: 'default' }, false],
    [{ serviceAccountName: '' }, false],
    [{ serviceAccountName: '', serviceAccount: 'web' }, false],
    [{}, false],
  ])('a pod with %j runs as its own ServiceAccount: %p', (pod, ok) => {
    expect(paths('service-account', deployment(pod))).toEqual(ok ? [] : ['/spec/template/spec/serviceAccountName']);
  });

  test('the service-account message', () => {
    expect(check('service-account', deployment())[0].message).toBe("the pods of Deployment/web run as the namespace's 'default' ServiceAccount, which other workloads share and RBAC may have been granted to; create a ServiceAccount for this workload and set serviceAccountName.");
  });

  /** [pod spec, objects beside the Deployment, whether the token is kept out]. */
  const TOKENS: Array<[string, any, any[], boolean]> = [
    ['false on the pod', { automountServiceAccountToken: false }, [], true],
    ['false on the pod, true on the ServiceAccount', { serviceAccountName: 'web', automountServiceAccountToken: false }, [sa('web', true)], true],
    ['true on the pod', { automountServiceAccountToken: true }, [], false],
    ['true on the pod, false on the ServiceAccount', { serviceAccountName: 'web', automountServiceAccountToken: true }, [sa('web', false)], false],
    ['unset on the pod, false on its ServiceAccount', { serviceAccountName: 'web' }, [sa('web', false)], true],
    ['unset on the pod, false on its ServiceAccount named by serviceAccount', { serviceAccount: 'web' }, [sa('web', false)], true],
    ['unset on the pod, false on the default ServiceAccount', {}, [sa('default', false)], true],
    ['unset on the pod, unset on the ServiceAccount', { serviceAccountName: 'web' }, [sa('web')], false],
    ['unset on the pod, true on the ServiceAccount', { serviceAccountName: 'web' }, [sa('web', true)], false],
    ['unset on the pod, false on another ServiceAccount', { serviceAccountName: 'web' }, [sa('api', false)], false],
    ['unset on the pod, false on a ServiceAccount of that name elsewhere', { serviceAccountName: 'web' }, [sa('web', false, 'other')], false],
    ['unset on the pod, no ServiceAccount', {}, [], false],
  ];

  test.each(TOKENS)('token %s: kept out %p', (_what, pod, others, ok) => {
    expect(paths('automount-token', deployment(pod), ...others)).toEqual(ok ? [] : ['/spec/template/spec/automountServiceAccountToken']);
  });

  test('the automount-token messages', () => {
    expect(check('automount-token', deployment({ serviceAccountName: 'web' }))[0].message)
      .toBe("the pods of Deployment/web get a Kubernetes API token (automountServiceAccountToken is unset, and ServiceAccount 'web' here does not set it to false); set automountServiceAccountToken: false on the pod spec.");
    expect(check('automount-token', deployment())[0].message).toContain("ServiceAccount 'default' here");
    expect(check('automount-token', deployment({ automountServiceAccountToken: true }))[0].message)
      .toBe('the pods of Deployment/web get a Kubernetes API token (automountServiceAccountToken is true); set automountServiceAccountToken: false on the pod spec.');
  });
});

describe('termination-grace-period', () => {
  test.each([[10, true], [30, true], [9, false], [0, false], ['30', false], [undefined, false]])('%p seconds pass: %p', (g, ok) => {
    expect(paths('termination-grace-period', deployment({ terminationGracePeriodSeconds: g }))).toEqual(ok ? [] : ['/spec/template/spec/terminationGracePeriodSeconds']);
  });

  test('the message names the value, or (unset)', () => {
    expect(check('termination-grace-period', deployment())[0].message).toBe(
      "the pods of Deployment/web have terminationGracePeriodSeconds (unset); set it to at least 10 and longer than the server's graceful shutdown (nginx worker_shutdown_timeout), so in-flight requests finish before SIGKILL.",
    );
    expect(check('termination-grace-period', deployment({ terminationGracePeriodSeconds: 5 }))[0].message).toMatch(/terminationGracePeriodSeconds 5; set it/);
  });
});

describe('Pod Security Standards controls', () => {
  test('each reports only its own Pod Security Standards control, on the object, with the checker\'s path and message', () => {
    const obj = deployment({ hostNetwork: true, securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } }, {
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: true },
    });
    expect(check('pss-host-namespaces', obj)).toEqual([{
      control: 'pss-host-namespaces',
      object: 'Deployment/web',
      path: '/spec/template/spec/hostNetwork',
      message: "hostNetwork is true; pods must not share the host's namespaces. Remove hostNetwork.",
    }]);
    expect(check('pss-privileged', obj).map(v => v.path)).toEqual([`${C0}/securityContext/privileged`]);
    for (const id of ['pss-capabilities', 'pss-seccomp', 'pss-run-as-non-root', 'pss-privilege-escalation', 'pss-host-ports']) expect(check(id, obj)).toEqual([]);
  });

  test('the PSS controls cannot be opted out of; the others can', () => {
    for (const c of CONTROLS) expect(c.pss).toBe(c.id.startsWith('pss-'));
  });
});
