import { control, podControl, pssControl, r } from './build-control';
import { Control, ControlReference, ControlSource } from './control';
import { BATCH_KINDS, CLUSTER_SCOPED_KINDS, DIGEST, POD_KINDS, REPLICATED_KINDS, SPREAD_TOPOLOGY_KEYS, containersOf, inNamespace, missingQuantity, namespaceOf, parseImage, podTemplates, ref, scaled, selects, sharedNamespace } from './manifest';

// ---------------------------------------------------------------------------------------------------------
// The controls
// ---------------------------------------------------------------------------------------------------------

const PSS_CONTROLS: Control[] = [
  pssControl('pss-host-process', 'hostProcess', 'HostProcess', 'No Windows HostProcess pods or containers', []),
  pssControl('pss-host-namespaces', 'hostNamespaces', 'Host Namespaces', "No sharing of the host's network, PID or IPC namespaces", [
    r(ControlSource.POLARIS, 'hostNetworkSet'), r(ControlSource.POLARIS, 'hostPIDSet'), r(ControlSource.POLARIS, 'hostIPCSet'),
    r(ControlSource.KUBESEC, 'HostNetwork'), r(ControlSource.KUBESEC, 'HostPID'), r(ControlSource.KUBESEC, 'HostIPC'),
    r(ControlSource.NSA, 'Share host process namespaces'), r(ControlSource.NSA, 'Use the host network'),
  ]),
  pssControl('pss-privileged', 'privileged', 'Privileged Containers', 'No privileged containers', [
    r(ControlSource.KUBE_SCORE, 'container-security-context-privileged'), r(ControlSource.POLARIS, 'runAsPrivileged'),
    r(ControlSource.KUBESEC, 'Privileged'), r(ControlSource.NSA, 'Preventing privileged containers'),
  ]),
  pssControl('pss-capabilities', 'capabilities', 'Capabilities', 'Capabilities drop ALL and add at most NET_BIND_SERVICE', [
    r(ControlSource.POLARIS, 'dangerousCapabilities'), r(ControlSource.POLARIS, 'insecureCapabilities'),
    r(ControlSource.KUBESEC, 'CapDropAll'), r(ControlSource.KUBESEC, 'CapDropAny'), r(ControlSource.KUBESEC, 'CapSysAdmin'),
  ]),
  pssControl('pss-host-path-volumes', 'hostPathVolumes', 'HostPath Volumes', 'No hostPath volumes', [r(ControlSource.KUBESEC, 'DockerSock')]),
  pssControl('pss-host-ports', 'hostPorts', 'Host Ports', 'No hostPort on container ports', [r(ControlSource.POLARIS, 'hostPortSet')]),
  pssControl('pss-apparmor', 'appArmor', 'AppArmor', 'AppArmor profile, if set, is runtime/default or localhost/*', []),
  pssControl('pss-selinux', 'seLinux', 'SELinux', 'SELinux options, if set, use an allowed type and no user or role', []),
  pssControl('pss-proc-mount', 'procMount', '/proc Mount Type', 'procMount, if set, is Default', []),
  pssControl('pss-seccomp', 'seccompProfile', 'Seccomp', 'Seccomp profile RuntimeDefault or Localhost on the pod or every container', [
    r(ControlSource.KUBE_SCORE, 'container-seccomp-profile'), r(ControlSource.KUBESEC, 'SeccompAny'),
    r(ControlSource.POLARIS, 'linuxHardening'), r(ControlSource.NSA, 'Sets the seccomp profile used to sandbox containers'),
  ]),
  pssControl('pss-sysctls', 'sysctls', 'Sysctls', 'Only the safe sysctls', []),
  pssControl('pss-volume-types', 'volumeTypes', 'Volume Types', 'Only the volume types "restricted" allows', []),
  pssControl('pss-privilege-escalation', 'allowPrivilegeEscalation', 'Privilege Escalation', 'allowPrivilegeEscalation: false on every container', [
    r(ControlSource.POLARIS, 'privilegeEscalationAllowed'), r(ControlSource.KUBESEC, 'AllowPrivilegeEscalation'),
    r(ControlSource.NSA, 'Restricts escalation to root privileges'),
  ]),
  pssControl('pss-run-as-non-root', 'runAsNonRoot', 'Running as Non-root', 'runAsNonRoot: true on the pod or every container', [
    r(ControlSource.POLARIS, 'runAsRootAllowed'), r(ControlSource.KUBESEC, 'RunAsNonRoot'), r(ControlSource.NSA, 'Non-root containers'),
  ]),
  pssControl('pss-run-as-user', 'runAsUser', 'Running as Non-root user', 'runAsUser is not 0', [
    r(ControlSource.NSA, 'Run with root privileges or with root group membership'),
  ]),
];

