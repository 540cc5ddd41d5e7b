import { Directive } from './directive';
import { AccessLogFormat, JSON_LOG_FORMAT } from './features/logging';
import { NginxUpstreamOptions } from './features/proxy';
import { NGINX_CONF_DIR } from './paths';
import { TEMP_PATHS } from './writable-paths';

/** The seed's `main` access-log format. */
export const MAIN_LOG_FORMAT = '$remote_addr - $remote_user [$time_local] "$request" '
  + '$status $body_bytes_sent "$http_referer" '
  + '"$http_user_agent" "$http_x_forwarded_for"';

/** What `nginx.conf` is built from: the settings of a sealed `NginxConfig`. Internal. */
export interface MainTreeSettings {
  readonly runtimeDir: string;
  readonly modules: readonly string[];
  readonly workerProcesses: string;
  readonly errorLogLevel: string;
  readonly workerShutdownTimeoutSeconds: number;
  readonly workerConnections: number;
  readonly accessLog: boolean;
  readonly accessLogFormat: AccessLogFormat;
  readonly openFileCacheEntries: number;
  readonly keepaliveTimeoutSeconds: number;
  readonly clientMaxBodySize: string;
  readonly clientTimeoutSeconds: number;
  /** The directives of the typed features (gzip, rate limit, brotli), in registry order. */
  readonly featureDirectives: readonly Directive[];
  readonly securityHeaders: { readonly [name: string]: string };
  readonly upstreams: readonly NginxUpstreamOptions[];
  /** Escape-hatch directives of the main context, the events block and the http block. */
  readonly mainExtra: readonly Directive[];
  readonly eventsExtra: readonly Directive[];
  readonly httpExtra: readonly Directive[];
}

/**
 * The directives of `nginx.conf` (the servers live in conf.d/, included at the end of `http`). Pure: the same
 * settings give the same tree.
 */
export function buildMainTree(s: MainTreeSettings): Directive[] {
  const p = (name: string) => `${s.runtimeDir.replace(/\/+$/, '')}/${name}`;
  return [
    ...s.modules.map(m => Directive.of('load_module', m)),
    Directive.of('worker_processes', s.workerProcesses),
    Directive.of('pid', p('nginx.pid')),
    Directive.of('error_log', 'stderr', s.errorLogLevel),
    Directive.of('worker_shutdown_timeout', `${s.workerShutdownTimeoutSeconds}s`),
    ...s.mainExtra,
    Directive.withBlock('events', [], [
      Directive.of('worker_connections', String(s.workerConnections)),
      ...s.eventsExtra,
    ]),
    Directive.withBlock('http', [], [
      Directive.of('include', `${NGINX_CONF_DIR}/mime.types`),
      Directive.of('default_type', 'application/octet-stream'),
      Directive.of('log_format', 'main', MAIN_LOG_FORMAT),
      ...(s.accessLogFormat === AccessLogFormat.JSON ? [Directive.of('log_format', 'json', 'escape=json', JSON_LOG_FORMAT)] : []),
      s.accessLog
        ? Directive.of('access_log', '/dev/stdout', s.accessLogFormat === AccessLogFormat.JSON ? 'json' : 'main')
        : Directive.of('access_log', 'off'),
      Directive.of('sendfile', 'on'),
      Directive.of('tcp_nopush', 'on'),
      ...(s.openFileCacheEntries > 0 ? [
        Directive.of('open_file_cache', `max=${s.openFileCacheEntries}`, 'inactive=60s'),
        Directive.of('open_file_cache_valid', '60s'),
        Directive.of('open_file_cache_errors', 'on'),
      ] : []),
      Directive.of('keepalive_timeout', String(s.keepaliveTimeoutSeconds)),
      Directive.of('server_tokens', 'off'),
      Directive.of('absolute_redirect', 'off'),
      Directive.of('client_max_body_size', s.clientMaxBodySize),
      Directive.of('client_body_timeout', `${s.clientTimeoutSeconds}s`),
      Directive.of('client_header_timeout', `${s.clientTimeoutSeconds}s`),
      Directive.of('send_timeout', `${s.clientTimeoutSeconds}s`),
      Directive.of('reset_timedout_connection', 'on'),
      ...TEMP_PATHS.map(([d, dir]) => Directive.of(d, p(dir))),
      ...s.featureDirectives,
      ...Object.keys(s.securityHeaders).sort().map(h => Directive.of('add_header', h, s.securityHeaders[h], 'always')),
      ...s.upstreams.map(u => Directive.withBlock('upstream', [u.name], [
        ...u.servers.map(srv => Directive.of('server', srv)),
        Directive.of('keepalive', String(u.keepalive ?? 16)),
      ])),
      ...s.httpExtra,
      Directive.of('include', `${NGINX_CONF_DIR}/conf.d/*.conf`),
    ]),
  ];
}
