import { PodSecurityChecker, PssViolation, checkPodSecurityRestricted } from '../../src/policy/pss';

/** The three container lists of a pod spec, in the order the checker walks them. */
const LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;
type ContainerList = typeof LISTS[number];

const APPARMOR_KEY = 'container.apparmor.security.beta.kubernetes.io/nginx';

/** A container security context that satisfies "restricted" on its own, minus what the pod provides. */
function restrictedContainerSecurityContext(): any {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    readOnlyRootFilesystem: true,
  };
}

/**
 * A Pod that passes "restricted": runAsNonRoot and seccompProfile at pod level only (so containers
 * inherit them), one container in each of the three lists, allowed volume types, a safe sysctl, an
 * allowed AppArmor annotation and an allowed SELinux type.
 */
function compliantPod(): any {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'web',
      annotations: { [APPARMOR_KEY]: 'runtime/default' },
    },
    spec: {
      hostNetwork: false,
      hostPID: false,
      hostIPC: false,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 65532,
        runAsGroup: 65532,
        seccompProfile: { type: 'RuntimeDefault' },
        seLinuxOptions: { type: 'container_t' },
        sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '1024' }],
      },
      initContainers: [{ name: 'init', image: 'busybox:1.36', securityContext: restrictedContainerSecurityContext() }],
      containers: [{
        name: 'nginx',
        image: 'localhost/scratch-nginx:0.1.0',
        ports: [{ containerPort: 8080, name: 'http' }],
        securityContext: { ...restrictedContainerSecurityContext(), runAsUser: 65532, procMount: 'Default' },
      }],
      ephemeralContainers: [{ name: 'debug', image: 'busybox:1.36', securityContext: restrictedContainerSecurityContext() }],
      volumes: [
        { name: 'runtime', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
        { name: 'config', configMap: { name: 'nginx-config' } },
        { name: 'tls', secret: { secretName: 'tls' } },
        { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
      ],
    },
  };
}

/** A deep copy of the compliant pod with `mutate` applied. */
function mutated(mutate: (pod: any) => void): any {
  const pod = structuredClone(compliantPod());
  mutate(pod);
  return pod;
}

/** The (control, path) pairs of the violations, the part the tests pin exactly. */
function controlsAndPaths(violations: PssViolation[]): Array<{ control: string; path: string }> {
  return violations.map(v => ({ control: v.control, path: v.path }));
}

function containerPath(list: ContainerList): string {
  return `/spec/${list}/0`;
}

/** The single container of a list in the compliant pod. */
function containerOf(pod: any, list: ContainerList): any {
  return pod.spec[list][0];
}

/** One expected violation per container list (pod-level settings that every container inherits). */
function perContainer(control: string, suffix: string): Array<{ control: string; path: string }> {
  return LISTS.map(list => ({ control, path: `${containerPath(list)}${suffix}` }));
}

function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === 'object') {
    Object.values(o as any).forEach(deepFreeze);
    Object.freeze(o);
  }
  return o;
}

describe('compliant baseline', () => {
  test('the compliant Pod has no violations', () => {
    expect(checkPodSecurityRestricted(compliantPod())).toEqual([]);
  });

  test('PodSecurityChecker.restricted gives the same answer as checkPodSecurityRestricted', () => {
    const bad = mutated(p => { p.spec.hostNetwork = true; });
    expect(PodSecurityChecker.restricted(compliantPod())).toEqual([]);
    expect(PodSecurityChecker.restricted(bad)).toEqual(checkPodSecurityRestricted(bad));
    expect(PodSecurityChecker.restricted(bad)).toHaveLength(1);
  });

  test('the checker does not modify its input', () => {
    const bad = deepFreeze(mutated(p => {
      p.spec.hostPID = true;
      delete p.spec.securityContext.seccompProfile;
      delete p.spec.securityContext.runAsNonRoot;
    }));
    // A frozen object throws in strict mode on any write.
    expect(() => checkPodSecurityRestricted(bad)).not.toThrow();
    expect(checkPodSecurityRestricted(bad).length).toBeGreaterThan(0);
  });
});

