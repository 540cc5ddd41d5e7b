import type { NginxImage } from './nginx-image';
import type { WritablePath } from '../nginx/config-props';

/**
 * The derived plan of one nginx site: every fact that more than one output needs, computed once from the
 * image model (and its sealed config). The Dockerfile, the nginx config's consumers, `NginxWorkload`,
 * `ScratchNginxFargate`, the NetworkPolicy and the hardening report all read these values; none of them
 * derives a port, a path or an id on its own.
 *
 * Get it with `NginxImage.plan`.
 */

/** How a listener is spoken to. */
export enum ListenerScheme {
  /** Plain HTTP. */
  HTTP = 'HTTP',
  /** HTTPS: nginx terminates TLS with the server's certificate. */
  HTTPS = 'HTTPS',
}

/** One port nginx listens on, and how the Service exposes it. */
export interface PlannedListener {
  /** The container port. */
  readonly port: number;
  /** HTTP or HTTPS. */
  readonly scheme: ListenerScheme;
  /**
   * The typed server that listens here, if any; a `listen` added by hand (escape hatch) has none.
   * @default - added by hand
   */
  readonly server?: string;
  /**
   * The Service port: the server's `servicePort`, else 80 for the first plain server, 443 for the first
   * TLS server and the container port for the others.
   * @default - not exposed by the Service (a `listen` added by hand)
   */
  readonly servicePort?: number;
  /**
   * Whether `servicePort` is the default of the first plain server, which `NginxWorkload`'s
   * `servicePort` option replaces.
   */
  readonly defaultServicePort: boolean;
  /** The port's name in the Service: `http`, `https`, `http-<port>` or `https-<port>`. */
  readonly serviceName: string;
}

/** What the probes ask: the health endpoint of the first server the kubelet can reach. */
export interface PlannedProbe {
  /** The server the probes ask (the first one not bound to a loopback address nor expecting the PROXY protocol). */
  readonly server: string;
  /** The container port. */
  readonly port: number;
  /** The health endpoint (an exact location answering 200). */
  readonly path: string;
  /** HTTP or HTTPS. */
  readonly scheme: ListenerScheme;
}

/** A TLS server's certificate: a Kubernetes TLS Secret mounted read-only where nginx reads it. */
export interface PlannedTlsMount {
  /** The server's name. */
  readonly server: string;
  /** The Secret (type kubernetes.io/tls) with tls.crt and tls.key. */
  readonly secretName: string;
  /** The folder nginx reads tls.crt and tls.key from. */
  readonly mountPath: string;
}

/** The derived plan of one nginx site (see `NginxImage.plan`). */
export interface SitePlan {
  /** The reference the workload pulls (`repository@digest` or `repository:tag`). */
  readonly imageReference: string;
  /** The runtime uid: the image's USER, the pod's runAsUser, /etc/passwd. */
  readonly uid: number;
  /** The runtime gid. */
  readonly gid: number;
  /** The one writable folder: the image's VOLUME, the pod's emptyDir, Fargate's bind mount. */
  readonly runtimeDir: string;
  /** Every path nginx writes to at run time; each is under `runtimeDir` in a valid config. */
  readonly writablePaths: WritablePath[];
  /** Every TCP port nginx listens on, sorted: EXPOSE, container ports, NetworkPolicy ingress. */
  readonly containerPorts: number[];
  /** The listeners the Service exposes (the typed servers), first server first; one per container port. */
  readonly listeners: PlannedListener[];
  /**
   * The probes' target: the port, health path and scheme of the first server the kubelet can reach (on every
   * interface, without the PROXY protocol).
   * @default - none: a configuration without such a server, which its validation refuses
   */
  readonly probe?: PlannedProbe;
  /** The TLS servers' certificate mounts. */
  readonly tlsMounts: PlannedTlsMount[];
  /** TCP ports of the upstream servers, sorted: the NetworkPolicy's and security group's egress. */
  readonly egressPorts: number[];
  /** Seconds nginx lets open requests finish after SIGQUIT (its worker_shutdown_timeout); a load balancer's drain. */
  readonly shutdownTimeoutSeconds: number;
  /** Seconds between SIGQUIT and SIGKILL: `shutdownTimeoutSeconds` plus 10. */
  readonly gracePeriodSeconds: number;
}

/** Seconds the kubelet (or ECS) waits beyond nginx's own graceful-shutdown timeout before SIGKILL. */
export const GRACE_MARGIN_SECONDS = 10;

function deepFreeze<T>(value: T): T {
  // null and every primitive count as frozen.
  if (!Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}

/**
 * Derives the plan of an image. Pure: the same image gives an equal plan; the result is deeply frozen.
 * Not exported from the package: read it through `NginxImage.plan`, which derives it once.
 */
export function deriveSitePlan(image: NginxImage): SitePlan {
  const config = image.config;
  const listeners: PlannedListener[] = [];
  let plainTaken = false;
  let tlsTaken = false;
  for (const s of config.servers.filter(x => x.exposed)) {
    s.ports.forEach((port, i) => {
      if (listeners.some(l => l.port === port)) return;
      const scheme = s.tls ? ListenerScheme.HTTPS : ListenerScheme.HTTP;
      // A server's additional ports are never the default Service port of its scheme.
      const first = i === 0 && (s.tls ? !tlsTaken : !plainTaken);
      if (i === 0 && s.tls) tlsTaken = true; else if (i === 0) plainTaken = true;
      const role = s.tls ? 'https' : 'http';
      listeners.push({
        port,
        scheme,
        server: s.name,
        servicePort: i === 0 ? s.servicePort ?? (first ? (s.tls ? 443 : 80) : port) : port,
        defaultServicePort: first && !s.tls && s.servicePort === undefined,
        serviceName: first ? role : `${role}-${port}`,
      });
    });
  }
  const primary = config.servers.find(x => x.probeable);
  const egress = new Set<number>();
  for (const u of config.upstreams) {
    for (const server of u.servers) {
      const port = Number(server.split(':').pop());
      if (Number.isInteger(port)) egress.add(port);
    }
  }
  return deepFreeze({
    imageReference: image.imageReference,
    uid: image.uid,
    gid: image.gid,
    runtimeDir: config.runtimeDir,
    writablePaths: config.writablePaths(),
    containerPorts: config.listenPorts(),
    listeners,
    probe: primary === undefined ? undefined : {
      server: primary.name,
      port: primary.port,
      path: primary.healthPath,
      scheme: primary.tls ? ListenerScheme.HTTPS : ListenerScheme.HTTP,
    },
    tlsMounts: config.servers.filter(s => s.tls !== undefined).map(s => ({
      server: s.name,
      secretName: s.tls!.secretName,
      mountPath: s.certificateDir!,
    })),
    egressPorts: [...egress].sort((a, b) => a - b),
    shutdownTimeoutSeconds: config.workerShutdownTimeoutSeconds,
    gracePeriodSeconds: config.workerShutdownTimeoutSeconds + GRACE_MARGIN_SECONDS,
  });
}
