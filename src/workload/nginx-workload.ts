import { createHash } from 'crypto';
import { ApiObject, Chart, Duration, JsonPatch, Names, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ChartReport } from './chart-report';
import { deriveRoutes, httpRouteSpec, ingressSpec } from './exposure';
import { networkPolicySpec } from './network-policy';
import { ConfigDelivery, NginxWorkloadOptions, readWorkloadOptions } from './options';
import { IMAGE_SBOM_PATH, NginxImage, requireNginxImage } from '../image/nginx-image';
import { ListenerScheme } from '../image/site-plan';
import { NGINX_CONF_DIR, isUnder } from '../nginx/paths';
import { AppOutputs } from '../output/app-outputs';
import { CONTROLS } from '../policy/controls';
import { ControlResult, ControlStatus, PolicyOptOut, evaluatePolicy } from '../policy/engine';
import { checkPodSecurityRestricted } from '../policy/pss';
import { WorkloadPolicyResults } from '../policy/report';

/** What a workload's checks found: problems, or (when there are none) its results for the chart report. */
interface WorkloadOutcome {
  readonly problems: string[];
  readonly passed?: WorkloadPolicyResults;
}

/** The Pod Security Standards controls: reported by checkSynthesised, with the fix for this library. */
const PSS_CONTROLS = new Set(CONTROLS.filter(c => c.pss).map(c => c.id));

/** Where the ConfigMap's nginx.conf is mounted with `ConfigDelivery.CONFIG_MAP`. */
const CONFIG_MAP_DIR = `${NGINX_CONF_DIR}/configmap`;

/** Properties of `NginxWorkload`. */
export interface NginxWorkloadProps extends NginxWorkloadOptions {
  /** The image (and through it the nginx config, uid/gid and image reference). */
  readonly image: NginxImage;
}

/**
 * A Deployment and a ClusterIP Service for a FROM-scratch nginx that pass Pod Security Standards
 * "restricted": non-root with the image's uid/gid, read-only root filesystem, no privilege escalation,
 * all capabilities dropped, seccomp RuntimeDefault, no service-account token, resources, and HTTP probes on
 * the config's health endpoint. The only writable path is a memory-backed emptyDir at the config's
 * runtimeDir. Port, uid/gid, writable paths and image reference all come from the image model.
 */
export class NginxWorkload extends Construct {
  /** The Deployment. */
  public readonly deployment: kplus.Deployment;
  /** The ClusterIP Service. */
  public readonly service: kplus.Service;
  /** The ConfigMap holding nginx.conf, with `ConfigDelivery.CONFIG_MAP`. */
  public readonly configMap?: kplus.ConfigMap;
  /** The ConfigMap holding conf.d/*.conf (one key per server), with `ConfigDelivery.CONFIG_MAP`. */
  public readonly serversConfigMap?: kplus.ConfigMap;
  /** The image model this workload runs. */
  public readonly image: NginxImage;
  private warned = false;
  /** The last check: the validation pass it ran in, the manifests it checked, and its outcome. */
  private checked?: { pass: number; state?: string; outcome: WorkloadOutcome };
  /** What the checks need from the props: the problems found while reading them, and the opt-outs. */
  private readonly checkInputs: { problems: string[]; checksImage: boolean; optOuts: PolicyOptOut[] };
  /** The image the container runs: the imageReference option, else the image model's. */
  private readonly runsImage: string;
  /** The workload's own ServiceAccount (no API token). */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** The NetworkPolicy: default deny, ingress on the server ports, egress to DNS and the upstreams. */
  public readonly networkPolicy: ApiObject;
  /** The PodDisruptionBudget, with `highAvailability`. */
  public readonly podDisruptionBudget?: ApiObject;
  /** The HorizontalPodAutoscaler, with `autoscaling`. */
  public readonly autoscaler?: ApiObject;
  /** The Namespace with Pod Security Admission labels, with `createNamespace`. */
  public readonly namespace?: ApiObject;
  /** The Ingress to the servers, when the `ingress` option asks for one. */
  public readonly ingress?: ApiObject;
  /** The HTTPRoutes to the servers (one per server), when the `httpRoute` option asks for them. */
  public readonly httpRoutes: ApiObject[] = [];

