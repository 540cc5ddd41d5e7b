import { createHash } from 'crypto';
import { checkSecurity } from './checks';
import type { NginxConfig } from './config';
import type { ConfigFile, NginxConfigProps } from './config-props';
import { Directive, walkDirectives } from './directive';
import { HTTP_FEATURES } from './features/registry';
import { TlsOptions, TlsProfile } from './features/tls';
import { ConfigFinding, Severity } from './findings';
import { inlineIncludes } from './includes';
import { propOfSetting } from './main-tree';
import { NginxModule, knownModule } from './modules';
import { NginxSyntaxError, at, parseNginx, rebuilt } from './parse';
import { NGINX_CONF_DIR, isUnder } from './paths';
import { LISTEN_PARAMETER, NginxServerOptions } from './server-options';
import { describeValue } from '../input/describe';

/**
 * What the importer owns and replaces: the pid file and temp paths (moved to the runtimeDir), `user` (the image's
 * uid), daemon and master process settings (the container's), and the typed settings read into props. Log
 * destinations become stdout and stderr, keeping their formats and parameters. Every other directive is kept
 * and wins over the library's default for the same setting (`settingKey`).
 */
const MANAGED_MAIN = new Set(['user', 'pid', 'worker_processes', 'worker_shutdown_timeout', 'error_log', 'load_module', 'daemon', 'master_process', 'lock_file']);
const MANAGED_HTTP = new Set([
  'client_body_temp_path', 'proxy_temp_path', 'fastcgi_temp_path', 'uwsgi_temp_path', 'scgi_temp_path',
  // Each typed feature's own directives (nginx/features/): mapped to its props by the feature.
  ...HTTP_FEATURES.flatMap(f => [...f.imported]),
]);

/**
 * Directives whose first argument is a file nginx reads at run time (not configuration the import inlines):
 * credentials, keys, DH parameters, CA lists, databases. (A server's own certificate comes with its `listen ...
 * ssl`, which the importer refuses with its own message.)
 */
const FILE_READERS = new Set([
  'auth_basic_user_file', 'ssl_dhparam', 'ssl_trusted_certificate', 'ssl_client_certificate', 'ssl_crl', 'ssl_password_file',
  'ssl_stapling_file', 'ssl_session_ticket_key', 'auth_jwt_key_file', 'geoip_country',
  'geoip_city', 'geoip_org', 'xslt_stylesheet', 'js_import', 'perl_modules', 'proxy_ssl_trusted_certificate', 'proxy_ssl_certificate',
  'proxy_ssl_certificate_key', 'proxy_ssl_password_file', 'proxy_ssl_crl', 'grpc_ssl_trusted_certificate', 'grpc_ssl_certificate',
  'grpc_ssl_certificate_key', 'uwsgi_ssl_trusted_certificate', 'uwsgi_ssl_certificate', 'uwsgi_ssl_certificate_key',
]);

/**
 * Refuses a file that an imported directive reads at run time: the image ships the configuration only, so
 * nginx would start (nginx -t passes for most of them) and then fail the requests that need the file.
 */
function checkReadFiles(tree: readonly Directive[]): void {
  walkDirectives(tree, d => {
    if (!FILE_READERS.has(d.name) || typeof d.args[0] !== 'string' || d.args[0].includes('$') || d.args[0].startsWith('data:')) return;
    const file = d.args[0].startsWith('/') ? d.args[0] : `${NGINX_CONF_DIR}/${d.args[0]}`;
    throw new Error(`'${d.name} ${d.args.join(' ')}'${at(d)} reads ${file} at run time, which the image does not ship (an import carries configuration only), so its requests would fail. Remove the line, import, then add it again with the file mounted into the pod (a Secret for credentials and keys).`);
  });
}

/** Log destinations that already go where a container's logs go, or elsewhere than a file. */
function keepsDestination(target: string): boolean {
  return target === 'off' || target === 'stderr' || target === '/dev/stdout' || target === '/dev/stderr'
    || target.startsWith('syslog:') || target.startsWith('memory:');
}