/** Pod-level rules: [name, mutation, expected (control, path) pairs]. */
const POD_RULES: Array<[string, (pod: any) => void, Array<{ control: string; path: string }>]> = [
  ['hostNetwork: true', p => { p.spec.hostNetwork = true; }, [{ control: 'hostNamespaces', path: '/spec/hostNetwork' }]],
  ['hostPID: true', p => { p.spec.hostPID = true; }, [{ control: 'hostNamespaces', path: '/spec/hostPID' }]],
  ['hostIPC: true', p => { p.spec.hostIPC = true; }, [{ control: 'hostNamespaces', path: '/spec/hostIPC' }]],
  ['a hostPath volume',
    p => { p.spec.volumes.push({ name: 'host', hostPath: { path: '/var/run' } }); },
    [{ control: 'hostPathVolumes', path: '/spec/volumes/4/hostPath' }]],
  ['a gcePersistentDisk volume',
    p => { p.spec.volumes.splice(1, 0, { name: 'disk', gcePersistentDisk: { pdName: 'disk' } }); },
    [{ control: 'volumeTypes', path: '/spec/volumes/1/gcePersistentDisk' }]],
  ['an nfs volume',
    p => { p.spec.volumes.push({ name: 'share', nfs: { server: 'nfs.example.com', path: '/export' } }); },
    [{ control: 'volumeTypes', path: '/spec/volumes/4/nfs' }]],
  ['an unsafe sysctl',
    p => { p.spec.securityContext.sysctls.push({ name: 'kernel.msgmax', value: '65536' }); },
    [{ control: 'sysctls', path: '/spec/securityContext/sysctls/1' }]],
  ['SELinux type spc_t on the pod',
    p => { p.spec.securityContext.seLinuxOptions = { type: 'spc_t' }; },
    [{ control: 'seLinux', path: '/spec/securityContext/seLinuxOptions/type' }]],
  ['SELinux user on the pod',
    p => { p.spec.securityContext.seLinuxOptions.user = 'system_u'; },
    [{ control: 'seLinux', path: '/spec/securityContext/seLinuxOptions/user' }]],
  ['SELinux role on the pod',
    p => { p.spec.securityContext.seLinuxOptions.role = 'system_r'; },
    [{ control: 'seLinux', path: '/spec/securityContext/seLinuxOptions/role' }]],
  ['windows hostProcess on the pod',
    p => { p.spec.securityContext.windowsOptions = { hostProcess: true }; },
    [{ control: 'hostProcess', path: '/spec/securityContext/windowsOptions/hostProcess' }]],
  ['runAsUser 0 on the pod',
    p => { p.spec.securityContext.runAsUser = 0; },
    [{ control: 'runAsUser', path: '/spec/securityContext/runAsUser' }]],
  ['seccompProfile Unconfined on the pod',
    p => { p.spec.securityContext.seccompProfile = { type: 'Unconfined' }; },
    [{ control: 'seccompProfile', path: '/spec/securityContext/seccompProfile/type' }]],
  // runAsNonRoot and seccompProfile are set only at pod level in the baseline, so removing them there
  // leaves every container of every list without them: one violation per container, as PSS reports it.
  ['runAsNonRoot missing on the pod (containers do not set it)',
    p => { delete p.spec.securityContext.runAsNonRoot; },
    perContainer('runAsNonRoot', '/securityContext/runAsNonRoot')],
  ['runAsNonRoot false on the pod',
    p => { p.spec.securityContext.runAsNonRoot = false; },
    [{ control: 'runAsNonRoot', path: '/spec/securityContext/runAsNonRoot' }, ...perContainer('runAsNonRoot', '/securityContext/runAsNonRoot')]],
  ['seccompProfile missing on the pod (containers do not set it)',
    p => { delete p.spec.securityContext.seccompProfile; },
    perContainer('seccompProfile', '/securityContext/seccompProfile')],
];

