/**
 * The local preview, as data: from what `cdk8s synth` wrote (the manifests and the image build contexts) to
 * one replica of one Deployment run by `podman kube play`, on a locally built image. Pure: the CLI
 * (`cli.ts`) reads the folder, runs the tools and prints; everything it decides is decided here.
 *
 * The preview never changes the synth output. It writes a copy of the Deployment with only what a laptop
 * needs changed: one replica (podman publishes each container port on the host, so a second replica could
 * not bind it), the locally built image with `imagePullPolicy: Never` (no registry), and each container port
 * published on a host port. Everything else (user, read-only root, capabilities, seccomp, probes, volumes)
 * runs as committed.
 */

/** A build context folder of the synth output: `images/<name>/` holding a Dockerfile. */
export interface PreviewContext {
  /** The folder, relative to the synth output. */
  readonly dir: string;
}

/** What the user asked for. */
export interface PreviewRequest {
  /** The Deployment to run (metadata.name); needed when the output has more than one. */
  readonly deployment?: string;
  /** The build context folder (relative to the output); needed when no context matches the image's name. */
  readonly context?: string;
  /** The host port of the first container port (the others keep their distance to it). */
  readonly hostPort?: number;
}

/** One image to build locally. */
export interface PreviewBuild {
  /** The build context folder, relative to the synth output. */
  readonly contextDir: string;
  /** The local tag the preview runs. */
  readonly tag: string;
  /** The image reference of the committed manifest that this build stands in for. */
  readonly replaces: string;
}

/** Everything the CLI needs. */
export interface PreviewPlan {
  /** The Deployment's metadata.name. */
  readonly deployment: string;
  /** The images to build, one per distinct image of the pod's containers. */
  readonly builds: PreviewBuild[];
  /** The objects to give `podman kube play`: the Deployment copy, then the ConfigMaps it mounts. */
  readonly objects: any[];
  /** The host ports published, in the order of the first container's ports. */
  readonly hostPorts: number[];
  /** What to poll until the pod is ready: the readiness probe's HTTP GET on its host port, if it has one. */
  readonly readyUrl?: string;
  /** The address to open. */
  readonly url: string;
}

/** Thrown for what the preview cannot do with the given output; the message says what to change. */
export class PreviewError extends Error {}

const LOCAL_REGISTRY = 'localhost/cdk8s-scratch-nginx-preview';

/** The last path segment of an image reference, without tag or digest: `registry:5000/web/site:1.0@sha256:..` is `site`. */
export function repositoryName(image: string): string {
  const withoutDigest = image.split('@')[0];
  const last = withoutDigest.split('/').pop() ?? '';
  return last.split(':')[0];
}

function isObject(v: unknown): v is { [k: string]: any } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function pickDeployment(objects: any[], wanted?: string): any {
  const deployments = objects.filter(o => isObject(o) && o.kind === 'Deployment' && isObject(o.metadata));
  const names = deployments.map(d => String(d.metadata.name));
  if (wanted !== undefined) {
    const found = deployments.find(d => d.metadata.name === wanted);
    if (!found) throw new PreviewError(`no Deployment named ${JSON.stringify(wanted)} in the synth output; it has: ${names.join(', ') || 'none'}.`);
    return found;
  }
  if (deployments.length === 1) return deployments[0];
  if (deployments.length === 0) throw new PreviewError('the synth output has no Deployment: synthesise an app that uses ScratchNginx or NginxWorkload first (cdk8s synth).');
  throw new PreviewError(`the synth output has ${deployments.length} Deployments (${names.join(', ')}): choose one with --deployment <name>.`);
}

function contextFor(image: string, contexts: PreviewContext[], wanted?: string): string {
  const dirs = contexts.map(c => c.dir);
  if (wanted !== undefined) {
    if (!dirs.includes(wanted)) throw new PreviewError(`--context ${JSON.stringify(wanted)} is not a build context of the synth output; it has: ${dirs.join(', ') || 'none'}.`);
    return wanted;
  }
  const byName = dirs.filter(d => d.split('/').pop() === repositoryName(image));
  if (byName.length === 1) return byName[0];
  if (dirs.length === 1) return dirs[0];
  if (dirs.length === 0) throw new PreviewError('the synth output has no image build context (images/<name>/Dockerfile): the image is built by ScratchImage or ScratchNginx.');
  throw new PreviewError(`no build context is named after the image ${JSON.stringify(image)}; choose one of ${dirs.join(', ')} with --context <folder>.`);
}

