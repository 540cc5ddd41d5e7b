import { Directive } from './directive';
import { sealedMessage } from './errors';
import { STATIC_ASSET_EXTENSIONS } from './features/headers';
import { ProxyLocationOptions, proxyDirectives } from './features/proxy';
import { TlsOptions, TlsProfile, tlsDirectives } from './features/tls';
import { at } from './parse';
import { NGINX_CONF_DIR } from './paths';
import {
  BAD_SERVER_NAME, LocationModifier, MODIFIER_TOKEN, NAMED_LOCATION, NginxLocationOptions, NginxServerOptions, REDIRECT_TARGET,
  SERVER_FILE_NAME, SERVER_NAME, UPSTREAM_NAME, checkPort, readServerOptions, urlPathRule,
} from './server-options';
import { describeValue } from '../input/describe';
import { PropReader } from '../input/reader';

/** One nginx server (virtual host). Build it with `NginxConfig.addServer`. */
export class NginxServer {
  /** File name under `conf.d/` without `.conf`. */
  public readonly name: string;
  /** Listen port. */
  public readonly port: number;
  /** More listen ports, with the same parameters. */
  public readonly additionalPorts: number[];
  /** The loopback address the server is bound to, if any (undefined: every interface). */
  public readonly address?: string;
  /** Socket and protocol parameters of the `listen` lines. */
  public readonly listenParameters: string[];
  /** `server_name` values. */
  public readonly serverNames: string[];
  /** Whether this is the port's default server. */
  public readonly defaultServer: boolean;
  /** Document root. */
  public readonly root: string;
  /** Index files. */
  public readonly index: string[];
  /** Health endpoint path. */
  public readonly healthPath: string;
  /** Whether the default locations (static `location /`, error pages) are added. */
  public readonly defaultLocations: boolean;
  /** Error page path. */
  public readonly errorPage: string;
  /** 404 page path, if any. */
  public readonly notFoundPage?: string;
  /** Whether the server also listens on IPv6. */
  public readonly ipv6: boolean;
  /** TLS settings, if the server serves HTTPS. */
  public readonly tls?: TlsOptions;
  /** Whether HTTP/2 is on. */
  public readonly http2: boolean;
  /** Whether unknown paths fall back to the index file. */
  public readonly singlePageApp: boolean;
  /** Browser cache lifetime of static assets in seconds. */
  public readonly assetMaxAgeSeconds: number;
  /** Whether cached assets are immutable. */
  public readonly immutableAssets: boolean;
  /** Methods the static locations accept. */
  public readonly allowedMethods: string[];
  /** Whether hidden files are answered with 404. */
  public readonly denyHiddenFiles: boolean;
  /** stub_status path, if any. */
  public readonly statusPath?: string;
  /** Redirect target origin, if any. */
  public readonly redirectTo?: string;
  /** Explicit Service port, if set. */
  public readonly servicePort?: number;

  private readonly locations: Directive[] = [];
  private readonly extra: Directive[] = [];
  private readonly proxies: Array<{ path: string; upstream: string }> = [];
  /** Problems of the props, found as they were read. */
  private readonly propProblems: string[];
  /** Problems of the arguments of add* calls (nothing of a refused call is added). */
  private readonly callProblems: string[] = [];
  private sealed = false;

  /** The options this server was created with (for `NginxConfig.derive`). */
  public readonly options: NginxServerOptions;

