import { checkSecurity } from './checks';
import { Directive, walkDirectives } from './directive';
import { AccessLogFormat, DEFAULT_SECURITY_HEADERS, GZIP_TYPES, JSON_LOG_FORMAT, NginxUpstreamOptions, RateLimitOptions } from './features';
import { ConfigFinding, Severity } from './findings';
import { importNginxConfig, readConfigDirectory } from './import';
import { repeatInheritedHeaders } from './inherit';
import { NGINX_CONF_DIR, checkAbsolutePath, isUnder } from './paths';
import { checkPlacement } from './placement';
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
  'pid', 'worker_processes', 'worker_connections', 'worker_shutdown_timeout', 'sendfile', 'keepalive_timeout', 'server_tokens',
  'absolute_redirect', 'default_type', 'root', 'gzip', 'gzip_types', 'client_max_body_size', 'client_body_timeout',
  'client_header_timeout', 'send_timeout', 'limit_req_status', 'tcp_nopush', 'open_file_cache', 'open_file_cache_valid',
  'open_file_cache_errors', ...TEMP_PATHS.map(([d]) => d),
]);

const ERROR_LOG_LEVELS = ['debug', 'info', 'notice', 'warn', 'error', 'crit', 'alert', 'emerg'];

/** Log targets that are not files on the container's filesystem. */
const STREAM_LOG_TARGETS = new Set(['/dev/stdout', '/dev/stderr', '/dev/null']);

/** Whether a log directive's target is a stream, not a file (`stderr` and `memory:` are special for error_log only). */
function isStreamLogTarget(directive: string, target: string): boolean {
  if (STREAM_LOG_TARGETS.has(target) || target.startsWith('syslog:')) return true;
  if (directive === 'access_log') return target === 'off';
  return target === 'stderr' || target.startsWith('memory:');
}

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
   * Seconds a graceful stop (SIGQUIT) waits for open requests (`worker_shutdown_timeout`); the pod's
   * terminationGracePeriodSeconds is this plus 10.
   * @default 20
   */
  readonly workerShutdownTimeoutSeconds?: number;
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
  /**
   * Format of the access log.
   * @default AccessLogFormat.MAIN
   */
  readonly accessLogFormat?: AccessLogFormat;
  /**
   * Compress text responses on the fly (gzip, level 5, from 1 KiB, with `Vary: Accept-Encoding`).
   * @default true
   */
  readonly gzip?: boolean;
  /**
   * Serve precompressed `<file>.gz` files when they exist (`gzip_static on`).
   * @default false
   */
  readonly gzipStatic?: boolean;
  /**
   * Security headers sent with every response, in every block (the library repeats them wherever a block
   * adds its own headers, so nginx's add_header inheritance never drops them). Merged over the defaults
   * (`DEFAULT_SECURITY_HEADERS`: X-Content-Type-Options, X-Frame-Options, Referrer-Policy,
   * Content-Security-Policy, Permissions-Policy, Cross-Origin-Opener-Policy); an empty value removes one.
   * @default - DEFAULT_SECURITY_HEADERS
   */
  readonly securityHeaders?: { [name: string]: string };
  /**
   * Per-client request and connection limits; over the limit nginx answers 429.
   * @default - no rate limit (behind a load balancer every client may share one address)
   */
  readonly rateLimit?: RateLimitOptions;
  /**
   * Largest request body (`client_max_body_size`); bodies are buffered in the memory-backed runtimeDir.
   * @default '1m'
   */
  readonly clientMaxBodySize?: string;
  /**
   * Seconds a client may take to send the request headers, or between two reads of the body, and
   * between two writes of the response (slow-client protection).
   * @default 10
   */
  readonly clientTimeoutSeconds?: number;
  /**
   * Cache open file descriptors, sizes and lookups (including "not found") of served files
   * (`open_file_cache max=<n> inactive=60s`, `open_file_cache_valid 60s`, `open_file_cache_errors on`).
   * The html is part of the immutable image, so caching is safe and saves an open/fstat/close per request;
   * files changed on a mounted volume are seen within 60 s. 0 turns the cache off.
   * @default 1000
   */
  readonly openFileCacheEntries?: number;
  /**
   * Upstreams (groups of backends) for `NginxServer.addProxy`. More can be added with `addUpstream`.
   * @default - none
   */
  readonly upstreams?: NginxUpstreamOptions[];
}

/**
 * An nginx configuration for a non-root container on a read-only root filesystem: `nginx.conf` plus one
 * `conf.d/<name>.conf` per server, rendered from a tree of directives.
 *
 * A plain class, not a construct: one value can be shared by many charts, stacks and images.
 */
