import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { NginxConfig } from './config';
import type { ConfigFile, NginxConfigProps } from './config-props';
import { Directive } from './directive';
import { HTTP_FEATURES } from './features/registry';
import { NginxModule, knownModule } from './modules';
import { NginxSyntaxError, parseNginx } from './parse';
import { NGINX_CONF_DIR } from './paths';
import { NginxServerOptions } from './server-options';
import { describeValue } from '../input/describe';
import { characterProblem } from '../input/reader';

/**
 * Directives the library sets itself: an imported value is replaced (pid and temp paths move to the
 * runtimeDir, logs go to stdout/stderr) or mapped to a typed prop.
 */
const MANAGED_MAIN = new Set(['user', 'pid', 'worker_processes', 'worker_shutdown_timeout', 'error_log', 'load_module', 'daemon', 'master_process', 'lock_file']);
const MANAGED_HTTP = new Set([
  'default_type', 'sendfile', 'tcp_nopush', 'keepalive_timeout', 'server_tokens', 'absolute_redirect', 'access_log', 'error_log',
  'client_body_temp_path', 'proxy_temp_path', 'fastcgi_temp_path', 'uwsgi_temp_path', 'scgi_temp_path',
  'client_max_body_size', 'client_body_timeout', 'client_header_timeout', 'send_timeout',
  // Each typed feature's own directives (nginx/features/): mapped to its props by the feature.
  ...HTTP_FEATURES.flatMap(f => [...f.imported]),
]);

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map(p => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
}

/** Replaces `include` directives by the directives of the files they name (mime.types is the image's own). */
function inlineIncludes(tree: readonly Directive[], files: ReadonlyMap<string, string>, seen: readonly string[]): Directive[] {
  const out: Directive[] = [];
  for (const d of tree) {
    if (d.name === 'include' && d.args.length === 1) {
      const target = d.args[0];
      const relative = target.startsWith(`${NGINX_CONF_DIR}/`) ? target.slice(NGINX_CONF_DIR.length + 1) : target;
      if (relative === 'mime.types') continue;
      if (relative.startsWith('/')) {
        throw new Error(`include ${target} is outside ${NGINX_CONF_DIR}; pass the file with a path relative to ${NGINX_CONF_DIR}, or inline it.`);
      }
      const re = globToRegExp(relative);
      const matched = [...files.keys()].filter(f => re.test(f)).sort();
      if (matched.length === 0 && !relative.includes('*')) throw new Error(`include ${target}: no such file among the imported files.`);
      for (const f of matched) {
        if (seen.includes(f)) throw new Error(`include ${target} includes ${f} again (a cycle: ${[...seen, f].join(' -> ')}).`);
        out.push(...inlineIncludes(parseNginx(files.get(f)!, f), files, [...seen, f]));
      }
      continue;
    }
    out.push(d.block ? Directive.withBlock(d.name, d.args, inlineIncludes(d.block, files, seen)) : d);
  }
  return out;
}

/** Whole seconds of an nginx time like `20`, `20s` or `1m`; undefined for anything else. */
function seconds(value: string | undefined): number | undefined {
  const m = value === undefined ? null : /^([0-9]+)(s|m)?$/.exec(value);
  return m ? Number(m[1]) * (m[2] === 'm' ? 60 : 1) : undefined;
}

const SIMPLE_LISTEN = /^(?:(?:\*|[0-9.]+):)?([0-9]+)$/;
const IPV6_LISTEN = /^\[::\]:([0-9]+)$/;