  constructor(options: NginxServerOptions) {
    const raw: unknown = options;
    const given = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? options : {} as NginxServerOptions;
    this.options = { ...given };
    const validName = typeof given.name === 'string' && given.name.length <= 63 && SERVER_FILE_NAME.test(given.name);
    const shortName = typeof given.name === 'string' && given.name.length <= 63;
    const reader = new PropReader(validName ? `server '${given.name}'` : shortName ? `server ${describeValue(given.name)}` : 'server');
    if (given !== raw) reader.fail('options', raw, 'is not an object of server options', "pass an object, such as { name: 'www' }.");
    const read = readServerOptions(given, reader);
    this.name = read.name;
    this.port = read.port;
    this.additionalPorts = read.additionalPorts;
    this.address = read.address;
    this.listenParameters = read.listenParameters;
    this.serverNames = read.serverNames;
    this.defaultServer = read.defaultServer;
    this.root = read.root;
    this.index = read.index;
    this.healthPath = read.healthPath;
    this.defaultLocations = read.defaultLocations;
    this.errorPage = read.errorPage;
    this.notFoundPage = read.notFoundPage;
    this.ipv6 = read.ipv6;
    this.tls = read.tls;
    this.http2 = read.http2;
    this.singlePageApp = read.singlePageApp;
    this.assetMaxAgeSeconds = read.assetMaxAgeSeconds;
    this.immutableAssets = read.immutableAssets;
    this.allowedMethods = read.allowedMethods;
    this.denyHiddenFiles = read.denyHiddenFiles;
    this.statusPath = read.statusPath;
    this.redirectTo = read.redirectTo;
    this.servicePort = read.servicePort;
    this.propProblems = reader.problems;
  }

  /** How messages name this server. */
  private get where(): string {
    return `server '${this.name}'`;
  }

  /**
   * A copy of this server with some options changed; locations, proxies and escape-hatch directives added
   * so far come along.
   *
   * @param overrides options that replace this server's (`name` must stay the same or be omitted: pass '').
   */
  public derive(overrides: NginxServerOptions): NginxServer {
    const copy = new NginxServer({ ...this.options, ...overrides, name: overrides.name || this.name });
    copy.locations.push(...this.locations);
    copy.extra.push(...this.extra);
    copy.proxies.push(...this.proxies);
    copy.callProblems.push(...this.callProblems);
    return copy;
  }

  /**
   * Seals the server: from now on an add* call throws (see `NginxConfig.derive` for a changed copy).
   * @internal
   */
  public _seal(): void {
    this.sealed = true;
  }

  /** Throws when an add* call comes after the configuration was sealed. */
  private assertOpen(method: string): void {
    if (this.sealed) throw new Error(sealedMessage(`NginxServer '${this.name}'`, method));
  }

  /**
   * The directives added with addLocation, addProxy, addRedirect and addDirective, in order.
   * @internal
   */
  public _addedDirectives(): Directive[] {
    return [...this.locations, ...this.extra];
  }

  /** Folder the TLS Secret is mounted at, for a TLS server. */
  public get certificateDir(): string | undefined {
    return this.tls ? this.tls.certificateDir ?? `${NGINX_CONF_DIR}/tls/${this.name}` : undefined;
  }

  /** Upstream names this server proxies to. */
  public get proxiedUpstreams(): string[] {
    return [...new Set(this.proxies.map(p => p.upstream))];
  }

  /** A reader for the arguments of one add* call; its problems are kept, and the call adds nothing when any. */
  private callReader(call: string): PropReader {
    this.assertOpen(call);
    return new PropReader(`${this.where}: ${call}`);
  }

  private keep(reader: PropReader): boolean {
    this.callProblems.push(...reader.problems);
    return reader.problems.length === 0;
  }

