import { ExposureOptions, HttpRouteOptions, IngressOptions } from './exposure-options';
import type { SitePlan } from '../image/site-plan';
import { PropReader } from '../input/reader';
import type { NginxConfig } from '../nginx/config';

/**
 * Exposure: an Ingress (networking.k8s.io/v1) or a Gateway API HTTPRoute derived from the servers, so that
 * the hosts, TLS Secrets and the backend port always agree with `server_name`, the server's certificate and
 * the Service. Pure: options and plan in, routes (or problems) out; `NginxWorkload` makes the objects.
 */

/** One path of a route. */
export interface RoutePath {
  /** The path. */
  readonly path: string;
  /** Prefix (whole segments) or Exact. */
  readonly exact: boolean;
}

/** The route to one server. */
export interface ServerRoute {
  /** The server's name. */
  readonly server: string;
  /** The host names, from server_name; empty for a catch-all server (`_` or ''). */
  readonly hosts: string[];
  /** The paths routed. */
  readonly paths: RoutePath[];
  /** The Service port of the server's first port. */
  readonly servicePort: number;
  /** The TLS Secret of a TLS server. */
  readonly secretName?: string;
}

/** A DNS-1123 subdomain, optionally with a leading `*.` label. */
const HOST = /^(\*\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/;

/** The exposure options, read whatever type they arrived as. */
export function readExposure(reader: PropReader, prop: string, value: unknown, gateway: boolean): { options?: HttpRouteOptions | IngressOptions } {
  const o = reader.struct(prop, value, gateway ? "{ gatewayName: 'public' }" : "{ className: 'nginx' }");
  if (o === undefined) return {};
  const name = (key: string, rule: RegExp, example: string, expected: string) =>
    reader.optionalString(`${prop}.${key}`, o[key], { pattern: rule, maxLength: 253, example, expected });
  const base = {
    servers: o.servers === undefined ? undefined : reader.stringList(`${prop}.servers`, o.servers, [], { maxLength: 253, example: 'site', expected: 'a server name' }),
    locationsOnly: reader.boolean(`${prop}.locationsOnly`, o.locationsOnly, false),
    controllerNamespace: name('controllerNamespace', DNS_LABEL, 'ingress-nginx', 'a namespace name (a DNS label)'),
  };
  if (gateway) {
    return {
      options: {
        ...base,
        gatewayName: reader.string(`${prop}.gatewayName`, o.gatewayName ?? null, 'gateway', { pattern: DNS_SUBDOMAIN, maxLength: 253, example: 'public', expected: 'a Gateway name (a DNS subdomain)' }),
        gatewayNamespace: name('gatewayNamespace', DNS_LABEL, 'gateway-system', 'a namespace name (a DNS label)'),
        sectionName: name('sectionName', DNS_SUBDOMAIN, 'https', 'a listener name (a DNS subdomain)'),
      },
    };
  }
  return {
    options: {
      ...base,
      className: name('className', DNS_SUBDOMAIN, 'nginx', 'an IngressClass name (a DNS subdomain)'),
      annotations: o.annotations === undefined ? undefined : reader.stringMap(`${prop}.annotations`, o.annotations,
        { pattern: /^(?:[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?\/)?[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/, maxLength: 317, example: 'nginx.ingress.kubernetes.io/backend-protocol', expected: 'an annotation key' },
        { allowEmpty: true, maxLength: 65536, example: 'HTTPS', expected: 'an annotation value' }),
    },
  };
}

/** The hosts a server_name list stands for, or the reason it cannot be routed by host. */
function hostsOf(server: string, names: string[], prop: string): { hosts: string[]; problems: string[] } {
  const hosts: string[] = [];
  const problems: string[] = [];
  let catchAll = false;
  for (const raw of names) {
    const name = raw.toLowerCase();
    if (name === '_' || name === '') {
      catchAll = true;
    } else if (name.startsWith('~')) {
      problems.push(`${prop}: server ${server} has the regex server name ${JSON.stringify(raw)}, which an Ingress or HTTPRoute host cannot express; list the host names, or leave this server out with ${prop}.servers.`);
    } else if (name.endsWith('.*')) {
      problems.push(`${prop}: server ${server} has the server name ${JSON.stringify(raw)}, a trailing wildcard that an Ingress or HTTPRoute host cannot express; list the host names.`);
    } else if (name === 'localhost' || /^[0-9.]+$/.test(name) || name.includes(':')) {
      problems.push(`${prop}: server ${server} answers to ${JSON.stringify(raw)}, which is not a public host name; set its serverNames (such as 'www.example.com'), or '_' to route every host to it.`);
    } else {
      // nginx's '.example.com' is example.com and every name under it.
      const forms = name.startsWith('.') ? [name.slice(1), `*${name}`] : [name];
      for (const host of forms) {
        if (!HOST.test(host) || host.length > 253) {
          problems.push(`${prop}: server ${server}'s server name ${JSON.stringify(raw)} is not a host name an Ingress or HTTPRoute accepts (lowercase letters, digits, '-' and '.', optionally a leading '*.'); fix serverNames.`);
        } else if (!hosts.includes(host)) {
          hosts.push(host);
        }
      }
    }
  }
  // A catch-all server beside names: its names are routed, and every other host too (a host-less rule).
  return { hosts: catchAll ? [] : hosts, problems };
}

/** The paths of a server: `/`, or its declared locations. */
function pathsOf(server: string, locations: Array<{ args: string[] }>, locationsOnly: boolean, prop: string):
{ paths: RoutePath[]; problems: string[] } {
  if (!locationsOnly) return { paths: [{ path: '/', exact: false }], problems: [] };
  const paths: RoutePath[] = [];
  const problems: string[] = [];
  for (const l of locations) {
    const [first, second] = l.args;
    const modifier = l.args.length === 2 ? first : undefined;
    const path = l.args.length === 2 ? second : first;
    if (modifier === '~' || modifier === '~*') {
      problems.push(`${prop}: server ${server}'s regex location ${JSON.stringify(path)} cannot be an Ingress or HTTPRoute path; route '/' (locationsOnly false) or use prefix locations.`);
    } else if (modifier === undefined || modifier === '^~' || modifier === '=') {
      if (path.startsWith('/') && !paths.some(p => p.path === path)) paths.push({ path, exact: modifier === '=' });
    }
  }
  if (paths.length === 0 && problems.length === 0) {
    problems.push(`${prop}: server ${server} declares no location to route (locationsOnly); add one with addLocation or addProxy, or route '/'.`);
  }
  return { paths, problems };
}

/**
 * The route to each server that `options.servers` selects: hosts from server_name, the TLS Secret of a TLS
 * server, the Service port of the server's first port, and the paths.
 */
export function deriveRoutes(config: NginxConfig, plan: SitePlan, options: ExposureOptions, defaultServicePort: number, prop: string):
{ routes: ServerRoute[]; problems: string[] } {
  const problems: string[] = [];
  const exposed = config.servers.filter(s => s.exposed);
  for (const name of options.servers ?? []) {
    if (!exposed.some(s => s.name === name)) {
      problems.push(`${prop}.servers: ${JSON.stringify(name)} is not a server reached from outside the pod; choose from ${exposed.map(s => s.name).join(', ') || '(none)'}.`);
    }
  }
  const chosen = options.servers === undefined ? exposed : exposed.filter(s => options.servers!.includes(s.name));
  if (chosen.length === 0 && problems.length === 0) problems.push(`${prop}: no server is reached from outside the pod, so there is nothing to route.`);
  const routes: ServerRoute[] = [];
  const owner = new Map<string, string>();
  for (const s of chosen) {
    // nginx joins every server_name line of a server: the typed names and any added by hand.
    const names = [...s.serverNames, ...s._addedDirectives().filter(d => d.name === 'server_name').flatMap(d => d.args)];
    const host = hostsOf(s.name, names, prop);
    const path = pathsOf(s.name, s._addedDirectives().filter(d => d.name === 'location'), options.locationsOnly === true, prop);
    problems.push(...host.problems, ...path.problems);
    for (const h of host.hosts.length === 0 ? ['(every host)'] : host.hosts) {
      const other = owner.get(h);
      if (other !== undefined) problems.push(`${prop}: servers ${other} and ${s.name} both answer to ${h}; a host can be routed to one server only, so leave one out with ${prop}.servers.`);
      owner.set(h, s.name);
    }
    const listener = plan.listeners.find(l => l.server === s.name && l.port === s.port);
    if (listener === undefined || listener.servicePort === undefined) continue;
    routes.push({
      server: s.name,
      hosts: host.hosts,
      paths: path.paths,
      servicePort: listener.defaultServicePort ? defaultServicePort : listener.servicePort,
      secretName: s.tls?.secretName,
    });
  }
  return { routes, problems };
}

/** The Ingress spec for the routes. */
export function ingressSpec(routes: ServerRoute[], service: string, className?: string): any {
  const backend = (r: ServerRoute) => ({ service: { name: service, port: { number: r.servicePort } } });
  const paths = (r: ServerRoute) => r.paths.map(p => ({ path: p.path, pathType: p.exact ? 'Exact' : 'Prefix', backend: backend(r) }));
  const tls = routes.filter(r => r.secretName !== undefined)
    .map(r => ({ ...(r.hosts.length > 0 ? { hosts: r.hosts } : {}), secretName: r.secretName }));
  return {
    ...(className !== undefined ? { ingressClassName: className } : {}),
    rules: routes.flatMap(r => (r.hosts.length === 0 ? [{ http: { paths: paths(r) } }] : r.hosts.map(host => ({ host, http: { paths: paths(r) } })))),
    ...(tls.length > 0 ? { tls } : {}),
  };
}

/** The HTTPRoute spec for one route. */
export function httpRouteSpec(route: ServerRoute, service: string, options: HttpRouteOptions): any {
  return {
    parentRefs: [{
      group: 'gateway.networking.k8s.io',
      kind: 'Gateway',
      name: options.gatewayName,
      ...(options.gatewayNamespace !== undefined ? { namespace: options.gatewayNamespace } : {}),
      ...(options.sectionName !== undefined ? { sectionName: options.sectionName } : {}),
    }],
    ...(route.hosts.length > 0 ? { hostnames: route.hosts } : {}),
    rules: [{
      matches: route.paths.map(p => ({ path: { type: p.exact ? 'Exact' : 'PathPrefix', value: p.path } })),
      backendRefs: [{ group: '', kind: 'Service', name: service, port: route.servicePort }],
    }],
  };
}
