import { checkSecurity } from './checks';
import { ConfigFile, NginxConfigProps, WritablePath } from './config-props';
import { isLoopbackListen, parseListenPort, validateConfig } from './config-validation';
import { Directive, walkDirectives } from './directive';
import { NginxConfigError, sealedMessage } from './errors';
import { HttpFeature } from './features/feature';
import { GZIP } from './features/gzip';
import { DEFAULT_SECURITY_HEADERS } from './features/headers';
import { AccessLogFormat } from './features/logging';
import { NginxUpstreamOptions } from './features/proxy';
import { RATE_LIMIT, RateLimitOptions } from './features/rate-limit';
import { HTTP_FEATURES } from './features/registry';
import { ConfigFinding, Severity } from './findings';
import { importedOnly, importNginxConfig } from './import';
import { readConfigDirectory } from './includes';
import { repeatInheritedHeaders } from './inherit';
import { buildMainTree, settingConflicts } from './main-tree';
import { moduleReference, readModules } from './module-reference';
import { NginxModule } from './modules';
import { checkPlacement } from './placement';
import { renderDirectives } from './render';
import { NginxServer } from './server';
import { NginxServerOptions } from './server-options';
import { HEADER_NAME } from './structure';
import { checkVariables } from './variables';
import { findWritablePaths } from './writable-paths';
import { describeValue } from '../input/describe';
import { PropReader } from '../input/reader';

/** The seed's `main` access-log format (kept here for callers that import it from the config). */
export { MAIN_LOG_FORMAT } from './main-tree';

const ERROR_LOG_LEVELS = ['debug', 'info', 'notice', 'warn', 'error', 'crit', 'alert', 'emerg'];
const UPSTREAM_NAME = /^[A-Za-z0-9_-]+$/;

/**
 * An nginx configuration for a non-root container on a read-only root filesystem: `nginx.conf` plus one
 * `conf.d/<name>.conf` per server, rendered from a tree of directives.
 *
 * A plain class, not a construct: one value can be shared by many charts, stacks and images.
 */
export class NginxConfig {
  /**
   * Imports existing configuration files: `nginx.conf` and the files it includes (paths relative to
   * /etc/nginx, for example `conf.d/default.conf`), with the same effect. Typed settings are read where a
   * prop says exactly the same; the paths the library owns (pid, temp paths, log files) move to the
   * runtimeDir and stdout/stderr; every other directive is kept and wins over the library's default of the
   * same setting. What cannot be carried over with the same effect (a `listen` bound to one address, several
   * ports in one server, listen parameters) fails with its file and line. Change the result with the typed
   * API and render it again.
   *
   * @param files the files, `nginx.conf` among them.
   * @param props typed settings that win over the imported ones.
   */
  public static fromFiles(files: ConfigFile[], props: NginxConfigProps = {}): NginxConfig {
    return importNginxConfig(files, props, p => new NginxConfig(p));
  }

  /**
   * Imports `<dir>/nginx.conf` and the files it includes (see `fromFiles`): every file below `dir` is read
   * (any name, links followed, as nginx does), and the includes pick them as nginx would.
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
  /** Dynamic modules loaded with `load_module`: the paths of `modules`, then those of `dynamicModules`. */
  public readonly modules: string[];
  /** The declared dynamic modules: those of `dynamicModules`, then those a typed feature needs (such as `brotli`). */
  public readonly dynamicModules: NginxModule[];

  /** Access log format. */
  public readonly accessLogFormat: AccessLogFormat;
  /** Whether the typed gzip is on (the `gzip` prop); `gzip` directives imported or added by hand are kept as they are. */
  public readonly gzip: boolean;
  /** Whether the typed gzip_static is on (the `gzipStatic` prop). */
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
  /** Each typed feature with its value from the props. */
  private readonly featureValues: ReadonlyArray<{ readonly feature: HttpFeature<unknown>; readonly value: unknown }>;
  private readonly memos = new Map<string, unknown>();
  private sealed = false;
  /** Problems of the props, found as they were read. */
  private readonly propProblems: string[];
  /** Problems of the arguments of add* calls (nothing of a refused call is added). */
  private readonly callProblems: string[] = [];
  /** Findings of the imported files as written (before the import replaced what it owns), if imported. */
  private sourceFindings: ConfigFinding[] = [];

