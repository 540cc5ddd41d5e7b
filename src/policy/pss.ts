/** One Pod Security Standards violation found in a manifest. */
export interface PssViolation {
  /** The PSS control, for example `runAsNonRoot` or `seccompProfile`. */
  readonly control: string;
  /** Which field is wrong, as a JSON path into the object. */
  readonly path: string;
  /** What is wrong and how to fix it. */
  readonly message: string;
}

const ALLOWED_VOLUME_TYPES = ['configMap', 'downwardAPI', 'emptyDir', 'projected', 'secret', 'csi', 'persistentVolumeClaim', 'ephemeral'];
/** Safe sysctls of the baseline profile, Kubernetes 1.27. */
const SAFE_SYSCTLS = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports'];
const SELINUX_TYPES = ['', 'container_t', 'container_init_t', 'container_kvm_t'];
const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'];

/** Where the pod template lives in each workload kind. */
function podSpecOf(obj: any): { spec: any; meta: any; base: string; metaBase: string } | undefined {
  switch (obj?.kind) {
    case 'Pod': return { spec: obj.spec, meta: obj.metadata, base: '/spec', metaBase: '/metadata' };
    case 'Deployment': case 'StatefulSet': case 'DaemonSet': case 'ReplicaSet': case 'Job': case 'ReplicationController':
      return { spec: obj.spec?.template?.spec, meta: obj.spec?.template?.metadata, base: '/spec/template/spec', metaBase: '/spec/template/metadata' };
    case 'CronJob':
      return {
        spec: obj.spec?.jobTemplate?.spec?.template?.spec,
        meta: obj.spec?.jobTemplate?.spec?.template?.metadata,
        base: '/spec/jobTemplate/spec/template/spec',
        metaBase: '/spec/jobTemplate/spec/template/metadata',
      };
    default: return undefined;
  }
}

/**
 * Checks one Kubernetes object against the Pod Security Standards "restricted" profile (which includes
 * "baseline"), version 1.27, the way the API server's admission plugin does. Objects without a pod
 * template (Service, ConfigMap, ...) have no violations.
 */
