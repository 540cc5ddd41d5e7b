import { Directive, walkDirectives } from './directive';
import { ConfigFinding, Severity } from './findings';
import { NGINX_CONF_DIR, checkAbsolutePath, isUnder } from './paths';
import { checkDirectiveShape, renderDirectives } from './render';
import { NginxServer, NginxServerOptions, checkPort } from './server';
import { checkVariables } from './variables';

/** The seed's `main` access-log format. */
export const MAIN_LOG_FORMAT = '$remote_addr - $remote_user [$time_local] "$request" '
  + '$status $body_bytes_sent "$http_referer" '
  + '"$http_user_agent" "$http_x_forwarded_for"';

/** The five temp paths nginx writes request and upstream bodies to. */
const TEMP_PATHS: ReadonlyArray<[string, string]> = [
  ['client_body_temp_path', 'client_temp'],
  ['proxy_temp_path', 'proxy_temp'],
  ['fastcgi_temp_path', 'fastcgi_temp'],
  ['uwsgi_temp_path', 'uwsgi_temp'],
  ['scgi_temp_path', 'scgi_temp'],
];

/** Directives whose first argument is a path nginx writes to at run time. */
const WRITING_DIRECTIVES = new Set([
  'pid', 'lock_file',
  ...TEMP_PATHS.map(([d]) => d),
  'proxy_cache_path', 'fastcgi_cache_path', 'uwsgi_cache_path', 'scgi_cache_path',
  'access_log', 'error_log',
]);

/** Directives the library sets that nginx accepts only once per block. */
const SINGLE_DIRECTIVES = new Set([
  'pid', 'worker_processes', 'worker_connections', 'sendfile', 'keepalive_timeout', 'server_tokens',
  'absolute_redirect', 'default_type', 'root', ...TEMP_PATHS.map(([d]) => d),
]);

const ERROR_LOG_LEVELS = ['debug', 'info', 'notice', 'warn', 'error', 'crit', 'alert', 'emerg'];

/** Log targets that are not files on the container's filesystem. */
const STREAM_LOG_TARGETS = new Set(['off', 'stderr', '/dev/stdout', '/dev/stderr']);

/** One rendered configuration file, relative to the nginx configuration directory. */
export interface ConfigFile {
  /** Path relative to `/etc/nginx`, for example `nginx.conf` or `conf.d/default.conf`. */
  readonly path: string;
  /** File content. */
  readonly content: string;
}

/** A path nginx writes to, and the directive that makes it write there. */
export interface WritablePath {
  /** Absolute path. */
  readonly path: string;
  /** The directive that names it. */
  readonly directive: string;
}

/** Properties of an nginx configuration. */
export interface NginxConfigProps {
  /**
   * `worker_processes`.
   * @default 'auto'
   */
  readonly workerProcesses?: string;
  /**
   * `worker_connections` in the `events` block.
   * @default 1024
   */
  readonly workerConnections?: number;
  /**
   * The one writable directory: the pid file and the five `*_temp_path` live here. The workload mounts a
   * memory-backed emptyDir at this path; everything else stays read-only.
   * @default '/dev/shm'
   */
  readonly runtimeDir?: string;
  /**
   * `keepalive_timeout` in seconds.
   * @default 65
   */
  readonly keepaliveTimeoutSeconds?: number;
  /**
   * Level of the error log (to stderr): debug, info, notice, warn, error, crit, alert or emerg.
   * `notice` also logs start-up and the signal of each shutdown.
   * @default 'warn'
   */
  readonly errorLogLevel?: string;
  /**
   * Whether requests are logged (the seed's `main` format, to /dev/stdout).
   * @default true
   */
  readonly accessLog?: boolean;
  /**
   * Dynamic modules to load (`load_module`), as absolute paths in the base image. The image copies each
   * module and its shared-library closure.
   * @default - no dynamic modules
   */
  readonly modules?: string[];
  /**
   * Servers, each rendered to `conf.d/<name>.conf`. More can be added with `addServer`.
   * @default - one server named 'default' with the defaults of `NginxServerOptions`
   */
  readonly servers?: NginxServerOptions[];
}

/**
 * An nginx configuration for a non-root container on a read-only root filesystem: `nginx.conf` plus one
 * `conf.d/<name>.conf` per server, rendered from a tree of directives.
 *
 * A plain class, not a construct: one value can be shared by many charts, stacks and images.
 */