  constructor(props: NginxConfigProps = {}) {
    const raw: unknown = props;
    const given = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? props : {} as NginxConfigProps;
    this.props = { ...given };
    const reader = new PropReader();
    if (given !== raw) reader.fail('props', raw, 'is not an object of NginxConfig props', "pass an object, such as { servers: [{ name: 'www' }] }.");
    const p = given as unknown as { [key: string]: unknown };
    this.runtimeDir = reader.path('runtimeDir', p.runtimeDir, '/dev/shm', { example: '/dev/shm', allowUnder: ['/dev/shm'] });
    this.workerProcesses = reader.string('workerProcesses', p.workerProcesses, 'auto', {
      pattern: /^(auto|[1-9][0-9]{0,3})$/, maxLength: 4, example: 'auto', expected: "'auto' or a positive whole number (as a string)",
    });
    this.workerConnections = reader.integer('workerConnections', p.workerConnections, 1024, { min: 1, max: 1048576, example: 1024 });
    this.keepaliveTimeoutSeconds = reader.integer('keepaliveTimeoutSeconds', p.keepaliveTimeoutSeconds, 65, { min: 0, max: 86400, example: 65 });
    this.workerShutdownTimeoutSeconds = reader.integer('workerShutdownTimeoutSeconds', p.workerShutdownTimeoutSeconds, 20, { min: 1, max: 3600, example: 20 });
    this.errorLogLevel = reader.string('errorLogLevel', p.errorLogLevel, 'warn', {
      pattern: new RegExp(`^(?:${ERROR_LOG_LEVELS.join('|')})$`), maxLength: 6, example: 'warn', expected: `an nginx log level (${ERROR_LOG_LEVELS.join(', ')})`,
    });
    this.accessLog = reader.boolean('accessLog', p.accessLog, true);
    this.modules = reader.list('modules', p.modules, [], (prop, m) => reader.optionalPath(prop, m ?? null, { example: '/usr/lib/nginx/modules/ngx_http_image_filter_module.so' }),
      "['/usr/lib/nginx/modules/ngx_http_image_filter_module.so']");
    this.featureValues = HTTP_FEATURES.map(f => ({ feature: f, value: f.read(reader, p) }));
    const declared = readModules(reader, p.dynamicModules);
    this.modules.push(...declared.map(m => m.path));
    // A module a feature needs is declared and loaded once, whether or not the props list it too.
    const needed = this.featureValues.flatMap(({ feature, value }) => feature.modules(value))
      .filter((m, i, all) => !declared.some(d => d.path === m.path) && all.findIndex(o => o.path === m.path) === i);
    this.dynamicModules = [...declared, ...needed];
    this.modules.push(...needed.map(m => m.path).filter(path => !this.modules.includes(path)));
    this.accessLogFormat = reader.enumValue('accessLogFormat', p.accessLogFormat, AccessLogFormat, AccessLogFormat.MAIN);
    const headers: { [name: string]: string } = {
      ...DEFAULT_SECURITY_HEADERS,
      ...reader.stringMap('securityHeaders', p.securityHeaders ?? {},
        { pattern: HEADER_NAME, maxLength: 256, example: 'X-Frame-Options', expected: "an HTTP header name (letters, digits and '-')" },
        { allowEmpty: true, maxLength: 4000, example: 'DENY', expected: 'a header value on one line' }),
    };
    for (const k of Object.keys(headers)) if (headers[k] === '') delete headers[k];
    this.securityHeaders = headers;
    const valueOf = <T>(feature: HttpFeature<T>) => this.featureValues.find(f => f.feature === feature)!.value as T;
    ({ gzip: this.gzip, gzipStatic: this.gzipStatic } = valueOf(GZIP));
    this.rateLimit = valueOf(RATE_LIMIT);
    this.clientMaxBodySize = reader.string('clientMaxBodySize', p.clientMaxBodySize, '1m', {
      pattern: /^[0-9]{1,12}[kKmMgG]?$/, maxLength: 13, example: '1m', expected: "an nginx size, a number with an optional k, m or g ('0' disables the check)",
    });
    this.clientTimeoutSeconds = reader.integer('clientTimeoutSeconds', p.clientTimeoutSeconds, 10, { min: 1, max: 3600, example: 10 });
    this.openFileCacheEntries = reader.integer('openFileCacheEntries', p.openFileCacheEntries, 1000, { min: 0, max: 10000000, example: 1000, why: '0 turns the cache off' });
    this.propProblems = reader.problems;
    for (const u of reader.list('upstreams', p.upstreams, [], (_prop, v) => v, "[{ name: 'api', servers: ['api:8080'] }]")) this.addUpstream(u as NginxUpstreamOptions);
    for (const s of reader.list('servers', p.servers, [{ name: 'default' }], (_prop, v) => v, "[{ name: 'www' }]")) {
      this.addServer(s as NginxServerOptions);
    }
  }

  /** The servers, in the order they were added. */
  public get servers(): NginxServer[] {
    return [...this.serverList];
  }