/** A typed server from an imported `server` block; what has no typed prop stays as escape-hatch directives. */
function importServer(block: readonly Directive[], index: number, config: NginxConfig): void {
  const where = `server #${index + 1}`;
  const listens = block.filter(d => d.name === 'listen');
  let port = 80;
  let defaultServer = false;
  let ipv6 = false;
  for (const l of listens) {
    const [address, ...params] = l.args;
    const extra = params.filter(p => p !== 'default_server' && p !== 'default');
    if (extra.length > 0) {
      throw new Error(`${where}: 'listen ${l.args.join(' ')}' has parameters (${extra.join(', ')}) the importer does not map; remove them and use the typed options (tls, http2) after importing.`);
    }
    const v6 = IPV6_LISTEN.exec(address ?? '');
    const v4 = SIMPLE_LISTEN.exec(address ?? '');
    if (v6) { ipv6 = true; port = Number(v6[1]); } else if (v4) { port = Number(v4[1]); } else {
      throw new Error(`${where}: 'listen ${l.args.join(' ')}' is not a port the importer maps; use 'listen <port>'.`);
    }
    defaultServer ||= params.length > 0;
  }
  const names = block.find(d => d.name === 'server_name')?.args ?? ['localhost'];
  const errorPage = block.find(d => d.name === 'error_page' && d.args.join(' ').startsWith('500 502 503 504 '));
  const options: NginxServerOptions = {
    name: serverFileName(names[0], index),
    port: port < 1024 ? 8080 : port,
    serverNames: names.filter(n => n !== ''),
    defaultServer,
    ipv6,
    root: block.find(d => d.name === 'root')?.args[0],
    index: block.find(d => d.name === 'index')?.args,
    errorPage: errorPage?.args[4],
    // An imported server keeps its own behaviour: no default caching, method or hidden-file rules added.
    assetMaxAgeSeconds: 0,
    allowedMethods: [],
    denyHiddenFiles: false,
  };
  const server = config.addServer(options);
  const typed = new Set(['listen', 'server_name', 'root', 'index']);
  for (const d of block) {
    if (typed.has(d.name) || d === errorPage) continue;
    // The typed error page already has its internal location.
    if (d.name === 'location' && d.args[0] === '=' && d.args[1] === server.errorPage) continue;
    if ((d.name === 'access_log' || d.name === 'error_log') && d.args[0] !== 'off') continue;
    server.addDirective(d);
  }
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
    const args = d.name === 'location' ? locationArgumentsAsNginxReadsThem(d.args) : d.args;
    return Directive.withBlock(d.name, args, normaliseLocations(d.block));
  });
}

/**
 * Builds an NginxConfig from existing files (`nginx.conf` and what it includes, relative to /etc/nginx).
 * Typed settings are read where the library has them (worker_processes, worker_connections, error log
 * level, dynamic modules, keepalive_timeout; each server's port, names, root, index, error page); paths
 * the library owns (pid, temp paths, logs) move to the runtimeDir and stdout/stderr; everything else is
 * kept unchanged as escape-hatch directives. A port below 1024 becomes 8080.
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
  const find = (list: readonly Directive[], name: string) => list.find(d => d.name === name);
  const events = find(tree, 'events')?.block ?? [];
  const http = find(tree, 'http')?.block ?? [];
  const errorLog = find(tree, 'error_log');
  const keepalive = find(http, 'keepalive_timeout')?.args[0];
  const loaded = tree.filter(d => d.name === 'load_module').map(d => (d.args[0].startsWith('/') ? d.args[0] : `/usr/lib/nginx/${d.args[0]}`));
  const config = create({
    workerProcesses: find(tree, 'worker_processes')?.args[0],
    workerConnections: Number(find(events, 'worker_connections')?.args[0] ?? 1024),
    errorLogLevel: errorLog?.args[1],
    // A module NginxModules declares comes in as a dynamic module, so that its directives are known.
    modules: loaded.filter(m => knownModule(m) === undefined),
    dynamicModules: loaded.map(knownModule).filter((m): m is NginxModule => m !== undefined),
    keepaliveTimeoutSeconds: seconds(keepalive),
    workerShutdownTimeoutSeconds: seconds(find(tree, 'worker_shutdown_timeout')?.args[0]),
    // An imported open_file_cache is kept as it is, in place of the library's.
    openFileCacheEntries: http.some(d => d.name.startsWith('open_file_cache')) ? 0 : undefined,
    ...Object.assign({}, ...HTTP_FEATURES.map(f => f.importProps(http))),
    servers: [],
    ...props,
  });
  for (const d of tree) {
    if (MANAGED_MAIN.has(d.name) || d.name === 'events' || d.name === 'http') continue;
    config.addMainDirective(d);
  }
  for (const d of events) {
    if (d.name !== 'worker_connections') config.addEventsDirective(d);
  }
  let serverIndex = 0;
  for (const d of http) {
    if (d.name === 'server' && d.block) {
      importServer(d.block, serverIndex++, config);
    } else if (d.name === 'log_format' && d.args[0] === 'main') {
      continue;
    } else if (!MANAGED_HTTP.has(d.name)) {
      config.addHttpDirective(d);
    }
  }
  return config;
}

/** Reads every regular file below `dir` (relative paths), for `NginxConfig.fromDirectory`. */
export function readConfigDirectory(dir: string): ConfigFile[] {
  const isFolder = typeof dir === 'string' && !characterProblem(dir) && fs.existsSync(dir) && fs.statSync(dir).isDirectory();
  if (!isFolder) {
    throw new Error(`NginxConfig.fromDirectory: dir ${describeValue(dir)} is not a folder; point it at a folder laid out like /etc/nginx (nginx.conf and the files it includes).`);
  }
  const out: ConfigFile[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (e.isFile() && (r === 'nginx.conf' || r.endsWith('.conf'))) out.push({ path: r, content: fs.readFileSync(path.join(dir, r), 'utf8') });
    }
  };
  walk('');
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}