export class NginxConfig {
  /**
   * Imports existing configuration files: `nginx.conf` and the files it includes (paths relative to
   * /etc/nginx, for example `conf.d/default.conf`). Typed settings are read where the library has them;
   * the paths it owns (pid, temp paths, logs) move to the runtimeDir and stdout/stderr; every other
   * directive is kept as an escape hatch. Change the result with the typed API and render it again.
   *
   * @param files the files, `nginx.conf` among them.
   * @param props typed settings that win over the imported ones.
   */
  public static fromFiles(files: ConfigFile[], props: NginxConfigProps = {}): NginxConfig {
    return importNginxConfig(files, props, p => new NginxConfig(p));
  }

  /**
   * Imports `<dir>/nginx.conf` and every `*.conf` below `dir` (see `fromFiles`).
   *
   * @param dir a folder laid out like /etc/nginx.
   * @param props typed settings that win over the imported ones.
   */
  public static fromDirectory(dir: string, props: NginxConfigProps = {}): NginxConfig {
    return importNginxConfig(readConfigDirectory(dir), props, p => new NginxConfig(p));
  }

  /** The writable directory (pid file, temp paths). */
  public readonly runtimeDir: string;
  /** `worker_processes`. */
  public readonly workerProcesses: string;
  /** `worker_connections`. */
  public readonly workerConnections: number;
  /** `keepalive_timeout` in seconds. */
  public readonly keepaliveTimeoutSeconds: number;
  /** `worker_shutdown_timeout` in seconds. */
  public readonly workerShutdownTimeoutSeconds: number;
  /** Level of the error log. */
  public readonly errorLogLevel: string;
  /** Whether access logging is on. */
  public readonly accessLog: boolean;
  /** Dynamic modules loaded with `load_module`. */
  public readonly modules: string[];

  /** Access log format. */
  public readonly accessLogFormat: AccessLogFormat;
  /** Whether gzip is on. */
  public readonly gzip: boolean;
  /** Whether gzip_static is on. */
  public readonly gzipStatic: boolean;
  /** The security headers sent with every response. */
  public readonly securityHeaders: { [name: string]: string };
  /** Per-client limits, if any. */
  public readonly rateLimit?: RateLimitOptions;
  /** Largest request body. */
  public readonly clientMaxBodySize: string;
  /** Slow-client timeout in seconds. */
  public readonly clientTimeoutSeconds: number;
  /** Entries of the open file cache (`open_file_cache max=`); 0 when off. */
  public readonly openFileCacheEntries: number;

  private readonly upstreamList: NginxUpstreamOptions[] = [];
  private readonly serverList: NginxServer[] = [];
  private readonly mainExtra: Directive[] = [];
  private readonly eventsExtra: Directive[] = [];
  private readonly httpExtra: Directive[] = [];

  private readonly props: NginxConfigProps;
  private readonly memos = new Map<string, unknown>();