export class NginxConfig {
  /** The writable directory (pid file, temp paths). */
  public readonly runtimeDir: string;
  /** `worker_processes`. */
  public readonly workerProcesses: string;
  /** `worker_connections`. */
  public readonly workerConnections: number;
  /** `keepalive_timeout` in seconds. */
  public readonly keepaliveTimeoutSeconds: number;
  /** Level of the error log. */
  public readonly errorLogLevel: string;
  /** Whether access logging is on. */
  public readonly accessLog: boolean;
  /** Dynamic modules loaded with `load_module`. */
  public readonly modules: string[];

  private readonly serverList: NginxServer[] = [];
  private readonly mainExtra: Directive[] = [];
  private readonly eventsExtra: Directive[] = [];
  private readonly httpExtra: Directive[] = [];

  constructor(props: NginxConfigProps = {}) {
    this.runtimeDir = props.runtimeDir ?? '/dev/shm';
    this.workerProcesses = props.workerProcesses ?? 'auto';
    this.workerConnections = props.workerConnections ?? 1024;
    this.keepaliveTimeoutSeconds = props.keepaliveTimeoutSeconds ?? 65;
    this.errorLogLevel = props.errorLogLevel ?? 'warn';
    this.accessLog = props.accessLog ?? true;
    this.modules = [...(props.modules ?? [])];
    for (const s of props.servers ?? [{ name: 'default' }]) {
      this.addServer(s);
    }
  }

  /** The servers, in the order they were added. */
  public get servers(): NginxServer[] {
    return [...this.serverList];
  }

  /** Adds a server rendered to `conf.d/<name>.conf`. */
  public addServer(options: NginxServerOptions): NginxServer {
    const server = new NginxServer(options);
    this.serverList.push(server);
    return server;
  }

  /** Escape hatch: adds a directive to the main context of `nginx.conf`. */
  public addMainDirective(directive: Directive): NginxConfig {
    this.mainExtra.push(directive);
    return this;
  }

  /** Escape hatch: adds a directive to the `events` block. */
  public addEventsDirective(directive: Directive): NginxConfig {
    this.eventsExtra.push(directive);
    return this;
  }

  /** Escape hatch: adds a directive to the `http` block (before the `include` of conf.d). */
  public addHttpDirective(directive: Directive): NginxConfig {
    this.httpExtra.push(directive);
    return this;
  }

  /** The port of the first server: the one the workload probes and exposes first. */
  public get primaryPort(): number {
    const first = this.serverList[0];
    if (!first) {
      throw new Error('NginxConfig has no server: add one with addServer({ name: ... }).');
    }
    return first.port;
  }

  /** The health endpoint of the first server. */
  public get healthPath(): string {
    const first = this.serverList[0];
    if (!first) {
      throw new Error('NginxConfig has no server: add one with addServer({ name: ... }).');
    }
    return first.healthPath;
  }

  /** The directives of `nginx.conf`. */
  public mainTree(): Directive[] {
    const p = (name: string) => `${this.runtimeDir.replace(/\/+$/, '')}/${name}`;
    return [
      ...this.modules.map(m => Directive.of('load_module', m)),
      Directive.of('worker_processes', this.workerProcesses),
      Directive.of('pid', p('nginx.pid')),
      Directive.of('error_log', 'stderr', this.errorLogLevel),
      ...this.mainExtra,
      Directive.withBlock('events', [], [
        Directive.of('worker_connections', String(this.workerConnections)),
        ...this.eventsExtra,
      ]),
      Directive.withBlock('http', [], [
        Directive.of('include', `${NGINX_CONF_DIR}/mime.types`),
        Directive.of('default_type', 'application/octet-stream'),
        Directive.of('log_format', 'main', MAIN_LOG_FORMAT),
        this.accessLog ? Directive.of('access_log', '/dev/stdout', 'main') : Directive.of('access_log', 'off'),
        Directive.of('sendfile', 'on'),
        Directive.of('keepalive_timeout', String(this.keepaliveTimeoutSeconds)),
        Directive.of('server_tokens', 'off'),
        Directive.of('absolute_redirect', 'off'),
        ...TEMP_PATHS.map(([d, dir]) => Directive.of(d, p(dir))),
        ...this.httpExtra,
        Directive.of('include', `${NGINX_CONF_DIR}/conf.d/*.conf`),
      ]),
    ];
  }

