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

/** Directives nginx takes many times in one block: the library's stay beside those added by hand. */
const REPEATABLE = new Set(['include', 'upstream', 'load_module', 'error_log', 'limit_req', 'limit_conn', 'map', 'geo', 'split_clients', 'server', 'events', 'http']);

/**
 * What a directive sets in its block: its name, or its name and the log format, header or zone it defines;
 * undefined for a directive nginx takes many times. A directive added by hand replaces the library's default
 * with the same key in the same block ("defaults fill only what is left unsaid").
 */
export function settingKey(d: Directive): string | undefined {
  // A name that is not a string (any value can come from a jsii caller) is refused by the structure check.
  if (typeof d.name !== 'string' || REPEATABLE.has(d.name)) return undefined;
  const first = typeof d.args[0] === 'string' ? d.args[0] : '';
  if (d.name === 'log_format') return `log_format ${first}`;
  // The open file cache is one setting in four directives: any of them replaces the library's cache.
  if (d.name.startsWith('open_file_cache')) return 'open_file_cache';
  if (d.name === 'add_header') return `add_header ${first.toLowerCase()}`;
  if (d.name === 'limit_req_zone' || d.name === 'limit_conn_zone') {
    const zone = d.args.find(a => typeof a === 'string' && a.startsWith('zone=')) ?? '';
    return `${d.name} ${zone.split(':')[0]}`;
  }
  return d.name;
}

/** The typed prop that sets each library default a directive added by hand could replace. */
const PROP_OF_SETTING: { readonly [key: string]: string } = {
  worker_processes: 'workerProcesses',
  worker_shutdown_timeout: 'workerShutdownTimeoutSeconds',
  worker_connections: 'workerConnections',
  keepalive_timeout: 'keepaliveTimeoutSeconds',
  client_max_body_size: 'clientMaxBodySize',
  client_body_timeout: 'clientTimeoutSeconds',
  client_header_timeout: 'clientTimeoutSeconds',
  send_timeout: 'clientTimeoutSeconds',
  access_log: 'accessLog',
  open_file_cache: 'openFileCacheEntries',
  gzip: 'gzip',
  gzip_static: 'gzipStatic',
  brotli: 'brotli',
};

/** The typed prop that sets what `d` sets, if one does (`securityHeaders` for a security header's name). */
export function propOfSetting(d: Directive, securityHeaderNames: readonly string[]): string | undefined {
  const key = settingKey(d);
  if (key === undefined) return undefined;
  if (key.startsWith('add_header ')) {
    return securityHeaderNames.some(h => `add_header ${h.toLowerCase()}` === key) ? 'securityHeaders' : undefined;
  }
  return PROP_OF_SETTING[key];
}

/**
 * Directives added by hand that set what a typed prop the caller gave also sets: both were asked for, so the
 * configuration cannot say which one wins. Each problem names both and the fix.
 */
export function settingConflicts(given: { readonly [prop: string]: unknown }, extras: readonly Directive[]): string[] {
  const headers = Object.keys((given.securityHeaders ?? {}) as object);
  const problems: string[] = [];
  for (const d of extras) {
    if (d.name === 'worker_shutdown_timeout') {
      problems.push("'worker_shutdown_timeout' is added by hand, but the pod's termination grace period and the Fargate stop timeout are derived from the prop workerShutdownTimeoutSeconds; set that prop instead.");
      continue;
    }
    const prop = propOfSetting(d, headers);
    const alsoGiven = prop === 'accessLog' && given.accessLogFormat !== undefined ? 'accessLogFormat' : prop;
    // A prop that turns the typed feature off (gzip: false, accessLog: false, openFileCacheEntries: 0) leaves
    // the setting to the directive: that is no conflict.
    const off = alsoGiven !== undefined && (given[alsoGiven] === false || (alsoGiven === 'openFileCacheEntries' && given[alsoGiven] === 0));
    if (alsoGiven !== undefined && given[alsoGiven] !== undefined && !off) {
      problems.push(`'${d.name}${d.name === 'add_header' ? ` ${d.args[0]}` : ''}' is added by hand and also set by the prop ${alsoGiven}; nginx can take only one. Keep the prop, or leave it out and keep the directive.`);
    }
  }
  return problems;
}

/** `defaults` without those that a directive of `extra` (added by hand to the same block) replaces. */
function unlessSet(defaults: readonly Directive[], extra: readonly Directive[]): Directive[] {
  const set = new Set(extra.map(settingKey).filter(k => k !== undefined));
  return defaults.filter(d => {
    const key = settingKey(d);
    return key === undefined || !set.has(key);
  });
}

/**
 * The directives of `nginx.conf` (the servers live in conf.d/, included at the end of `http`). Pure: the same
 * settings give the same tree. A directive added by hand to a block replaces the library's default that sets
 * the same thing there (see `settingKey`).
 */
export function buildMainTree(s: MainTreeSettings): Directive[] {
  const p = (name: string) => `${s.runtimeDir.replace(/\/+$/, '')}/${name}`;
  return [
    ...unlessSet([
      ...s.modules.map(m => Directive.of('load_module', m)),
      Directive.of('worker_processes', s.workerProcesses),
      Directive.of('pid', p('nginx.pid')),
      Directive.of('error_log', 'stderr', s.errorLogLevel),
      Directive.of('worker_shutdown_timeout', `${s.workerShutdownTimeoutSeconds}s`),
    ], s.mainExtra),
    ...s.mainExtra,
    Directive.withBlock('events', [], [
      ...unlessSet([Directive.of('worker_connections', String(s.workerConnections))], s.eventsExtra),
      ...s.eventsExtra,
    ]),
    Directive.withBlock('http', [], httpBlock(unlessSet(httpDefaults(s, p), s.httpExtra), s.httpExtra)),
  ];
}

/**
 * The `http` block: the library's directives, those added by hand, then the servers. nginx reads a log format
 * before the access_log that names it, so the library's access_log goes after the hand-added directives when
 * one of them defines the format it names (a hand-added `log_format main` replaces the library's).
 */
function httpBlock(defaults: Directive[], extra: readonly Directive[]): Directive[] {
  const formats = new Set(extra.filter(d => d.name === 'log_format').map(d => d.args[0]));
  const late = defaults.filter(d => d.name === 'access_log' && d.args.length > 1 && formats.has(d.args[1]));
  return [
    ...defaults.filter(d => !late.includes(d)),
    ...extra,
    ...late,
    Directive.of('include', `${NGINX_CONF_DIR}/conf.d/*.conf`),
  ];
}

/** The library's directives of the `http` block, before those added by hand. */
function httpDefaults(s: MainTreeSettings, p: (name: string) => string): Directive[] {
  return [
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
  ];
}