  constructor(props: NginxConfigProps = {}) {
    this.props = { ...props };
    this.runtimeDir = props.runtimeDir ?? '/dev/shm';
    this.workerProcesses = props.workerProcesses ?? 'auto';
    this.workerConnections = props.workerConnections ?? 1024;
    this.keepaliveTimeoutSeconds = props.keepaliveTimeoutSeconds ?? 65;
    this.workerShutdownTimeoutSeconds = props.workerShutdownTimeoutSeconds ?? 20;
    this.errorLogLevel = props.errorLogLevel ?? 'warn';
    this.accessLog = props.accessLog ?? true;
    this.modules = [...(props.modules ?? [])];
    this.accessLogFormat = props.accessLogFormat ?? AccessLogFormat.MAIN;
    this.gzip = props.gzip ?? true;
    this.gzipStatic = props.gzipStatic ?? false;
    const headers: { [name: string]: string } = { ...DEFAULT_SECURITY_HEADERS, ...(props.securityHeaders ?? {}) };
    for (const k of Object.keys(headers)) if (headers[k] === '') delete headers[k];
    this.securityHeaders = headers;
    this.rateLimit = props.rateLimit;
    this.clientMaxBodySize = props.clientMaxBodySize ?? '1m';
    this.clientTimeoutSeconds = props.clientTimeoutSeconds ?? 10;
    this.openFileCacheEntries = props.openFileCacheEntries ?? 1000;
    for (const u of props.upstreams ?? []) this.addUpstream(u);
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

  /**
   * A new configuration from this one, for one site or environment: `overrides` replace props (the base
   * is not changed); servers, upstreams and escape-hatch directives come along. `servers` changes
   * existing servers by name (same name: options merged) or adds new ones. jsii-friendly: no object spread
   * needed in Python, Java, Go or .NET.
   *
   * @param overrides props that replace this configuration's.
   * @param servers server options merged into the servers of the same name, or added.
   */
  public derive(overrides: NginxConfigProps = {}, servers: NginxServerOptions[] = []): NginxConfig {
    const next = new NginxConfig({ ...this.props, ...overrides, servers: [], upstreams: [] });
    for (const u of this.upstreamList) next.addUpstream(u);
    for (const u of overrides.upstreams ?? []) if (!this.upstreamList.some(x => x.name === u.name)) next.addUpstream(u);
    for (const s of this.serverList) {
      const change = servers.find(x => x.name === s.name);
      next.serverList.push(change ? s.derive(change) : s.derive({ name: s.name }));
    }
    for (const s of [...(overrides.servers ?? []), ...servers]) {
      if (!next.serverList.some(x => x.name === s.name)) next.addServer(s);
    }
    next.mainExtra.push(...this.mainExtra);
    next.eventsExtra.push(...this.eventsExtra);
    next.httpExtra.push(...this.httpExtra);
    return next;
  }

  /**
   * A key that changes whenever the configuration changes. It only grows (add* methods append immutable
   * directives and servers), so the lengths identify the state; derived results are cached under it,
   * because cdk8s validates the whole app once per chart.
   * @internal
   */
  public _stateKey(): string {
    return [this.serverList.length, this.mainExtra.length, this.eventsExtra.length, this.httpExtra.length, this.upstreamList.length,
      ...this.serverList.map(s => s._stateKey())].join(',');
  }

  private memo<T>(name: string, compute: () => T): T {
    const key = `${name}|${this._stateKey()}`;
    if (!this.memos.has(key)) this.memos.set(key, compute());
    return this.memos.get(key) as T;
  }

  /** The upstreams, in the order they were added. */
  public get upstreams(): NginxUpstreamOptions[] {
    return [...this.upstreamList];
  }

  /** Adds an upstream (a named group of backends) for `NginxServer.addProxy`. */
  public addUpstream(options: NginxUpstreamOptions): NginxConfig {
    this.upstreamList.push({ ...options, servers: [...options.servers] });
    return this;
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
      Directive.of('worker_shutdown_timeout', `${this.workerShutdownTimeoutSeconds}s`),
      ...this.mainExtra,
      Directive.withBlock('events', [], [
        Directive.of('worker_connections', String(this.workerConnections)),
        ...this.eventsExtra,
      ]),
      Directive.withBlock('http', [], [
        Directive.of('include', `${NGINX_CONF_DIR}/mime.types`),
        Directive.of('default_type', 'application/octet-stream'),
        Directive.of('log_format', 'main', MAIN_LOG_FORMAT),
        ...(this.accessLogFormat === AccessLogFormat.JSON ? [Directive.of('log_format', 'json', 'escape=json', JSON_LOG_FORMAT)] : []),
        this.accessLog
          ? Directive.of('access_log', '/dev/stdout', this.accessLogFormat === AccessLogFormat.JSON ? 'json' : 'main')
          : Directive.of('access_log', 'off'),
        Directive.of('sendfile', 'on'),
        Directive.of('tcp_nopush', 'on'),
        ...(this.openFileCacheEntries > 0 ? [
          Directive.of('open_file_cache', `max=${this.openFileCacheEntries}`, 'inactive=60s'),
          Directive.of('open_file_cache_valid', '60s'),
          Directive.of('open_file_cache_errors', 'on'),
        ] : []),
        Directive.of('keepalive_timeout', String(this.keepaliveTimeoutSeconds)),
        Directive.of('server_tokens', 'off'),
        Directive.of('absolute_redirect', 'off'),
        Directive.of('client_max_body_size', this.clientMaxBodySize),
        Directive.of('client_body_timeout', `${this.clientTimeoutSeconds}s`),
        Directive.of('client_header_timeout', `${this.clientTimeoutSeconds}s`),
        Directive.of('send_timeout', `${this.clientTimeoutSeconds}s`),
        Directive.of('reset_timedout_connection', 'on'),
        ...TEMP_PATHS.map(([d, dir]) => Directive.of(d, p(dir))),
        ...(this.gzip ? [
          Directive.of('gzip', 'on'),
          Directive.of('gzip_vary', 'on'),
          Directive.of('gzip_comp_level', '5'),
          Directive.of('gzip_min_length', '1024'),
          Directive.of('gzip_proxied', 'any'),
          Directive.of('gzip_types', ...GZIP_TYPES),
        ] : []),
        ...(this.gzipStatic ? [Directive.of('gzip_static', 'on')] : []),
        ...(this.rateLimit ? [
          Directive.of('limit_req_zone', '$binary_remote_addr', 'zone=per_client:10m', `rate=${this.rateLimit.requestsPerSecond}r/s`),
          Directive.of('limit_req', 'zone=per_client', `burst=${this.rateLimit.burst ?? this.rateLimit.requestsPerSecond * 2}`, 'nodelay'),
          Directive.of('limit_req_status', '429'),
          ...(this.rateLimit.connectionsPerClient === undefined ? [] : [
            Directive.of('limit_conn_zone', '$binary_remote_addr', 'zone=conn_per_client:10m'),
            Directive.of('limit_conn', 'conn_per_client', String(this.rateLimit.connectionsPerClient)),
            Directive.of('limit_conn_status', '429'),
          ]),
        ] : []),
        ...Object.keys(this.securityHeaders).sort().map(h => Directive.of('add_header', h, this.securityHeaders[h], 'always')),
        ...this.upstreamList.map(u => Directive.withBlock('upstream', [u.name], [
          ...u.servers.map(srv => Directive.of('server', srv)),
          Directive.of('keepalive', String(u.keepalive ?? 16)),
        ])),
        ...this.httpExtra,
        Directive.of('include', `${NGINX_CONF_DIR}/conf.d/*.conf`),
      ]),
    ];
  }