const readOnlyRootFilesystem = podControl('read-only-root-filesystem', 'Every container has a read-only root filesystem', [
  r(ControlSource.KUBE_SCORE, 'container-security-context-readonlyrootfilesystem'), r(ControlSource.POLARIS, 'notReadOnlyRootFilesystem'),
  r(ControlSource.KUBESEC, 'ReadOnlyRootFilesystem'), r(ControlSource.NSA, 'Immutable container file systems'),
], (pod, add) => {
  for (const { c, path, label } of containersOf(pod)) {
    if (c.securityContext?.readOnlyRootFilesystem !== true) {
      add(pod.obj, `${path}/securityContext/readOnlyRootFilesystem`, `${label} has a writable root filesystem; set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where it must write.`);
    }
  }
});

/** kube-score asks for >= 10000, kubesec for > 10000: both hold above 10000. */
const MIN_ID = 10001;

const highUidGid = podControl('high-uid-gid', `Every container runs with uid and gid >= ${MIN_ID} (pod or container securityContext)`, [
  r(ControlSource.KUBE_SCORE, 'container-security-context-user-group-id'), r(ControlSource.KUBESEC, 'RunAsUser'),
  r(ControlSource.KUBESEC, 'RunAsGroup'),
], (pod, add) => {
  const psc = pod.spec.securityContext ?? {};
  for (const { c, path, label } of containersOf(pod)) {
    for (const [field, what] of [['runAsUser', 'uid'], ['runAsGroup', 'gid']]) {
      const own = c.securityContext?.[field];
      const value = own ?? psc[field];
      if (typeof value === 'number' && value >= MIN_ID) continue;
      const where = own === undefined && psc[field] !== undefined ? `${pod.base}/securityContext/${field}` : `${path}/securityContext/${field}`;
      const now = value === undefined ? `has no ${field}` : `runs with ${what} ${value}`;
      add(pod.obj, where, `${label} ${now}; set ${field} to ${MIN_ID} or more (such as 65532) on the pod or the container, so the ${what} cannot clash with a host account (kube-score wants >= 10000, kubesec > 10000).`);
    }
  }
});

const resources = podControl('resources', 'Every container has cpu and memory requests and limits', [
  r(ControlSource.KUBE_SCORE, 'container-resources'),
  r(ControlSource.POLARIS, 'cpuRequestsMissing'), r(ControlSource.POLARIS, 'cpuLimitsMissing'),
  r(ControlSource.POLARIS, 'memoryRequestsMissing'), r(ControlSource.POLARIS, 'memoryLimitsMissing'),
  r(ControlSource.KUBESEC, 'RequestsCPU'), r(ControlSource.KUBESEC, 'LimitsCPU'),
  r(ControlSource.KUBESEC, 'RequestsMemory'), r(ControlSource.KUBESEC, 'LimitsMemory'),
  r(ControlSource.NSA, 'Resource policies'),
], (pod, add) => {
  for (const { c, path, label } of containersOf(pod)) {
    for (const kind of ['requests', 'limits']) {
      for (const res of ['cpu', 'memory']) {
        if (missingQuantity(c.resources?.[kind]?.[res])) {
          add(pod.obj, `${path}/resources/${kind}/${res}`, `${label} has no ${res} ${kind === 'requests' ? 'request' : 'limit'}; set resources.${kind}.${res} (such as ${res === 'cpu' ? '100m' : '64Mi'}).`);
        }
      }
    }
  }
});

const ephemeralStorage = podControl('ephemeral-storage', 'Every container has an ephemeral-storage request and limit', [
  r(ControlSource.KUBE_SCORE, 'container-ephemeral-storage-request-and-limit'),
], (pod, add) => {
  for (const { c, path, label } of containersOf(pod)) {
    for (const kind of ['requests', 'limits']) {
      if (missingQuantity(c.resources?.[kind]?.['ephemeral-storage'])) {
        add(pod.obj, `${path}/resources/${kind}/ephemeral-storage`, `${label} has no ephemeral-storage ${kind === 'requests' ? 'request' : 'limit'}; set resources.${kind}.ephemeral-storage (such as 64Mi), so logs and writable layers cannot fill the node's disk.`);
      }
    }
  }
});