describe('pod-level rules', () => {
  test.each(POD_RULES)('%s is reported', (_name, mutate, expected) => {
    const violations = checkPodSecurityRestricted(mutated(mutate));
    expect(controlsAndPaths(violations)).toEqual(expected);
    for (const v of violations) expect(v.message.length).toBeGreaterThan(10);
  });

  test('an AppArmor annotation other than runtime/default or localhost/* is reported as appArmor', () => {
    const violations = checkPodSecurityRestricted(mutated(p => { p.metadata.annotations[APPARMOR_KEY] = 'unconfined'; }));
    expect(violations).toHaveLength(1);
    expect(violations[0].control).toBe('appArmor');
    expect(violations[0].path).toMatch(/annotations\/container\.apparmor\.security\.beta\.kubernetes\.io\/nginx$/);
    expect(violations[0].message).toContain('unconfined');
  });

  test('the appArmor path of a Pod is an absolute path like the others', () => {
    const [v] = checkPodSecurityRestricted(mutated(p => { p.metadata.annotations[APPARMOR_KEY] = 'unconfined'; }));
    expect(v.path.startsWith('/metadata/annotations/')).toBe(true);
  });
  test('the appArmor path of a Deployment points into the pod template', () => {
    const [v] = checkPodSecurityRestricted(asWorkload('Deployment', mutated(p => { p.metadata.annotations[APPARMOR_KEY] = 'unconfined'; })));
    expect(v.path.startsWith('/spec/template/metadata/annotations/')).toBe(true);
  });
});

/** Container-level rules: [name, mutation of one container, expected path suffix under the container, control]. */
const CONTAINER_RULES: Array<[string, (c: any) => void, string, string]> = [
  ['privileged: true', c => { c.securityContext.privileged = true; }, '/securityContext/privileged', 'privileged'],
  ['a hostPort', c => { c.ports = [{ containerPort: 8080 }, { containerPort: 8443, hostPort: 8443 }]; }, '/ports/1/hostPort', 'hostPorts'],
  ['procMount Unmasked', c => { c.securityContext.procMount = 'Unmasked'; }, '/securityContext/procMount', 'procMount'],
  ['SELinux type spc_t', c => { c.securityContext.seLinuxOptions = { type: 'spc_t' }; }, '/securityContext/seLinuxOptions/type', 'seLinux'],
  ['SELinux user', c => { c.securityContext.seLinuxOptions = { user: 'system_u' }; }, '/securityContext/seLinuxOptions/user', 'seLinux'],
  ['SELinux role', c => { c.securityContext.seLinuxOptions = { role: 'system_r' }; }, '/securityContext/seLinuxOptions/role', 'seLinux'],
  ['windows hostProcess', c => { c.securityContext.windowsOptions = { hostProcess: true }; }, '/securityContext/windowsOptions/hostProcess', 'hostProcess'],
  ['capabilities.add SYS_ADMIN', c => { c.securityContext.capabilities.add = ['SYS_ADMIN']; }, '/securityContext/capabilities/add', 'capabilities'],
  ['capabilities.drop without ALL', c => { c.securityContext.capabilities.drop = ['NET_RAW']; }, '/securityContext/capabilities/drop', 'capabilities'],
  ['no capabilities at all', c => { delete c.securityContext.capabilities; }, '/securityContext/capabilities/drop', 'capabilities'],
  ['allowPrivilegeEscalation missing', c => { delete c.securityContext.allowPrivilegeEscalation; }, '/securityContext/allowPrivilegeEscalation', 'allowPrivilegeEscalation'],
  ['allowPrivilegeEscalation true', c => { c.securityContext.allowPrivilegeEscalation = true; }, '/securityContext/allowPrivilegeEscalation', 'allowPrivilegeEscalation'],
  ['runAsNonRoot false (pod says true)', c => { c.securityContext.runAsNonRoot = false; }, '/securityContext/runAsNonRoot', 'runAsNonRoot'],
  ['runAsUser 0', c => { c.securityContext.runAsUser = 0; }, '/securityContext/runAsUser', 'runAsUser'],
  ['seccompProfile Unconfined', c => { c.securityContext.seccompProfile = { type: 'Unconfined' }; }, '/securityContext/seccompProfile/type', 'seccompProfile'],
];

