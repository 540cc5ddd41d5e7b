import { WritablePath } from './config-props';
import { Directive, walkDirectives } from './directive';
import { NginxUpstreamOptions } from './features/proxy';
import { ConfigFinding, Severity } from './findings';
import { NGINX_CONF_DIR, checkAbsolutePath, isUnder } from './paths';
import { NginxServer } from './server';
import { checkPort } from './server-options';
import { checkStructure } from './structure';
import { describeValue } from '../input/describe';
import { isPathUnder } from '../input/reader';

/** Directives the library sets that nginx accepts only once per block. */
const SINGLE_DIRECTIVES = new Set([
  'pid', 'worker_processes', 'worker_connections', 'worker_shutdown_timeout', 'sendfile', 'keepalive_timeout', 'server_tokens',
  'absolute_redirect', 'default_type', 'root', 'gzip', 'gzip_types', 'client_max_body_size', 'client_body_timeout',
  'client_header_timeout', 'send_timeout', 'limit_req_status', 'tcp_nopush', 'open_file_cache', 'open_file_cache_valid',
  'open_file_cache_errors', 'client_body_temp_path', 'proxy_temp_path', 'fastcgi_temp_path', 'uwsgi_temp_path', 'scgi_temp_path',
]);

/** What the validation of a configuration reads (a sealed `NginxConfig`). Internal. */
export interface ConfigToValidate {
  /** Problems found while reading props and add* calls. */
  readonly problems: readonly string[];
  readonly runtimeDir: string;
  readonly servers: readonly NginxServer[];
  readonly upstreams: readonly NginxUpstreamOptions[];
  readonly modules: readonly string[];
  readonly workerConnections: number;
  mainTree(): Directive[];
  effectiveTree(): Directive[];
  listenPorts(): number[];
  writablePaths(): WritablePath[];
  findings(): ConfigFinding[];
}

/**
 * Every problem of a configuration, each saying what is wrong and how to fix it: the typed options first (the
 * tree checks mostly echo a wrong option), then the synth-time checks' errors.
 */
