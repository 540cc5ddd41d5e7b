import { Directive } from '../directive';

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
   * Whether nginx buffers backend responses, which frees a backend connection fast even when the client reads
   * slowly. `false` (`proxy_buffering off`) passes responses on as they arrive, for server-sent events or long
   * polling, but a slow client then holds the backend connection for as long as it reads: the `send_timeout` of
   * `clientTimeoutSeconds` bounds that (the proxy-buffering-off check warns when it is 60 s or more and no
   * `limit_conn` applies). A backend can instead turn buffering off for its streaming responses only, with the
   * `X-Accel-Buffering: no` response header.
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