const CONTAINER_CASES = LISTS.flatMap(list => CONTAINER_RULES.map(([name, mutate, suffix, control]) =>
  [list, name, mutate, suffix, control] as [ContainerList, string, (c: any) => void, string, string]));

describe('container-level rules, in initContainers, containers and ephemeralContainers', () => {
  test.each(CONTAINER_CASES)('%s: %s is reported', (list, _name, mutate, suffix, control) => {
    const violations = checkPodSecurityRestricted(mutated(p => mutate(containerOf(p, list))));
    expect(controlsAndPaths(violations)).toEqual([{ control, path: `${containerPath(list)}${suffix}` }]);
    // The path names the container; the messages name it too, except the shared SELinux check's.
    if (control !== 'seLinux') expect(violations[0].message).toContain(`'${containerOf(compliantPod(), list).name}'`);
  });

  test('a container without any securityContext is reported for every restricted control it misses', () => {
    const violations = checkPodSecurityRestricted(mutated(p => { delete p.spec.containers[0].securityContext; }));
    expect(controlsAndPaths(violations)).toEqual([
      { control: 'capabilities', path: '/spec/containers/0/securityContext/capabilities/drop' },
      { control: 'allowPrivilegeEscalation', path: '/spec/containers/0/securityContext/allowPrivilegeEscalation' },
    ]);
  });

  test('violations are reported for every container of a list, with its index', () => {
    const violations = checkPodSecurityRestricted(mutated(p => {
      p.spec.containers.push({ name: 'sidecar', image: 'busybox:1.36', securityContext: { ...restrictedContainerSecurityContext(), privileged: true } });
    }));
    expect(controlsAndPaths(violations)).toEqual([{ control: 'privileged', path: '/spec/containers/1/securityContext/privileged' }]);
    expect(violations[0].message).toContain("'sidecar'");
  });
});

