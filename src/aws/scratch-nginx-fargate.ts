import { Annotations, Duration, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ScratchImageAsset } from './scratch-image-asset';
import { NginxImage, requireNginxImage } from '../image/nginx-image';
import { GRACE_MARGIN_SECONDS, ListenerScheme } from '../image/site-plan';
import { kindOf } from '../input/describe';
import { PropReader } from '../input/reader';
import { isUnder } from '../nginx/paths';

/** Name of the task-level volume mounted read-write at the config's runtimeDir. */
const RUNTIME_VOLUME = 'nginx-runtime';

/** Name of the nginx container in the task definition. */
const CONTAINER_NAME = 'nginx';

/** Fargate's longest `stopTimeout`, in seconds. */
const MAX_STOP_TIMEOUT_SECONDS = 120;

/** Fargate's Linux task sizes: cpu units to the allowed memory values in MiB. */
const FARGATE_TASK_SIZES: { [cpu: number]: number[] } = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

/** Problems with a Fargate task size, each saying what is allowed. */
function checkTaskSize(cpu: number, memory: number): string[] {
  if (Token.isUnresolved(cpu) || Token.isUnresolved(memory)) return [];
  const allowed = FARGATE_TASK_SIZES[cpu];
  if (allowed === undefined) {
    return [`cpu ${cpu} is not a Fargate task size; use one of ${Object.keys(FARGATE_TASK_SIZES).join(', ')} (units of 1/1024 vCPU), such as 256.`];
  }
  if (!allowed.includes(memory)) {
    const options = allowed.length <= 4 ? allowed.join(', ') : `${allowed[0]} to ${allowed[allowed.length - 1]} in steps of ${allowed[1] - allowed[0]}`;
    return [`cpu ${cpu} with memoryLimitMiB ${memory} is not a Fargate task size; with cpu ${cpu} use memoryLimitMiB ${options}.`];
  }
  return [];
}

/** Properties of `ScratchNginxFargate`. */
export interface ScratchNginxFargateProps {
  /** The image model: the nginx config (ports, health path, runtimeDir, shutdown timeout), uid/gid and html. */
  readonly image: NginxImage;
  /**
   * The VPC to run in (the load balancer in its public subnets, the tasks in its private ones). Give `vpc` or
   * `cluster`, not both.
   * @default - a new VPC over 2 Availability Zones (public and private subnets, a NAT gateway per zone)
   */
  readonly vpc?: ec2.IVpc;
  /**
   * The ECS cluster to run in (its VPC is used). Give `vpc` or `cluster`, not both.
   * @default - a new cluster in `vpc`
   */
  readonly cluster?: ecs.ICluster;
  /**
   * The image asset, when it is shared or built with its own options. It must be made from `image`.
   * @default - a ScratchImageAsset of `image`, built for `runtimePlatform`'s CPU architecture
   */
  readonly asset?: ScratchImageAsset;
  /**
   * Task CPU units (1024 = 1 vCPU). Must form a Fargate task size with `memoryLimitMiB`.
   * @default 256
   */
  readonly cpu?: number;
  /**
   * Task memory in MiB. Must form a Fargate task size with `cpu`.
   * @default 512
   */
  readonly memoryLimitMiB?: number;
  /**
   * Number of tasks. ECS spreads them over the Availability Zones of the service's subnets.
   * @default 2
   */
  readonly desiredCount?: number;
  /**
   * Ephemeral storage of each task in GiB, from 21 to 200 (the runtime volume and the container's logs live on
   * it). Leave it unset for Fargate's default.
   * @default - Fargate's default of 20 GiB
   */
  readonly ephemeralStorageGiB?: number;
  /**
   * How long CloudWatch Logs keeps nginx's access and error logs.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Whether the Application Load Balancer is internet-facing (else internal to the VPC).
   * @default true
   */
  readonly publicLoadBalancer?: boolean;
  /**
   * A certificate for the load balancer: it then serves HTTPS on 443 (policy `RECOMMENDED_TLS`) and redirects
   * HTTP on 80 to it. This is how the site gets TLS on Fargate: the load balancer terminates it.
   * @default - plain HTTP on 80
   */
  readonly certificate?: acm.ICertificate;
  /**
   * Operating system and CPU architecture of the tasks (Linux only). The default asset is built for the same
   * architecture.
   * @default - Linux on X86_64
   */
  readonly runtimePlatform?: ecs.RuntimePlatform;
}

