import { isIP } from 'net';
import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { readExposure } from './exposure';
import { HttpRouteOptions, IngressOptions } from './exposure-options';
import { PropReader, ValueMatcher } from '../input/reader';
import { PolicyOptOut } from '../policy/engine';

/** How the nginx configuration reaches the pod. */
export enum ConfigDelivery {
  /** Only the configuration baked into the image (the seed's way): a config change needs a new image. */
  BAKED = 'BAKED',
  /**
   * The same files in two immutable ConfigMaps named by their content hash (nginx.conf; conf.d): `conf.d/`
   * is mounted over the baked one and nginx starts with `-c /etc/nginx/configmap/nginx.conf`. A config
   * change rolls the pods without a rebuild.
   */
  CONFIG_MAP = 'CONFIG_MAP',
}

/** Options of the hardened nginx workload, without the image. */
export interface NginxWorkloadOptions {
  /**
   * Number of pods.
   * @default 2
   */
  readonly replicas?: number;
  /**
   * How the nginx configuration reaches the pod.
   * @default ConfigDelivery.BAKED
   */
  readonly configDelivery?: ConfigDelivery;
  /**
   * Port of the ClusterIP Service for the first plain-HTTP server (a server's own `servicePort` wins).
   * TLS servers are exposed on 443 (the first) or their own port; other plain servers on their own port.
   * @default 80
   */
  readonly servicePort?: number;
  /**
   * The image the pods pull, when it is not the model's `repository:tag` / `repository@digest`: for
   * example a `ScratchImageAsset`'s `imageUri` (an AWS CDK token) in an EKS app.
   * @default - the image model's imageReference
   */
  readonly imageReference?: string;
  /**
   * When the kubelet pulls the image. `Always` re-checks the registry on every start (kube-score, Polaris),
   * so a node never runs a stale or tampered cached copy of a tag; with a digest it only costs a manifest
   * request. Use `IF_NOT_PRESENT` for an image that exists only locally (and opt out of the control).
   * @default kplus.ImagePullPolicy.ALWAYS
   */
  readonly imagePullPolicy?: kplus.ImagePullPolicy;
  /**
   * CPU and memory requests and limits of the nginx container.
   * @default - cpu 100m request / 500m limit, memory 64Mi request / 128Mi limit
   */
  readonly resources?: kplus.ContainerResources;
  /**
   * Size limit of the memory-backed emptyDir mounted at the config's runtimeDir, in MiB. It counts against
   * the container's memory limit.
   * @default 64
   */
  readonly runtimeVolumeMebibytes?: number;
  /**
   * Ephemeral-storage request of the nginx container in MiB (its logs; the root filesystem is read-only).
   * @default 16
   */
  readonly ephemeralStorageRequestMebibytes?: number;
  /**
   * Ephemeral-storage limit of the nginx container in MiB.
   * @default 128
   */
  readonly ephemeralStorageLimitMebibytes?: number;
  /**
   * Who may connect to the server ports (NetworkPolicy ingress peers). Everything else is denied, in and out;
   * egress is open only to DNS and to the ports of the config's upstreams.
   * @default - any source, on the server ports only
   */
  readonly ingressPeers?: NetworkPolicyPeer[];
  /**
   * Create a PodDisruptionBudget (maxUnavailable 1) and spread the pods across nodes.
   * @default true
   */
  readonly highAvailability?: boolean;
  /**
   * Scale with a HorizontalPodAutoscaler on CPU use; `replicas` becomes its minimum.
   * @default - a fixed number of replicas
   */
  readonly autoscaling?: AutoscalingOptions;
  /**
   * Controls of the policy engine (kube-score, Polaris, kubesec, NSA/CISA) this workload does not meet on
   * purpose, each with the reason, which the hardening report records. Pod Security Standards controls
   * cannot be opted out of.
   * @default - none: every control must pass
   */
  readonly policyOptOuts?: PolicyOptOut[];
  /**
   * Create the chart's namespace with Pod Security Admission labels (enforce, audit and warn = restricted,
   * version v1.27), so the API server itself refuses any pod that is not "restricted". The chart must have a
   * namespace.
   * @default false
   */
  readonly createNamespace?: boolean;
  /**
   * An Ingress (networking.k8s.io/v1) to the servers: hosts from their serverNames, TLS from their Secret,
   * the Service port as backend. Checked at synth (a server name that is no host, such as a regex, fails).
   * @default - no Ingress
   */
  readonly ingress?: IngressOptions;
  /**
   * A Gateway API HTTPRoute (gateway.networking.k8s.io/v1) per server, attached to an existing Gateway:
   * hostnames from serverNames, the Service port as backend. TLS is the Gateway listener's (its
   * certificateRefs); a TLS server's port speaks TLS, so the Gateway needs a BackendTLSPolicy to reach it.
   * @default - no HTTPRoute
   */
  readonly httpRoute?: HttpRouteOptions;
}