describe('allowed values', () => {
  test('capabilities.add NET_BIND_SERVICE is allowed', () => {
    const pod = mutated(p => {
      for (const list of LISTS) containerOf(p, list).securityContext.capabilities = { drop: ['ALL'], add: ['NET_BIND_SERVICE'] };
    });
    expect(checkPodSecurityRestricted(pod)).toEqual([]);
  });

  test('NET_BIND_SERVICE next to another capability reports only the other one', () => {
    const violations = checkPodSecurityRestricted(mutated(p => { p.spec.containers[0].securityContext.capabilities.add = ['NET_BIND_SERVICE', 'NET_RAW']; }));
    expect(controlsAndPaths(violations)).toEqual([{ control: 'capabilities', path: '/spec/containers/0/securityContext/capabilities/add' }]);
    expect(violations[0].message).toContain('NET_RAW');
    expect(violations[0].message).not.toContain('adds capability NET_BIND_SERVICE');
  });

  test('container-level runAsNonRoot and seccompProfile satisfy the rules when the pod sets neither', () => {
    const pod = mutated(p => {
      delete p.spec.securityContext.runAsNonRoot;
      delete p.spec.securityContext.seccompProfile;
      for (const list of LISTS) {
        containerOf(p, list).securityContext.runAsNonRoot = true;
        containerOf(p, list).securityContext.seccompProfile = { type: 'RuntimeDefault' };
      }
    });
    expect(checkPodSecurityRestricted(pod)).toEqual([]);
  });

  test('with neither pod nor container settings, only the container lacking them is reported', () => {
    const violations = checkPodSecurityRestricted(mutated(p => {
      delete p.spec.securityContext.runAsNonRoot;
      delete p.spec.securityContext.seccompProfile;
      for (const list of ['initContainers', 'ephemeralContainers'] as const) {
        containerOf(p, list).securityContext.runAsNonRoot = true;
        containerOf(p, list).securityContext.seccompProfile = { type: 'RuntimeDefault' };
      }
    }));
    expect(controlsAndPaths(violations)).toEqual([
      { control: 'runAsNonRoot', path: '/spec/containers/0/securityContext/runAsNonRoot' },
      { control: 'seccompProfile', path: '/spec/containers/0/securityContext/seccompProfile' },
    ]);
  });

  test('a container RuntimeDefault seccomp does not excuse an Unconfined pod profile', () => {
    const violations = checkPodSecurityRestricted(mutated(p => {
      p.spec.securityContext.seccompProfile = { type: 'Unconfined' };
      for (const list of LISTS) containerOf(p, list).securityContext.seccompProfile = { type: 'RuntimeDefault' };
    }));
    expect(controlsAndPaths(violations)).toEqual([{ control: 'seccompProfile', path: '/spec/securityContext/seccompProfile/type' }]);
  });

  test('seccompProfile Localhost is allowed on the pod and on containers', () => {
    const pod = mutated(p => {
      p.spec.securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'profiles/nginx.json' };
      p.spec.containers[0].securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'profiles/nginx.json' };
    });
    expect(checkPodSecurityRestricted(pod)).toEqual([]);
  });

  test('every volume type "restricted" allows passes', () => {
    const pod = mutated(p => {
      p.spec.volumes = [
        { name: 'a', configMap: { name: 'c' } },
        { name: 'b', downwardAPI: { items: [] } },
        { name: 'c', emptyDir: {} },
        { name: 'd', projected: { sources: [] } },
        { name: 'e', secret: { secretName: 's' } },
        { name: 'f', csi: { driver: 'secrets-store.csi.k8s.io' } },
        { name: 'g', persistentVolumeClaim: { claimName: 'p' } },
        { name: 'h', ephemeral: { volumeClaimTemplate: { spec: {} } } },
      ];
    });
    expect(checkPodSecurityRestricted(pod)).toEqual([]);
  });

  test('every safe sysctl of Kubernetes 1.27 passes', () => {
    const pod = mutated(p => {
      p.spec.securityContext.sysctls = [
        'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start',
        'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports',
      ].map(name => ({ name, value: '1' }));
    });
    expect(checkPodSecurityRestricted(pod)).toEqual([]);
  });

  test.each(['runtime/default', 'localhost/nginx-profile'])('AppArmor %s passes', profile => {
    expect(checkPodSecurityRestricted(mutated(p => { p.metadata.annotations[APPARMOR_KEY] = profile; }))).toEqual([]);
  });

  test('annotations that are not AppArmor annotations are ignored', () => {
    expect(checkPodSecurityRestricted(mutated(p => { p.metadata.annotations['example.com/apparmor'] = 'unconfined'; }))).toEqual([]);
  });

  test.each(['', 'container_t', 'container_init_t', 'container_kvm_t'])('SELinux type %j passes', type => {
    const pod = mutated(p => {
      p.spec.securityContext.seLinuxOptions = { type, user: '', role: '', level: 's0:c123,c456' };
      p.spec.containers[0].securityContext.seLinuxOptions = { type, level: 's0:c123,c456' };
    });
    expect(checkPodSecurityRestricted(pod)).toEqual([]);
  });

  test('hostProcess false, privileged false, procMount Default and hostPort 0 pass', () => {
    const pod = mutated(p => {
      p.spec.securityContext.windowsOptions = { hostProcess: false };
      const c = p.spec.containers[0];
      c.securityContext.windowsOptions = { hostProcess: false };
      c.securityContext.privileged = false;
      c.securityContext.procMount = 'Default';
      c.ports = [{ containerPort: 8080, hostPort: 0 }];
    });
    expect(checkPodSecurityRestricted(pod)).toEqual([]);
  });
});

/** Wraps a pod in a workload's pod template. */
function asWorkload(kind: string, pod: any): any {
  const template = { metadata: pod.metadata, spec: pod.spec };
  if (kind === 'CronJob') {
    return { apiVersion: 'batch/v1', kind, metadata: { name: 'w' }, spec: { schedule: '0 * * * *', jobTemplate: { spec: { template } } } };
  }
  return { apiVersion: 'apps/v1', kind, metadata: { name: 'w' }, spec: { template } };
}