  /**
   * The whole configuration as one tree: `nginx.conf` with each server placed in `http`, and inherited
   * add_header directives repeated in every block that sets its own (see `securityHeaders`).
   */
  public effectiveTree(): Directive[] {
    return [...this.memo('effectiveTree', () => this.computeEffectiveTree())];
  }

  private computeEffectiveTree(): Directive[] {
    const servers = this.serverList.map(s => s.toDirective());
    return repeatInheritedHeaders(this.mainTree().map(d => (d.name === 'http' && d.block
      ? Directive.withBlock('http', d.args, [...d.block, ...servers])
      : d)));
  }

  /** The `server` blocks as rendered into conf.d/ (inherited headers repeated), in order. */
  public serverDirectives(): Directive[] {
    return [...this.memo('serverDirectives', () => this.computeServerDirectives())];
  }

  private computeServerDirectives(): Directive[] {
    const http = this.effectiveTree().find(d => d.name === 'http');
    const servers = (http?.block ?? []).filter(d => d.name === 'server');
    return this.serverList.length === 0 ? [] : servers.slice(-this.serverList.length);
  }

  /** The rendered files: `nginx.conf` and `conf.d/<name>.conf` per server. */
  public files(): ConfigFile[] {
    return [...this.memo('files', () => this.computeFiles())];
  }

  private computeFiles(): ConfigFile[] {
    const header = '# Generated by cdk8s-scratch-nginx from a typed model. Do not edit by hand.\n';
    const servers = this.serverDirectives();
    return [
      { path: 'nginx.conf', content: header + renderDirectives(this.mainTree()) },
      ...this.serverList.map((s, i) => ({
        path: `conf.d/${s.name}.conf`,
        content: header + renderDirectives([servers[i]]),
      })),
    ];
  }

  /** Every path the configuration makes nginx write to at run time (files, directories, sockets). */
  public writablePaths(): WritablePath[] {
    return [...this.memo('writablePaths', () => this.computeWritablePaths())];
  }