/**
 * The FROM-scratch nginx on ECS Fargate behind an Application Load Balancer, hardened from the same image
 * model as the Kubernetes workload (`NginxWorkload`). Nothing is built or pushed at synth: the image is a
 * `ScratchImageAsset` (a `DockerImageAsset`) that `cdk deploy` builds and pushes.
 *
 * What it sets, derived from the model: the container runs as the image's `uid:gid`, with a read-only root
 * filesystem, every Linux capability dropped, no init process, not privileged, the image's own `CMD` as the
 * entry point, a port mapping per `listen` port, logs to CloudWatch Logs (awslogs) with a retention, and
 * `stopTimeout` = nginx's `worker_shutdown_timeout` + 10 s (Fargate allows at most 120). The only writable
 * path is a task volume mounted read-write at the config's `runtimeDir`. The load balancer forwards to the
 * first server's port and health-checks its health endpoint (200 only); the service's security group lets
 * only the load balancer in, on that port, and lets out only HTTPS (image pull, logs) and the upstreams'
 * ports. Tasks get no public IP; deployments keep 100% healthy and roll back on failure (circuit breaker).
 *
 * What Fargate cannot express that the Kubernetes workload does:
 * - **seccomp profile selection**: Fargate applies its runtime's default profile; a task definition cannot
 *   choose or verify one (`RuntimeDefault` in the pod).
 * - **NetworkPolicy**: use security groups; this construct's allows only the load balancer in.
 * - **PodDisruptionBudget and topology spread**: ECS spreads tasks over the Availability Zones itself, and
 *   `minHealthyPercent: 100` keeps every task serving during a deployment.
 * - **runAsNonRoot**: the runtime does not refuse a root user; the container's `user` comes from the model
 *   and synth rejects uid or gid 0.
 * - **memory-backed tmpfs**: the runtime volume is a bind mount on the task's disk-backed ephemeral storage,
 *   not an `emptyDir` with `medium: Memory`, and it has no size limit of its own. Fargate creates it owned by
 *   root with mode 0755 unless the image declares a `VOLUME` at that path whose directory belongs to the
 *   runtime user; `NginxImage` always declares one (owned by uid:gid).
 * - **Pod Security Admission**: nothing in ECS refuses a task definition that loosens these settings; only
 *   this construct's checks (and your own, such as AWS Config rules) do.
 * - **a container health check**: the image has no shell and no HTTP client for an ECS `healthCheck` command,
 *   so the container has none; the load balancer's health check on the health endpoint replaces the
 *   readiness probe, and ECS replaces tasks that fail it.
 *
 * TLS: a server with `tls` is rejected, because its certificate comes from a Kubernetes Secret the task
 * cannot mount; give `certificate` so the load balancer terminates HTTPS instead.
 */
export class ScratchNginxFargate extends Construct {
  /** The image model. */
  public readonly image: NginxImage;
  /** The image asset the task runs. */
  public readonly asset: ScratchImageAsset;
  /** The cluster the service runs in. */
  public readonly cluster: ecs.ICluster;
  /** The task definition. */
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  /** The nginx container. */
  public readonly container: ecs.ContainerDefinition;
  /** The log group of the container's stdout and stderr. */
  public readonly logGroup: logs.LogGroup;
  /** The Fargate service. */
  public readonly service: ecs.FargateService;
  /** The service's security group: in from the load balancer only, out to HTTPS and the upstreams' ports. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** The Application Load Balancer. */
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** The load balancer's listener that forwards to the tasks (443 with `certificate`, else 80). */
  public readonly listener: elbv2.ApplicationListener;
  /** The target group of the tasks, on the first server's port. */
  public readonly targetGroup: elbv2.ApplicationTargetGroup;