  /**
   * Adds a reverse-proxy location to a named upstream (`NginxConfig.addUpstream`): HTTP/1.1 with keep-alive,
   * `Host $host`, X-Real-IP and X-Forwarded-For/-Proto/-Host, timeouts and buffering.
   *
   * @param path the location's prefix, from '/'.
   * @param upstream the name of an upstream of the configuration.
   */
  public addProxy(path: string, upstream: string, options: ProxyLocationOptions = {}): NginxServer {
    const reader = this.callReader('addProxy');
    const prefix = reader.path('path', path ?? null, '/', { ...urlPathRule('/api/'), allowRoot: true, trailingSlash: true });
    const name = reader.string('upstream', upstream ?? null, 'invalid', { pattern: UPSTREAM_NAME, maxLength: 128, example: 'api', expected: "an upstream name (letters, digits, '_' and '-')" });
    const opts = reader.struct('options', options ?? {}, '{ readTimeoutSeconds: 30 }') ?? {};
    const timeout = { min: 1, max: 86400, example: 60 };
    const read: ProxyLocationOptions = {
      connectTimeoutSeconds: reader.optionalInteger('connectTimeoutSeconds', opts.connectTimeoutSeconds, { ...timeout, example: 5 }),
      readTimeoutSeconds: reader.optionalInteger('readTimeoutSeconds', opts.readTimeoutSeconds, timeout),
      buffering: reader.boolean('buffering', opts.buffering, true),
      stripPrefix: reader.boolean('stripPrefix', opts.stripPrefix, false),
    };
    if (!this.keep(reader)) return this;
    this.proxies.push({ path: prefix, upstream: name });
    this.locations.push(Directive.withBlock('location', [prefix], proxyDirectives(name, read)));
    return this;
  }

  /**
   * Adds a redirect of one exact path: `location = from { return 301|302 to; }`.
   *
   * @param from the exact request path, from '/'.
   * @param to where to send the client: a path or an http(s) URL (nginx variables such as `$request_uri` are expanded).
   * @param permanent 301 (true) or 302 (false).
   */
  public addRedirect(from: string, to: string, permanent: boolean = true): NginxServer {
    const reader = this.callReader('addRedirect');
    const path = reader.path('from', from ?? null, '/', { ...urlPathRule('/old'), allowRoot: true });
    const target = reader.string('to', to ?? null, '/', {
      pattern: REDIRECT_TARGET, maxLength: 2048, example: 'https://www.example.com/new', expected: "a path from '/' or an http(s) URL, without spaces",
    });
    const isPermanent = reader.boolean('permanent', permanent, true);
    if (!this.keep(reader)) return this;
    this.locations.push(Directive.withBlock('location', ['=', path], [Directive.of('return', isPermanent ? '301' : '302', target)]));
    return this;
  }

  /**
   * Adds a `location` block to this server. The modifier comes only from `options.modifier`: a PREFIX,
   * EXACT or PREFERRED_PREFIX path starts with '/', a NAMED one with '@'.
   *
   * @param path the path, the regular expression (REGEX modifiers) or '@name' (NAMED).
   */
  public addLocation(path: string, options: NginxLocationOptions = {}): NginxServer {
    const reader = this.callReader('addLocation');
    const opts = reader.struct('options', options ?? {}, '{ modifier: LocationModifier.EXACT }') ?? {};
    const modifier = reader.enumValue('modifier', opts.modifier, LocationModifier, LocationModifier.PREFIX);
    const directives = reader.list('directives', opts.directives, [], (p, d) => {
      if (d instanceof Directive) return d;
      reader.fail(p, d, 'is not a Directive', "build it with Directive.of('name', ...args).");
      return undefined;
    }, "[Directive.of('try_files', '$uri', '=404')]");
    const checked = this.checkLocationPath(reader, modifier, path);
    if (!this.keep(reader) || checked === undefined) return this;
    const token = MODIFIER_TOKEN[modifier];
    this.locations.push(Directive.withBlock('location', token === undefined ? [checked] : [token, checked], directives));
    return this;
  }