const TEMPLATE_KINDS: Array<[string, string]> = [
  ['Deployment', '/spec/template/spec'],
  ['StatefulSet', '/spec/template/spec'],
  ['DaemonSet', '/spec/template/spec'],
  ['ReplicaSet', '/spec/template/spec'],
  ['ReplicationController', '/spec/template/spec'],
  ['Job', '/spec/template/spec'],
  ['CronJob', '/spec/jobTemplate/spec/template/spec'],
];

describe('where the pod template lives', () => {
  test.each(TEMPLATE_KINDS)('a compliant %s has no violations', kind => {
    expect(checkPodSecurityRestricted(asWorkload(kind, compliantPod()))).toEqual([]);
  });

  test.each(TEMPLATE_KINDS)('%s: violations are found in the template, with paths under %s', (kind, base) => {
    const obj = asWorkload(kind, mutated(p => {
      p.spec.hostNetwork = true;
      p.spec.ephemeralContainers[0].securityContext.privileged = true;
      delete p.spec.securityContext.seccompProfile;
    }));
    expect(controlsAndPaths(checkPodSecurityRestricted(obj))).toEqual([
      { control: 'hostNamespaces', path: `${base}/hostNetwork` },
      { control: 'seccompProfile', path: `${base}/initContainers/0/securityContext/seccompProfile` },
      { control: 'seccompProfile', path: `${base}/containers/0/securityContext/seccompProfile` },
      { control: 'privileged', path: `${base}/ephemeralContainers/0/securityContext/privileged` },
      { control: 'seccompProfile', path: `${base}/ephemeralContainers/0/securityContext/seccompProfile` },
    ]);
  });

  test('the AppArmor annotation is read from the pod template metadata, not the workload metadata', () => {
    const inTemplate = asWorkload('Deployment', mutated(p => { p.metadata.annotations[APPARMOR_KEY] = 'unconfined'; }));
    expect(checkPodSecurityRestricted(inTemplate).map(v => v.control)).toEqual(['appArmor']);
    const onWorkload = asWorkload('Deployment', compliantPod());
    onWorkload.metadata.annotations = { [APPARMOR_KEY]: 'unconfined' };
    expect(checkPodSecurityRestricted(onWorkload)).toEqual([]);
  });

  test('a CronJob is checked at its job template, not at spec.template', () => {
    const cron = asWorkload('CronJob', compliantPod());
    cron.spec.template = { spec: { hostPID: true, containers: [] } };
    expect(checkPodSecurityRestricted(cron)).toEqual([]);
    cron.spec.jobTemplate.spec.template.spec.hostPID = true;
    expect(controlsAndPaths(checkPodSecurityRestricted(cron))).toEqual([{ control: 'hostNamespaces', path: '/spec/jobTemplate/spec/template/spec/hostPID' }]);
  });

  test.each([
    ['Service', { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { type: 'ClusterIP', ports: [{ port: 80, targetPort: 8080 }], hostNetwork: true } }],
    ['ConfigMap', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', annotations: { [APPARMOR_KEY]: 'unconfined' } }, data: { hostPID: 'true' } }],
    ['an object without kind', { spec: { hostNetwork: true, containers: [{ name: 'x', securityContext: { privileged: true } }] } }],
  ])('%s has no violations', (_kind, obj) => {
    expect(checkPodSecurityRestricted(obj)).toEqual([]);
  });

  test.each([
    ['undefined', undefined],
    ['null', null],
    ['a Pod without spec', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } }],
    ['a Deployment without template', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: {} }],
  ])('%s has no violations and does not throw', (_name, obj) => {
    expect(checkPodSecurityRestricted(obj)).toEqual([]);
  });

  test('a pod spec with only containers and no securityContext reports the restricted controls', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bare' }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } };
    expect(controlsAndPaths(checkPodSecurityRestricted(pod))).toEqual([
      { control: 'capabilities', path: '/spec/containers/0/securityContext/capabilities/drop' },
      { control: 'allowPrivilegeEscalation', path: '/spec/containers/0/securityContext/allowPrivilegeEscalation' },
      { control: 'runAsNonRoot', path: '/spec/containers/0/securityContext/runAsNonRoot' },
      { control: 'seccompProfile', path: '/spec/containers/0/securityContext/seccompProfile' },
    ]);
  });
});