/** The tree with every log file moved to stdout (access logs) or stderr (error logs), formats and parameters kept. */
function logsToStreams(tree: readonly Directive[]): Directive[] {
  return tree.map(d => {
    if (d.block) return rebuilt(d, [...d.args], logsToStreams(d.block));
    if ((d.name === 'access_log' || d.name === 'error_log') && typeof d.args[0] === 'string' && !keepsDestination(d.args[0])) {
      return rebuilt(d, [d.name === 'access_log' ? '/dev/stdout' : 'stderr', ...d.args.slice(1)], undefined);
    }
    return d;
  });
}

/** Milliseconds of each unit of an nginx time (ngx_parse_time). */
const TIME_UNITS: { readonly [unit: string]: number } = {
  ms: 1, s: 1000, m: 60000, h: 3600000, d: 86400000, w: 604800000, M: 2592000000, y: 31536000000,
};

/**
 * Whole seconds of an nginx time (`20`, `20s`, `1m`, `1h30m`, `2d`); undefined for anything else, or for a
 * time that is not a whole number of seconds (`1500ms`).
 */
export function nginxSeconds(value: string | undefined): number | undefined {
  if (typeof value !== 'string' || !/^(?:[0-9]{1,9}(?:ms|s|m|h|d|w|M|y)?)+$/.test(value)) return undefined;
  let ms = 0;
  for (const [, n, unit] of value.matchAll(/([0-9]+)(ms|s|m|h|d|w|M|y)?/g)) ms += Number(n) * TIME_UNITS[unit ?? 's'];
  return ms % 1000 === 0 ? ms / 1000 : undefined;
}

/** The one argument of the only `name` directive of a block, if the block has exactly one with one argument. */
function single(list: readonly Directive[], name: string): string | undefined {
  const found = list.filter(d => d.name === name);
  return found.length === 1 && found[0].args.length === 1 ? found[0].args[0] : undefined;
}

/** A `listen` address and port: every interface (IPv4 or IPv6), or a loopback address; anything else is undefined. */
function readListen(arg: string | undefined): { host: '*' | '[::]' | string; port: number } | undefined {
  const m = /^(?:(\*|0\.0\.0\.0|\[::\]|\[::1\]|localhost|127(?:\.[0-9]{1,3}){3}):)?([0-9]{1,5})$/.exec(arg ?? '')
    ?? /^()(\[::1\]|localhost|127(?:\.[0-9]{1,3}){3})$/.exec(arg ?? '');
  if (!m) return undefined;
  // An address without a port listens on 80.
  const [host, port] = /^[0-9]+$/.test(m[2]) ? [m[1] ?? '*', Number(m[2])] : [m[2], 80];
  if (host === '0.0.0.0') return { host: '*', port };
  if (host === '[::1]') return { host: '::1', port };
  if (host === 'localhost') return { host: '127.0.0.1', port };
  return { host: host || '*', port };
}