const NON_BATCH = POD_KINDS.filter(k => !BATCH_KINDS.includes(k));

function probeControl(id: string, field: string, title: string, why: string, references: ControlReference[]): Control {
  return podControl(id, title, references, (pod, add) => {
    for (const { c, path, label } of containersOf(pod, ['containers'])) {
      if (!c[field]) add(pod.obj, `${path}/${field}`, `${label} has no ${field}; ${why}`);
    }
  }, NON_BATCH);
}

const readinessProbe = probeControl('readiness-probe', 'readinessProbe', 'Every container has a readiness probe',
  'add one, so the Service sends traffic only to pods that can answer and a broken rollout stops.', [
    r(ControlSource.KUBE_SCORE, 'pod-probes'), r(ControlSource.POLARIS, 'readinessProbeMissing'),
  ]);
const livenessProbe = probeControl('liveness-probe', 'livenessProbe', 'Every container has a liveness probe',
  'add one (cheaper than readiness, such as a TCP check), so the kubelet restarts a hung process.', [
    r(ControlSource.KUBE_SCORE, 'pod-probes'), r(ControlSource.POLARIS, 'livenessProbeMissing'),
  ]);
const startupProbe = probeControl('startup-probe', 'startupProbe', 'Every container has a startup probe',
  'add one, so slow starts do not trip the liveness probe and readiness is asked only after startup.', []);

/** What a probe asks, ignoring timings: two probes with the same key ask the same question. */
function probeKey(probe: any, container: any): string | undefined {
  const port = (p: any) => {
    if (typeof p !== 'string') return String(p);
    const named = (container.ports ?? []).find((x: any) => x.name === p);
    return named ? String(named.containerPort) : p;
  };
  if (probe.httpGet) return `http ${port(probe.httpGet.port)} ${probe.httpGet.path ?? '/'}`;
  if (probe.tcpSocket) return `tcp ${port(probe.tcpSocket.port)}`;
  if (probe.grpc) return `grpc ${probe.grpc.port} ${probe.grpc.service ?? ''}`;
  if (probe.exec) return `exec ${JSON.stringify(probe.exec.command ?? [])}`;
  return undefined;
}

const probesDiffer = podControl('probes-differ', 'Readiness and liveness probes of a container ask different things', [
  r(ControlSource.KUBE_SCORE, 'pod-probes'),
], (pod, add) => {
  for (const { c, path, label } of containersOf(pod, ['containers'])) {
    if (!c.readinessProbe || !c.livenessProbe) continue;
    const key = probeKey(c.readinessProbe, c);
    if (key !== undefined && key === probeKey(c.livenessProbe, c)) {
      add(pod.obj, `${path}/livenessProbe`, `${label} has the same readiness and liveness check (${key}); a slow or overloaded pod then gets restarted instead of just taken out of the Service. Make liveness cheaper (such as tcpSocket on the port) or drop it.`);
    }
  }
}, NON_BATCH);

/** The HorizontalPodAutoscaler that scales a workload, if any. */
function autoscalerOf(objects: any[], obj: any): any {
  return inNamespace(objects, 'HorizontalPodAutoscaler', namespaceOf(obj)).find(h => h.spec?.scaleTargetRef?.kind === obj.kind
    && h.spec?.scaleTargetRef?.name === obj.metadata?.name);
}

/** The number of pods a workload runs when not scaled out: HPA minReplicas, else spec.replicas (default 1). */
function baseReplicas(objects: any[], obj: any): number {
  const hpa = autoscalerOf(objects, obj);
  return hpa ? hpa.spec?.minReplicas ?? 1 : obj.spec?.replicas ?? 1;
}