  /** Adds a server rendered to `conf.d/<name>.conf`. */
  public addServer(options: NginxServerOptions): NginxServer {
    this.assertOpen('addServer');
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
    const reader = new PropReader('derive');
    const o = (reader.struct('overrides', overrides ?? {}, '{ gzip: false }') ?? {}) as NginxConfigProps;
    const asStruct = (prop: string, v: unknown) => reader.struct(prop, v ?? null, "{ name: 'www' }");
    const changes = reader.list('servers', servers ?? [], [], asStruct, "[{ name: 'www', port: 8081 }]") as unknown as NginxServerOptions[];
    const added = reader.list('overrides.servers', o.servers ?? [], [], asStruct, "[{ name: 'www' }]") as unknown as NginxServerOptions[];
    const upstreams = reader.list('overrides.upstreams', o.upstreams ?? [], [], (_p, v) => v, "[{ name: 'api', servers: ['api:8080'] }]") as NginxUpstreamOptions[];
    const next = new NginxConfig({ ...this.props, ...o, servers: [], upstreams: [] });
    next.callProblems.push(...this.callProblems, ...reader.problems);
    for (const u of this.upstreamList) next.addUpstream(u);
    for (const u of upstreams) if (!this.upstreamList.some(x => x.name === u?.name)) next.addUpstream(u);
    for (const s of this.serverList) {
      const change = changes.find(x => x.name === s.name);
      next.serverList.push(change ? s.derive(change) : s.derive({ name: s.name }));
    }
    for (const s of [...added, ...changes]) {
      if (!next.serverList.some(x => x.name === s.name)) next.addServer(s);
    }
    next.mainExtra.push(...this.mainExtra);
    next.eventsExtra.push(...this.eventsExtra);
    next.httpExtra.push(...this.httpExtra);
    return next;
  }

  /**
   * Seals the configuration (and its servers): from now on it is a value, and an add* call throws.
   * Everything derived from it (files, trees, ports, findings) is computed once and kept. Called the
   * first time something reads a derived output, and by `NginxImage` when it takes the configuration.
   * @internal
   */
  public _seal(): void {
    if (this.sealed) return;
    this.sealed = true;
    for (const s of this.serverList) s._seal();
  }

  /** Whether the configuration is sealed (see `derive` for a changed copy). */
  public get isSealed(): boolean {
    return this.sealed;
  }

  /** Throws when an add* call comes after the configuration was sealed. */
  private assertOpen(method: string): void {
    if (this.sealed) throw new Error(sealedMessage('NginxConfig', method));
  }

  /** A derived output, computed once: reading one seals the configuration, so it can never go stale. */
  private memo<T>(name: string, compute: () => T): T {
    this._seal();
    if (!this.memos.has(name)) this.memos.set(name, compute());
    return this.memos.get(name) as T;
  }

  /** The upstreams, in the order they were added. */
  public get upstreams(): NginxUpstreamOptions[] {
    return [...this.upstreamList];
  }

  /** Adds an upstream (a named group of backends) for `NginxServer.addProxy`. */
  public addUpstream(options: NginxUpstreamOptions): NginxConfig {
    this.assertOpen('addUpstream');
    const reader = new PropReader('addUpstream');
    const o = reader.struct('options', options ?? null, "{ name: 'api', servers: ['api:8080'] }");
    if (o === undefined) {
      this.callProblems.push(...reader.problems);
      return this;
    }
    const name = reader.string('name', o.name ?? null, 'invalid', { pattern: UPSTREAM_NAME, maxLength: 128, example: 'api', expected: "letters, digits, '_' and '-'" });
    const upstream: NginxUpstreamOptions = {
      name,
      servers: reader.stringList(`upstream '${name}': servers`, o.servers ?? null, [], { maxLength: 261, example: 'api.default.svc.cluster.local:8080', expected: "'host:port'" }),
      keepalive: reader.optionalInteger(`upstream '${name}': keepalive`, o.keepalive, { min: 1, max: 100000, example: 16 }),
    };
    this.callProblems.push(...reader.problems);
    if (reader.problems.length === 0) this.upstreamList.push(upstream);
    return this;
  }

  /** Adds an escape-hatch directive to one list, or records why it is not a Directive. */
  private addExtra(list: Directive[], method: string, directive: unknown): NginxConfig {
    this.assertOpen(method);
    if (directive instanceof Directive) {
      list.push(directive);
    } else {
      this.callProblems.push(`${method} ${describeValue(directive)} is not a Directive; build it with Directive.of('name', ...args) or Directive.withBlock.`);
    }
    return this;
  }

  /**
   * Escape hatch: adds a directive to the main context of `nginx.conf`. Like the other add*Directive
   * methods, it replaces the library's default of the same setting in the block (a typed prop given for
   * that setting too is a conflict that validation reports).
   */
  public addMainDirective(directive: Directive): NginxConfig {
    return this.addExtra(this.mainExtra, 'addMainDirective', directive);
  }