/** The typed listen options of an imported server, or an error naming the `listen` that cannot be kept. */
function importListens(listens: readonly Directive[], where: string) {
  const ports: number[] = [];
  const hosts = new Set<string>();
  const v4Ports = new Set<number>();
  const v6Ports = new Set<number>();
  let defaultServer = false;
  let tls: boolean | undefined;
  let http2 = false;
  let socket: string | undefined;
  const v6only = new Set<string>();
  for (const l of listens) {
    const [address, ...params] = l.args;
    const text = `'listen ${l.args.join(' ')}'${at(l)}`;
    const protocol = params.filter(p => p === 'ssl' || p === 'http2');
    const flags = params.filter(p => p !== 'default_server' && p !== 'default' && p !== 'ssl' && p !== 'http2');
    const unsupported = flags.filter(p => !LISTEN_PARAMETER.test(p));
    if (unsupported.length > 0) {
      throw new Error(`${text} has parameters (${unsupported.join(', ')}) that the importer cannot carry over yet: the server's typed listen would drop them and change how it listens. Remove them from the file (TLS and HTTP/2 have typed server options: tls, http2), then import.`);
    }
    const ssl = protocol.includes('ssl');
    if (tls !== undefined && tls !== ssl) {
      throw new Error(`${text} ${ssl ? 'speaks TLS and another listen of the server does not' : 'speaks plain HTTP and another listen of the server TLS'}; a typed server is either. Split it into a plain and a TLS server in the file, then import.`);
    }
    tls = ssl;
    http2 ||= protocol.includes('http2');
    const read = readListen(address);
    if (read === undefined) {
      throw new Error(`${text} binds an address the pod does not know when the configuration is built (or a socket); the importer would listen on every interface instead, which exposes what was private. Listen on a port ('listen 8080') or a loopback address in the file, or add this server by hand after importing.`);
    }
    hosts.add(read.host === '[::]' ? '*' : read.host);
    (read.host === '[::]' ? v6Ports : v4Ports).add(read.port);
    const port = read.port < 1024 ? read.port + 8000 : read.port;
    if (!ports.includes(port)) ports.push(port);
    defaultServer ||= params.some(p => p === 'default_server' || p === 'default');
    flags.filter(p => p.startsWith('ipv6only=')).forEach(p => v6only.add(p));
    const rest = flags.filter(p => !p.startsWith('ipv6only=')).sort().join(' ');
    if (socket !== undefined && socket !== rest) {
      throw new Error(`${text} has other parameters than the server's other listen lines; a typed server gives every listen the same ones. Make them the same in the file, or split the server, then import.`);
    }
    socket = rest;
  }
  if (hosts.size > 1) {
    throw new Error(`${where} listens on ${[...hosts].map(h => (h === '*' ? 'every interface' : h)).join(' and ')}; a typed server has one address. Split it into one server per address in the file, then import.`);
  }
  // `listen [::]:443 ipv6only=off` alone takes IPv4 too: the typed ipv6 (a listen per family) does the same.
  if (v4Ports.size === 0 && v6Ports.size > 0 && v6only.has('ipv6only=off') && v6only.size === 1) {
    v6only.clear();
    for (const p of v6Ports) v4Ports.add(p);
  }
  if (v6Ports.size > 0 && [...v6Ports].sort().join() !== [...v4Ports].sort().join()) {
    throw new Error(`${where} listens on IPv6 ports (${[...v6Ports].join(', ')}) that are not its IPv4 ports (${[...v4Ports].join(', ') || 'none'}); a typed server's ipv6 adds [::] to each of its ports. Make them the same in the file, then import.`);
  }
  const mapped = listens.length === 0 ? [8080] : ports;
  if (mapped.length < new Set([...v4Ports, ...v6Ports]).size) {
    throw new Error(`${where} listens on ports that are the same once ports below 1024 move up by 8000 (${[...v4Ports, ...v6Ports].join(', ')}); change one of them in the file, then import.`);
  }
  const host = [...hosts][0];
  return {
    port: mapped[0],
    additionalPorts: mapped.slice(1),
    address: host === undefined || host === '*' ? undefined : host,
    ipv6: v6Ports.size > 0,
    defaultServer,
    listenParameters: [...(socket ? socket.split(' ') : []), ...v6only],
    tls: tls === true,
    http2,
  };
}

/**
 * A typed server from an imported `server` block, with the same behaviour: its locations, error pages and
 * everything without a typed prop stay as escape-hatch directives, and the typed server adds none of its
 * default locations (only the health endpoint). A root or index the server inherits from `http` is its own.
 */
