import { Directive } from '../directive';

/**
 * The sockets an http `server` block listens on, as nginx groups them: servers that share an address and port
 * (and protocol) share one socket, and the socket's default server answers requests whose Host matches no
 * server_name. The library's typed servers render `listen <port>` (every IPv4 address), `listen [::]:<port>`
 * and `listen 127.0.0.1:<port>`.
 */

export interface ListenSocket {
  /** The socket, normalised: `*:80`, `127.0.0.1:8080`, `[::]:443`, `unix:/run/a.sock`, with `/udp` for QUIC. */
  readonly key: string;
  /** The `listen` directive, or undefined for a server without one (it listens on *:80). */
  readonly directive?: Directive;
  /** `default_server` (or its old spelling `default`) is among the parameters. */
  readonly isDefault: boolean;
  /** TLS (`ssl`) or QUIC: the server is chosen by SNI before the request line is read. */
  readonly tls: boolean;
  /** Reached only from the host itself: a loopback address or a unix-domain socket. */
  readonly loopback: boolean;
}

/** The port nginx listens on when a server has no `listen` (nginx runs as root: *:80; otherwise *:8000). */
const IMPLICIT_SOCKET = '*:80';

/** An IPv4 address, an IPv6 address or a host name, in the form nginx compares (wildcards as `*`). */
function normaliseAddress(address: string): string {
  if (address === '' || address === '*' || address === '0.0.0.0') return '*';
  try {
    // The WHATWG URL parser canonicalises IPv6 ([0:0::0] is [::]) and IPv4 (127.1 is 127.0.0.1) addresses.
    return new URL(`http://${address.startsWith('[') || !address.includes(':') ? address : `[${address}]`}/`).hostname;
  } catch {
    return address.toLowerCase();
  }
}

function isLoopback(address: string): boolean {
  return address === '[::1]' || address === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(address);
}

/** The socket of one `listen` directive, or undefined when it cannot be read (a variable, no argument). */
export function listenSocket(d: Directive): ListenSocket | undefined {
  const spec = d.args[0];
  if (spec === undefined || spec.includes('$')) return undefined;
  const params = d.args.slice(1);
  const isDefault = params.some(p => p === 'default_server' || p === 'default');
  const quic = params.includes('quic');
  const tls = quic || params.includes('ssl');
  if (spec.startsWith('unix:')) return { key: spec, directive: d, isDefault, tls, loopback: true };
  let address: string;
  let port: string;
  const v6 = /^(\[[^\]]*\])(?::(\d+))?$/.exec(spec);
  if (v6) {
    address = v6[1];
    port = v6[2] ?? '80';
  } else if (/^\d+$/.test(spec)) {
    address = '*';
    port = spec;
  } else {
    const colon = spec.lastIndexOf(':');
    address = colon >= 0 ? spec.slice(0, colon) : spec;
    port = colon >= 0 ? spec.slice(colon + 1) : '80';
    if (!/^\d+$/.test(port)) return undefined;
  }
  const host = normaliseAddress(address);
  return { key: `${host}:${Number(port)}${quic ? '/udp' : ''}`, directive: d, isDefault, tls, loopback: isLoopback(host) };
}

/** The sockets of a `server` block: one per readable `listen`, or *:80 when it has no `listen` at all. */
export function serverSockets(server: Directive): ListenSocket[] {
  const listens = (server.block ?? []).filter(c => c.name === 'listen');
  if (listens.length === 0) return [{ key: IMPLICIT_SOCKET, isDefault: false, tls: false, loopback: false }];
  return listens.flatMap(l => {
    const s = listenSocket(l);
    return s ? [s] : [];
  });
}

/** Whether every `listen` of the server is on a loopback address or a unix-domain socket. */
export function listensOnLoopbackOnly(server: Directive): boolean {
  const listens = (server.block ?? []).filter(c => c.name === 'listen');
  return listens.length > 0 && listens.every(l => listenSocket(l)?.loopback === true);
}

export interface SocketGroup {
  readonly key: string;
  /** The servers on this socket, in tree order (each once). */
  readonly servers: Directive[];
  /** The servers that mark this socket `default_server`. */
  readonly defaults: Directive[];
}

/** The `server` blocks of the tree's `http` blocks (not `stream`), in tree order. */
export function httpServers(tree: readonly Directive[]): Directive[] {
  return tree.filter(d => d.name === 'http' && d.block).flatMap(h => h.block!.filter(s => s.name === 'server' && s.block));
}

/** The http servers grouped by the socket they listen on, in the order nginx reads them. */
export function socketGroups(servers: readonly Directive[]): SocketGroup[] {
  const groups = new Map<string, { key: string; servers: Directive[]; defaults: Directive[] }>();
  for (const server of servers) {
    for (const socket of serverSockets(server)) {
      let group = groups.get(socket.key);
      if (!group) {
        group = { key: socket.key, servers: [], defaults: [] };
        groups.set(socket.key, group);
      }
      if (!group.servers.includes(server)) group.servers.push(server);
      if (socket.isDefault && !group.defaults.includes(server)) group.defaults.push(server);
    }
  }
  return [...groups.values()];
}

/** The server that answers a socket's requests for unknown host names: the `default_server`, else the first. */
export function defaultServerOf(group: SocketGroup): Directive {
  return group.defaults[0] ?? group.servers[0];
}