  constructor(scope: Construct, id: string, props: NginxWorkloadProps) {
    super(scope, id);
    const image = requireNginxImage(props, this.node.path);
    const config = image.config;
    this.image = image;
    const outputs = AppOutputs.of(this);
    const checksImage = outputs.claimImageValidation(this, image);
    const read = readWorkloadOptions(props);
    this.runsImage = read.imageReference ?? image.plan.imageReference;
    const problems: string[] = [...read.problems];
    const { replicas, servicePort, runtimeVolumeMebibytes: volumeMebibytes, ephemeralRequest, ephemeralLimit, autoscaling } = read;
    if (ephemeralLimit < ephemeralRequest) {
      problems.push(`ephemeralStorageLimitMebibytes ${ephemeralLimit} is below ephemeralStorageRequestMebibytes ${ephemeralRequest}; the limit must be at least the request, such as 16 and 128.`);
    }
    if (autoscaling && autoscaling.maxReplicas < replicas) {
      problems.push(`autoscaling.maxReplicas ${autoscaling.maxReplicas} is below replicas ${replicas}; it must be at least replicas (the autoscaler's minimum).`);
    }
    // Nothing is derived from an invalid config (its validation reports why): the objects get placeholders.
    const configOk = config.validate().length === 0;
    // Every fact below comes from the image's plan: the workload derives none of them itself.
    const plan = image.plan;
    // A configuration without a port is refused by its validation; the container gets a placeholder port
    // so that the Service can still be built (and the synth fails with that validation's message).
    const ports = plan.containerPorts.length > 0 ? plan.containerPorts : [servicePort];
    const probe = plan.probe;
    const probeScheme = probe?.scheme === ListenerScheme.HTTPS ? kplus.ConnectionScheme.HTTPS : kplus.ConnectionScheme.HTTP;

    const runtime = kplus.Volume.fromEmptyDir(this, 'RuntimeVolume', 'nginx-runtime', {
      medium: kplus.EmptyDirMedium.MEMORY,
      sizeLimit: Size.mebibytes(volumeMebibytes),
    });

    const mounts: kplus.VolumeMount[] = [{ path: plan.runtimeDir, volume: runtime }];
    // Each TLS server's certificate: its Kubernetes TLS Secret, read-only, where the config reads it.
    for (const tls of configOk ? plan.tlsMounts : []) {
      const secret = kplus.Secret.fromSecretName(this, `TlsSecret-${tls.server}`, tls.secretName);
      const volume = kplus.Volume.fromSecret(this, `TlsVolume-${tls.server}`, secret, { name: `tls-${tls.server}`, defaultMode: 0o444 });
      mounts.push({ path: tls.mountPath, volume, readOnly: true });
    }
    let command: string[] | undefined;
    if (read.configDelivery === ConfigDelivery.CONFIG_MAP) {
      const files = configOk ? config.files() : [];
      // Two ConfigMaps, each mounted as a whole folder: no subPath (podman does not support it, and it
      // never sees updates) and no items (podman ignores them). conf.d/ replaces the baked one, so a server
      // removed from the config is gone from the pod too; nginx starts with -c on the mounted nginx.conf.
      const main = this.contentNamedConfigMap('Config', files.filter(f => f.path === 'nginx.conf'));
      const servers = this.contentNamedConfigMap('Servers', files.filter(f => f.path.startsWith('conf.d/')));
      this.configMap = main;
      this.serversConfigMap = servers;
      mounts.push(
        { path: CONFIG_MAP_DIR, volume: kplus.Volume.fromConfigMap(this, 'ConfigVolume', main, { name: 'nginx-config', defaultMode: 0o444 }), readOnly: true },
        { path: `${NGINX_CONF_DIR}/conf.d`, volume: kplus.Volume.fromConfigMap(this, 'ServersVolume', servers, { name: 'nginx-conf-d', defaultMode: 0o444 }), readOnly: true },
      );
      command = image.command(`${CONFIG_MAP_DIR}/nginx.conf`);
    }

    // A dedicated identity with no API token: nginx never talks to the Kubernetes API.
    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', { automountToken: false });

    this.deployment = new kplus.Deployment(this, 'Deployment', {
      replicas,
      serviceAccount: this.serviceAccount,
      automountServiceAccountToken: false,
      // nginx stops accepting on SIGQUIT and finishes requests for up to worker_shutdown_timeout; the
      // kubelet waits a little longer before SIGKILL.
      terminationGracePeriod: Duration.seconds(plan.gracePeriodSeconds),
      securityContext: {
        ensureNonRoot: true,
        user: plan.uid,
        group: plan.gid,
      },
      containers: [{
        name: 'nginx',
        image: this.runsImage,
        command,
        imagePullPolicy: read.imagePullPolicy,
        ports: ports.map(p => ({ number: p, name: ports.length > 1 ? `http-${p}` : 'http' })),
        securityContext: {
          ensureNonRoot: true,
          user: plan.uid,
          group: plan.gid,
          readOnlyRootFilesystem: true,
          privileged: false,
          allowPrivilegeEscalation: false,
        },
        resources: read.resources ?? {
          cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) },
          memory: { request: Size.mebibytes(64), limit: Size.mebibytes(128) },
        },
        // A config without a server has no probe target: its validation refuses it, and no probe is made up.
        ...(probe === undefined ? {} : {
          startup: kplus.Probe.fromHttpGet(probe.path,
            { port: probe.port, scheme: probeScheme, periodSeconds: Duration.seconds(1), failureThreshold: 30 }),
          readiness: kplus.Probe.fromHttpGet(probe.path,
            { port: probe.port, scheme: probeScheme, periodSeconds: Duration.seconds(5), failureThreshold: 2 }),
          // Liveness asks less than readiness: is nginx accepting connections at all. A slow page makes the pod
          // unready (no traffic), not killed.
          liveness: kplus.Probe.fromTcpSocket({ port: probe.port, periodSeconds: Duration.seconds(10), failureThreshold: 3 }),
        }),
        volumeMounts: mounts,
      }],
    });

    // cdk8s-plus-27 cannot express these (see FACTS): patch the synthesised object.
    const deploymentObject = ApiObject.of(this.deployment);
    deploymentObject.addJsonPatch(
      JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }),
      JsonPatch.add('/spec/template/spec/containers/0/securityContext/capabilities', { drop: ['ALL'] }),
      // cdk8s-plus-27 only takes whole GiB of ephemeral storage: write MiB with a patch. The generated
      // KubeDeployment maps each resource quantity through `.value` after patching, so the patch gives one.
      JsonPatch.add('/spec/template/spec/containers/0/resources/requests/ephemeral-storage', { value: `${ephemeralRequest}Mi` }),
      JsonPatch.add('/spec/template/spec/containers/0/resources/limits/ephemeral-storage', { value: `${ephemeralLimit}Mi` }),
    );
    const selector = this.deployment.matchLabels;
    if (read.highAvailability) {
      deploymentObject.addJsonPatch(JsonPatch.add('/spec/template/spec/topologySpreadConstraints', [
        { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } },
        { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } },
      ]));
      this.podDisruptionBudget = new ApiObject(this, 'DisruptionBudget', {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
      });
    }
    // The controller that an Ingress or HTTPRoute goes through is a peer of its own.
    const controllers = [...new Set([read.ingress?.controllerNamespace, read.httpRoute?.controllerNamespace]
      .filter((n): n is string => n !== undefined))];
    const peers = controllers.length === 0 ? read.ingressPeers
      : [...(read.ingressPeers ?? []), ...controllers.map(ns => ({ namespaceLabels: { 'kubernetes.io/metadata.name': ns } }))];
    this.networkPolicy = new ApiObject(this, 'NetworkPolicy', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      spec: networkPolicySpec(selector, ports, plan.egressPorts, peers),
    });
    if (read.createNamespace) {
      const namespace = Chart.of(this).namespace;
      if (namespace === undefined) {
        problems.push("createNamespace needs a namespace: give the chart one (new Chart(app, 'site', { namespace: 'web' })).");
      } else {
        const labels: { [key: string]: string } = {};
        for (const mode of ['enforce', 'audit', 'warn']) {
          labels[`pod-security.kubernetes.io/${mode}`] = 'restricted';
          labels[`pod-security.kubernetes.io/${mode}-version`] = 'v1.27';
        }
        this.namespace = new ApiObject(this, 'Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels } });
        // A Namespace is cluster-scoped: it has no namespace of its own.
        this.namespace.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
      }
    }
    if (autoscaling) {
      this.autoscaler = new ApiObject(this, 'Autoscaler', {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.deployment.name },
          minReplicas: replicas,
          maxReplicas: autoscaling.maxReplicas,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: autoscaling.cpuUtilizationPercent ?? 70 } } }],
        },
      });
    }

    this.service = this.deployment.exposeViaService({
      serviceType: kplus.ServiceType.CLUSTER_IP,
      // A config without servers has no port: its validation says so, and the Service gets a placeholder.
      ports: plan.listeners.length > 0
        ? plan.listeners.map(l => ({ port: l.defaultServicePort ? servicePort : l.servicePort!, targetPort: l.port, name: l.serviceName }))
        : [{ port: servicePort, targetPort: ports[0], name: 'http' }],
    });

    // Exposure: derived from the servers, so hosts, Secrets and ports agree with the config and the Service.
    if (read.ingress !== undefined && configOk) {
      const { routes, problems: routeProblems } = deriveRoutes(config, plan, read.ingress, servicePort, 'ingress');
      problems.push(...routeProblems);
      if (routeProblems.length === 0) {
        this.ingress = new ApiObject(this, 'Ingress', {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'Ingress',
          metadata: read.ingress.annotations === undefined ? {} : { annotations: read.ingress.annotations },
          spec: ingressSpec(routes, this.service.name, read.ingress.className),
        });
      }
    }
    if (read.httpRoute !== undefined && configOk) {
      const options = read.httpRoute;
      const { routes, problems: routeProblems } = deriveRoutes(config, plan, options, servicePort, 'httpRoute');
      problems.push(...routeProblems);
      if (routeProblems.length === 0) {
        this.httpRoutes = routes.map(r => new ApiObject(this, `HttpRoute-${r.server}`, {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'HTTPRoute',
          spec: httpRouteSpec(r, this.service.name, options),
        }));
      }
    }

    ChartReport.of(this).register(this);
    this.checkInputs = { problems, checksImage, optOuts: read.policyOptOuts };
    this.node.addValidation({ validate: () => this.check().problems });
  }

  /**
   * The policy results of this workload for its chart's report, or undefined while it does not pass. It
   * reuses the check of the current validation pass when one ran (cdk8s runs no user code within a pass).
   * @internal
   */
  public _policyResults(): WorkloadPolicyResults | undefined {
    const last = this.checked;
    return (last !== undefined && last.pass === AppOutputs.of(this).pass ? last.outcome : this.check()).passed;
  }

  /**
   * The declared SBOM of the image this workload runs, for its chart's report.
   * @internal
   */
  public _declaredSbom(): string {
    return this.image.declaredSbom();
  }

  /**
   * Checks the workload's objects as synthesised now (its own validation always does: the tree may have
   * changed since the last one). Unchanged manifests are not checked again: cdk8s validates the whole app
   * once per chart, and again at each synthesis.
   */
  private check(): WorkloadOutcome {
    const pass = AppOutputs.of(this).pass;
    const { problems, checksImage, optOuts } = this.checkInputs;
    // The image's problems are reported by the first construct using it; nothing is checked or derived from
    // an invalid image here either.
    const imageProblems = this.image.validate();
    const all = [...problems, ...(checksImage ? imageProblems : [])];
    if (all.length > 0 || imageProblems.length > 0) {
      this.checked = { pass, outcome: { problems: all } };
      return this.checked.outcome;
    }
    const apiObjects = this.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
    const objects = apiObjects.map(o => o.toJson());
    const state = JSON.stringify(objects);
    if (this.checked?.state === state) {
      this.checked = { ...this.checked, pass };
      return this.checked.outcome;
    }
    const synthesised = this.checkSynthesised(objects[apiObjects.indexOf(ApiObject.of(this.deployment))]);
    const outcome = synthesised.length > 0 ? { problems: synthesised } : this.checkPolicy(objects, optOuts);
    this.checked = { pass, state, outcome };
    return outcome;
  }

  /**
   * Runs the policy engine over this workload's own objects: failing controls are errors (PSS ones are
   * reported by checkSynthesised) and warnings go to stderr. The results of a passing workload go into its
   * chart's hardening report (`<outdir>/reports/<chart>.md` and `.json`).
   */
  private checkPolicy(objects: any[], optOuts: PolicyOptOut[]): WorkloadOutcome {
    let results: ControlResult[];
    try {
      results = evaluatePolicy(objects, optOuts);
    } catch (e) {
      return { problems: [`policyOptOuts: ${(e as Error).message}`] };
    }
    const errors = results.filter(r => r.status === ControlStatus.FAIL && !PSS_CONTROLS.has(r.control)).map(r =>
      `policy control '${r.control}' (${r.title}; ${r.references.map(x => `${x.source} ${x.check}`).join(', ') || 'this library'}) fails: `
      + `${r.violations.map(v => `${v.object} ${v.path}: ${v.message}`).join(' ')} Fix it, or opt out with policyOptOuts: [{ control: '${r.control}', reason: '...' }].`);
    if (errors.length > 0) return { problems: errors };
    // cdk8s validates twice per synth (App.synth, then each Chart.toJson): warn once.
    const warn = !this.warned;
    this.warned = true;
    // The image's warnings (its config's too), from the first construct that uses the image.
    if (warn && this.checkInputs.checksImage) {
      for (const w of this.image.warnings()) process.stderr.write(`[${this.node.path}] warning: ${w}\n`);
    }
    for (const r of results.filter(x => warn && x.status === ControlStatus.WARN)) {
      const messages = [...new Set(r.violations.map(v => v.message))];
      process.stderr.write(`[${this.node.path}] warning: ${r.control}: ${messages.join(' ')} (${r.violations.map(v => v.object).join(', ')})\n`);
    }
    return { problems: [], passed: { workload: this.node.path, results, facts: this.reportFacts() } };
  }

  /** Facts about the image and config shown in the hardening report. */
  private reportFacts(): { [key: string]: string } {
    const img = this.image;
    const plan = img.plan;
    const base = img.baseImage;
    return {
      // What the container runs; an AWS CDK token (an asset's image URI) is known only at deploy.
      'image': this.runsImage.includes('${Token[') ? `${this.runsImage} (an AWS CDK token: the asset's image URI, known at deploy)` : this.runsImage,
      'image pinned by': this.runsImage.includes('${Token[') ? 'asset (content hash)' : this.runsImage.includes('@sha256:') ? 'digest' : 'tag',
      'base image': base,
      'base image pinned by': base.includes('@sha256:') ? 'digest' : 'tag',
      'nginx version': img.nginxVersion ?? 'unknown (set nginxVersion to check directives against it)',
      'uid:gid': `${plan.uid}:${plan.gid}`,
      'files copied from the base': img.files ? `${img.files.length} (explicit list)` : `ldd closure of ${img.closureRoots.join(', ')}`,
      'package records': 'the owning packages\' records from the base\'s database: /var/lib/dpkg/status.d/ (Debian) or /lib/apk/db/installed (Alpine)',
      'SBOM': `${IMAGE_SBOM_PATH} in the image (CycloneDX 1.5: packages, versions, purls, files); the declared one (base, config, html) beside the build context and this report`,
      'writable paths': plan.writablePaths.map(w => w.path).join(', '),
      'listen ports': plan.containerPorts.join(', '),
    };
  }

  /** The probe path must be an exact location of the probed server that answers 200 (the health endpoint). */
  private checkProbePath(probePath: string): string[] {
    const config = this.image.config;
    const name = this.image.plan.probe?.server;
    const server = config.serverDirectives()[config.servers.findIndex(s => s.name === name)];
    const found = (server?.block ?? []).some(d => d.name === 'location' && d.args[0] === '=' && d.args[1] === probePath
      && (d.block ?? []).some(c => c.name === 'return' && c.args[0] === '200'));
    return found ? [] : [`the probes ask for ${probePath}, but the probed server${name ? ` '${name}'` : ''} has no 'location = ${probePath}' answering 200; keep healthPath as the server's health endpoint.`];
  }

  /** An immutable ConfigMap whose name ends with a hash of its content, so a change rolls the pods. */
  private contentNamedConfigMap(id: string, files: ReadonlyArray<{ path: string; content: string }>): kplus.ConfigMap {
    const data: { [key: string]: string } = {};
    for (const f of files) data[f.path.split('/').pop()!] = f.content;
    const hash = createHash('sha256').update(JSON.stringify(data)).digest('hex').slice(0, 10);
    return new kplus.ConfigMap(this, id, {
      metadata: { name: `${Names.toDnsLabel(this, { maxLen: 40, extra: [id] })}-${hash}` },
      immutable: true,
      data,
    });
  }

  /** Checks the synthesised Deployment (after patches and escape hatches) against PSS and the config. */
  private checkSynthesised(manifest: any): string[] {
    const problems = checkPodSecurityRestricted(manifest)
      .map(v => `Pod Security Standards "restricted", ${v.control} at ${v.path}: ${v.message}`);
    const spec = manifest.spec?.template?.spec ?? {};
    const container = (spec.containers ?? []).find((c: any) => c.name === 'nginx');
    if (!container) {
      return [...problems, "the Deployment has no container named 'nginx' (an escape hatch renamed or removed it); keep the nginx container."];
    }
    const volumes = new Map<string, any>((spec.volumes ?? []).map((v: any) => [v.name, v]));
    const writableMounts: string[] = (container.volumeMounts ?? [])
      .filter((m: any) => !m.readOnly && volumes.get(m.name)?.emptyDir !== undefined)
      .map((m: any) => m.mountPath);
    const plan = this.image.plan;
    for (const w of plan.writablePaths) {
      if (!writableMounts.some(m => isUnder(w.path, m))) {
        problems.push(`nginx writes to ${w.path} (${w.directive}) but no writable emptyDir is mounted there; the container's root filesystem is read-only. Move it under ${plan.runtimeDir}.`);
      }
    }
    const probePaths = new Set([container.readinessProbe, container.livenessProbe, container.startupProbe]
      .map((p: any) => p?.httpGet?.path).filter((x: any) => x !== undefined));
    for (const probePath of probePaths) problems.push(...this.checkProbePath(probePath as string));
    const containerPorts = new Set((container.ports ?? []).map((p: any) => p.containerPort));
    for (const port of plan.containerPorts) {
      if (!containerPorts.has(port)) problems.push(`nginx listens on ${port} but the container does not declare that port; remove the listen or add the port.`);
    }
    return problems;
  }
}