function importServer(block: readonly Directive[], index: number, config: NginxConfig, http: readonly Directive[]): void {
  const listens = block.filter(d => d.name === 'listen');
  const listen = importListens(listens, `server #${index + 1}${listens[0] ? at(listens[0]) : ''}`);
  // nginx joins every server_name line of a server.
  const nameLines = block.filter(d => d.name === 'server_name');
  const names = nameLines.length > 0 ? nameLines.flatMap(d => d.args) : ['localhost'];
  const { tls, ...listenOptions } = listen;
  const indexOf = (list: readonly Directive[]) => (list.filter(d => d.name === 'index').length === 1 ? list.find(d => d.name === 'index')!.args : undefined);
  const options: NginxServerOptions = {
    name: serverFileName(names[0], index),
    ...listenOptions,
    ...(tls ? { tls: importTls(block, http, serverFileName(names[0], index)) } : {}),
    serverNames: names.filter(n => n !== ''),
    root: single(block, 'root') ?? single(http, 'root'),
    // nginx's own default index is index.html alone.
    index: indexOf(block) ?? indexOf(http) ?? ['index.html'],
    // An imported server keeps its own behaviour: no default locations, caching, method or hidden-file rules.
    defaultLocations: false,
    assetMaxAgeSeconds: 0,
    allowedMethods: [],
    denyHiddenFiles: false,
  };
  const server = config.addServer(options);
  // A redirect-only server (a server-level return, no location, no other rewrite directive) answers every
  // request the same from 'location /': so the exact health location can still answer the probes.
  const firstReturn = block.find(d => d.name === 'return');
  const redirectOnly = firstReturn !== undefined
    && !block.some(d => d.name === 'location' || d.name === 'rewrite' || d.name === 'if' || d.name === 'set' || d.name === 'break');
  if (redirectOnly) server.addDirective(Directive.withBlock('location', ['/'], [firstReturn]));
  // A TLS server's certificate and key come from its Secret (the typed tls renders them).
  const typed = new Set(['listen', 'server_name', ...(tls ? ['ssl_certificate', 'ssl_certificate_key'] : [])]);
  for (const d of block) {
    // Server-level returns after the first are never run.
    if (typed.has(d.name) || (redirectOnly && d.name === 'return')) continue;
    if ((d.name === 'root' && single(block, 'root') !== undefined) || (d.name === 'index' && indexOf(block) !== undefined)) continue;
    server.addDirective(d);
  }
}

/**
 * The typed TLS of an imported TLS server: its certificate and key (its own, or those it inherits from `http`)
 * come from a Kubernetes TLS Secret named after the server, mounted where the typed server reads them; its own
 * ssl_* settings are kept (profile NONE) and no HSTS header is added.
 */
function importTls(block: readonly Directive[], http: readonly Directive[], name: string): TlsOptions {
  for (const d of ['ssl_certificate', 'ssl_certificate_key']) {
    const own = block.filter(x => x.name === d);
    const lines = own.length > 0 ? own : http.filter(x => x.name === d);
    if (lines.length === 0) {
      const listen = block.find(x => x.name === 'listen');
      throw new Error(`server '${name}'${listen ? at(listen) : ''} speaks TLS but has no ${d}; add it in the file (its file comes from a Secret after importing), then import.`);
    }
    if (lines.length > 1) {
      throw new Error(`'${d} ${lines[1].args.join(' ')}'${at(lines[1])} is a second certificate of the server (RSA and ECDSA); a typed TLS server has one, from one Secret. Keep one in the file, then import.`);
    }
    if (lines[0].args.some(a => a.includes('$'))) {
      throw new Error(`'${d} ${lines[0].args.join(' ')}'${at(lines[0])} picks the certificate at run time; a typed TLS server reads one from its Secret. Name one file in the file, then import.`);
    }
  }
  return { secretName: `${name.replace(/_/g, '-')}-tls`, profile: TlsProfile.NONE, hstsMaxAgeSeconds: 0 };
}