  /** The whole configuration as one tree: `nginx.conf` with each server placed in `http`. */
  public effectiveTree(): Directive[] {
    const servers = this.serverList.map(s => s.toDirective());
    return this.mainTree().map(d => (d.name === 'http' && d.block
      ? Directive.withBlock('http', d.args, [...d.block, ...servers])
      : d));
  }

  /** The rendered files: `nginx.conf` and `conf.d/<name>.conf` per server. */
  public files(): ConfigFile[] {
    const header = '# Generated by cdk8s-scratch-nginx from a typed model. Do not edit by hand.\n';
    return [
      { path: 'nginx.conf', content: header + renderDirectives(this.mainTree()) },
      ...this.serverList.map(s => ({
        path: `conf.d/${s.name}.conf`,
        content: header + renderDirectives([s.toDirective()]),
      })),
    ];
  }

  /** Every path the configuration makes nginx write to at run time (files, directories, sockets). */
  public writablePaths(): WritablePath[] {
    const found: WritablePath[] = [];
    walkDirectives(this.effectiveTree(), d => {
      const target = d.args[0];
      if (WRITING_DIRECTIVES.has(d.name) && target !== undefined) {
        if ((d.name === 'access_log' || d.name === 'error_log')
          && (STREAM_LOG_TARGETS.has(target) || target.startsWith('syslog:') || target.startsWith('memory:'))) {
          return;
        }
        found.push({ path: target, directive: d.name });
      }
      if (d.name === 'listen' && target?.startsWith('unix:')) {
        found.push({ path: target.slice('unix:'.length), directive: 'listen' });
      }
    });
    return found;
  }

  /** Every TCP port some `listen` directive names, sorted and without duplicates. */
  public listenPorts(): number[] {
    const ports = new Set<number>();
    walkDirectives(this.effectiveTree(), d => {
      if (d.name === 'listen' && d.args[0] !== undefined) {
        const port = parseListenPort(d.args[0]);
        if (port !== undefined) ports.add(port);
      }
    });
    return [...ports].sort((a, b) => a - b);
  }

  /**
   * Findings of the tree checks (variables, directive placement, security), errors and warnings, each
   * with its check id, where it is and how to fix it.
   */
  public findings(): ConfigFinding[] {
    const tree = this.effectiveTree();
    return [...checkVariables(tree)];
  }