const replicas = control('replicas', 'Deployments and StatefulSets run at least 2 replicas', [
  r(ControlSource.KUBE_SCORE, 'deployment-replicas'), r(ControlSource.POLARIS, 'deploymentMissingReplicas'),
], (objects, add) => {
  for (const obj of objects.filter(o => REPLICATED_KINDS.includes(o?.kind))) {
    const hpa = autoscalerOf(objects, obj);
    const n = baseReplicas(objects, obj);
    if (n >= 2) continue;
    if (hpa) add(hpa, '/spec/minReplicas', `the autoscaler of ${ref(obj)} may scale it to ${n} pod; set minReplicas to 2 or more so a node drain or a crash does not take the site down.`);
    else add(obj, '/spec/replicas', `${ref(obj)} runs ${n} replica; set replicas to 2 or more so a node drain or a crash does not take the site down.`);
  }
});

const podDisruptionBudget = control('pod-disruption-budget', 'A policy/v1 PodDisruptionBudget selects each Deployment/StatefulSet and allows at least one eviction', [
  r(ControlSource.KUBE_SCORE, 'deployment-has-poddisruptionbudget'), r(ControlSource.KUBE_SCORE, 'statefulset-has-poddisruptionbudget'),
  r(ControlSource.KUBE_SCORE, 'poddisruptionbudget-has-policy'), r(ControlSource.POLARIS, 'missingPodDisruptionBudget'),
  r(ControlSource.POLARIS, 'pdbDisruptionsIsZero'),
], (objects, add) => {
  for (const pod of podTemplates(objects).filter(p => REPLICATED_KINDS.includes(p.obj.kind))) {
    const budgets = inNamespace(objects, 'PodDisruptionBudget', namespaceOf(pod.obj)).filter(b => selects(b.spec?.selector, pod.labels));
    if (budgets.length === 0) {
      add(pod.obj, `${pod.metaBase}/labels`, `no PodDisruptionBudget in namespace '${namespaceOf(pod.obj)}' selects the pods of ${ref(pod.obj)}; add a policy/v1 PodDisruptionBudget with selector.matchLabels ${JSON.stringify(pod.labels)} and maxUnavailable: 1, so a node drain keeps the other pods running.`);
      continue;
    }
    const n = baseReplicas(objects, pod.obj);
    for (const b of budgets) {
      if (b.apiVersion !== 'policy/v1') {
        add(b, '/apiVersion', `${ref(b)} uses ${b.apiVersion}; use policy/v1 (policy/v1beta1 is gone since Kubernetes 1.25).`);
      }
      // null is unset, as in the API.
      const maxUnavailable = b.spec?.maxUnavailable ?? undefined;
      const minAvailable = b.spec?.minAvailable ?? undefined;
      const invalid = [['maxUnavailable', maxUnavailable], ['minAvailable', minAvailable]].find(([, v]) => v !== undefined && scaled(v, n) === undefined);
      if (maxUnavailable === undefined && minAvailable === undefined) {
        add(b, '/spec', `${ref(b)} sets neither minAvailable nor maxUnavailable; set maxUnavailable: 1.`);
      } else if (maxUnavailable !== undefined && minAvailable !== undefined) {
        add(b, '/spec', `${ref(b)} sets both minAvailable and maxUnavailable, which the API server rejects; keep only maxUnavailable: 1.`);
      } else if (invalid) {
        add(b, `/spec/${invalid[0]}`, `${ref(b)} has ${invalid[0]} ${JSON.stringify(invalid[1])}, which the API server rejects; use a non-negative integer (1, not "1") or a percentage up to 100% (such as "50%").`);
      } else if (maxUnavailable !== undefined && scaled(maxUnavailable, n) === 0) {
        add(b, '/spec/maxUnavailable', `${ref(b)} has maxUnavailable ${JSON.stringify(maxUnavailable)}: no pod of ${ref(pod.obj)} can ever be evicted, so node drains hang; set maxUnavailable: 1.`);
      } else if (minAvailable !== undefined && scaled(minAvailable, n)! >= n) {
        add(b, '/spec/minAvailable', `${ref(b)} has minAvailable ${JSON.stringify(minAvailable)} with ${n} replicas: no pod of ${ref(pod.obj)} can be evicted, so node drains hang; use maxUnavailable: 1 (or minAvailable below the replica count).`);
      }
    }
  }
});

