import { Directive } from './directive';
import { ProxyLocationOptions, STATIC_ASSET_EXTENSIONS, TlsOptions, TlsProfile, proxyDirectives, tlsDirectives } from './features';
import { NGINX_CONF_DIR, NGINX_HTML_DIR, checkAbsolutePath } from './paths';

/** How a `location` matches the request URI. */
export enum LocationModifier {
  /** Longest matching prefix (no modifier). */
  PREFIX = 'PREFIX',
  /** Exact match (`=`). */
  EXACT = 'EXACT',
  /** Prefix match that skips the regular expressions (`^~`). */
  PREFERRED_PREFIX = 'PREFERRED_PREFIX',
  /** Case-sensitive regular expression (`~`). */
  REGEX = 'REGEX',
  /** Case-insensitive regular expression (`~*`). */
  REGEX_CASE_INSENSITIVE = 'REGEX_CASE_INSENSITIVE',
}

const MODIFIER_TOKEN: Record<LocationModifier, string | undefined> = {
  [LocationModifier.PREFIX]: undefined,
  [LocationModifier.EXACT]: '=',
  [LocationModifier.PREFERRED_PREFIX]: '^~',
  [LocationModifier.REGEX]: '~',
  [LocationModifier.REGEX_CASE_INSENSITIVE]: '~*',
};

/** Options of a `location` block. */
export interface NginxLocationOptions {
  /**
   * How the location matches.
   * @default LocationModifier.PREFIX
   */
  readonly modifier?: LocationModifier;
  /**
   * Directives inside the location block.
   * @default - an empty block
   */
  readonly directives?: Directive[];
}

/** Options of one nginx `server`, rendered to `conf.d/<name>.conf`. */
export interface NginxServerOptions {
  /**
   * File name of the server under `conf.d/` (without `.conf`): lower-case letters, digits, `-`, `_`.
   */
  readonly name: string;
  /**
   * Port nginx listens on. A non-root nginx cannot bind below 1024; the Service maps its own port to this one.
   * @default 8080
   */
  readonly port?: number;
  /**
   * Host names of this server (`server_name`).
   * @default ['localhost']
   */
  readonly serverNames?: string[];
  /**
   * Whether this server is the `default_server` of its port.
   * @default false
   */
  readonly defaultServer?: boolean;
  /**
   * Document root (absolute path in the image).
   * @default '/usr/share/nginx/html'
   */
  readonly root?: string;
  /**
   * Index files, in order.
   * @default ['index.html', 'index.htm']
   */
  readonly index?: string[];
  /**
   * Path of the health endpoint used by the Kubernetes probes: an exact location that returns 200 with
   * access logging off.
   * @default '/healthz'
   */
  readonly healthPath?: string;
  /**
   * Page shown for 500, 502, 503 and 504 (internal location under the document root).
   * @default '/50x.html'
   */
  readonly errorPage?: string;
  /**
   * Page shown for 404 (internal location under the document root).
   * @default - nginx's built-in 404 page
   */
  readonly notFoundPage?: string;
  /**
   * Also listen on IPv6 (`listen [::]:port`). The pod needs an IPv6 address (dual-stack cluster), or nginx fails to start.
   * @default false
   */
  readonly ipv6?: boolean;
  /**
   * Serve HTTPS on `port` with a certificate from a Kubernetes TLS Secret (Mozilla profile, HSTS).
   * @default - plain HTTP
   */
  readonly tls?: TlsOptions;
  /**
   * Enable HTTP/2 (`http2 on`, nginx 1.25.1 or later) on a TLS server.
   * @default false
   */
  readonly http2?: boolean;
  /**
   * Single-page app: unknown paths serve the first index file (`try_files $uri $uri/ /index.html`) instead of 404.
   * @default false
   */
  readonly singlePageApp?: boolean;
  /**
   * Browser cache lifetime of static assets (css, js, images, fonts) in seconds (`Cache-Control: public,
   * max-age=N`); html is always `no-cache`. 0 leaves caching headers out.
   * @default 86400
   */
  readonly assetMaxAgeSeconds?: number;
  /**
   * Mark cached assets `immutable` (for file names that carry a content hash).
   * @default false
   */
  readonly immutableAssets?: boolean;
  /**
   * HTTP methods the static locations accept (`limit_except`); others get 403. GET implies HEAD.
   * @default ['GET', 'HEAD']
   */
  readonly allowedMethods?: string[];
  /**
   * Answer 404 for hidden files and folders (`/.git`, `/.env`, ...), except `/.well-known/`.
   * @default true
   */
  readonly denyHiddenFiles?: boolean;
  /**
   * Path of an `stub_status` page, reachable only from the pod itself (127.0.0.1, ::1), for a metrics sidecar.
   * @default - no status page
   */
  readonly statusPath?: string;
  /**
   * Redirect every request to this origin (`return 301 <origin>$request_uri`), for example 'https://www.example.com'.
   * @default - no redirect
   */
  readonly redirectTo?: string;
  /**
   * Port of the Kubernetes Service that forwards to this server.
   * @default - 443 for the first TLS server, 80 for the first plain server, else the server's own port
   */
  readonly servicePort?: number;
}