/**
 * Checks about a setting the import replaces with the library's own (the main error log, log files moved to
 * the streams, worker_processes and server_tokens it supplies when the files have none, the send_timeout that
 * bounds slow clients of an unbuffered proxy): a finding of the files that the rendered configuration no longer
 * has needs no action.
 */
const REPLACED_BY_IMPORT = new Set(['log-file', 'error-log-off', 'worker-processes', 'version-disclosure', 'proxy-buffering-off']);

/** A finding's place without server labels, which the import may change (a server without a name gets one). */
function placeKey(f: ConfigFinding): string {
  return `${f.check}\n${f.where.replace(/server \([^)]*\)/g, 'server')}`;
}

/**
 * The findings of the imported files as written that the rendered configuration does not have: the import
 * changed what they are about on the way (for example a header list it repeats into every block), so the
 * files and what runs differ. Each is a warning that says so; a finding the rendered configuration has too
 * is reported once, from it.
 */
export function importedOnly(source: readonly ConfigFinding[], rendered: readonly ConfigFinding[]): ConfigFinding[] {
  const seen = new Set(rendered.map(placeKey));
  return source
    .filter(f => !REPLACED_BY_IMPORT.has(f.check) && !seen.has(placeKey(f)))
    .map(f => ({
      check: f.check,
      severity: Severity.WARNING,
      where: `${f.where} (as imported)`,
      message: `${f.message} This is in the imported files as written; the configuration rendered from them differs here because the import changed it, so the files do not say what runs: fix them and import again.`,
    }));
}

/** Whether every `listen` of a server block is a unix-domain socket: a server only the pod itself reaches. */
function listensOnSocketsOnly(block: readonly Directive[]): boolean {
  const listens = block.filter(d => d.name === 'listen');
  return listens.length > 0 && listens.every(l => typeof l.args[0] === 'string' && l.args[0].startsWith('unix:'));
}

/**
 * The tree with each unix-domain socket that a `listen` creates outside the runtimeDir moved into it (the root
 * filesystem is read-only), and every reference to it (`proxy_pass http://unix:/run/app.sock:/`, an upstream's
 * `server unix:...`, `fastcgi_pass unix:...`) following it, as the pid file and temp paths move.
 */
function socketsToRuntimeDir(tree: readonly Directive[], runtimeDir: string): Directive[] {
  const moved = new Map<string, string>();
  const taken = new Set<string>();
  walkDirectives(tree, d => {
    const arg = d.args[0];
    if (d.name !== 'listen' || typeof arg !== 'string' || !arg.startsWith('unix:')) return;
    const path = arg.slice('unix:'.length);
    if (moved.has(path) || !path.startsWith('/') || isUnder(path, runtimeDir)) return;
    const base = path.slice(path.lastIndexOf('/') + 1) || 'nginx.sock';
    let target = `${runtimeDir}/${base}`;
    for (let n = 2; taken.has(target); n++) target = `${runtimeDir}/${n}-${base}`;
    taken.add(target);
    moved.set(path, target);
  });
  if (moved.size === 0) return [...tree];
  const rewrite = (arg: string) => {
    let out = arg;
    for (const [from, to] of moved) {
      // The path ends where the socket name does: at the end, at ':' (a URI follows) or at a space.
      out = out.replace(new RegExp(`unix:${from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=$|[:\\s])`, 'g'), `unix:${to}`);
    }
    return out;
  };
  const visit = (list: readonly Directive[]): Directive[] => list.map(d => rebuilt(d, d.args.map(rewrite), d.block && visit(d.block)));
  return visit(tree);
}

/** Longest part of a server name kept in its file name; longer names are cut and keep a hash of the whole. */
const MAX_FILE_BASE = 40;

