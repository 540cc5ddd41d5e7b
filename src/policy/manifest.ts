/**
 * Reading synthesised Kubernetes objects for the controls: kinds, pod templates, containers, label selectors,
 * quantities and image references. Internal: not exported from the package.
 */

/** Kinds with a pod template (or a pod). */
export const POD_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'ReplicationController'];
/** Kinds that run a long-lived, replicated server: replicas, disruption budget and spread apply to them. */
export const REPLICATED_KINDS = ['Deployment', 'StatefulSet'];
/** Kinds that run to completion: no probes. */
export const BATCH_KINDS = ['Job', 'CronJob'];
/** Cluster-scoped kinds: they have no namespace. */
export const CLUSTER_SCOPED_KINDS = [
  'Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'StorageClass', 'PriorityClass',
  'CustomResourceDefinition', 'APIService', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'IngressClass', 'RuntimeClass', 'CSIDriver',
  'CSINode', 'VolumeAttachment', 'CertificateSigningRequest', 'FlowSchema', 'PriorityLevelConfiguration',
];
/**
 * A namespace shared with everything else: `default`, or one Kubernetes reserves for itself (the `kube-`
 * prefix: kube-system, kube-public, kube-node-lease).
 */
export function sharedNamespace(ns: string): boolean {
  return ns === 'default' || ns.startsWith('kube-');
}
/** Topology keys that spread pods over failure domains (the two Polaris accepts). */
export const SPREAD_TOPOLOGY_KEYS = ['kubernetes.io/hostname', 'topology.kubernetes.io/zone'];

/** `Kind/name` of an object. */
export function ref(obj: any): string {
  return `${obj.kind}/${obj.metadata?.name ?? '(unnamed)'}`;
}

/**
 * The namespace an object lands in. An object without `metadata.namespace` goes wherever it is applied
 * (`kubectl apply -n`, or the `default` namespace): for matching a PodDisruptionBudget, NetworkPolicy,
 * ServiceAccount or HorizontalPodAutoscaler to a workload, unset and `default` count as the same namespace.
 */
export function namespaceOf(obj: any): string {
  const ns = obj?.metadata?.namespace;
  return typeof ns === 'string' && ns !== '' ? ns : 'default';
}

/** A workload's pod template: its spec, labels and where they are in the object. */
export interface PodTemplate {
  readonly obj: any;
  readonly spec: any;
  readonly labels: { [key: string]: string };
  /** JSON pointer of the pod spec. */
  readonly base: string;
  /** JSON pointer of the pod metadata. */
  readonly metaBase: string;
}

export function podTemplateOf(obj: any): PodTemplate | undefined {
  if (!POD_KINDS.includes(obj?.kind)) return undefined;
  let meta: any;
  let spec: any;
  let prefix: string;
  if (obj.kind === 'Pod') {
    meta = obj.metadata; spec = obj.spec; prefix = '';
  } else if (obj.kind === 'CronJob') {
    meta = obj.spec?.jobTemplate?.spec?.template?.metadata; spec = obj.spec?.jobTemplate?.spec?.template?.spec; prefix = '/spec/jobTemplate/spec/template';
  } else {
    meta = obj.spec?.template?.metadata; spec = obj.spec?.template?.spec; prefix = '/spec/template';
  }
  if (!spec) return undefined;
  return { obj, spec, labels: meta?.labels ?? {}, base: `${prefix}/spec`, metaBase: `${prefix}/metadata` };
}

export function podTemplates(objects: any[]): PodTemplate[] {
  return objects.map(podTemplateOf).filter((p): p is PodTemplate => p !== undefined);
}

/** One container with where it is. */
export interface ContainerAt {
  readonly c: any;
  /** JSON pointer of the container. */
  readonly path: string;
  /** `container 'name'`, for messages. */
  readonly label: string;
}

/** The containers of a pod spec, from the given lists (init containers first, as they run). */
export function containersOf(pod: PodTemplate, lists: string[] = ['initContainers', 'containers']): ContainerAt[] {
  const out: ContainerAt[] = [];
  for (const list of lists) {
    (pod.spec[list] ?? []).forEach((c: any, i: number) => {
      out.push({ c, path: `${pod.base}/${list}/${i}`, label: `container '${c?.name}'` });
    });
  }
  return out;
}

/**
 * Whether a label selector (`matchLabels` and `matchExpressions`) selects the labels. An empty selector
 * selects everything; a missing one selects nothing.
 */
export function selects(selector: any, labels: { [key: string]: string }): boolean {
  if (selector === undefined || selector === null) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[k] !== v) return false;
  }
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values: string[] = e.values ?? [];
    switch (e.operator) {
      case 'In': if (!has || !values.includes(labels[e.key])) return false; break;
      case 'NotIn': if (has && values.includes(labels[e.key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

/** The objects of one kind in a namespace. */
export function inNamespace(objects: any[], kind: string, namespace: string): any[] {
  return objects.filter(o => o?.kind === kind && namespaceOf(o) === namespace);
}

/** A resource quantity that is missing or zero (`0`, `"0"`, `"0m"`, `"0Mi"`). */
export function missingQuantity(q: any): boolean {
  if (q === undefined || q === null || q === '') return true;
  if (typeof q === 'number') return q === 0;
  const n = parseFloat(String(q));
  return Number.isNaN(n) || n === 0;
}

/** An image reference split into its parts; `tag` and `digest` are undefined when absent. */
export function parseImage(image: string): { tag?: string; digest?: string } {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const colon = name.lastIndexOf(':');
  const tag = colon > name.lastIndexOf('/') ? name.slice(colon + 1) : undefined;
  return { tag: tag === '' ? undefined : tag, digest };
}

export const DIGEST = /^sha256:[0-9a-f]{64}$/;

/**
 * An integer-or-percent value of a PodDisruptionBudget, scaled to `replicas` and rounded up, as the disruption
 * controller does for minAvailable and maxUnavailable alike. Undefined for a value the API server rejects:
 * it takes a non-negative integer or a percentage up to "100%", and no number written as a string ("1").
 */
export function scaled(value: any, replicas: number): number | undefined {
  if (Number.isInteger(value) && value >= 0) return value;
  const percent = typeof value === 'string' ? /^(\d+)%$/.exec(value) : null;
  if (percent && Number(percent[1]) <= 100) return Math.ceil((Number(percent[1]) * replicas) / 100);
  return undefined;
}

