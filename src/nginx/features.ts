import { Directive } from './directive';

/** Mozilla's server-side TLS profiles (https://ssl-config.mozilla.org, guidelines 5.7). */
export enum TlsProfile {
  /** TLS 1.2 and 1.3 with forward-secret AEAD ciphers: almost every client since 2014. */
  INTERMEDIATE = 'INTERMEDIATE',
  /** TLS 1.3 only: modern clients. */
  MODERN = 'MODERN',
}

const INTERMEDIATE_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305',
  'DHE-RSA-AES128-GCM-SHA256', 'DHE-RSA-AES256-GCM-SHA384', 'DHE-RSA-CHACHA20-POLY1305',
].join(':');

/** TLS of a server. The certificate comes from a Kubernetes TLS Secret (`tls.crt`, `tls.key`) mounted read-only. */
export interface TlsOptions {
  /** Name of the `kubernetes.io/tls` Secret holding `tls.crt` and `tls.key`; the workload mounts it. */
  readonly secretName: string;
  /**
   * Mozilla profile.
   * @default TlsProfile.INTERMEDIATE
   */
  readonly profile?: TlsProfile;
  /**
   * Folder the Secret is mounted at; nginx reads `<dir>/tls.crt` and `<dir>/tls.key`.
   * @default '/etc/nginx/tls/<server name>'
   */
  readonly certificateDir?: string;
  /**
   * `Strict-Transport-Security` max-age in seconds; 0 leaves the header out.
   * @default 63072000 (two years, as Mozilla recommends)
   */
  readonly hstsMaxAgeSeconds?: number;
}

/** The ssl_* directives of a Mozilla profile for one certificate folder. */
export function tlsDirectives(certificateDir: string, profile: TlsProfile): Directive[] {
  const common = [
    Directive.of('ssl_certificate', `${certificateDir}/tls.crt`),
    Directive.of('ssl_certificate_key', `${certificateDir}/tls.key`),
    Directive.of('ssl_session_timeout', '1d'),
    Directive.of('ssl_session_cache', 'shared:MozSSL:10m'),
    Directive.of('ssl_session_tickets', 'off'),
  ];
  if (profile === TlsProfile.MODERN) {
    return [...common, Directive.of('ssl_protocols', 'TLSv1.3'), Directive.of('ssl_prefer_server_ciphers', 'off')];
  }
  return [
    ...common,
    Directive.of('ssl_protocols', 'TLSv1.2', 'TLSv1.3'),
    Directive.of('ssl_ciphers', INTERMEDIATE_CIPHERS),
    Directive.of('ssl_prefer_server_ciphers', 'off'),
  ];
}

/** A named group of backend servers for `addProxy`. */
export interface NginxUpstreamOptions {
  /** Name used by `NginxServer.addProxy`: letters, digits, `_`, `-`. */
  readonly name: string;
  /**
   * Backends as `host:port`, for example a Kubernetes Service `api.default.svc.cluster.local:8080`. nginx
   * resolves host names once at start-up; a Service's ClusterIP name is stable, a headless one is not.
   */
  readonly servers: string[];
  /**
   * Idle keep-alive connections kept open to the backends per worker.
   * @default 16
   */
  readonly keepalive?: number;
}

/** Options of a reverse-proxy location (`NginxServer.addProxy`). */
export interface ProxyLocationOptions {
  /**
   * Seconds to wait for the TCP connection to a backend.
   * @default 5
   */
  readonly connectTimeoutSeconds?: number;
  /**
   * Seconds between two reads from (or writes to) the backend before nginx gives up.
   * @default 60
   */
  readonly readTimeoutSeconds?: number;
  /**
   * Whether nginx buffers backend responses (frees backends fast; off for streaming responses).
   * @default true
   */
  readonly buffering?: boolean;
  /**
   * Whether the location prefix is removed before passing the URI on (`/api/x` becomes `/x`).
   * @default false
   */
  readonly stripPrefix?: boolean;
}

/** The directives of a proxy location. */
export function proxyDirectives(upstream: string, options: ProxyLocationOptions): Directive[] {
  const connect = options.connectTimeoutSeconds ?? 5;
  const read = options.readTimeoutSeconds ?? 60;
  return [
    Directive.of('proxy_pass', `http://${upstream}${options.stripPrefix ? '/' : ''}`),
    Directive.of('proxy_http_version', '1.1'),
    Directive.of('proxy_set_header', 'Connection', ''),
    Directive.of('proxy_set_header', 'Host', '$host'),
    Directive.of('proxy_set_header', 'X-Real-IP', '$remote_addr'),
    Directive.of('proxy_set_header', 'X-Forwarded-For', '$proxy_add_x_forwarded_for'),
    Directive.of('proxy_set_header', 'X-Forwarded-Proto', '$scheme'),
    Directive.of('proxy_set_header', 'X-Forwarded-Host', '$host'),
    Directive.of('proxy_connect_timeout', `${connect}s`),
    Directive.of('proxy_send_timeout', `${read}s`),
    Directive.of('proxy_read_timeout', `${read}s`),
    Directive.of('proxy_buffering', options.buffering ?? true ? 'on' : 'off'),
  ];
}

/** Per-client rate limits (ngx_http_limit_req_module, ngx_http_limit_conn_module); over the limit: 429. */
export interface RateLimitOptions {
  /** Sustained requests per second per client address. */
  readonly requestsPerSecond: number;
  /**
   * Requests above the rate served at once before 429s start.
   * @default - twice requestsPerSecond
   */
  readonly burst?: number;
  /**
   * Open connections per client address.
   * @default - no connection limit
   */
  readonly connectionsPerClient?: number;
}

/** Format of the access log. */
export enum AccessLogFormat {
  /** The seed's `main` format (combined plus X-Forwarded-For). */
  MAIN = 'MAIN',
  /** One JSON object per request (`escape=json`), for log pipelines. */
  JSON = 'JSON',
}

/** The JSON access-log format: one object per line, values escaped by nginx. */
export const JSON_LOG_FORMAT = '{"time":"$time_iso8601","remote_addr":"$remote_addr","request_id":"$request_id",'
  + '"method":"$request_method","uri":"$request_uri","protocol":"$server_protocol","status":$status,'
  + '"bytes_sent":$body_bytes_sent,"request_time":$request_time,"referer":"$http_referer",'
  + '"user_agent":"$http_user_agent","forwarded_for":"$http_x_forwarded_for","host":"$host",'
  + '"upstream_addr":"$upstream_addr","upstream_status":"$upstream_status","upstream_response_time":"$upstream_response_time"}';

/** Security headers sent on every response (`always`), before user changes. */
export const DEFAULT_SECURITY_HEADERS: { readonly [name: string]: string } = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'SAMEORIGIN',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'Content-Security-Policy': "default-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'self'",
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** File types whose responses are cached by browsers (`assetMaxAgeSeconds`). */
export const STATIC_ASSET_EXTENSIONS = ['css', 'js', 'mjs', 'map', 'json', 'png', 'jpe?g', 'gif', 'svg', 'ico', 'webp', 'avif', 'woff2?', 'ttf', 'otf'];

/** MIME types gzip compresses (text/html is always compressed by nginx). */
export const GZIP_TYPES = [
  'text/css', 'text/plain', 'text/xml', 'text/javascript', 'application/javascript', 'application/json',
  'application/xml', 'application/rss+xml', 'application/atom+xml', 'image/svg+xml', 'font/ttf', 'font/otf',
];