/** A source allowed to reach nginx: pods by labels (optionally in namespaces by labels), or an address block. */
export interface NetworkPolicyPeer {
  /**
   * Pods with these labels.
   * @default - any pod (when namespaceLabels is set) or not a pod peer
   */
  readonly podLabels?: { [key: string]: string };
  /**
   * Namespaces with these labels (with podLabels: those pods in those namespaces).
   * @default - the workload's own namespace (when podLabels is set)
   */
  readonly namespaceLabels?: { [key: string]: string };
  /**
   * An address block in CIDR notation, for example an ingress controller's or load balancer's range.
   * @default - not an address peer
   */
  readonly cidr?: string;
}

/** HorizontalPodAutoscaler settings. */
export interface AutoscalingOptions {
  /** Most pods. */
  readonly maxReplicas: number;
  /**
   * Average CPU use, in percent of the request, that the autoscaler keeps.
   * @default 70
   */
  readonly cpuUtilizationPercent?: number;
}

/** A Kubernetes label key: an optional DNS-subdomain prefix and '/', then a name of at most 63 characters. */
const LABEL_KEY = /^(?:[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?\/)?[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;
/** A Kubernetes label value: empty, or at most 63 characters of letters, digits, '-', '_', '.', alphanumeric at both ends. */
const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?)?$/;
/** An IPv4 or IPv6 address block: Node's own address parser decides, then the prefix length for the family. */
const CIDR: ValueMatcher = {
  test(value: string): boolean {
    const m = /^([^/]+)\/(0|[1-9]\d{0,2})$/.exec(value);
    if (!m) return false;
    const family = isIP(m[1]);
    return family !== 0 && Number(m[2]) <= (family === 4 ? 32 : 128);
  },
};

/**
 * Every workload option checked before cdk8s or cdk8s-plus sees it, whatever type it arrived as: wrong
 * values become problems (with the prop, the value and the fix) and defaults take their place, so the
 * constructs are always built and the validation reports every problem at once.
 */
export function readWorkloadOptions(props: NginxWorkloadOptions) {
  const reader = new PropReader();
  const p = props as unknown as { [key: string]: unknown };
  const replicas = reader.integer('replicas', p.replicas, 2, { min: 1, max: 10000, example: 2, why: '2 or more keeps the site up during a node drain' });
  const labels = (prop: string, v: unknown) => reader.stringMap(prop, v,
    { pattern: LABEL_KEY, maxLength: 317, example: 'app.kubernetes.io/name', expected: 'a Kubernetes label key' },
    { pattern: LABEL_VALUE, allowEmpty: true, maxLength: 63, example: 'ingress-nginx', expected: 'a Kubernetes label value' });
  const peers = reader.list('ingressPeers', p.ingressPeers, [], (prop, v) => {
    const peer = reader.struct(prop, v ?? null, "{ podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } }");
    if (peer === undefined) return undefined;
    const read: NetworkPolicyPeer = {
      podLabels: peer.podLabels === undefined ? undefined : labels(`${prop}.podLabels`, peer.podLabels),
      namespaceLabels: peer.namespaceLabels === undefined ? undefined : labels(`${prop}.namespaceLabels`, peer.namespaceLabels),
      cidr: reader.optionalString(`${prop}.cidr`, peer.cidr, {
        pattern: CIDR, maxLength: 49, example: '10.0.0.0/8', expected: 'an address block in CIDR notation (an IPv4 or IPv6 address and a prefix length)',
      }),
    };
    if (read.cidr === undefined && read.podLabels === undefined && read.namespaceLabels === undefined) {
      reader.fail(prop, v, 'names no peer', "give podLabels, namespaceLabels or cidr, such as { cidr: '10.0.0.0/8' }.");
      return undefined;
    }
    return read;
  }, "[{ cidr: '10.0.0.0/8' }]");
  const scaling = reader.struct('autoscaling', p.autoscaling, '{ maxReplicas: 10 }');
  const optOuts = reader.list('policyOptOuts', p.policyOptOuts, [], (prop, v) => {
    const o = reader.struct(prop, v ?? null, "{ control: 'image-pull-policy', reason: 'node-local image' }");
    if (o === undefined) return undefined;
    const control = reader.string(`${prop}.control`, o.control ?? null, '', { maxLength: 128, example: 'image-pull-policy', expected: 'a control ID' });
    const reason = reader.string(`${prop}.reason`, o.reason ?? '', '', { allowEmpty: true, maxLength: 1000, example: 'node-local image, no registry', expected: 'the reason, on one line' });
    return control ? { control, reason } : undefined;
  }, "[{ control: 'image-pull-policy', reason: 'node-local image, no registry' }]");
  const before = reader.problems.length;
  const resources = reader.struct('resources', p.resources, '{ cpu: { request: kplus.Cpu.millis(100) } }');
  // cdk8s-plus reads these objects' fields without checking them: each must be what its type says.
  const kinds: Array<[string, (v: unknown) => boolean, string]> = [
    ['cpu', v => v instanceof kplus.Cpu, 'kplus.Cpu.millis(100)'],
    ['memory', v => v instanceof Size, 'Size.mebibytes(64)'],
    ['ephemeralStorage', v => v instanceof Size, 'Size.gibibytes(1)'],
  ];
  for (const [key, ok, example] of kinds) {
    const pair = resources === undefined ? undefined : reader.struct(`resources.${key}`, resources[key], `{ request: ${example} }`);
    for (const end of ['request', 'limit']) {
      if (pair?.[end] !== undefined && !ok(pair[end])) reader.fail(`resources.${key}.${end}`, pair[end], 'is not the right kind of quantity', `use ${example}.`);
    }
  }
  for (const key of Object.keys(resources ?? {}).filter(k => !kinds.some(([name]) => name === k))) {
    reader.fail(`resources.${key}`, resources![key], 'is not a resource this workload sets', 'use cpu, memory or ephemeralStorage.');
  }
  const resourcesOk = reader.problems.length === before;
  return {
    replicas,
    configDelivery: reader.enumValue('configDelivery', p.configDelivery, ConfigDelivery, ConfigDelivery.BAKED),
    servicePort: reader.integer('servicePort', p.servicePort, 80, { min: 1, max: 65535, example: 80 }),
    // An AWS CDK token (`${Token[...]}`) is a string too; the Kubernetes API checks the final reference.
    imageReference: reader.optionalString('imageReference', p.imageReference, { maxLength: 4096, example: 'registry.example.com/web/site:1.0.0', expected: 'an image reference' }),
    imagePullPolicy: reader.enumValue('imagePullPolicy', p.imagePullPolicy, kplus.ImagePullPolicy, kplus.ImagePullPolicy.ALWAYS),
    // Refused resources never reach cdk8s-plus: the defaults stand in until the validation reports why.
    resources: resourcesOk ? resources as kplus.ContainerResources | undefined : undefined,
    runtimeVolumeMebibytes: reader.integer('runtimeVolumeMebibytes', p.runtimeVolumeMebibytes, 64, { min: 1, max: 1048576, example: 64 }),
    ephemeralRequest: reader.integer('ephemeralStorageRequestMebibytes', p.ephemeralStorageRequestMebibytes, 16, { min: 1, max: 1048576, example: 16 }),
    ephemeralLimit: reader.integer('ephemeralStorageLimitMebibytes', p.ephemeralStorageLimitMebibytes, 128, { min: 1, max: 1048576, example: 128 }),
    ingressPeers: p.ingressPeers === undefined ? undefined : peers,
    highAvailability: reader.boolean('highAvailability', p.highAvailability, true),
    autoscaling: scaling === undefined ? undefined : {
      maxReplicas: reader.integer('autoscaling.maxReplicas', scaling.maxReplicas ?? null, replicas, { min: 1, max: 10000, example: 10 }),
      cpuUtilizationPercent: reader.optionalInteger('autoscaling.cpuUtilizationPercent', scaling.cpuUtilizationPercent, { min: 1, max: 1000, example: 70, why: 'percent of the CPU request' }),
    } as AutoscalingOptions,
    policyOptOuts: optOuts as PolicyOptOut[],
    createNamespace: reader.boolean('createNamespace', p.createNamespace, false),
    ingress: readExposure(reader, 'ingress', p.ingress, false).options as IngressOptions | undefined,
    httpRoute: readExposure(reader, 'httpRoute', p.httpRoute, true).options as HttpRouteOptions | undefined,
    problems: reader.problems,
  };
}
