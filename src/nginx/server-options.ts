import { Directive } from './directive';
import { TlsOptions, TlsProfile } from './features/tls';
import { NGINX_CONF_DIR, NGINX_HTML_DIR } from './paths';
import { describeValue } from '../input/describe';
import { PropReader } from '../input/reader';

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
  /** A named location (`@name`), reached only by try_files, error_page or a redirect inside nginx; the path is `@name`. */
  NAMED = 'NAMED',
}

export const MODIFIER_TOKEN: Record<LocationModifier, string | undefined> = {
  [LocationModifier.PREFIX]: undefined,
  [LocationModifier.EXACT]: '=',
  [LocationModifier.PREFERRED_PREFIX]: '^~',
  [LocationModifier.REGEX]: '~',
  [LocationModifier.REGEX_CASE_INSENSITIVE]: '~*',
  [LocationModifier.NAMED]: undefined,
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
   * More ports this server listens on, with the same parameters: each is a container port and a Service
   * port of its own (named `http-<port>` or `https-<port>`).
   * @default - none
   */
  readonly additionalPorts?: number[];
  /**
   * The address the server listens on: every interface, or a loopback address (`127.0.0.1`, any `127.x.y.z`,
   * or `::1`) for a server only the pod itself reaches, such as a sidecar's endpoint. A loopback server gets
   * no container port, Service port or NetworkPolicy rule, and the probes never ask it. A pod's own address is
   * not known when the configuration is built, so no other address is accepted.
   * @default - every interface
   */
  readonly address?: string;
  /**
   * Socket parameters of this server's `listen` lines: `reuseport`, `deferred`, `backlog=N`, `rcvbuf=SIZE`,
   * `sndbuf=SIZE`, `fastopen=N`, `so_keepalive=on|off|idle:interval:count`, `ipv6only=on|off` (on the IPv6
   * listen only), and `proxy_protocol` (every client must send the PROXY protocol header, as a load balancer
   * configured for it does; the kubelet does not, so such a server is never the probes' target). nginx takes
   * the socket parameters of one address and port from one server only.
   * @default - none
   */
  readonly listenParameters?: string[];
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
   * Whether the server adds its default locations: a static `location /` (try_files with the allowed
   * methods) when none is added, and the error pages (`errorPage`, `notFoundPage`). With false the server
   * keeps only the locations added to it and the health endpoint, as an imported server does (nginx's own
   * static handling and error pages apply).
   * @default true
   */
  readonly defaultLocations?: boolean;
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

/** A server's file name under conf.d/: short enough for any filesystem, never a path. */
export const SERVER_FILE_NAME = /^[a-z0-9][a-z0-9_-]*$/;
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'MKCOL', 'COPY', 'MOVE', 'OPTIONS', 'PROPFIND', 'PROPPATCH', 'LOCK', 'UNLOCK', 'PATCH'];
export const UPSTREAM_NAME = /^[A-Za-z0-9_-]+$/;
export const BAD_SERVER_NAME = /[\s;{}"'\\#]/;
const LABEL = '[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?';
/** A host name, optionally with a leading `*.` or `.`, or a trailing `.*` wildcard (nginx's rules); or `_`. */
export const SERVER_NAME = new RegExp(`^(?:_|(?:\\*\\.|\\.)?${LABEL}(?:\\.${LABEL})*(?:\\.\\*)?)$`, 'i');
/** Characters of a URL path prop (RFC 3986 path characters without `$`, which nginx reads as a variable). */
const URL_SEGMENT = /^[A-Za-z0-9._~!&'()*+,;=:@%-]+$/;
const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:[0-9]+)?$/;
/** A redirect target: a path or an absolute http(s) URL, one token without spaces. */
export const REDIRECT_TARGET = /^(?:\/|https?:\/\/)[^\s]*$/;
export const NAMED_LOCATION = /^@[A-Za-z0-9_-]+$/;

/** The rules of a URL path prop (healthPath, errorPage, location paths): a path from '/', not a file. */
export function urlPathRule(example: string) {
  return { example, segment: URL_SEGMENT, anyFolder: true };
}

/** The read options of a server: every prop checked, whatever type it arrived as. */
export function readServerOptions(options: NginxServerOptions, reader: PropReader) {
  const o = options as unknown as { [key: string]: unknown };
  const tlsStruct = reader.struct('tls', o.tls, "{ secretName: 'www-tls' }");
  const name = reader.string('name', o.name, 'server', {
    pattern: SERVER_FILE_NAME,
    maxLength: 63,
    example: 'www',
    expected: "a file name of lower-case letters, digits, '-' or '_', starting with a letter or digit (it names conf.d/<name>.conf)",
  });
  let tls: TlsOptions | undefined;
  if (tlsStruct) {
    tls = {
      secretName: reader.string('tls.secretName', tlsStruct.secretName ?? null, 'invalid', {
        pattern: /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/,
        maxLength: 253,
        example: 'www-tls',
        expected: "a Kubernetes object name (lower-case letters, digits, '-' and '.')",
      }),
      profile: reader.enumValue('tls.profile', tlsStruct.profile, TlsProfile, TlsProfile.INTERMEDIATE),
      certificateDir: reader.optionalPath('tls.certificateDir', tlsStruct.certificateDir, { example: `${NGINX_CONF_DIR}/tls/www` }),
      hstsMaxAgeSeconds: reader.optionalInteger('tls.hstsMaxAgeSeconds', tlsStruct.hstsMaxAgeSeconds, { min: 0, max: 2 ** 31 - 1, example: 63072000, why: '0 leaves the header out' }),
    };
  }
  return {
    name,
    // A port below 1024 is kept, for checkPort's message on why a non-root nginx cannot bind it.
    port: Number.isInteger(o.port) && (o.port as number) >= 1 && (o.port as number) < 1024 ? o.port as number
      : reader.integer('port', o.port, 8080, { min: 1024, max: 65535, example: 8080, why: 'a TCP port a non-root nginx can bind' }),
    additionalPorts: reader.list('additionalPorts', o.additionalPorts, [], (prop, v) => reader.integer(prop, v ?? null, 8081, { min: 1024, max: 65535, example: 8081, why: 'a TCP port a non-root nginx can bind' }), '[8081]'),
    address: reader.optionalString('address', o.address, {
      pattern: LOOPBACK_ADDRESS,
      maxLength: 15,
      example: '127.0.0.1',
      expected: "a loopback address ('127.0.0.1', '127.x.y.z' or '::1'; leave it out to listen on every interface: a pod's own address is not known when the configuration is built)",
    }),
    listenParameters: reader.stringList('listenParameters', o.listenParameters, [], {
      pattern: LISTEN_PARAMETER,
      maxLength: 64,
      example: 'reuseport',
      expected: 'a listen parameter: reuseport, deferred, proxy_protocol, backlog=N, rcvbuf=SIZE, sndbuf=SIZE, fastopen=N, so_keepalive=on|off|idle:interval:count or ipv6only=on|off',
    }),
    serverNames: reader.stringList('serverNames', o.serverNames, ['localhost'], { maxLength: 253, example: 'example.com', expected: 'a host name' }),
    defaultServer: reader.boolean('defaultServer', o.defaultServer, false),
    root: reader.path('root', o.root, NGINX_HTML_DIR, { example: NGINX_HTML_DIR }),
    index: reader.stringList('index', o.index, ['index.html', 'index.htm'], {
      pattern: /^[A-Za-z0-9._~+@-]+$/, maxLength: 255, example: 'index.html', expected: 'a plain file name',
    }),
    healthPath: reader.path('healthPath', o.healthPath, '/healthz', urlPathRule('/healthz')),
    defaultLocations: reader.boolean('defaultLocations', o.defaultLocations, true),
    errorPage: reader.path('errorPage', o.errorPage, '/50x.html', urlPathRule('/50x.html')),
    notFoundPage: reader.optionalPath('notFoundPage', o.notFoundPage, urlPathRule('/404.html')),
    ipv6: reader.boolean('ipv6', o.ipv6, false),
    tls,
    http2: reader.boolean('http2', o.http2, false),
    singlePageApp: reader.boolean('singlePageApp', o.singlePageApp, false),
    assetMaxAgeSeconds: reader.integer('assetMaxAgeSeconds', o.assetMaxAgeSeconds, 86400, { min: 0, max: 2 ** 31 - 1, example: 86400, why: '0 turns caching headers off' }),
    immutableAssets: reader.boolean('immutableAssets', o.immutableAssets, false),
    allowedMethods: reader.stringList('allowedMethods', o.allowedMethods, ['GET', 'HEAD'], {
      pattern: new RegExp(`^(?:${METHODS.join('|')})$`), maxLength: 16, example: 'GET', expected: `an upper-case HTTP method nginx knows (${METHODS.join(', ')})`,
    }),
    denyHiddenFiles: reader.boolean('denyHiddenFiles', o.denyHiddenFiles, true),
    statusPath: reader.optionalPath('statusPath', o.statusPath, urlPathRule('/nginx_status')),
    redirectTo: reader.optionalString('redirectTo', o.redirectTo, { pattern: ORIGIN, maxLength: 253, example: 'https://www.example.com', expected: 'an origin without a path' }),
    servicePort: reader.optionalInteger('servicePort', o.servicePort, { min: 1, max: 65535, example: 80 }),
  };
}

/** A loopback address a server may bind: 127.0.0.0/8 or ::1. */
export const LOOPBACK_ADDRESS = /^(?:127\.(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\.(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\.(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])|::1)$/;

/** The socket and protocol parameters of `listen` that a typed server carries (ssl and http2 are typed options). */
export const LISTEN_PARAMETER = /^(?:reuseport|deferred|proxy_protocol|backlog=-?[0-9]{1,9}|(?:rcvbuf|sndbuf)=[0-9]{1,9}[kKmM]?|fastopen=[0-9]{1,9}|so_keepalive=(?:on|off|[0-9]{0,6}[smh]?:[0-9]{0,6}[smh]?:[0-9]{0,6})|ipv6only=(?:on|off))$/;

/** Problems with a listen port for a non-root nginx. */
export function checkPort(port: number, where: string): string[] {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    return [`${where}: port ${describeValue(port)} is not a TCP port; use a whole number from 1024 to 65535, such as 8080.`];
  }
  if (port < 1024) {
    return [`${where}: port ${port} is below 1024, which a non-root nginx cannot bind (bind() fails with EACCES). Listen on 8080 (or another port >= 1024) and let the Service expose port ${port}.`];
  }
  return [];
}