  private computeWritablePaths(): WritablePath[] {
    const found: WritablePath[] = [];
    walkDirectives(this.effectiveTree(), d => {
      const target = d.args[0];
      if (WRITING_DIRECTIVES.has(d.name) && target !== undefined) {
        if ((d.name === 'access_log' || d.name === 'error_log') && isStreamLogTarget(d.name, target)) return;
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
    return [...this.memo('listenPorts', () => this.computeListenPorts())];
  }

  private computeListenPorts(): number[] {
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
    return [...this.memo('findings', () => this.computeFindings())];
  }

  private computeFindings(): ConfigFinding[] {
    const tree = this.effectiveTree();
    return [...checkPlacement(tree), ...checkVariables(tree), ...checkSecurity(tree)];
  }

  /** The warnings among `findings()`, as `where: message [check]` lines. */
  public warnings(): string[] {
    return this.findings().filter(f => f.severity === Severity.WARNING).map(f => `${f.where}: ${f.message} [${f.check}]`);
  }

  /** Problems with this configuration, each saying what is wrong and how to fix it. */
  public validate(): string[] {
    return [...this.memo('validate', () => this.computeValidate())];
  }

  private computeValidate(): string[] {
    const problems: string[] = [];
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
    if (!/^[0-9]+[kKmMgG]?$/.test(this.clientMaxBodySize)) {
      problems.push(`clientMaxBodySize ${JSON.stringify(this.clientMaxBodySize)} is not an nginx size; use a number with an optional k, m or g, such as '1m' ('0' disables the check).`);
    }
    if (!Number.isInteger(this.clientTimeoutSeconds) || this.clientTimeoutSeconds < 1) {
      problems.push(`clientTimeoutSeconds ${this.clientTimeoutSeconds} must be a whole number of seconds >= 1, such as 10.`);
    }
    if (!Number.isInteger(this.openFileCacheEntries) || this.openFileCacheEntries < 0) {
      problems.push(`openFileCacheEntries ${this.openFileCacheEntries} must be a whole number >= 0, such as 1000 (0 turns the cache off).`);
    }
    if (this.rateLimit) {
      const { requestsPerSecond: rps, burst, connectionsPerClient: conns } = this.rateLimit;
      if (!Number.isInteger(rps) || rps < 1) problems.push(`rateLimit.requestsPerSecond ${rps} must be a whole number >= 1.`);
      if (burst !== undefined && (!Number.isInteger(burst) || burst < 0)) problems.push(`rateLimit.burst ${burst} must be a whole number >= 0.`);
      if (conns !== undefined && (!Number.isInteger(conns) || conns < 1)) problems.push(`rateLimit.connectionsPerClient ${conns} must be a whole number >= 1.`);
    }
    for (const [name, value] of Object.entries(this.securityHeaders)) {
      if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) problems.push(`securityHeaders: ${JSON.stringify(name)} is not an HTTP header name; use letters, digits and '-'.`);
      if (/[\r\n\0]/.test(value)) problems.push(`securityHeaders: the value of ${name} contains a line break or NUL, which would split the response; write it on one line.`);
    }
    const upstreamNames = new Set<string>();
    for (const u of this.upstreamList) {
      if (!/^[A-Za-z0-9_-]+$/.test(u.name)) problems.push(`upstream ${JSON.stringify(u.name)}: names are letters, digits, '_' and '-', such as 'api'.`);
      if (upstreamNames.has(u.name)) problems.push(`upstream '${u.name}' is defined twice; nginx refuses duplicate upstreams. Give each its own name.`);
      upstreamNames.add(u.name);
      if (u.servers.length === 0) problems.push(`upstream '${u.name}' has no servers; list at least one 'host:port', such as 'api.default.svc.cluster.local:8080'.`);
      for (const srv of u.servers) {
        if (!/^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):[0-9]{1,5}$/.test(srv) || Number(srv.split(':').pop()) > 65535 || Number(srv.split(':').pop()) < 1) {
          problems.push(`upstream '${u.name}': server ${JSON.stringify(srv)} must be 'host:port' with a port from 1 to 65535, such as 'api.default.svc.cluster.local:8080'.`);
        }
      }
      const keepalive = u.keepalive ?? 16;
      if (!Number.isInteger(keepalive) || keepalive < 1) problems.push(`upstream '${u.name}': keepalive ${keepalive} must be a whole number >= 1.`);
    }
    for (const s of this.serverList) {
      for (const up of s.proxiedUpstreams) {
        if (!upstreamNames.has(up)) problems.push(`server '${s.name}' proxies to upstream '${up}', which is not defined; add it with addUpstream({ name: '${up}', servers: ['host:port'] }).`);
      }
    }
    if (!ERROR_LOG_LEVELS.includes(this.errorLogLevel)) {
      problems.push(`errorLogLevel ${JSON.stringify(this.errorLogLevel)} is not an nginx log level; use one of ${ERROR_LOG_LEVELS.join(', ')}.`);
    }
    if (!Number.isInteger(this.workerShutdownTimeoutSeconds) || this.workerShutdownTimeoutSeconds < 1) {
      problems.push(`workerShutdownTimeoutSeconds ${this.workerShutdownTimeoutSeconds} must be a whole number of seconds >= 1, such as 20.`);
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
    walkDirectives(this.effectiveTree(), (d, parents) => {
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
      if (d.name === 'user' && parents.length === 0) {
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
    if (problems.length > 0) {
      // The tree checks mostly echo a wrong typed option: report those first.
      return problems;
    }
    return this.findings().filter(f => f.severity === Severity.ERROR).map(f => `${f.where}: ${f.message} [${f.check}]`);
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