  /** The location path for a modifier, or undefined (with the problem recorded). */
  private checkLocationPath(reader: PropReader, modifier: LocationModifier, path: unknown): string | undefined {
    if (modifier === LocationModifier.REGEX || modifier === LocationModifier.REGEX_CASE_INSENSITIVE) {
      return reader.string('path', path ?? null, '^/', { maxLength: 2048, example: '\\.php$', expected: 'a regular expression' });
    }
    if (modifier === LocationModifier.NAMED) {
      return reader.string('path', path ?? null, '@x', { pattern: NAMED_LOCATION, maxLength: 128, example: '@fallback', expected: "'@' and a name of letters, digits, '_' and '-'" });
    }
    if (typeof path === 'string' && !path.startsWith('/')) {
      const hint = path.startsWith('@') ? 'LocationModifier.NAMED'
        : path.startsWith('^~') ? "LocationModifier.PREFERRED_PREFIX with the path after '^~'"
          : path.startsWith('~*') ? "LocationModifier.REGEX_CASE_INSENSITIVE with the pattern after '~*'"
            : path.startsWith('~') ? "LocationModifier.REGEX with the pattern after '~'"
              : path.startsWith('=') ? "LocationModifier.EXACT with the path after '='" : undefined;
      reader.fail('path', path, `does not start with '/'${hint ? ', and nginx would read its first characters as a modifier' : ', so no request URI matches it'}`,
        hint ? `pass modifier: ${hint}.` : "write the path from '/', such as '/docs/'.");
      return undefined;
    }
    return reader.path('path', path ?? null, '/', { ...urlPathRule('/docs/'), allowRoot: true, trailingSlash: true });
  }

  /**
   * Escape hatch: adds any directive (simple or block) at the end of the `server` block. A `location`
   * block joins the server's locations (so a `location /` replaces the default one).
   */
  public addDirective(directive: Directive): NginxServer {
    this.assertOpen('addDirective');
    if (!(directive instanceof Directive)) {
      this.callProblems.push(`${this.where}: addDirective ${describeValue(directive)} is not a Directive; build it with Directive.of('name', ...args) or Directive.withBlock.`);
      return this;
    }
    (directive.name === 'location' && directive.block ? this.locations : this.extra).push(directive);
    return this;
  }

  /** Every port the server listens on: `port`, then `additionalPorts`. */
  public get ports(): number[] {
    return [this.port, ...this.additionalPorts];
  }

  /**
   * Whether clients outside the pod reach this server: it is not bound to a loopback address. Only such a
   * server gets container ports, Service ports and NetworkPolicy rules.
   */
  public get exposed(): boolean {
    return this.address === undefined;
  }

  /** Whether the kubelet can probe this server: exposed, and no PROXY protocol header expected. */
  public get probeable(): boolean {
    return this.exposed && !this.listenParameters.includes('proxy_protocol');
  }

  /** The `listen` lines: each port on the address (or every IPv4 interface), and on IPv6 when asked. */
  private listens(): Directive[] {
    const params = [...(this.defaultServer ? ['default_server'] : []), ...(this.tls ? ['ssl'] : [])];
    const socket = this.listenParameters.filter(p => !p.startsWith('ipv6only='));
    const v6only = this.listenParameters.filter(p => p.startsWith('ipv6only='));
    const host = this.address === '::1' ? '[::1]:' : this.address === undefined ? '' : `${this.address}:`;
    return this.ports.flatMap(port => [
      Directive.of('listen', `${host}${port}`, ...params, ...socket, ...(this.address === '::1' ? v6only : [])),
      ...(this.ipv6 && this.address === undefined ? [Directive.of('listen', `[::]:${port}`, ...params, ...socket, ...v6only)] : []),
    ]);
  }