export function validateConfig(c: ConfigToValidate): string[] {
  const problems: string[] = [...c.problems];
  const runtimeExample = `'${c.runtimeDir}/...'`;
  for (const folder of [NGINX_CONF_DIR, ...new Set(c.servers.map(s => s.root))]) {
    if (isPathUnder(folder, c.runtimeDir)) {
      problems.push(`runtimeDir ${describeValue(c.runtimeDir)} holds ${folder}, which the image ships; the writable volume mounted there would hide it. Use a folder of its own, such as '/dev/shm'.`);
    }
  }
  const upstreamNames = new Set<string>();
  for (const u of c.upstreams) {
    if (upstreamNames.has(u.name)) problems.push(`upstream '${u.name}' is defined twice; nginx refuses duplicate upstreams. Give each its own name.`);
    upstreamNames.add(u.name);
    if (u.servers.length === 0) problems.push(`upstream '${u.name}' has no servers; list at least one 'host:port', such as 'api.default.svc.cluster.local:8080'.`);
    for (const srv of u.servers) {
      if (!/^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\]):[0-9]{1,5}$/.test(srv) || Number(srv.split(':').pop()) > 65535 || Number(srv.split(':').pop()) < 1) {
        problems.push(`upstream '${u.name}': server ${describeValue(srv)} must be 'host:port' with a port from 1 to 65535, such as 'api.default.svc.cluster.local:8080'.`);
      }
    }
  }
  for (const s of c.servers) {
    for (const up of s.proxiedUpstreams) {
      if (!upstreamNames.has(up)) problems.push(`server '${s.name}' proxies to upstream '${up}', which is not defined; add it with addUpstream({ name: '${up}', servers: ['host:port'] }).`);
    }
  }
  const loaded = new Set<string>();
  for (const m of c.modules) {
    if (loaded.has(m)) problems.push(`modules lists ${describeValue(m)} twice (modules and dynamicModules together; nginx: "module is already loaded"); list each module once.`);
    loaded.add(m);
  }
  if (c.servers.length === 0) {
    problems.push("the configuration has no server; add one with addServer({ name: 'default' }) (the probes need a port and a health path).");
  }
  const byFile = new Map<string, number>();
  const byPortAndName = new Map<string, string>();
  const defaultByPort = new Map<string, string>();
  const socketOptionsByPort = new Map<string, string>();
  for (const s of c.servers) {
    problems.push(...s.validate());
    byFile.set(s.name, (byFile.get(s.name) ?? 0) + 1);
    for (const port of new Set(s.ports)) {
      // nginx keeps one set of listen options per address and port.
      const socket = `${s.address ?? '*'}:${port}`;
      for (const n of s.serverNames) {
        // nginx compares host names case-insensitively.
        const key = `${socket} ${n.toLowerCase()}`;
        const other = byPortAndName.get(key);
        if (other !== undefined) {
          problems.push(`servers '${other}' and '${s.name}' both answer for '${n}' on port ${port}; nginx ignores the second ("conflicting server name"). Give one of them another server name or another port.`);
        }
        byPortAndName.set(key, s.name);
      }
      if (s.defaultServer) {
        const other = defaultByPort.get(socket);
        if (other !== undefined) {
          problems.push(`servers '${other}' and '${s.name}' are both the default_server of port ${port}; nginx refuses to start. Keep defaultServer on one of them.`);
        }
        defaultByPort.set(socket, s.name);
      }
      if (s.listenParameters.some(p => p !== 'proxy_protocol')) {
        const other = socketOptionsByPort.get(socket);
        if (other !== undefined) {
          problems.push(`servers '${other}' and '${s.name}' both set socket parameters (listenParameters) on port ${port}; nginx takes them from one server only ("duplicate listen options"). Keep them on one server.`);
        }
        socketOptionsByPort.set(socket, s.name);
      }
    }
  }
  if (c.servers.length > 0 && !c.servers.some(s => s.probeable)) {
    problems.push('no server can be probed: each is bound to a loopback address or expects the PROXY protocol, and the kubelet asks the pod\'s address in plain HTTP(S). Add a server on every interface without proxy_protocol (its health endpoint answers the probes).');
  }
  for (const [name, count] of byFile) {
    if (count > 1) {
      problems.push(`${count} servers are named '${name}' and would all write conf.d/${name}.conf; give each server its own name.`);
    }
  }
  // Every name and argument as the renderer would refuse it, location forms, served folders: the other
  // checks read arguments as strings, so they run only on a tree that passes.
  // The model's own trees, before inherited headers are repeated (a bad header is reported once).
  const structure = [
    ...checkStructure(c.mainTree(), 'nginx.conf'),
    ...c.servers.flatMap(s => checkStructure([s.toDirective()], `conf.d/${s.name}.conf`)),
  ];
  if (structure.length > 0) return [...problems, ...structure];
  const typedListens = new Set(c.servers.flatMap(s => s.ports.flatMap(p => [String(p), `${s.address}:${p}`, `[::]:${p}`, `[::1]:${p}`])));
  walkDirectives(c.effectiveTree(), (d, parents) => {
    if (d.block) {
      const seen = new Set<string>();
      for (const child of d.block) {
        if (SINGLE_DIRECTIVES.has(child.name) && seen.has(child.name)) {
          problems.push(`'${child.name}' is set twice in the '${d.name}' block, which nginx refuses ("directive is duplicate"); keep one. (A directive added by hand replaces the library's default in its block, but not another one added by hand, nor a typed server option: change those through the typed props.)`);
        }
        seen.add(child.name);
      }
    }
    // The typed servers' own listen lines are checked by their port above.
    if (d.name === 'listen' && d.args[0] !== undefined && !d.args[0].startsWith('unix:') && !typedListens.has(d.args[0])) {
      const port = parseListenPort(d.args[0]);
      if (port === undefined) {
        problems.push(`listen ${JSON.stringify(d.args[0])} names no port, so nginx listens on 80, which a non-root nginx cannot bind; add a port >= 1024, such as '8080'.`);
      }
    }
    if (d.name === 'user' && parents.length === 0) {
      problems.push("the 'user' directive has no effect in a non-root container (nginx ignores it with a warning); remove it and set the image's uid/gid instead.");
    }
  });
  // Every listen added by hand, also one on a loopback address (which is no container port): nginx binds it.
  const typedPorts = new Set(c.servers.flatMap(s => s.ports));
  const handPorts = new Set<number>();
  walkDirectives(c.effectiveTree(), d => {
    const port = d.name === 'listen' && typeof d.args[0] === 'string' ? parseListenPort(d.args[0]) : undefined;
    if (port !== undefined && !typedPorts.has(port)) handPorts.add(port);
  });
  for (const port of [...handPorts].sort((a, b) => a - b)) {
    problems.push(...checkPort(port, 'listen (added with addDirective)'));
  }
  // Each listening socket takes a worker connection; nginx needs at least one more to serve anything.
  const sockets = new Set<string>();
  walkDirectives(c.effectiveTree(), d => {
    if (d.name === 'listen' && typeof d.args[0] === 'string') sockets.add(d.args[0]);
  });
  if (c.workerConnections <= sockets.size) {
    problems.push(`workerConnections ${c.workerConnections} is not more than the ${sockets.size} listening sockets (nginx: "worker_connections are not enough"); use a larger number, such as 1024.`);
  }
  for (const w of c.writablePaths()) {
    problems.push(...checkAbsolutePath(w.path, `${w.directive}`, runtimeExample));
    if (w.path.startsWith('/') && !isUnder(w.path, c.runtimeDir)) {
      problems.push(`${w.directive} writes to ${w.path}, which is on the read-only root filesystem (only ${c.runtimeDir} is writable); move it under ${c.runtimeDir}${w.directive.endsWith('_log') ? ', or log to /dev/stdout or stderr' : ''}.`);
    }
  }
  if (problems.length > 0) {
    // The tree checks mostly echo a wrong typed option: report those first.
    return problems;
  }
  return c.findings().filter(f => f.severity === Severity.ERROR).map(f => `${f.where}: ${f.message} [${f.check}]`);
}

/** Whether a `listen` argument binds a loopback address (127.0.0.0/8, [::1], localhost): reached from the pod only. */
export function isLoopbackListen(arg: string): boolean {
  return /^(?:127\.[0-9.]+|\[::1\]|localhost)(?::[0-9]+)?$/.test(arg);
}

/** The TCP port of a `listen` argument (`8080`, `*:8080`, `[::]:8080`, `127.0.0.1:8080`), if it names one. */
export function parseListenPort(arg: string): number | undefined {
  if (typeof arg !== 'string' || arg.startsWith('unix:')) return undefined;
  const m = /^(?:.*:)?(\d+)$/.exec(arg);
  if (!m) return undefined;
  // An IPv6 address alone ("[::1]") ends with ']' and does not match; "[::]:8080" does.
  if (arg.startsWith('[') && !/\]:\d+$/.test(arg)) return undefined;
  return Number(m[1]);
}