function serverFileName(serverName: string | undefined, index: number): string {
  const prefix = String(index + 1).padStart(2, '0');
  const base = (serverName ?? '').toLowerCase().replace(/^[*.]+/, '').replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
  if (!base || base === '_') return `${prefix}-server`;
  if (base.length <= MAX_FILE_BASE) return `${prefix}-${base}`;
  const hash = createHash('sha256').update(serverName ?? '').digest('hex').slice(0, 8);
  return `${prefix}-${base.slice(0, MAX_FILE_BASE).replace(/-+$/, '')}-${hash}`;
}

/**
 * A location's arguments the way nginx reads them: in the one-argument form nginx takes the modifier from
 * the first characters (`=/x`, `^~/x`, `~*\.php$`, `~^/x`), so those become a modifier and a path. Other
 * forms are kept as they are, for the structure check to judge.
 */
export function locationArgumentsAsNginxReadsThem(args: readonly string[]): string[] {
  if (args.length !== 1 || typeof args[0] !== 'string') return [...args];
  const [arg] = args;
  for (const modifier of ['^~', '~*', '=', '~']) {
    if (arg.startsWith(modifier) && arg.length > modifier.length) return [modifier, arg.slice(modifier.length)];
  }
  return [arg];
}

/** The tree with every location's arguments as nginx reads them. */
function normaliseLocations(tree: readonly Directive[]): Directive[] {
  return tree.map(d => {
    if (!d.block) return d;
    const args = d.name === 'location' ? locationArgumentsAsNginxReadsThem(d.args) : [...d.args];
    return rebuilt(d, args, normaliseLocations(d.block));
  });
}

/**
 * Builds an NginxConfig from existing files (`nginx.conf` and what it includes, relative to /etc/nginx), with
 * the same effect: typed settings are read where a prop says exactly the same (worker_processes,
 * worker_connections, error log level, dynamic modules, keepalive_timeout, client_max_body_size, gzip; each
 * server's port, names, root, index, error page); what the library owns is replaced (pid and temp paths in
 * the runtimeDir, log files to stdout/stderr with their formats, `user`); every other directive is kept and
 * wins over the library's default for the same setting. A port below 1024 becomes 8080. What cannot be carried
 * over with the same effect (a bound address, several ports in one server, listen parameters) fails the import
 * with its file and line.
 */