  /** The `server` block this server renders to. */
  public toDirective(): Directive {
    const head: Directive[] = [
      ...this.listens(),
      ...(this.http2 ? [Directive.of('http2', 'on')] : []),
      Directive.of('server_name', ...this.serverNames),
    ];
    if (this.tls) {
      head.push(...tlsDirectives(this.certificateDir!, this.tls.profile ?? TlsProfile.INTERMEDIATE));
      const hsts = this.tls.hstsMaxAgeSeconds ?? 63072000;
      if (hsts > 0) head.push(Directive.of('add_header', 'Strict-Transport-Security', `max-age=${hsts}`, 'always'));
    }
    const health = Directive.withBlock('location', ['=', this.healthPath], [
      Directive.of('access_log', 'off'),
      Directive.of('default_type', 'text/plain'),
      Directive.of('return', '200', 'ok'),
    ]);
    const status = this.statusPath === undefined ? [] : [Directive.withBlock('location', ['=', this.statusPath], [
      Directive.of('stub_status'),
      Directive.of('access_log', 'off'),
      Directive.of('allow', '127.0.0.1'),
      Directive.of('allow', '::1'),
      Directive.of('deny', 'all'),
    ])];
    if (this.redirectTo !== undefined) {
      return Directive.withBlock('server', [], [...head, health, ...status, Directive.withBlock('location', ['/'], [
        Directive.of('return', '301', `${this.redirectTo}$request_uri`),
      ]), ...this.extra]);
    }
    const methods = this.allowedMethods.includes('GET') || this.allowedMethods.length === 0
      ? this.allowedMethods.filter(m => m !== 'HEAD') : this.allowedMethods;
    const limit = methods.length > 0 ? [Directive.withBlock('limit_except', methods, [Directive.of('deny', 'all')])] : [];
    const fallback = this.singlePageApp ? `/${this.index[0] ?? 'index.html'}` : '=404';
    const hasRoot = this.locations.some(l => l.args.length === 1 && l.args[0] === '/');
    const statics: Directive[] = [];
    if (!hasRoot && this.defaultLocations) {
      statics.push(Directive.withBlock('location', ['/'], [...limit, Directive.of('try_files', '$uri', '$uri/', fallback)]));
    }
    if (this.assetMaxAgeSeconds > 0) {
      const assets = `\\.(?:${STATIC_ASSET_EXTENSIONS.join('|')})$`;
      statics.push(Directive.withBlock('location', ['~*', assets], [
        ...limit,
        Directive.of('add_header', 'Cache-Control', `public, max-age=${this.assetMaxAgeSeconds}${this.immutableAssets ? ', immutable' : ''}`),
        Directive.of('try_files', '$uri', '=404'),
      ]));
      statics.push(Directive.withBlock('location', ['~*', '\\.html?$'], [
        ...limit,
        Directive.of('add_header', 'Cache-Control', 'no-cache'),
        Directive.of('try_files', '$uri', '=404'),
      ]));
    }
    if (this.denyHiddenFiles) {
      statics.unshift(Directive.withBlock('location', ['~', '^/(?:.*/)?\\.(?!well-known(?:/|$))'], [Directive.of('return', '404')]));
    }
    return Directive.withBlock('server', [], [
      ...head,
      Directive.of('root', this.root),
      Directive.of('index', ...this.index),
      health,
      ...status,
      ...statics,
      ...this.locations,
      ...this.extra,
      ...(this.defaultLocations ? [
        Directive.of('error_page', '500', '502', '503', '504', this.errorPage),
        Directive.withBlock('location', ['=', this.errorPage], [Directive.of('internal')]),
      ] : []),
      ...(this.notFoundPage === undefined || !this.defaultLocations ? [] : [
        Directive.of('error_page', '404', this.notFoundPage),
        Directive.withBlock('location', ['=', this.notFoundPage], [Directive.of('internal')]),
      ]),
    ]);
  }

  /**
   * Server-level directives that answer or rewrite a request before nginx picks its location, so the health
   * location is never reached and the probes test something else (a 444 or 403 fails them; a redirect passes
   * them without nginx's health being asked). Each problem says which directive and how to keep the endpoint.
   * A server-level `if` is left alone: its condition (often a forwarded header) usually does not hold for the
   * kubelet's requests, and this cannot tell.
   */
  private healthShadows(): string[] {
    const problems: string[] = [];
    const fix = `put it in a 'location / { ... }' (the exact health location ${this.healthPath} still wins), or use redirectTo for a redirect-only server`;
    for (const d of this.extra) {
      if (d.name === 'return') {
        problems.push(`${this.where}: the server-level 'return ${d.args.join(' ')}'${at(d)} answers every request before nginx picks a location, so the health location ${this.healthPath} is never reached and the probes would not test nginx's health; ${fix}.`);
      } else if (d.name === 'rewrite' && typeof d.args[0] === 'string' && rewriteMatches(d.args[0], this.healthPath)) {
        problems.push(`${this.where}: the server-level 'rewrite ${d.args.join(' ')}'${at(d)} matches the health path ${this.healthPath} before nginx picks a location, so the health location is never reached; narrow its pattern, or ${fix}.`);
      }
    }
    return problems;
  }