const SERVER_FILE_NAME = /^[a-z0-9][a-z0-9_-]*$/;
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'MKCOL', 'COPY', 'MOVE', 'OPTIONS', 'PROPFIND', 'PROPPATCH', 'LOCK', 'UNLOCK', 'PATCH']);
const UPSTREAM_NAME = /^[A-Za-z0-9_-]+$/;
const BAD_SERVER_NAME = /[\s;{}"'\\#]/;
const LABEL = '[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?';
/** A host name, optionally with a leading `*.` or `.`, or a trailing `.*` wildcard (nginx's rules); or `_`. */
const SERVER_NAME = new RegExp(`^(?:_|(?:\\*\\.|\\.)?${LABEL}(?:\\.${LABEL})*(?:\\.\\*)?)$`, 'i');

/** One nginx server (virtual host). Build it with `NginxConfig.addServer`. */
export class NginxServer {
  /** File name under `conf.d/` without `.conf`. */
  public readonly name: string;
  /** Listen port. */
  public readonly port: number;
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

  /** The options this server was created with (for `NginxConfig.derive`). */
  public readonly options: NginxServerOptions;

  constructor(options: NginxServerOptions) {
    this.options = { ...options };
    this.name = options.name;
    this.port = options.port ?? 8080;
    this.serverNames = [...(options.serverNames ?? ['localhost'])];
    this.defaultServer = options.defaultServer ?? false;
    this.root = options.root ?? NGINX_HTML_DIR;
    this.index = [...(options.index ?? ['index.html', 'index.htm'])];
    this.healthPath = options.healthPath ?? '/healthz';
    this.errorPage = options.errorPage ?? '/50x.html';
    this.notFoundPage = options.notFoundPage;
    this.ipv6 = options.ipv6 ?? false;
    this.tls = options.tls;
    this.http2 = options.http2 ?? false;
    this.singlePageApp = options.singlePageApp ?? false;
    this.assetMaxAgeSeconds = options.assetMaxAgeSeconds ?? 86400;
    this.immutableAssets = options.immutableAssets ?? false;
    this.allowedMethods = [...(options.allowedMethods ?? ['GET', 'HEAD'])];
    this.denyHiddenFiles = options.denyHiddenFiles ?? true;
    this.statusPath = options.statusPath;
    this.redirectTo = options.redirectTo;
    this.servicePort = options.servicePort;
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
    return copy;
  }

  /**
   * A key that changes whenever the server changes. Servers only grow (add* methods append immutable
   * directives), so the lengths identify the state.
   * @internal
   */
  public _stateKey(): string {
    return `${this.locations.length}.${this.extra.length}.${this.proxies.length}`;
  }

  /** Folder the TLS Secret is mounted at, for a TLS server. */
  public get certificateDir(): string | undefined {
    return this.tls ? this.tls.certificateDir ?? `${NGINX_CONF_DIR}/tls/${this.name}` : undefined;
  }

  /** Upstream names this server proxies to. */
  public get proxiedUpstreams(): string[] {
    return [...new Set(this.proxies.map(p => p.upstream))];
  }

  /**
   * Adds a reverse-proxy location to a named upstream (`NginxConfig.addUpstream`): HTTP/1.1 with keep-alive,
   * `Host $host`, X-Real-IP and X-Forwarded-For/-Proto/-Host, timeouts and buffering.
   */
  public addProxy(path: string, upstream: string, options: ProxyLocationOptions = {}): NginxServer {
    this.proxies.push({ path, upstream });
    this.locations.push(Directive.withBlock('location', [path], proxyDirectives(upstream, options)));
    return this;
  }

  /** Adds a redirect of one exact path: `location = from { return 301|302 to; }`. */
  public addRedirect(from: string, to: string, permanent: boolean = true): NginxServer {
    this.locations.push(Directive.withBlock('location', ['=', from], [Directive.of('return', permanent ? '301' : '302', to)]));
    return this;
  }

  /** Adds a `location` block to this server. */
  public addLocation(path: string, options: NginxLocationOptions = {}): NginxServer {
    const token = MODIFIER_TOKEN[options.modifier ?? LocationModifier.PREFIX];
    const args = token === undefined ? [path] : [token, path];
    this.locations.push(Directive.withBlock('location', args, options.directives ?? []));
    return this;
  }

  /**
   * Escape hatch: adds any directive (simple or block) at the end of the `server` block. A `location`
   * block joins the server's locations (so a `location /` replaces the default one).
   */
  public addDirective(directive: Directive): NginxServer {
    (directive.name === 'location' && directive.block ? this.locations : this.extra).push(directive);
    return this;
  }

  /** The `server` block this server renders to. */
  public toDirective(): Directive {
    const params = [...(this.defaultServer ? ['default_server'] : []), ...(this.tls ? ['ssl'] : [])];
    const head: Directive[] = [
      Directive.of('listen', String(this.port), ...params),
      ...(this.ipv6 ? [Directive.of('listen', `[::]:${this.port}`, ...params)] : []),
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
      Directive.of('return', '200', 'ok\n'),
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
    if (!hasRoot) {
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
      Directive.of('error_page', '500', '502', '503', '504', this.errorPage),
      Directive.withBlock('location', ['=', this.errorPage], [Directive.of('internal')]),
      ...(this.notFoundPage === undefined ? [] : [
        Directive.of('error_page', '404', this.notFoundPage),
        Directive.withBlock('location', ['=', this.notFoundPage], [Directive.of('internal')]),
      ]),
    ]);
  }

  /** Problems with this server's options, each with how to fix it. */
  public validate(): string[] {
    const where = `server '${this.name}'`;
    const problems: string[] = [];
    if (!SERVER_FILE_NAME.test(this.name)) {
      problems.push(`${where}: name must be lower-case letters, digits, '-' or '_' (it names conf.d/${this.name}.conf); for example 'default' or 'www'.`);
    }
    problems.push(...checkPort(this.port, where));
    if (this.serverNames.length === 0) {
      problems.push(`${where}: serverNames is empty; give at least one name, or '_' to match any host.`);
    }
    for (const n of this.serverNames) {
      if (n.length === 0 || BAD_SERVER_NAME.test(n)) {
        problems.push(`${where}: server name ${JSON.stringify(n)} is empty or contains whitespace, a quote, a backslash, '#', ';', '{' or '}'; use a host name such as 'example.com', '*.example.com' or '_'.`);
      } else if (n.startsWith('~')) {
        problems.push(`${where}: server name ${JSON.stringify(n)} is a regular expression, which serverNames does not check; add it with addDirective(Directive.of('server_name', ...)) or list the host names.`);
      } else if (!SERVER_NAME.test(n)) {
        problems.push(`${where}: server name ${JSON.stringify(n)} is not a host name nginx accepts (letters, digits, '-', '_' and dots; a wildcard '*' only as the whole first or last label); use a name such as 'example.com', '*.example.com', 'www.example.*' or '_'.`);
      }
    }
    problems.push(...checkAbsolutePath(this.root, `${where}: root`, NGINX_HTML_DIR));
    problems.push(...checkAbsolutePath(this.healthPath, `${where}: healthPath`, "'/healthz'"));
    problems.push(...checkAbsolutePath(this.errorPage, `${where}: errorPage`, "'/50x.html'"));
    const seen = new Set<string>();
    for (const d of this.toDirective().block ?? []) {
      if (d.name !== 'location') continue;
      const key = d.args.join(' ');
      if (seen.has(key)) {
        problems.push(`${where}: two 'location ${key}' blocks (nginx refuses duplicate locations); healthPath, errorPage and addLocation must all use different paths.`);
      }
      seen.add(key);
    }
    for (const m of this.allowedMethods) {
      if (!METHODS.has(m)) problems.push(`${where}: allowedMethods has ${JSON.stringify(m)}, which is not an HTTP method nginx knows; use upper-case names such as 'GET', 'HEAD', 'POST'.`);
    }
    if (!Number.isInteger(this.assetMaxAgeSeconds) || this.assetMaxAgeSeconds < 0) {
      problems.push(`${where}: assetMaxAgeSeconds ${this.assetMaxAgeSeconds} must be a whole number of seconds >= 0 (0 turns caching headers off).`);
    }
    if (this.notFoundPage !== undefined) problems.push(...checkAbsolutePath(this.notFoundPage, `${where}: notFoundPage`, "'/404.html'"));
    if (this.statusPath !== undefined) problems.push(...checkAbsolutePath(this.statusPath, `${where}: statusPath`, "'/nginx_status'"));
    if (this.redirectTo !== undefined && !/^https?:\/\/[A-Za-z0-9.-]+(:[0-9]+)?$/.test(this.redirectTo)) {
      problems.push(`${where}: redirectTo ${JSON.stringify(this.redirectTo)} must be an origin without a path, such as 'https://www.example.com'.`);
    }
    if (this.http2 && !this.tls) {
      problems.push(`${where}: http2 needs tls (browsers speak HTTP/2 only over TLS); set tls or remove http2.`);
    }
    if (this.tls) {
      if (!/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/.test(this.tls.secretName)) {
        problems.push(`${where}: tls.secretName ${JSON.stringify(this.tls.secretName)} is not a Kubernetes object name; use lower-case letters, digits, '-' and '.', such as 'www-tls'.`);
      }
      problems.push(...checkAbsolutePath(this.certificateDir!, `${where}: tls.certificateDir`, "'/etc/nginx/tls/www'"));
      const hsts = this.tls.hstsMaxAgeSeconds ?? 63072000;
      if (!Number.isInteger(hsts) || hsts < 0) problems.push(`${where}: tls.hstsMaxAgeSeconds ${hsts} must be a whole number >= 0.`);
    }
    if (this.servicePort !== undefined && (!Number.isInteger(this.servicePort) || this.servicePort < 1 || this.servicePort > 65535)) {
      problems.push(`${where}: servicePort ${this.servicePort} must be a whole number from 1 to 65535.`);
    }
    for (const p of this.proxies) {
      if (!UPSTREAM_NAME.test(p.upstream)) problems.push(`${where}: addProxy('${p.path}') names upstream ${JSON.stringify(p.upstream)}; upstream names are letters, digits, '_' and '-'.`);
    }
    if (this.index.length === 0) {
      problems.push(`${where}: index is empty; give at least one file name such as 'index.html'.`);
    }
    for (const f of this.index) {
      if (f.length === 0 || /[\s;{}"'\\/]/.test(f)) {
        problems.push(`${where}: index file ${JSON.stringify(f)} must be a plain file name such as 'index.html'.`);
      }
    }
    return problems;
  }
}

/** Problems with a listen port for a non-root nginx. */
export function checkPort(port: number, where: string): string[] {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    return [`${where}: port ${port} is not a TCP port; use a whole number from 1024 to 65535, such as 8080.`];
  }
  if (port < 1024) {
    return [`${where}: port ${port} is below 1024, which a non-root nginx cannot bind (bind() fails with EACCES). Listen on 8080 (or another port >= 1024) and let the Service expose port ${port}.`];
  }
  return [];
}