const spread = podControl('spread', 'Deployments/StatefulSets spread their pods over nodes (topologySpreadConstraints or host podAntiAffinity selecting the pods)', [
  r(ControlSource.KUBE_SCORE, 'deployment-has-host-podantiaffinity'), r(ControlSource.KUBE_SCORE, 'statefulset-has-host-podantiaffinity'),
  r(ControlSource.KUBE_SCORE, 'pod-topology-spread-constraints'), r(ControlSource.POLARIS, 'topologySpreadConstraint'),
], (pod, add) => {
  let spreads = false;
  (pod.spec.topologySpreadConstraints ?? []).forEach((t: any, i: number) => {
    const p = `${pod.base}/topologySpreadConstraints/${i}`;
    if (!t.labelSelector) add(pod.obj, `${p}/labelSelector`, `topology spread constraint ${i} has no labelSelector, so it counts no pods; set labelSelector.matchLabels to the pod labels.`);
    else if (!(t.maxSkew >= 1)) add(pod.obj, `${p}/maxSkew`, `topology spread constraint ${i} has maxSkew ${t.maxSkew}; set it to 1.`);
    else if (!t.topologyKey) add(pod.obj, `${p}/topologyKey`, `topology spread constraint ${i} has no topologyKey; use kubernetes.io/hostname or topology.kubernetes.io/zone.`);
    else if (!['DoNotSchedule', 'ScheduleAnyway'].includes(t.whenUnsatisfiable)) add(pod.obj, `${p}/whenUnsatisfiable`, `topology spread constraint ${i} has whenUnsatisfiable ${t.whenUnsatisfiable}; use ScheduleAnyway or DoNotSchedule.`);
    else if (SPREAD_TOPOLOGY_KEYS.includes(t.topologyKey) && selects(t.labelSelector, pod.labels)) spreads = true;
  });
  const anti = pod.spec.affinity?.podAntiAffinity ?? {};
  const terms = [
    ...(anti.requiredDuringSchedulingIgnoredDuringExecution ?? []),
    ...(anti.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((x: any) => x.podAffinityTerm ?? {}),
  ];
  if (terms.some((t: any) => t.topologyKey === 'kubernetes.io/hostname' && selects(t.labelSelector, pod.labels))) spreads = true;
  if (!spreads) {
    add(pod.obj, `${pod.base}/topologySpreadConstraints`, `the pods of ${ref(pod.obj)} may all land on one node; add topologySpreadConstraints (maxSkew 1, topologyKey kubernetes.io/hostname, whenUnsatisfiable ScheduleAnyway, labelSelector.matchLabels ${JSON.stringify(pod.labels)}) or a podAntiAffinity on kubernetes.io/hostname selecting them.`);
  }
}, REPLICATED_KINDS);

/**
 * The policy types a NetworkPolicy restricts. Without policyTypes the API server defaults them: Ingress, and
 * Egress too when the policy has egress rules.
 */
function policyTypesOf(np: any): string[] {
  const declared: string[] = np.spec?.policyTypes ?? [];
  if (declared.length > 0) return declared;
  return (np.spec?.egress ?? []).length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

const networkPolicy = control('network-policy', 'A NetworkPolicy with policyTypes Ingress and Egress selects every pod, and every NetworkPolicy selects a pod', [
  r(ControlSource.KUBE_SCORE, 'pod-networkpolicy'), r(ControlSource.KUBE_SCORE, 'networkpolicy-targets-pod'),
  r(ControlSource.POLARIS, 'missingNetworkPolicy'), r(ControlSource.NSA, 'Network policies'),
], (objects, add) => {
  const pods = podTemplates(objects);
  for (const pod of pods) {
    const ns = namespaceOf(pod.obj);
    const matching = inNamespace(objects, 'NetworkPolicy', ns).filter(np => selects(np.spec?.podSelector ?? {}, pod.labels));
    if (matching.length === 0) {
      add(pod.obj, `${pod.metaBase}/labels`, `no NetworkPolicy in namespace '${ns}' selects the pods of ${ref(pod.obj)}; add one with podSelector.matchLabels ${JSON.stringify(pod.labels)}, policyTypes [Ingress, Egress] and only the traffic the pods need.`);
      continue;
    }
    const types = new Set(matching.flatMap(policyTypesOf));
    for (const type of ['Ingress', 'Egress'].filter(t => !types.has(t))) {
      add(matching[0], '/spec/policyTypes', `no NetworkPolicy selecting the pods of ${ref(pod.obj)} lists policyType ${type}, so all ${type.toLowerCase()} traffic is allowed; add ${type} to policyTypes with the ${type.toLowerCase()} rules the pods need.`);
    }
  }
  for (const np of objects.filter(o => o?.kind === 'NetworkPolicy')) {
    if (!pods.some(p => namespaceOf(p.obj) === namespaceOf(np) && selects(np.spec?.podSelector ?? {}, p.labels))) {
      add(np, '/spec/podSelector', `${ref(np)} selects no pod of these objects; fix podSelector to the workload's pod labels or remove it.`);
    }
  }
});

const serviceType = control('service-type', 'No NodePort or LoadBalancer Service (expose through an Ingress or Gateway)', [
  r(ControlSource.KUBE_SCORE, 'service-type'),
], (objects, add) => {
  for (const svc of objects.filter(o => o?.kind === 'Service')) {
    const type = svc.spec?.type;
    if (type === 'NodePort' || type === 'LoadBalancer') {
      add(svc, '/spec/type', `${ref(svc)} is a ${type} Service, which opens a port on every node${type === 'LoadBalancer' ? ' and an external load balancer' : ''} outside the NetworkPolicy's reach; use ClusterIP behind an Ingress or Gateway, or opt out with the reason.`);
    }
  }
});

const imageTag = podControl('image-tag', 'Every image is pinned: a tag other than latest, or a digest', [
  r(ControlSource.KUBE_SCORE, 'container-image-tag'), r(ControlSource.POLARIS, 'tagNotSpecified'),
], (pod, add) => {
  for (const { c, path, label } of containersOf(pod)) {
    // An unresolved AWS CDK token (a DockerImageAsset's imageUri) becomes a content-hash tag at deploy time.
    if (String(c.image ?? '').includes('${Token[')) continue;
    const { tag, digest } = parseImage(String(c.image ?? ''));
    if (digest === undefined && (tag === undefined || tag === 'latest')) {
      add(pod.obj, `${path}/image`, `${label} uses image '${c.image}' ${tag ? 'with the latest tag' : 'without a tag'}, which changes under you; pin a version tag and a digest (repository:1.2.3@sha256:...).`);
    }
  }
});

const imageDigest = podControl('image-digest', 'Every image is pinned by digest (@sha256:...)', [], (pod, add) => {
  for (const { c, path, label } of containersOf(pod)) {
    // A DockerImageAsset's imageUri (an AWS CDK token) is tagged with the asset's content hash.
    if (String(c.image ?? '').includes('${Token[')) continue;
    const { digest } = parseImage(String(c.image ?? ''));
    if (digest === undefined || !DIGEST.test(digest)) {
      add(pod.obj, `${path}/image`, `${label} uses image '${c.image}' without a sha256 digest, so a re-pushed tag changes what runs; reference it as repository@sha256:... with the 64-hex digest the registry returned on push.`);
    }
  }
});
/** Digests are known only after a push: a tag-only image is a warning, `latest` or no tag an error (image-tag). */
const imageDigestAdvisory: Control = { ...imageDigest, advisory: true };

const imagePullPolicy = podControl('image-pull-policy', 'Every container sets imagePullPolicy: Always', [
  r(ControlSource.KUBE_SCORE, 'container-image-pull-policy'), r(ControlSource.POLARIS, 'pullPolicyNotAlways'),
], (pod, add) => {
  for (const { c, path, label } of containersOf(pod)) {
    if (c.imagePullPolicy !== 'Always') {
      add(pod.obj, `${path}/imagePullPolicy`, `${label} has imagePullPolicy ${c.imagePullPolicy ?? '(unset)'}; set Always so the registry re-checks the pull credentials on every start (with a digest the image cannot change), or opt out with the reason (such as a node-local image).`);
    }
  }
});

/** The service account a pod runs as. */
function serviceAccountName(spec: any): string | undefined {
  const name = spec.serviceAccountName ?? spec.serviceAccount;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

const automountToken = podControl('automount-token', 'No service-account token is mounted (automountServiceAccountToken: false)', [
  r(ControlSource.POLARIS, 'automountServiceAccountToken'), r(ControlSource.KUBESEC, 'AutomountServiceAccountToken'),
  r(ControlSource.NSA, 'Protecting Pod service account tokens'),
], (pod, add, objects) => {
  const own = pod.spec.automountServiceAccountToken;
  if (own === false) return;
  const saName = serviceAccountName(pod.spec) ?? 'default';
  const sa = inNamespace(objects, 'ServiceAccount', namespaceOf(pod.obj)).find(s => s.metadata?.name === saName);
  if (own === undefined && sa?.automountServiceAccountToken === false) return;
  add(pod.obj, `${pod.base}/automountServiceAccountToken`, `the pods of ${ref(pod.obj)} get a Kubernetes API token (automountServiceAccountToken is ${own === undefined ? 'unset' : own}${own === undefined ? `, and ServiceAccount '${saName}' here does not set it to false` : ''}); set automountServiceAccountToken: false on the pod spec.`);
});

const serviceAccount = podControl('service-account', "Pods run as their own ServiceAccount, not 'default'", [
  r(ControlSource.KUBESEC, 'ServiceAccountName'),
], (pod, add) => {
  const name = serviceAccountName(pod.spec);
  if (name === undefined || name === 'default') {
    add(pod.obj, `${pod.base}/serviceAccountName`, `the pods of ${ref(pod.obj)} run as the namespace's 'default' ServiceAccount, which other workloads share and RBAC may have been granted to; create a ServiceAccount for this workload and set serviceAccountName.`);
  }
});

/**
 * Every namespaced object names a namespace other than `default` and the `kube-*` ones. An object without
 * `metadata.namespace` fails: where it lands depends on how it is applied. Set the chart's `namespace`.
 */
const namespace = control('namespace', "No object is put in 'default' or a kube-* namespace", [
  r(ControlSource.NSA, 'Namespaces'),
], (objects, add) => {
  for (const obj of objects) {
    if (!obj?.kind || CLUSTER_SCOPED_KINDS.includes(obj.kind)) continue;
    const ns = obj.metadata?.namespace;
    if (typeof ns === 'string' && sharedNamespace(ns)) {
      add(obj, '/metadata/namespace', `the object is in namespace '${ns}', shared with everything else; use a namespace of its own, with its own NetworkPolicies, quotas and Pod Security level.`);
    }
  }
});

/** An unset namespace is chosen at apply time (`kubectl -n`): a recommendation, not a failure. */
const namespaceSet: Control = {
  ...control('namespace-set', 'Every namespaced object sets metadata.namespace', [r(ControlSource.NSA, 'Namespaces')], (objects, add) => {
    for (const obj of objects) {
      if (!obj?.kind || CLUSTER_SCOPED_KINDS.includes(obj.kind)) continue;
      const ns = obj.metadata?.namespace;
      if (typeof ns !== 'string' || ns === '') {
        add(obj, '/metadata/namespace', 'metadata.namespace is unset, so the object lands in whatever namespace it is applied to (often default); set the namespace of the cdk8s Chart (or metadata.namespace) to a namespace used only by this application.');
      }
    }
  }),
  advisory: true,
};

const MIN_GRACE_SECONDS = 10;

const terminationGracePeriod = podControl('termination-grace-period', `terminationGracePeriodSeconds is set and at least ${MIN_GRACE_SECONDS}`, [], (pod, add) => {
  const g = pod.spec.terminationGracePeriodSeconds;
  if (typeof g !== 'number' || g < MIN_GRACE_SECONDS) {
    add(pod.obj, `${pod.base}/terminationGracePeriodSeconds`, `the pods of ${ref(pod.obj)} have terminationGracePeriodSeconds ${g ?? '(unset)'}; set it to at least ${MIN_GRACE_SECONDS} and longer than the server's graceful shutdown (nginx worker_shutdown_timeout), so in-flight requests finish before SIGKILL.`);
  }
});

/** Every control, Pod Security Standards first, in report order. */
export const CONTROLS: ReadonlyArray<Control> = [
  ...PSS_CONTROLS,
  readOnlyRootFilesystem,
  highUidGid,
  resources,
  ephemeralStorage,
  readinessProbe,
  livenessProbe,
  startupProbe,
  probesDiffer,
  replicas,
  podDisruptionBudget,
  spread,
  networkPolicy,
  serviceType,
  imageTag,
  imageDigestAdvisory,
  imagePullPolicy,
  automountToken,
  serviceAccount,
  namespace,
  namespaceSet,
  terminationGracePeriod,
];

/** The control with this ID, or undefined. */
export function findControl(id: string): Control | undefined {
  return CONTROLS.find(c => c.id === id);
}