  constructor(scope: Construct, id: string, props: ScratchNginxFargateProps) {
    super(scope, id);
    const image = requireNginxImage(props, this.node.path);
    const config = image.config;
    this.image = image;

    // Numbers may be AWS CDK tokens (encoded as numbers): only the type is checked here, the values below.
    const reader = new PropReader();
    const numeric = (prop: string, value: unknown, fallback: number): number => {
      if (value === undefined) return fallback;
      if (typeof value === 'number' && !Number.isNaN(value)) return value;
      reader.fail(prop, value, `is ${kindOf(value)}, not a number`, `pass a whole number, such as ${fallback}.`);
      return fallback;
    };
    const cpu = numeric('cpu', props.cpu, 256);
    const memoryLimitMiB = numeric('memoryLimitMiB', props.memoryLimitMiB, 512);
    const desiredCount = numeric('desiredCount', props.desiredCount, 2);
    const ephemeralStorageGiB = props.ephemeralStorageGiB === undefined ? undefined : numeric('ephemeralStorageGiB', props.ephemeralStorageGiB, 21);
    const publicLoadBalancer = reader.boolean('publicLoadBalancer', props.publicLoadBalancer, true);
    const runtimePlatform = props.runtimePlatform ?? {
      operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      cpuArchitecture: ecs.CpuArchitecture.X86_64,
    };

    // Everything is checked before any resource is made: an invalid image cannot become an asset.
    const problems = [...reader.problems, ...image.validate()];
    if (props.vpc && props.cluster) {
      problems.push('give vpc or cluster, not both: the service runs in the cluster\'s VPC.');
    }
    if (props.asset && props.asset.image !== image) {
      problems.push('asset was made from another NginxImage; the container\'s user, ports, volume and health check come from image. Make the asset from the same image, or leave asset unset.');
    }
    problems.push(...checkTaskSize(cpu, memoryLimitMiB));
    if (!Token.isUnresolved(desiredCount) && (!Number.isInteger(desiredCount) || desiredCount < 1)) {
      problems.push(`desiredCount ${desiredCount} must be a whole number >= 1 (2 or more keeps the site up while ECS replaces a task).`);
    }
    const storage = ephemeralStorageGiB;
    if (storage !== undefined && !Token.isUnresolved(storage) && (!Number.isInteger(storage) || storage < 21 || storage > 200)) {
      problems.push(`ephemeralStorageGiB ${storage} must be a whole number from 21 to 200; leave it unset for Fargate's default of 20 GiB.`);
    }
    if (runtimePlatform.operatingSystemFamily && !runtimePlatform.operatingSystemFamily.isLinux()) {
      problems.push('runtimePlatform.operatingSystemFamily must be LINUX: the scratch image holds a Linux nginx.');
    }
    // Every fact below (ports, probe, uid/gid, runtime folder, egress, stop timeout) comes from the plan.
    const plan = image.plan;
    const stopTimeout = plan.gracePeriodSeconds;
    if (stopTimeout > MAX_STOP_TIMEOUT_SECONDS) {
      problems.push(`the stop timeout would be ${stopTimeout} s (workerShutdownTimeoutSeconds ${plan.shutdownTimeoutSeconds} + ${GRACE_MARGIN_SECONDS}), above Fargate's maximum of ${MAX_STOP_TIMEOUT_SECONDS} s; set workerShutdownTimeoutSeconds to ${MAX_STOP_TIMEOUT_SECONDS - GRACE_MARGIN_SECONDS} or less.`);
    }
    for (const server of config.servers.filter(s => s.tls)) {
      problems.push(`server '${server.name}' serves TLS itself, with a certificate from the Kubernetes Secret '${server.tls!.secretName}', which a Fargate task cannot mount, so nginx would not start. `
        + 'Remove tls from the server (listen on plain HTTP, such as 8080) and give ScratchNginxFargate a certificate (acm.ICertificate): the load balancer then terminates HTTPS on 443.');
    }
    if (problems.length > 0) {
      throw new Error(`[${this.node.path}] cannot deploy this nginx to Fargate:\n  ${problems.join('\n  ')}`);
    }

    // A valid configuration has a server, so the plan has a probe: the first server's port and health path.
    const probe = plan.probe!;
    const primaryPort = probe.port;
    const ports = [primaryPort, ...plan.containerPorts.filter(p => p !== primaryPort)];
    const tlsTarget = probe.scheme === ListenerScheme.HTTPS;

    this.asset = props.asset ?? new ScratchImageAsset(this, 'Image', {
      image,
      platform: runtimePlatform.cpuArchitecture?._cpuArchitecture === ecs.CpuArchitecture.ARM64._cpuArchitecture
        ? Platform.LINUX_ARM64 : Platform.LINUX_AMD64,
    });

    if (props.cluster) {
      this.cluster = props.cluster;
    } else {
      const vpc = props.vpc ?? new ec2.Vpc(this, 'Vpc', { maxAzs: 2 });
      this.cluster = new ecs.Cluster(this, 'Cluster', { vpc });
    }
    const vpc = this.cluster.vpc;

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      cpu,
      memoryLimitMiB,
      ephemeralStorageGiB,
      runtimePlatform,
      // A bind mount on the task's ephemeral storage: Fargate has no tmpfs volume.
      volumes: [{ name: RUNTIME_VOLUME }],
    });

    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH });

    const linuxParameters = new ecs.LinuxParameters(this, 'LinuxParameters', { initProcessEnabled: false });
    linuxParameters.dropCapabilities(ecs.Capability.ALL);

    this.container = this.taskDefinition.addContainer(CONTAINER_NAME, {
      containerName: CONTAINER_NAME,
      image: ecs.ContainerImage.fromDockerImageAsset(this.asset.asset),
      // No command or entryPoint: the image's own exec-form CMD starts nginx.
      user: `${plan.uid}:${plan.gid}`,
      readonlyRootFilesystem: true,
      linuxParameters,
      essential: true,
      portMappings: ports.map(p => ({ containerPort: p, protocol: ecs.Protocol.TCP })),
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: CONTAINER_NAME, logGroup: this.logGroup }),
      // The image's STOPSIGNAL is SIGQUIT: nginx finishes open requests for up to worker_shutdown_timeout.
      stopTimeout: Duration.seconds(stopTimeout),
      // No healthCheck: the image has no shell or HTTP client to run one; the load balancer checks instead.
    });
    this.container.addMountPoints({ sourceVolume: RUNTIME_VOLUME, containerPath: plan.runtimeDir, readOnly: false });

    // Out: HTTPS for the image pull and the awslogs driver (both use the task's network interface on
    // Fargate), and the upstreams' ports. The Amazon-provided DNS is not filtered by security groups.
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      allowAllOutbound: false,
      description: `nginx tasks of ${this.node.path}: in from the load balancer only`,
    });
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS: ECR image pull, CloudWatch Logs');
    for (const port of plan.egressPorts.filter(p => p !== 443)) {
      this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(port), `nginx upstream port ${port}`);
    }

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition: this.taskDefinition,
      desiredCount,
      assignPublicIp: false,
      securityGroups: [this.securityGroup],
      circuitBreaker: { enable: true, rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      healthCheckGracePeriod: Duration.seconds(60),
      enableExecuteCommand: false,
    });

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc,
      internetFacing: publicLoadBalancer,
      dropInvalidHeaderFields: true,
    });
    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'TargetGroup', {
      vpc,
      port: primaryPort,
      protocol: tlsTarget ? elbv2.ApplicationProtocol.HTTPS : elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.IP,
      // The load balancer stops sending new requests, then ECS sends SIGQUIT: nginx's own drain is enough.
      deregistrationDelay: Duration.seconds(plan.shutdownTimeoutSeconds),
      healthCheck: {
        path: probe.path,
        protocol: tlsTarget ? elbv2.Protocol.HTTPS : elbv2.Protocol.HTTP,
        healthyHttpCodes: '200',
        interval: Duration.seconds(10),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
      targets: [this.service.loadBalancerTarget({ containerName: CONTAINER_NAME, containerPort: primaryPort })],
    });
    if (props.certificate) {
      this.listener = this.loadBalancer.addListener('Https', {
        port: 443,
        protocol: elbv2.ApplicationProtocol.HTTPS,
        certificates: [props.certificate],
        sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
        open: true,
        defaultTargetGroups: [this.targetGroup],
      });
      this.loadBalancer.addRedirect({
        sourcePort: 80,
        sourceProtocol: elbv2.ApplicationProtocol.HTTP,
        targetPort: 443,
        targetProtocol: elbv2.ApplicationProtocol.HTTPS,
      });
    } else {
      this.listener = this.loadBalancer.addListener('Http', {
        port: 80,
        protocol: elbv2.ApplicationProtocol.HTTP,
        open: true,
        defaultTargetGroups: [this.targetGroup],
      });
    }

    for (const host of upstreamHosts(image).filter(h => /\.cluster\.local\.?$/.test(h))) {
      Annotations.of(this).addWarningV2('cdk8s-scratch-nginx:fargateClusterLocalUpstream',
        `upstream host ${host} is a Kubernetes Service name, which does not resolve in a VPC; use a name the VPC resolves (Cloud Map, a load balancer, a private hosted zone).`);
    }

    this.node.addValidation({
      validate: () => {
        // The container can still be changed after construction (addMountPoints, portMappings).
        const out: string[] = [];
        const writable = this.container.mountPoints.filter(m => !m.readOnly).map(m => m.containerPath);
        for (const w of plan.writablePaths) {
          if (!writable.some(m => isUnder(w.path, m))) {
            out.push(`nginx writes to ${w.path} (${w.directive}) but no read-write volume is mounted there; the container's root filesystem is read-only. Move it under ${plan.runtimeDir}.`);
          }
        }
        const mapped = new Set(this.container.portMappings.map(p => p.containerPort));
        for (const port of plan.containerPorts) {
          if (!mapped.has(port)) out.push(`nginx listens on ${port} but the container has no port mapping for it.`);
        }
        return out;
      },
    });
  }
}

/** Host names of the config's upstream servers. */
function upstreamHosts(image: NginxImage): string[] {
  return [...new Set(image.config.upstreams.flatMap(u => u.servers).map(s => s.slice(0, s.lastIndexOf(':'))))];
}