  /** Escape hatch: adds a directive to the `events` block. */
  public addEventsDirective(directive: Directive): NginxConfig {
    return this.addExtra(this.eventsExtra, 'addEventsDirective', directive);
  }

  /**
   * Escape hatch: adds a directive to the `http` block (before the `include` of conf.d). It replaces the
   * library's default of the same setting (`client_max_body_size`, a `log_format` or `add_header` of the same
   * name, the open file cache as a whole); a header added here keeps nginx's inheritance.
   */
  public addHttpDirective(directive: Directive): NginxConfig {
    return this.addExtra(this.httpExtra, 'addHttpDirective', directive);
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
    return [...this.memo('mainTree', () => this.computeMainTree())];
  }

  private computeMainTree(): Directive[] {
    return buildMainTree({
      runtimeDir: this.runtimeDir,
      modules: this.modules,
      workerProcesses: this.workerProcesses,
      errorLogLevel: this.errorLogLevel,
      workerShutdownTimeoutSeconds: this.workerShutdownTimeoutSeconds,
      workerConnections: this.workerConnections,
      accessLog: this.accessLog,
      accessLogFormat: this.accessLogFormat,
      openFileCacheEntries: this.openFileCacheEntries,
      keepaliveTimeoutSeconds: this.keepaliveTimeoutSeconds,
      clientMaxBodySize: this.clientMaxBodySize,
      clientTimeoutSeconds: this.clientTimeoutSeconds,
      featureDirectives: this.featureValues.flatMap(({ feature, value }) => feature.directives(value)),
      securityHeaders: this.securityHeaders,
      upstreams: this.upstreamList,
      mainExtra: this.mainExtra,
      eventsExtra: this.eventsExtra,
      httpExtra: this.httpExtra,
    });
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
    // The typed model's headers are repeated; one added by hand (or imported) keeps nginx's inheritance.
    const handMade = new Set<Directive>();
    walkDirectives([...this.httpExtra, ...this.serverList.flatMap(s => s._addedDirectives())], d => {
      if (d.name === 'add_header') handMade.add(d);
    });
    return repeatInheritedHeaders(this.mainTree().map(d => (d.name === 'http' && d.block
      ? Directive.withBlock('http', d.args, [...d.block, ...servers])
      : d)), h => !handMade.has(h));
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
    return [...this.memo('files', () => {
      // Never render a configuration that is known to be wrong: the caller gets every problem instead.
      const problems = this.validate();
      if (problems.length > 0) throw new NginxConfigError(problems);
      return this.computeFiles();
    })];
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
    return findWritablePaths(this.effectiveTree());
  }

  /** Every TCP port some `listen` directive names, sorted and without duplicates. */
  public listenPorts(): number[] {
    return [...this.memo('listenPorts', () => this.computeListenPorts())];
  }

  private computeListenPorts(): number[] {
    // The typed servers' ports are numbers already; only directives added by hand are read for a port. A
    // server bound to a loopback address is reached from the pod only: it has no container port.
    const ports = new Set<number>(this.serverList.filter(s => s.exposed).flatMap(s => s.ports));
    walkDirectives([...this.mainExtra, ...this.httpExtra, ...this.serverList.flatMap(s => s._addedDirectives())], d => {
      if (d.name === 'listen' && typeof d.args[0] === 'string' && !isLoopbackListen(d.args[0])) {
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
    // Frozen: every check walks the same tree, and the walk's steps are kept for a frozen tree.
    const tree = Object.freeze(this.effectiveTree());
    const modules = moduleReference(this.dynamicModules);
    const rendered = [...checkPlacement(tree, modules), ...checkVariables(tree, modules), ...checkSecurity(tree)];
    return [...rendered, ...importedOnly(this.sourceFindings, rendered)];
  }

  /**
   * Records the security findings of the imported files as they were written (`NginxConfig.fromFiles`), so a
   * problem the import changed on the way (a header list it repeats, a setting it replaced) is still reported.
   *
   * @internal
   */
  public _recordSourceFindings(findings: ConfigFinding[]): void {
    this.sourceFindings = [...findings];
    this.memos.delete('findings');
    this.memos.delete('validate');
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
    return validateConfig({
      problems: [
        ...this.propProblems,
        ...this.callProblems,
        ...settingConflicts(this.props as { [prop: string]: unknown }, [...this.mainExtra, ...this.eventsExtra, ...this.httpExtra]),
      ],
      runtimeDir: this.runtimeDir,
      servers: this.serverList,
      upstreams: this.upstreamList,
      modules: this.modules,
      workerConnections: this.workerConnections,
      mainTree: () => this.mainTree(),
      effectiveTree: () => this.effectiveTree(),
      listenPorts: () => this.listenPorts(),
      writablePaths: () => this.writablePaths(),
      findings: () => this.findings(),
    });
  }

}