export function importNginxConfig(
  files: readonly ConfigFile[],
  props: NginxConfigProps,
  create: (props: NginxConfigProps) => NginxConfig,
): NginxConfig {
  if (!Array.isArray(files) || files.some(f => typeof f?.path !== 'string' || typeof f?.content !== 'string')) {
    throw new Error(`NginxConfig.fromFiles: files ${describeValue(files)} is not a list of { path, content } strings; pass [{ path: 'nginx.conf', content: '...' }, ...].`);
  }
  if (typeof props !== 'object' || props === null || Array.isArray(props)) {
    throw new Error(`NginxConfig.fromFiles: props ${describeValue(props)} is not an object of NginxConfig props; pass {} or, for example, { runtimeDir: '/dev/shm' }.`);
  }
  const byPath = new Map(files.map(f => [f.path, f.content]));
  const main = byPath.get('nginx.conf');
  if (main === undefined) throw new Error("importing needs the main file as { path: 'nginx.conf', content }.");
  let tree: Directive[];
  try {
    tree = normaliseLocations(inlineIncludes(parseNginx(main, 'nginx.conf'), byPath, ['nginx.conf']));
  } catch (e) {
    if (e instanceof NginxSyntaxError) throw new Error(`cannot import: ${e.message}`);
    throw e;
  }
  // The files as written are checked too: the import replaces some of what the checks read.
  const sourceFindings = checkSecurity(Object.freeze(tree));
  tree = logsToStreams(tree);
  checkReadFiles(tree);
  const find = (list: readonly Directive[], name: string) => list.find(d => d.name === name);
  const events = find(tree, 'events')?.block ?? [];
  const http = find(tree, 'http')?.block ?? [];
  const errorLog = find(tree, 'error_log');
  // Settings read into typed props when the prop can say exactly the same; otherwise the directive is kept.
  const keepalive = nginxSeconds(single(http, 'keepalive_timeout'));
  const bodySize = single(http, 'client_max_body_size');
  const typedBodySize = bodySize !== undefined && /^[0-9]{1,12}[kKmMgG]?$/.test(bodySize) ? bodySize : undefined;
  const shutdownLine = find(tree, 'worker_shutdown_timeout');
  const shutdown = nginxSeconds(single(tree, 'worker_shutdown_timeout'));
  if (shutdownLine !== undefined && shutdown === undefined) {
    throw new Error(`'worker_shutdown_timeout ${shutdownLine.args.join(' ')}'${at(shutdownLine)} is not one time in whole seconds; the pod's grace period is derived from it. Write it as, for example, '30s', then import.`);
  }
  const read = new Set<string>([
    ...(keepalive === undefined ? [] : ['keepalive_timeout']),
    ...(typedBodySize === undefined ? [] : ['client_max_body_size']),
  ]);
  const loaded = tree.filter(d => d.name === 'load_module').map(d => (d.args[0].startsWith('/') ? d.args[0] : `/usr/lib/nginx/${d.args[0]}`));
  const declared: NginxModule[] = Array.isArray(props.dynamicModules) ? props.dynamicModules : [];
  const declaredPaths = declared.map(m => m?.path);
  const config = create({
    workerProcesses: find(tree, 'worker_processes')?.args[0],
    workerConnections: Number(find(events, 'worker_connections')?.args[0] ?? 1024),
    errorLogLevel: errorLog?.args[1],
    // A module declared in the props, or one NginxModules knows, comes in as a dynamic module, so that its
    // directives are known; any other is loaded as it is (its directives are then unknown to the checks).
    modules: loaded.filter(m => knownModule(m) === undefined && !declaredPaths.includes(m)),

    keepaliveTimeoutSeconds: keepalive,
    clientMaxBodySize: typedBodySize,
    workerShutdownTimeoutSeconds: shutdown,
    ...Object.assign({}, ...HTTP_FEATURES.map(f => f.importProps(http))),
    servers: [],
    ...props,
    dynamicModules: [
      ...declared,
      ...loaded.filter(m => !declaredPaths.includes(m)).map(knownModule).filter((m): m is NginxModule => m !== undefined),
    ],
  });
  // The props given to the import win over the imported directive that sets the same thing.
  const given = props as { [prop: string]: unknown };
  const overridden = (d: Directive) => {
    const prop = propOfSetting(d, Object.keys((given.securityHeaders ?? {}) as object));
    return prop !== undefined && (given[prop] !== undefined || (prop === 'accessLog' && given.accessLogFormat !== undefined));
  };
  for (const d of tree) {
    // A main error log to syslog or memory is kept beside the library's stderr log (the level comes from the first).
    const elsewhere = d.name === 'error_log' && typeof d.args[0] === 'string' && (d.args[0].startsWith('syslog:') || d.args[0].startsWith('memory:'));
    if ((MANAGED_MAIN.has(d.name) && !elsewhere) || d.name === 'events' || d.name === 'http') continue;
    config.addMainDirective(d);
  }
  for (const d of events) {
    if (d.name !== 'worker_connections') config.addEventsDirective(d);
  }
  let serverIndex = 0;
  const httpBlock = socketsToRuntimeDir(http, config.runtimeDir);
  for (const d of httpBlock) {
    if (d.name === 'server' && d.block && listensOnSocketsOnly(d.block)) {
      // Reached through its socket from inside the pod only: no port, probe or typed listen; kept as it is.
      config.addHttpDirective(d);
    } else if (d.name === 'server' && d.block) {
      importServer(d.block, serverIndex++, config, http);
    } else if (!MANAGED_HTTP.has(d.name) && !read.has(d.name) && !overridden(d)) {
      config.addHttpDirective(d);
    }
  }
  config._recordSourceFindings(sourceFindings);
  return config;
}