  /** Problems with this server's options, each with how to fix it. */
  public validate(): string[] {
    const where = this.where;
    const problems: string[] = [...this.propProblems, ...this.callProblems];
    for (const port of this.ports) problems.push(...checkPort(port, where));
    const repeated = this.ports.filter((p, i) => this.ports.indexOf(p) !== i);
    if (repeated.length > 0) problems.push(`${where}: port ${repeated[0]} is listed twice (port and additionalPorts); list each port once.`);
    if (this.ipv6 && this.address !== undefined) {
      problems.push(`${where}: ipv6 listens on every IPv6 interface, but address binds the server to ${this.address}; leave one of them out.`);
    }
    if (this.listenParameters.some(p => p.startsWith('ipv6only=')) && !this.ipv6 && this.address !== '::1') {
      problems.push(`${where}: listenParameters has ipv6only, which applies to an IPv6 listen only, and this server has none; set ipv6 (or address '::1'), or remove it.`);
    }
    if (this.serverNames.length === 0 && !this.propProblems.some(p => p.includes(': serverNames'))) {
      problems.push(`${where}: serverNames is empty; give at least one name, or '_' to match any host.`);
    }
    for (const n of this.serverNames) {
      if (n.length === 0 || BAD_SERVER_NAME.test(n)) {
        problems.push(`${where}: server name ${describeValue(n)} is empty or contains whitespace, a quote, a backslash, '#', ';', '{' or '}'; use a host name such as 'example.com', '*.example.com' or '_'.`);
      } else if (n.startsWith('~')) {
        problems.push(`${where}: server name ${describeValue(n)} is a regular expression, which serverNames does not check; add it with addDirective(Directive.of('server_name', ...)) or list the host names.`);
      } else if (!SERVER_NAME.test(n)) {
        problems.push(`${where}: server name ${describeValue(n)} is not a host name nginx accepts (letters, digits, '-', '_' and dots; a wildcard '*' only as the whole first or last label); use a name such as 'example.com', '*.example.com', 'www.example.*' or '_'.`);
      }
    }
    const seen = new Set<string>();
    for (const d of this.toDirective().block ?? []) {
      if (d.name !== 'location') continue;
      const key = d.args.join(' ');
      if (seen.has(key)) {
        problems.push(`${where}: two 'location ${key}' blocks (nginx refuses duplicate locations); healthPath, errorPage and addLocation must all use different paths.`);
      }
      seen.add(key);
    }
    if (this.redirectTo !== undefined && this.locations.length > 0) {
      problems.push(`${where}: redirectTo sends every request to ${this.redirectTo}, so the ${this.locations.length} location(s) added with addLocation, addProxy, addRedirect or addDirective would never be used; remove them, or remove redirectTo.`);
    }
    problems.push(...this.healthShadows());
    if (!this.defaultLocations && this.notFoundPage !== undefined) {
      problems.push(`${where}: notFoundPage is one of the default locations, which defaultLocations false leaves out; remove notFoundPage, or add its error_page by hand.`);
    }
    if (this.http2 && !this.tls) {
      problems.push(`${where}: http2 needs tls (browsers speak HTTP/2 only over TLS); set tls or remove http2.`);
    }
    // An index of refused file names is empty too: that was reported already.
    if (this.index.length === 0 && !this.propProblems.some(p => p.includes(': index['))) {
      problems.push(`${where}: index is empty; give at least one file name such as 'index.html'.`);
    }
    return problems;
  }
}

/** Whether a rewrite's pattern (PCRE) matches `path`; a pattern JavaScript cannot read is taken to match. */
function rewriteMatches(pattern: string, path: string): boolean {
  try {
    return new RegExp(pattern).test(path);
  } catch {
    return true;
  }
}