function checkPort(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new PreviewError(`host port ${value} must be an integer from 1 to 65535; choose another with --port.`);
  }
  return value;
}

/**
 * Plans the preview of one Deployment of the synth output.
 *
 * @param objects every object of the output's manifests
 * @param contexts the build contexts found in the output
 */
export function planPreview(objects: any[], contexts: PreviewContext[], request: PreviewRequest = {}): PreviewPlan {
  const deployment = pickDeployment(objects, request.deployment);
  const name = String(deployment.metadata.name);
  const template = deployment.spec?.template;
  const pod = template?.spec;
  if (!isObject(pod) || !Array.isArray(pod.containers) || pod.containers.length === 0) {
    throw new PreviewError(`Deployment ${name} has no containers.`);
  }
  // One build per distinct image; init containers use the same images.
  const builds: PreviewBuild[] = [];
  const tagOf = new Map<string, string>();
  for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
    const image = String(c.image);
    if (tagOf.has(image)) continue;
    const contextDir = contextFor(image, contexts, request.context);
    const tag = `${LOCAL_REGISTRY}/${contextDir.split('/').pop()}:preview`;
    tagOf.set(image, tag);
    builds.push({ contextDir, tag, replaces: image });
  }

  const first: any[] = pod.containers[0].ports ?? [];
  const offset = request.hostPort === undefined || first.length === 0 ? 0 : checkPort(request.hostPort) - Number(first[0].containerPort);
  const hostPorts: number[] = [];
  const published = new Map<number, number>();
  const container = (c: any) => {
    const { ports, ...rest } = c;
    const mapped = (ports ?? []).map((p: any) => {
      const hostPort = checkPort(Number(p.containerPort) + offset);
      if (published.has(hostPort)) throw new PreviewError(`two container ports would be published on host port ${hostPort}; choose another --port.`);
      published.set(Number(p.containerPort), hostPort);
      hostPorts.push(hostPort);
      return { ...p, hostPort };
    });
    return { ...rest, image: tagOf.get(String(c.image)), imagePullPolicy: 'Never', ...(mapped.length > 0 ? { ports: mapped } : {}) };
  };

  const secrets = new Set(objects.filter(o => isObject(o) && o.kind === 'Secret').map(o => o.metadata?.name));
  const missing = (pod.volumes ?? []).filter((v: any) => isObject(v.secret) && !secrets.has(v.secret.secretName) && v.secret.optional !== true);
  if (missing.length > 0) {
    const names = missing.map((v: any) => v.secret.secretName).join(', ');
    throw new PreviewError(`Deployment ${name} mounts the Secret ${names}, which the synth output does not hold (TLS certificates are created in the cluster): preview a plain HTTP server, or add the Secret to a chart of the app for the preview.`);
  }
  const configMaps = new Set((pod.volumes ?? []).filter((v: any) => isObject(v.configMap)).map((v: any) => v.configMap.name));

  const copy = {
    ...deployment,
    spec: {
      ...deployment.spec,
      replicas: 1,
      template: {
        ...template,
        spec: {
          ...pod,
          containers: pod.containers.map(container),
          ...(pod.initContainers ? { initContainers: pod.initContainers.map(container) } : {}),
        },
      },
    },
  };
  const mounted = objects.filter(o => isObject(o) && (o.kind === 'ConfigMap' || o.kind === 'Secret') && (configMaps.has(o.metadata?.name) || secrets.has(o.metadata?.name)));

  const probe = pod.containers[0].readinessProbe?.httpGet;
  let readyUrl: string | undefined;
  if (isObject(probe)) {
    const port = published.get(Number(probe.port));
    if (port !== undefined) readyUrl = `${String(probe.scheme ?? 'HTTP').toLowerCase()}://127.0.0.1:${port}${probe.path ?? '/'}`;
  }
  const scheme = isObject(probe) && String(probe.scheme).toUpperCase() === 'HTTPS' ? 'https' : 'http';
  const url = hostPorts.length > 0 ? `${scheme}://localhost:${hostPorts[0]}/` : `(Deployment ${name} declares no container port)`;
  return { deployment: name, builds, objects: [copy, ...mounted], hostPorts, readyUrl, url };
}