  /** Problems with this configuration, each saying what is wrong and how to fix it. */
  public validate(): string[] {
    const problems: string[] = [];
    for (const f of this.findings().filter(x => x.severity === Severity.ERROR)) {
      problems.push(`${f.where}: ${f.message} [${f.check}]`);
    }
    problems.push(...checkAbsolutePath(this.runtimeDir, 'runtimeDir', "'/dev/shm'"));
    const runtimeExample = this.runtimeDir.startsWith('/') ? `'${this.runtimeDir}/...'` : "'/dev/shm/...'";
    if (this.runtimeDir === '/') {
      problems.push("runtimeDir is '/': the root filesystem is read-only; use a dedicated directory such as '/dev/shm'.");
    }
    if (!Number.isInteger(this.workerConnections) || this.workerConnections < 1) {
      problems.push(`workerConnections ${this.workerConnections} must be a positive whole number, such as 1024.`);
    }
    if (!/^(auto|[1-9][0-9]*)$/.test(this.workerProcesses)) {
      problems.push(`workerProcesses ${JSON.stringify(this.workerProcesses)} must be 'auto' or a positive whole number.`);
    }
    if (!ERROR_LOG_LEVELS.includes(this.errorLogLevel)) {
      problems.push(`errorLogLevel ${JSON.stringify(this.errorLogLevel)} is not an nginx log level; use one of ${ERROR_LOG_LEVELS.join(', ')}.`);
    }
    if (!Number.isInteger(this.keepaliveTimeoutSeconds) || this.keepaliveTimeoutSeconds < 0) {
      problems.push(`keepaliveTimeoutSeconds ${this.keepaliveTimeoutSeconds} must be a whole number of seconds >= 0.`);
    }
    for (const m of this.modules) {
      problems.push(...checkAbsolutePath(m, 'module', "'/usr/lib/nginx/modules/ngx_http_image_filter_module.so'"));
    }
    if (this.serverList.length === 0) {
      problems.push("the configuration has no server; add one with addServer({ name: 'default' }) (the probes need a port and a health path).");
    }
    const byFile = new Map<string, number>();
    const byPortAndName = new Map<string, string>();
    const defaultByPort = new Map<number, string>();
    for (const s of this.serverList) {
      problems.push(...s.validate());
      byFile.set(s.name, (byFile.get(s.name) ?? 0) + 1);
      for (const n of s.serverNames) {
        // nginx compares host names case-insensitively.
        const key = `${s.port} ${n.toLowerCase()}`;
        const other = byPortAndName.get(key);
        if (other !== undefined) {
          problems.push(`servers '${other}' and '${s.name}' both answer for '${n}' on port ${s.port}; nginx ignores the second ("conflicting server name"). Give one of them another server name or another port.`);
        }
        byPortAndName.set(key, s.name);
      }
      if (s.defaultServer) {
        const other = defaultByPort.get(s.port);
        if (other !== undefined) {
          problems.push(`servers '${other}' and '${s.name}' are both the default_server of port ${s.port}; nginx refuses to start. Keep defaultServer on one of them.`);
        }
        defaultByPort.set(s.port, s.name);
      }
    }
    for (const [name, count] of byFile) {
      if (count > 1) {
        problems.push(`${count} servers are named '${name}' and would all write conf.d/${name}.conf; give each server its own name.`);
      }
    }
    problems.push(...checkDirectiveShape(this.effectiveTree(), 'nginx.conf'));
    const typedListens = new Set(this.serverList.map(s => String(s.port)));
    walkDirectives(this.effectiveTree(), d => {
      if (d.block) {
        const seen = new Set<string>();
        for (const child of d.block) {
          if (SINGLE_DIRECTIVES.has(child.name) && seen.has(child.name)) {
            problems.push(`'${child.name}' is set twice in the '${d.name}' block, which nginx refuses ("directive is duplicate"); the library already sets it: change it through the typed props instead of adding it again.`);
          }
          seen.add(child.name);
        }
      }
      // The typed servers' own listen lines are checked by their port above.
      if (d.name === 'listen' && d.args[0] !== undefined && !d.args[0].startsWith('unix:') && !typedListens.has(d.args[0])) {
        const port = parseListenPort(d.args[0]);
        if (port === undefined) {
          problems.push(`listen ${JSON.stringify(d.args[0])} names no port, so nginx listens on 80, which a non-root nginx cannot bind; add a port >= 1024, such as '8080'.`);
        }
      }
      if (d.name === 'user') {
        problems.push("the 'user' directive has no effect in a non-root container (nginx ignores it with a warning); remove it and set the image's uid/gid instead.");
      }
    });
    const typedPorts = new Set(this.serverList.map(s => s.port));
    for (const port of this.listenPorts().filter(x => !typedPorts.has(x))) {
      problems.push(...checkPort(port, 'listen (added with addDirective)'));
    }
    for (const w of this.writablePaths()) {
      problems.push(...checkAbsolutePath(w.path, `${w.directive}`, runtimeExample));
      if (w.path.startsWith('/') && !isUnder(w.path, this.runtimeDir)) {
        problems.push(`${w.directive} writes to ${w.path}, which is on the read-only root filesystem (only ${this.runtimeDir} is writable); move it under ${this.runtimeDir}${w.directive.endsWith('_log') ? ', or log to /dev/stdout or stderr' : ''}.`);
      }
    }
    return problems;
  }
}

/** The TCP port of a `listen` argument (`8080`, `*:8080`, `[::]:8080`, `127.0.0.1:8080`), if it names one. */
export function parseListenPort(arg: string): number | undefined {
  if (arg.startsWith('unix:')) return undefined;
  const m = /^(?:.*:)?(\d+)$/.exec(arg);
  if (!m) return undefined;
  // An IPv6 address alone ("[::1]") ends with ']' and does not match; "[::]:8080" does.
  if (arg.startsWith('[') && !/\]:\d+$/.test(arg)) return undefined;
  return Number(m[1]);
}