export function checkPodSecurityRestricted(obj: any): PssViolation[] {
  const pod = podSpecOf(obj);
  if (!pod || !pod.spec) return [];
  const { spec, meta, base, metaBase } = pod;
  const out: PssViolation[] = [];
  const add = (control: string, path: string, message: string) => out.push({ control, path, message });
  const psc = spec.securityContext ?? {};

  // Baseline: host namespaces.
  for (const f of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (spec[f] === true) add('hostNamespaces', `${base}/${f}`, `${f} is true; pods must not share the host's namespaces. Remove ${f}.`);
  }
  // Baseline: volumes; restricted: volume types.
  (spec.volumes ?? []).forEach((v: any, i: number) => {
    const type = Object.keys(v).find(k => k !== 'name');
    if (type === 'hostPath') add('hostPathVolumes', `${base}/volumes/${i}/hostPath`, `volume '${v.name}' is a hostPath; use an emptyDir, configMap, secret or persistentVolumeClaim.`);
    else if (type && !ALLOWED_VOLUME_TYPES.includes(type)) add('volumeTypes', `${base}/volumes/${i}/${type}`, `volume '${v.name}' has type ${type}, which "restricted" does not allow; use one of ${ALLOWED_VOLUME_TYPES.join(', ')}.`);
  });
  // Baseline: sysctls.
  (psc.sysctls ?? []).forEach((s: any, i: number) => {
    if (!SAFE_SYSCTLS.includes(s?.name)) add('sysctls', `${base}/securityContext/sysctls/${i}`, `sysctl ${s?.name} is not in the safe set; remove it.`);
  });
  // Baseline: AppArmor annotations.
  for (const [k, v] of Object.entries(meta?.annotations ?? {})) {
    if (k.startsWith('container.apparmor.security.beta.kubernetes.io/') && v !== 'runtime/default' && !String(v).startsWith('localhost/')) {
      add('appArmor', `${metaBase}/annotations/${k}`, `AppArmor profile ${v} is not allowed; use runtime/default or localhost/<profile>.`);
    }
  }
  const checkSeLinux = (sc: any, path: string) => {
    const o = sc?.seLinuxOptions;
    if (!o) return;
    if (!SELINUX_TYPES.includes(o.type ?? '')) add('seLinux', `${path}/seLinuxOptions/type`, `SELinux type ${o.type} is not allowed; use container_t or leave it unset.`);
    if (o.user !== undefined && o.user !== '') add('seLinux', `${path}/seLinuxOptions/user`, 'SELinux user must not be set.');
    if (o.role !== undefined && o.role !== '') add('seLinux', `${path}/seLinuxOptions/role`, 'SELinux role must not be set.');
  };
  checkSeLinux(psc, `${base}/securityContext`);
  if (psc.windowsOptions?.hostProcess === true) add('hostProcess', `${base}/securityContext/windowsOptions/hostProcess`, 'hostProcess pods are not allowed.');

  // Restricted: pod-level settings that containers may inherit.
  const podNonRoot = psc.runAsNonRoot === true;
  const podSeccomp = psc.seccompProfile?.type;
  if (psc.runAsNonRoot === false) add('runAsNonRoot', `${base}/securityContext/runAsNonRoot`, 'runAsNonRoot is false; set it to true.');
  if (psc.runAsUser === 0) add('runAsUser', `${base}/securityContext/runAsUser`, 'runAsUser is 0 (root); use a non-zero uid such as 65532.');
  if (podSeccomp !== undefined && podSeccomp !== 'RuntimeDefault' && podSeccomp !== 'Localhost') {
    add('seccompProfile', `${base}/securityContext/seccompProfile/type`, `seccompProfile type ${podSeccomp} is not allowed; use RuntimeDefault.`);
  }

  for (const list of CONTAINER_LISTS) {
    (spec[list] ?? []).forEach((c: any, i: number) => {
      const p = `${base}/${list}/${i}`;
      const sc = c.securityContext ?? {};
      const name = `container '${c.name}'`;
      if (sc.privileged === true) add('privileged', `${p}/securityContext/privileged`, `${name} is privileged; remove privileged or set it to false.`);
      (c.ports ?? []).forEach((port: any, j: number) => {
        if (port.hostPort) add('hostPorts', `${p}/ports/${j}/hostPort`, `${name} uses hostPort ${port.hostPort}; remove it and expose the port with a Service.`);
      });
      if (sc.procMount !== undefined && sc.procMount !== 'Default') add('procMount', `${p}/securityContext/procMount`, `${name} sets procMount ${sc.procMount}; remove it.`);
      checkSeLinux(sc, `${p}/securityContext`);
      if (sc.windowsOptions?.hostProcess === true) add('hostProcess', `${p}/securityContext/windowsOptions/hostProcess`, `${name} is a hostProcess container.`);
      const added: string[] = sc.capabilities?.add ?? [];
      for (const cap of added) {
        if (cap !== 'NET_BIND_SERVICE') add('capabilities', `${p}/securityContext/capabilities/add`, `${name} adds capability ${cap}; only NET_BIND_SERVICE may be added.`);
      }
      const dropped: string[] = sc.capabilities?.drop ?? [];
      if (!dropped.includes('ALL')) add('capabilities', `${p}/securityContext/capabilities/drop`, `${name} does not drop ALL capabilities; set capabilities.drop to ["ALL"].`);
      if (sc.allowPrivilegeEscalation !== false) add('allowPrivilegeEscalation', `${p}/securityContext/allowPrivilegeEscalation`, `${name} does not set allowPrivilegeEscalation to false; set it explicitly.`);
      if (sc.runAsNonRoot === false || (!podNonRoot && sc.runAsNonRoot !== true)) {
        add('runAsNonRoot', `${p}/securityContext/runAsNonRoot`, `${name} may run as root; set runAsNonRoot: true on the pod or the container.`);
      }
      if (sc.runAsUser === 0) add('runAsUser', `${p}/securityContext/runAsUser`, `${name} runs as uid 0; use a non-zero uid such as 65532.`);
      const cs = sc.seccompProfile?.type;
      if (cs !== undefined && cs !== 'RuntimeDefault' && cs !== 'Localhost') {
        add('seccompProfile', `${p}/securityContext/seccompProfile/type`, `${name} uses seccomp profile ${cs}; use RuntimeDefault.`);
      } else if (cs === undefined && podSeccomp === undefined) {
        add('seccompProfile', `${p}/securityContext/seccompProfile`, `${name} has no seccomp profile; set seccompProfile.type RuntimeDefault on the pod or the container.`);
      }
    });
  }
  return out;
}

/** Checks synthesised Kubernetes objects against Pod Security Standards. */
export class PodSecurityChecker {
  /**
   * Violations of the "restricted" profile (Kubernetes 1.27) in one object (a Pod or any workload with a
   * pod template); an empty list when it passes or has no pod template.
   *
   * @param manifest the object as JSON, for example `ApiObject.toJson()` or one document of a manifest.
   */
  public static restricted(manifest: any): PssViolation[] {
    return checkPodSecurityRestricted(manifest);
  }

  private constructor() {}
}
