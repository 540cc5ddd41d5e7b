import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { Copy } from 'dockerfile-ast';
import * as fc from 'fast-check';
import { ScratchNginx } from '../../src/composition/scratch-nginx';
import { NginxImage } from '../../src/image/nginx-image';
import { NginxConfig } from '../../src/nginx/config';
import { Directive } from '../../src/nginx/directive';
import { parseNginx, sameDirectives } from '../../src/nginx/parse';
import { renderDirectives } from '../../src/nginx/render';
import { LocationModifier } from '../../src/nginx/server-options';
import { NginxWorkload } from '../../src/workload/nginx-workload';
import {
  WRONG_FOR_LIST, WRONG_FOR_STRING, WRONG_FOR_STRUCT, allDirectives, argsOf, booleanValue, dockerKeywords, dockerLabels, dockerStages,
  enumValue, hasDirective, hostileString, listValue, mapEntryValue, numberValue, problemsProblem, quietly, shellCommands,
  stringValue,
} from '../helpers/hostile';
import { selfSignedCertificate } from '../helpers/live-nginx';
import { HOST_NGINX, nginxTest } from '../helpers/nginx-t';

/**
 * Property: every public prop, read whatever value or type arrives, and every escape hatch fed hostile
 * arguments, is either rejected by the library with its own message (validate() problems, or a cdk8s
 * validation error carrying the construct path), or accepted, and then the value reaches every output
 * unchanged: nginx.conf and conf.d/* parse back to the model's trees and pass Debian's `nginx -t`, the
 * Dockerfile has the baseline's instructions and reads the value back, and the manifests carry it.
 *
 * HOSTILE_RUNS (default 2000, split 50/25/25 between config, image and workload cases) and HOSTILE_SEED
 * (fixed by default, so CI is reproducible) tune it. HOSTILE_COLLECT=1 runs every case instead of stopping at
 * the first failure and writes each distinct failure to HOSTILE_COLLECT_FILE (default $TMPDIR/hostile-collected.txt).
 *
 * Sub-cases that once found a library bug carry a `Found:` comment (fixed; the case stays as a regression test).
 */
const RUNS = Number(process.env.HOSTILE_RUNS ?? 2000);
const SEED = Number(process.env.HOSTILE_SEED ?? 20261205);
const haveNginx = fs.existsSync(HOST_NGINX);
if (!haveNginx && process.env.CI === 'true') throw new Error(`${HOST_NGINX} is missing: .ci/run must install nginx-light.`);
if (!haveNginx) {
  // eslint-disable-next-line no-console
  console.warn(`SKIPPED the hostile-input property: ${HOST_NGINX} is missing (install Debian's nginx-light).`);
}

type Bag = { [key: string]: any };
/** One prop or call set to one (possibly hostile) value. */
interface Injection { readonly slot: string; readonly value: unknown }
/** A prop or call the property sets, with the values it tries and where an accepted value must land. */
interface Slot<D, O> {
  readonly name: string;
  /** Slots of one group are never combined (they set the same object). */
  readonly group?: string;
  /** A rejection must name one of these (the prop, its directive or its call). */
  readonly mentions: readonly string[];
  readonly value: fc.Arbitrary<unknown>;
  readonly apply: (draft: D, value: any) => void;
  /**
   * What this slot replaces, so that slots setting a part of it never reach the library: 'all' (the whole
   * props object), 'server' (the server options) or 'image' (the workload's image).
   */
  readonly replaces?: 'all' | 'server' | 'image';
  /** The part of the props this slot sets (see `replaces`). */
  readonly target?: 'server' | 'image';
  /** For an accepted case: what is wrong with where the value landed, if anything. */
  readonly lands?: (value: any, out: O) => string | undefined;
}

const isObject = (v: unknown): v is Bag => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPlainObject = (v: unknown): v is Bag => isObject(v) && Object.getPrototypeOf(v) === Object.prototype;
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const expectThat = (ok: boolean, what: string): string | undefined => (ok ? undefined : what);
const show = (v: unknown): string => {
  if (typeof v === 'string') return JSON.stringify(v.length > 120 ? `${v.slice(0, 120)}...(${v.length} chars)` : v);
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? '-0' : String(v);
  if (v instanceof Map) return `Map(${JSON.stringify([...v])})`;
  if (v instanceof Set) return `Set(${JSON.stringify([...v])})`;
  if (v instanceof Date) return `Date(${v.toISOString()})`;
  try {
    const text = JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x));
    return text === undefined ? String(v) : text.length > 300 ? `${text.slice(0, 300)}...` : text;
  } catch {
    return String(v);
  }
};

/** 1 to 2 injections of distinct groups; mostly one, so the rest of the case is valid. */
function injections<D, O>(slots: ReadonlyArray<Slot<D, O>>, force?: (s: Slot<D, O>) => boolean): fc.Arbitrary<Injection[]> {
  const pick = (s: Slot<D, O>) => s.value.map((value): Injection => ({ slot: s.name, value }));
  const indexes = slots.map((_, i) => i).filter(i => !force || force(slots[i]));
  return fc.oneof({ weight: 3, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.constant(2) })
    .chain(n => fc.uniqueArray(fc.constantFrom(...indexes), { minLength: n, maxLength: n, selector: i => slots[i].group ?? slots[i].name }))
    .chain(idx => (idx.length === 1
      ? pick(slots[idx[0]]).map(x => [x])
      : fc.tuple(pick(slots[idx[0]]), pick(slots[idx[1]])).map(([a, b]) => [a, b])));
}

function slotNamed<D, O>(slots: ReadonlyArray<Slot<D, O>>, name: string): Slot<D, O> {
  const s = slots.find(x => x.name === name);
  if (!s) throw new Error(`no slot ${name}`);
  return s;
}

/** The injections whose value reached the library (not replaced by another injection's whole object). */
function effective<D, O>(slots: ReadonlyArray<Slot<D, O>>, inj: readonly Injection[]): Injection[] {
  const replaced = new Set(inj.map(i => slotNamed(slots, i.slot).replaces).filter(r => r !== undefined));
  return inj.filter(i => {
    const s = slotNamed(slots, i.slot);
    return s.replaces !== undefined || !(replaced.has('all') || (s.target !== undefined && replaced.has(s.target)));
  });
}

/** Runs `fn`; a throw becomes a property failure that names the JavaScript error. */
function noThrow<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    const err = e as Error;
    throw new Error(`${what} threw ${err?.name}: ${err?.message?.slice(0, 600)}\n${err?.stack?.split('\n').slice(1, 6).join('\n')}`);
  }
}

/** Fails the property with every detail of the case. */
function fail(group: string, inj: readonly Injection[], what: string): never {
  throw new Error(`[${group}] ${inj.map(i => `${i.slot} = ${show(i.value)}`).join(', ')}: ${what}`);
}

/**
 * HOSTILE_COLLECT=1: keep going after a failing case and list every distinct failure at the end (the test
 * still fails if there is any), to see all the library's bugs at once instead of the first.
 */
const COLLECT = process.env.HOSTILE_COLLECT === '1';
const collected = new Map<string, { count: number; example: string }>();
function guarded(fn: () => void): void {
  if (!COLLECT) return fn();
  try {
    fn();
  } catch (e) {
    const message = (e as Error).message;
    const head = /^\[(\w+)\] (.*?): (.*)$/s.exec(message);
    const slots = head ? head[2].split(', ').map(x => x.split(' = ')[0]).filter(x => /^[\w.[\] ]+$/.test(x)).join('+') : '?';
    const key = `${head?.[1]} ${slots} | ${(head?.[3] ?? message).replace(/"(?:[^"\\]|\\.)*"/g, '"…"').replace(/\d+/g, 'N').slice(0, 90)}`;
    const c = collected.get(key);
    if (c) c.count++;
    else collected.set(key, { count: 1, example: message.slice(0, 1500) });
  }
}

const stats: { [group: string]: { accepted: number; rejected: number } } = {};
const slotUse = new Map<string, number>();
function count(group: string, accepted: boolean, inj: readonly Injection[]) {
  stats[group] ??= { accepted: 0, rejected: 0 };
  stats[group][accepted ? 'accepted' : 'rejected']++;
  for (const i of inj) slotUse.set(`${group}:${i.slot}`, (slotUse.get(`${group}:${i.slot}`) ?? 0) + 1);
}

let tmp: string;
let cert: { crt: string; key: string };
/** A real html folder (index.html, 50x.html) and things htmlDir must never copy. */
let htmlDir: string;
let missingDir: string;
let linkToRoot: string;
let linkToProc: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-'));
  htmlDir = path.join(tmp, 'html');
  fs.mkdirSync(htmlDir);
  fs.writeFileSync(path.join(htmlDir, 'index.html'), '<h1>hostile</h1>\n');
  fs.writeFileSync(path.join(htmlDir, '50x.html'), '<h1>50x</h1>\n');
  missingDir = path.join(tmp, 'missing');
  linkToRoot = path.join(tmp, 'root-link');
  fs.symlinkSync('/', linkToRoot);
  linkToProc = path.join(tmp, 'proc-link');
  fs.symlinkSync('/proc/self', linkToProc);
  if (haveNginx) cert = selfSignedCertificate('hostile.test');
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
  const line = Object.entries(stats).map(([g, s]) => `${g} ${s.accepted} accepted / ${s.rejected} rejected`).join('; ');
  // eslint-disable-next-line no-console
  if (line) console.log(`hostile input (seed ${SEED}, ${RUNS} runs): ${line}`);
  if (COLLECT) {
    const report = [...collected].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `### ${k} (x${v.count})\n${v.example}\n`).join('\n');
    fs.writeFileSync(process.env.HOSTILE_COLLECT_FILE ?? path.join(os.tmpdir(), 'hostile-collected.txt'), report);
  }
});

// =========================================================================================================
// NginxConfig, NginxServer and the escape hatches: model level, nginx -t for accepted cases.

interface ConfigDraft {
  props: Bag;
  server: Bag;
  /** Replaces `servers` (a hostile list or item). */
  servers?: { value: unknown };
  /** Replaces the whole props object. */
  whole?: { value: unknown };
  calls: Array<(config: NginxConfig) => void>;
}
interface ConfigOut {
  readonly config: NginxConfig;
  readonly main: Directive[];
  readonly servers: Directive[];
}

const ECHO_MODULE = '/usr/lib/nginx/modules/ngx_http_echo_module.so';
const LEVELS = ['debug', 'info', 'notice', 'warn', 'error', 'crit', 'alert', 'emerg'];
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'MKCOL', 'COPY', 'MOVE', 'OPTIONS', 'PROPFIND', 'PROPPATCH', 'LOCK', 'UNLOCK', 'PATCH'];
const MODIFIER_TOKEN: { [m: string]: string | undefined } = { PREFIX: undefined, EXACT: '=', PREFERRED_PREFIX: '^~', REGEX: '~', REGEX_CASE_INSENSITIVE: '~*', NAMED: undefined };
const MODIFIER_PATH: { [m: string]: string } = {
  PREFIX: '/docs/', EXACT: '/exact', PREFERRED_PREFIX: '/static/', REGEX: '\\.php$', REGEX_CASE_INSENSITIVE: '\\.(png|jpe?g)$', NAMED: '@fallback',
};
type Hatch = 'main' | 'events' | 'http' | 'server';
const HATCHES: Hatch[] = ['main', 'events', 'http', 'server'];
const HATCH_BLOCK: { [h in Hatch]: string | undefined } = { main: undefined, events: 'events', http: 'http', server: 'server' };

function addVia(config: NginxConfig, hatch: Hatch, d: unknown): void {
  const x = d as Directive;
  if (hatch === 'main') config.addMainDirective(x);
  else if (hatch === 'events') config.addEventsDirective(x);
  else if (hatch === 'http') config.addHttpDirective(x);
  else config.servers[0]?.addDirective(x);
}

const first = (o: ConfigOut) => o.servers[0]?.block ?? [];
const serverHas = (o: ConfigOut, name: string, args: readonly unknown[]) => hasDirective(first(o), name, args);
const mainHas = (o: ConfigOut, name: string, args: readonly unknown[], inside?: string) => hasDirective(o.main, name, args, inside);
/** The location block with exactly these arguments in the first server. */
const locationOf = (o: ConfigOut, args: readonly string[]) => first(o).find(d => d.name === 'location' && same(d.args, args));
const isNumber = (v: unknown): v is number => typeof v === 'number';
const isString = (v: unknown): v is string => typeof v === 'string';
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);

/** Where a typed number prop must land: a number, written as `fmt(v)` in the directive. */
const numberLands = (name: string, fmt: (v: number) => string[], where: 'main' | 'server' = 'main') => (v: unknown, o: ConfigOut) =>
  (v === null ? undefined : expectThat(isNumber(v) && (where === 'main' ? mainHas(o, name, fmt(v)) : serverHas(o, name, fmt(v))), `accepted, but ${name} ${show(v)} is not written as ${show(isNumber(v) ? fmt(v) : v)}`));
const stringLands = (name: string, fmt: (v: string) => string[], where: 'main' | 'server' = 'main') => (v: unknown, o: ConfigOut) =>
  expectThat(isString(v) && (where === 'main' ? mainHas(o, name, fmt(v)) : serverHas(o, name, fmt(v))), `accepted, but ${show(v)} does not land as ${name} ${show(isString(v) ? fmt(v) : v)}`);
const boolLands = (present: (o: ConfigOut) => boolean) => (v: unknown, o: ConfigOut) =>
  expectThat(typeof v === 'boolean' && present(o) === v, `accepted ${show(v)}, but the output says ${present(o)}`);

const urlPath = (valid: string[], extra: string[] = []) => stringValue(valid, ['', '/', '//', '/a//b', '/a/./b', '/a/../b', '/a b', '/a\tb', '/$host', '/${x}', '/%2e%2e', '/a?b', '/a#b', "/it's", '/(x)', '/a,b;c=d', '/é', ...extra]);
const absPath = (valid: string[], extra: string[] = []) => stringValue(valid, ['/', '/proc', '/proc/self/environ', '/sys/x', '/dev/x', '/dev/shm', '/dev/shm/x', '/a/', '/a//b', '/a/../b', '/a b', 'a/b', '/$x', '/a*', "/a'b", ...extra]);

/** The value a rateLimit field slot sets, on a valid base. */
const rateSlot = (field: string, valid: number[]): Slot<ConfigDraft, ConfigOut> => ({
  name: `rateLimit.${field}`,
  group: 'rateLimit',
  mentions: [`rateLimit.${field}`],
  value: numberValue(valid),
  apply: (d, v) => { d.props.rateLimit = { requestsPerSecond: 20, ...(isPlainObject(d.props.rateLimit) ? d.props.rateLimit : {}), [field]: v }; },
  lands: (v, o) => {
    if (v === null && field !== 'requestsPerSecond') return undefined;
    const rps = field === 'requestsPerSecond' ? v : 20;
    const zone = mainHas(o, 'limit_req_zone', ['$binary_remote_addr', 'zone=per_client:10m', `rate=${rps}r/s`]);
    if (field === 'burst') return expectThat(zone && mainHas(o, 'limit_req', ['zone=per_client', `burst=${v}`, 'nodelay']) && isNumber(v), `accepted, but burst ${show(v)} does not land`);
    if (field === 'connectionsPerClient') return expectThat(zone && mainHas(o, 'limit_conn', ['conn_per_client', String(v)]) && isNumber(v), `accepted, but connectionsPerClient ${show(v)} does not land`);
    return expectThat(zone && isNumber(v), `accepted, but requestsPerSecond ${show(v)} does not land`);
  },
});

/** A field of the second upstream (the first, 'api', is the proxies' target). */
type ConfigLands = (v: any, o: ConfigOut) => string | undefined;
const upstreamSlot = (field: string, value: fc.Arbitrary<unknown>, lands: ConfigLands): Slot<ConfigDraft, ConfigOut> => ({
  name: `upstreams[].${field}`,
  group: 'upstreams',
  mentions: ['upstream'],
  value,
  apply: (d, v) => { d.props.upstreams = [...d.props.upstreams, { name: 'u2', servers: ['backend.test:8081'], [field]: v }]; },
  lands,
});
const upstreamBlock = (o: ConfigOut, name: unknown) => allDirectives(o.main).find(({ d }) => d.name === 'upstream' && same(d.args, [name]))?.d;

const serverSlot = (name: string, value: fc.Arbitrary<unknown>, lands?: ConfigLands, mentions: string[] = [name]): Slot<ConfigDraft, ConfigOut> => ({
  name, mentions, value, target: 'server', apply: (d, v) => { d.server[name] = v; }, lands,
});
/**
 * A redirecting server (redirectTo) serves no files, so the options of static serving (root, index, error
 * pages, caching, methods, hidden files, SPA fallback) have nothing to land in: it keeps only its listen,
 * names, TLS, health and status locations.
 */
const servesFiles = (lands: (v: any, o: ConfigOut) => string | undefined) => (v: any, o: ConfigOut) =>
  (o.config.servers[0]?.redirectTo !== undefined ? undefined : lands(v, o));
const tlsSlot = (field: string, value: fc.Arbitrary<unknown>, lands: (v: any, o: ConfigOut) => string | undefined): Slot<ConfigDraft, ConfigOut> => ({
  name: `tls.${field}`,
  group: 'tls',
  target: 'server',
  mentions: [`tls.${field}`, 'tls'],
  value,
  apply: (d, v) => { d.server.tls = { secretName: 'www-tls', [field]: v }; },
  lands,
});

/** A header name or value added through an escape hatch (one of the two hostile). */
const headerPair = (which: 'name' | 'value') => fc.tuple(
  which === 'name' ? stringValue(['X-Note', 'X-A_b', 'x-lower'], ['X Note', 'X:Note', '']) : fc.constantFrom('X-Note'),
  which === 'value' ? stringValue(['ok', 'a "q"; {b} #c \\d', '$host', '${host}x', '', "'", 'max-age=1, public'], ['$nosuch', '${nosuch}', '$', '${', '$1', '$host$']) : fc.constantFrom('ok'),
);

const STATIC_SERVING = new Set(['root', 'index', 'errorPage', 'notFoundPage', 'singlePageApp', 'assetMaxAgeSeconds', 'immutableAssets', 'allowedMethods', 'denyHiddenFiles']);

const CONFIG_SLOTS: ReadonlyArray<Slot<ConfigDraft, ConfigOut>> = ([
  { name: 'props', group: 'whole', replaces: 'all', mentions: ['props'], value: fc.constantFrom<unknown>('x', 5, [], ['a'], null, true, new Date(0)), apply: (d, v) => { d.whole = { value: v }; } },
  {
    name: 'workerProcesses',
    mentions: ['workerProcesses'],
    value: stringValue(['auto', '1', '2', '16', '9999'], ['0', '01', '10000', 'auto ', 'AUTO', '-1', '1.5']),
    apply: (d, v) => { d.props.workerProcesses = v; },
    lands: stringLands('worker_processes', v => [v]),
  },
  // Found (fixed): workerConnections 1 is accepted (min 1), but nginx needs more connections than listening sockets:
  // "1 worker_connections are not enough for 1 listening sockets" (src/nginx/config.ts).
  { name: 'workerConnections', mentions: ['workerConnections'], value: numberValue([1, 512, 1024, 1048576]), apply: (d, v) => { d.props.workerConnections = v; }, lands: numberLands('worker_connections', v => [String(v)]) },
  {
    name: 'runtimeDir',
    mentions: ['runtimeDir'],
    value: absPath(['/dev/shm', '/dev/shm/nginx', '/run/nginx', '/tmp/nginx-rt'], ['/dev/shm/', '/etc/nginx', '/usr/share/nginx', '/usr', '/usr/share/nginx/html/x', '/etc', '/dev/shmx', '/run/ngi nx', 'dev/shm']),
    apply: (d, v) => { d.props.runtimeDir = v; },
    lands: stringLands('pid', v => [`${v}/nginx.pid`]),
  },
  { name: 'keepaliveTimeoutSeconds', mentions: ['keepaliveTimeoutSeconds'], value: numberValue([0, 65, 86400]), apply: (d, v) => { d.props.keepaliveTimeoutSeconds = v; }, lands: numberLands('keepalive_timeout', v => [String(v)]) },
  { name: 'workerShutdownTimeoutSeconds', mentions: ['workerShutdownTimeoutSeconds'], value: numberValue([1, 20, 3600]), apply: (d, v) => { d.props.workerShutdownTimeoutSeconds = v; }, lands: numberLands('worker_shutdown_timeout', v => [`${v}s`]) },
  {
    name: 'errorLogLevel',
    mentions: ['errorLogLevel'],
    value: stringValue(LEVELS, ['WARN', 'warning', 'warn ', 'info;', 'stderr']),
    apply: (d, v) => { d.props.errorLogLevel = v; },
    lands: stringLands('error_log', v => ['stderr', v]),
  },
  { name: 'accessLog', mentions: ['accessLog'], value: booleanValue(), apply: (d, v) => { d.props.accessLog = v; }, lands: boolLands(o => argsOf(o.main, 'access_log')[0]?.[0] !== 'off') },
  // Found (fixed): the same module twice is accepted; nginx -t: 'module "ngx_http_echo_module" is already loaded' (src/nginx/config.ts).
  {
    name: 'modules',
    mentions: ['modules'],
    value: listValue([[], [ECHO_MODULE]], absPath([ECHO_MODULE, '/usr/lib/nginx/modules/ngx_other.so'])),
    apply: (d, v) => { d.props.modules = v; },
    lands: (v, o) => (v === null ? undefined : expectThat(isStringList(v) && same(argsOf(o.main, 'load_module'), v.map(m => [m])), `accepted, but load_module lines are ${show(argsOf(o.main, 'load_module'))}`)),
  },
  {
    name: 'accessLogFormat',
    mentions: ['accessLogFormat'],
    value: enumValue(['MAIN', 'JSON']),
    apply: (d, v) => { d.props.accessLogFormat = v; },
    lands: (v, o) => expectThat((v === 'JSON') === argsOf(o.main, 'log_format').some(a => a[0] === 'json') && (v === 'MAIN' || v === 'JSON'), `accepted ${show(v)}, but the log format does not follow`),
  },
  { name: 'gzip', mentions: ['gzip'], value: booleanValue(), apply: (d, v) => { d.props.gzip = v; }, lands: boolLands(o => mainHas(o, 'gzip', ['on'])) },
  { name: 'gzipStatic', mentions: ['gzipStatic'], value: booleanValue(), apply: (d, v) => { d.props.gzipStatic = v; }, lands: boolLands(o => mainHas(o, 'gzip_static', ['on'])) },
  // Found (fixed): a Map (any object that is not a plain one) is accepted as securityHeaders and its entries are dropped
  // silently (PropReader.struct/stringMap in src/input/reader.ts read own enumerable keys only).
  ...(['key', 'value'] as const).map((which): Slot<ConfigDraft, ConfigOut> => ({
    name: `securityHeaders ${which}`,
    group: 'securityHeaders',
    mentions: ['securityHeaders', 'add_header'],
    value: mapEntryValue(['X-Test', 'X-Frame-Options', 'x_y', "A!#$%&'*+.^_`|~-", 'Content-Security-Policy'], ['DENY', '', 'a "quoted" value; {x} # y \\ z', "default-src 'self'", 'max-age=1'], which),
    apply: (d, v) => { d.props.securityHeaders = v; },
    lands: (v, o) => {
      if (v === null) return undefined;
      const entries: Array<[string, unknown]> = v instanceof Map ? [...v] : isObject(v) ? Object.entries(v) : [['(not a map)', v]];
      for (const [k, x] of entries) {
        const ok = x === '' ? !argsOf(o.main, 'add_header').some(a => a[0] === k) : isString(x) && mainHas(o, 'add_header', [k, x, 'always'], 'http');
        if (!ok) return `accepted, but the header ${show(k)}: ${show(x)} does not land as 'add_header' in http (or, when '', is not removed)`;
      }
      return undefined;
    },
  })),
  { name: 'securityHeaders', group: 'securityHeaders', mentions: ['securityHeaders'], value: fc.constantFrom(...WRONG_FOR_STRUCT), apply: (d, v) => { d.props.securityHeaders = v; } },
  rateSlot('requestsPerSecond', [1, 20, 1000000]),
  // Found (fixed): burst 0 is accepted (min 0); nginx -t: 'invalid burst value "burst=0"' (src/nginx/config.ts).
  rateSlot('burst', [0, 40, 1000000]),
  // Found (fixed): connectionsPerClient 65536..1000000 is accepted (max 1000000); nginx -t: "connection limit must be less 65536".
  rateSlot('connectionsPerClient', [1, 50, 1000000]),
  { name: 'rateLimit', group: 'rateLimit', mentions: ['rateLimit'], value: fc.constantFrom(...WRONG_FOR_STRUCT, {}), apply: (d, v) => { d.props.rateLimit = v; } },
  {
    name: 'clientMaxBodySize',
    mentions: ['clientMaxBodySize'],
    value: stringValue(['1m', '0', '64k', '10M', '1g', '512', '999999999999'], ['1mb', '1 m', '-1', '1.5m', '1t', '0000000000000']),
    apply: (d, v) => { d.props.clientMaxBodySize = v; },
    lands: stringLands('client_max_body_size', v => [v]),
  },
  { name: 'clientTimeoutSeconds', mentions: ['clientTimeoutSeconds'], value: numberValue([1, 10, 3600]), apply: (d, v) => { d.props.clientTimeoutSeconds = v; }, lands: numberLands('client_body_timeout', v => [`${v}s`]) },
  {
    name: 'openFileCacheEntries',
    mentions: ['openFileCacheEntries'],
    value: numberValue([0, 1000, 10000000]),
    apply: (d, v) => { d.props.openFileCacheEntries = v; },
    lands: (v, o) => expectThat(isNumber(v) && (v === 0 ? argsOf(o.main, 'open_file_cache').length === 0 : mainHas(o, 'open_file_cache', [`max=${v}`, 'inactive=60s'])), `accepted, but openFileCacheEntries ${show(v)} does not land`),
  },
  upstreamSlot('name', stringValue(['u2', 'API_2', 'a-b'], ['api', 'u 2', 'u.2']), (v, o) => expectThat(isString(v) && upstreamBlock(o, v) !== undefined, `accepted, but no 'upstream ${show(v)}' block`)),
  upstreamSlot('servers', listValue([['backend.test:8081'], ['backend.test:8081', '10.0.0.1:80'], ['[::1]:8080']],
    stringValue(['backend.test:8082', '127.0.0.1:9000', '[::1]:8080', 'b-c.test:65535'], ['backend.test', 'backend.test:0', 'backend.test:65536', ':80', 'unix:/x', 'a b:80', 'backend.test:80 weight=2', '[::1]', 'http://b:80'])),
  (v, o) => (v === null ? undefined : expectThat(isStringList(v) && same(upstreamBlock(o, 'u2')?.block?.filter(d => d.name === 'server').map(d => d.args), v.map(s => [s])), `accepted, but the upstream's servers are ${show(upstreamBlock(o, 'u2')?.block)}`))),
  upstreamSlot('keepalive', numberValue([1, 16, 100000]), (v, o) => (v === null ? undefined : expectThat(isNumber(v) && hasDirective(upstreamBlock(o, 'u2')?.block ?? [], 'keepalive', [String(v)]), `accepted, but keepalive ${show(v)} does not land`))),
  { name: 'upstreams', group: 'upstreams', mentions: ['upstream'], value: fc.constantFrom(...WRONG_FOR_LIST, [null], ['x'], [{}], [5]), apply: (d, v) => { d.props.upstreams = v; } },
  {
    name: 'addUpstream',
    group: 'upstreams',
    mentions: ['addUpstream', 'upstream'],
    value: fc.oneof(fc.constantFrom(...WRONG_FOR_STRUCT, {}), fc.record({ name: stringValue(['u3']), servers: fc.constant(['backend.test:8083']) }), fc.record({ name: fc.constant('u3'), servers: listValue([['backend.test:8083']], stringValue(['backend.test:8084'])) })),
    apply: (d, v) => { d.calls.push(c => { c.addUpstream(v); }); },
    lands: (v, o) => expectThat(isObject(v) && isString(v.name) && upstreamBlock(o, v.name) !== undefined, `accepted, but addUpstream(${show(v)}) added no upstream block`),
  },
  // ---- the server's options
  {
    name: 'servers',
    group: 'servers',
    replaces: 'server',
    mentions: ['servers', 'server', 'options'],
    value: fc.constantFrom(...WRONG_FOR_LIST, [null], [5], ['www'], [[]], [{}]),
    apply: (d, v) => { d.servers = { value: v }; },
  },
  serverSlot('name', stringValue(['main', 'www', 'a-b', 'a_1', '0x'], ['WWW', '../x', 'a/b', 'a.b', '-x', '_x', 'nginx', 'x'.repeat(64)]),
    (v, o) => expectThat(isString(v) && o.config.files().some(f => f.path === `conf.d/${v}.conf`), `accepted, but there is no conf.d/${show(v)}.conf`), ['name', 'server']),
  serverSlot('port', numberValue([8080, 1024, 9000, 65535]), (v, o) => expectThat(isNumber(v) && argsOf(first(o), 'listen')[0]?.[0] === String(v), `accepted, but the server listens on ${show(argsOf(first(o), 'listen')[0])}`)),
  serverSlot('serverNames', listValue([['localhost'], ['example.com', '*.example.org'], ['_'], ['www.example.*'], ['.example.net']],
    stringValue(['example.com', 'a-b.example', 'xn--bcher-kva.example', '_'], ['~^www\\.', '*.*', 'a..b', '.', '*', 'a_b', 'EXAMPLE.COM', 'a.b.'])),
  (v, o) => (v === null ? undefined : expectThat(isStringList(v) && same(argsOf(first(o), 'server_name')[0], v), `accepted, but server_name is ${show(argsOf(first(o), 'server_name')[0])}`)), ['serverNames', 'server name']),
  serverSlot('defaultServer', booleanValue(), boolLands(o => (argsOf(first(o), 'listen')[0] ?? []).includes('default_server'))),
  serverSlot('root', absPath(['/usr/share/nginx/html', '/srv/www', '/var/www/a@b+c~d'], ['/etc', '/etc/nginx/html', '/proc/self/cwd', '/usr/share/nginx/html/']), stringLands('root', v => [v], 'server')),
  serverSlot('index', listValue([['index.html'], ['index.html', 'index.htm'], ['a+b@c~d.html']], stringValue(['index.html', 'home.htm'], ['a/b.html', '../x', 'in dex.html'])),
    (v, o) => (v === null ? undefined : expectThat(isStringList(v) && same(argsOf(first(o), 'index')[0], v), `accepted, but index is ${show(argsOf(first(o), 'index')[0])}`))),
  serverSlot('healthPath', urlPath(['/healthz', '/livez', '/a/b', '/x:y@z'], ['/healthz/', '/50x.html', 'healthz', '/a%2F']),
    (v, o) => expectThat(isString(v) && hasDirective(locationOf(o, ['=', v])?.block ?? [], 'return', ['200', 'ok']), `accepted, but there is no 'location = ${show(v)}' answering 200`), ['healthPath', 'location']),
  serverSlot('errorPage', urlPath(['/50x.html', '/err/oops.html'], ['/healthz']), stringLands('error_page', v => ['500', '502', '503', '504', v], 'server'), ['errorPage', 'location']),
  serverSlot('notFoundPage', urlPath(['/404.html'], ['/50x.html', '/healthz']), (v, o) => (v === null ? undefined : stringLands('error_page', x => ['404', x], 'server')(v, o)), ['notFoundPage', 'location']),
  serverSlot('ipv6', booleanValue(), boolLands(o => argsOf(first(o), 'listen').some(a => a[0].startsWith('[::]:')))),
  { name: 'tls', group: 'tls', target: 'server', mentions: ['tls'], value: fc.constantFrom(...WRONG_FOR_STRUCT, {}), apply: (d, v) => { d.server.tls = v; } },
  tlsSlot('secretName', stringValue(['www-tls', 'a.b-c', 'x'], ['WWW', '-x', 'x-', 'a_b', 'a..b']), (v, o) => expectThat(o.config.servers[0]?.tls?.secretName === v, `accepted, but tls.secretName is ${show(o.config.servers[0]?.tls?.secretName)}`)),
  tlsSlot('profile', enumValue(['INTERMEDIATE', 'MODERN']), (v, o) => (v === null ? undefined : expectThat(serverHas(o, 'ssl_protocols', v === 'MODERN' ? ['TLSv1.3'] : ['TLSv1.2', 'TLSv1.3']) && (v === 'MODERN' || v === 'INTERMEDIATE'), `accepted ${show(v)}, but ssl_protocols is ${show(argsOf(first(o), 'ssl_protocols'))}`))),
  tlsSlot('certificateDir', absPath(['/etc/nginx/tls/www', '/etc/nginx/certs', '/run/secrets/tls'], ['/etc/nginx/conf.d', '/etc/nginx']), (v, o) => (v === null ? undefined : stringLands('ssl_certificate', x => [`${x}/tls.crt`], 'server')(v, o))),
  tlsSlot('hstsMaxAgeSeconds', numberValue([0, 1, 63072000, 2 ** 31 - 1]), (v, o) => {
    if (v === null) return undefined;
    const hsts = argsOf(first(o), 'add_header').filter(a => a[0] === 'Strict-Transport-Security');
    return expectThat(isNumber(v) && (v === 0 ? hsts.length === 0 : hsts.some(a => a[1] === `max-age=${v}`)), `accepted, but Strict-Transport-Security is ${show(hsts)}`);
  }),
  {
    name: 'http2',
    group: 'tls',
    target: 'server',
    mentions: ['http2'],
    value: fc.tuple(booleanValue(), fc.boolean()),
    apply: (d, [v, withTls]) => { d.server.http2 = v; if (withTls) d.server.tls = { secretName: 'www-tls' }; },
    lands: ([v], o) => boolLands(x => serverHas(x, 'http2', ['on']))(v, o),
  },
  serverSlot('singlePageApp', booleanValue(), boolLands(o => argsOf(locationOf(o, ['/'])?.block ?? [], 'try_files')[0]?.slice(-1)[0] === '/index.html')),
  serverSlot('assetMaxAgeSeconds', numberValue([0, 1, 86400, 2 ** 31 - 1]), (v, o) => {
    const cache = argsOf(first(o), 'add_header').filter(a => a[0] === 'Cache-Control' && a[1].startsWith('public'));
    return expectThat(isNumber(v) && (v === 0 ? cache.length === 0 : cache.some(a => a[1] === `public, max-age=${v}`)), `accepted, but the asset Cache-Control is ${show(cache)}`);
  }),
  serverSlot('immutableAssets', booleanValue(), boolLands(o => argsOf(first(o), 'add_header').some(a => a[0] === 'Cache-Control' && a[1].endsWith(', immutable')))),
  serverSlot('allowedMethods', listValue([['GET', 'HEAD'], [], ['GET', 'POST'], ['PUT']], stringValue(METHODS, ['get', 'TRACE', 'CONNECT', 'GET ', 'GET,POST'])), (v, o) => {
    if (v === null) return undefined;
    if (!isStringList(v)) return `accepted ${show(v)}, which is not a list of strings`;
    const expected = v.includes('GET') || v.length === 0 ? v.filter(m => m !== 'HEAD') : v;
    const got = argsOf(locationOf(o, ['/'])?.block ?? [], 'limit_except')[0] ?? [];
    return expectThat(same(got, expected), `accepted, but limit_except is ${show(got)}`);
  }),
  serverSlot('denyHiddenFiles', booleanValue(), boolLands(o => first(o).some(d => d.name === 'location' && d.args[0] === '~' && d.args[1].startsWith('^/(?:.*/)?\\.')))),
  serverSlot('statusPath', urlPath(['/nginx_status', '/status'], ['/healthz']), (v, o) => (v === null ? undefined : expectThat(isString(v) && hasDirective(locationOf(o, ['=', v])?.block ?? [], 'stub_status', []), `accepted, but there is no 'location = ${show(v)}' with stub_status`)), ['statusPath', 'location']),
  // Found (fixed): with redirectTo, the locations of addLocation/addProxy/addRedirect (and addDirective(location ...)) are
  // dropped silently from the server (NginxServer.toDirective in src/nginx/server.ts): accepted, but they never land.
  serverSlot('redirectTo', stringValue(['https://www.example.com', 'http://a.b:8080', 'https://x'], ['https://www.example.com/', 'https://a b', 'ftp://x', 'https://$host', 'https://x:99999', 'https://x/$uri']),
    (v, o) => (v === null ? undefined : stringLands('return', x => ['301', `${x}$request_uri`], 'server')(v, o))),
  serverSlot('servicePort', numberValue([1, 80, 443, 65535]), (v, o) => (v === null ? undefined : expectThat(o.config.servers[0]?.servicePort === v, `accepted, but servicePort is ${show(o.config.servers[0]?.servicePort)}`))),
  // ---- the server's add* calls
  {
    name: 'addLocation path',
    mentions: ['addLocation', 'location'],
    value: urlPath(['/docs/', '/', '/a', '/x/y.html'], ['docs', '~/x', '=/x', '@x', '^~/x', '~*\\.php$', '/healthz']),
    apply: (d, v) => { d.calls.push(c => { c.servers[0]?.addLocation(v, { directives: [Directive.of('return', '204')] }); }); },
    lands: (v, o) => expectThat(isString(v) && hasDirective(locationOf(o, [v])?.block ?? [], 'return', ['204']), `accepted, but there is no 'location ${show(v)}'`),
  },
  {
    name: 'addLocation modifier',
    mentions: ['addLocation', 'modifier'],
    value: enumValue(Object.keys(MODIFIER_TOKEN)),
    apply: (d, v) => { d.calls.push(c => { c.servers[0]?.addLocation(MODIFIER_PATH[v] ?? '/docs/', { modifier: v, directives: [Directive.of('return', '204')] }); }); },
    lands: (v, o) => {
      const token = MODIFIER_TOKEN[v];
      const args = token === undefined ? [MODIFIER_PATH[v]] : [token, MODIFIER_PATH[v]];
      return expectThat(typeof v === 'string' && v in MODIFIER_PATH && locationOf(o, args) !== undefined, `accepted, but there is no 'location ${args.join(' ')}'`);
    },
  },
  // Found (fixed): a REGEX / REGEX_CASE_INSENSITIVE path is never compiled: '[', '(', ')(', '*', 'a{2,1}', '(?<x' are accepted
  // and nginx -t fails with "pcre2_compile() failed" (NginxServer.checkLocationPath in src/nginx/server.ts).
  {
    name: 'addLocation regex',
    mentions: ['addLocation', 'location'],
    value: fc.tuple(fc.constantFrom(LocationModifier.REGEX, LocationModifier.REGEX_CASE_INSENSITIVE), stringValue(['\\.php$', '^/api/(?<rest>.*)$', '^/(a|b)/', '\\.(css|js)$'], ['(', '[', '*', '(?<x', '\\', 'a{2,1}', '(?P<n>x)', '\\Q', '^/${x}', '^/$nosuch', ')('])),
    apply: (d, [m, v]) => { d.calls.push(c => { c.servers[0]?.addLocation(v, { modifier: m, directives: [Directive.of('return', '204')] }); }); },
    lands: ([m, v], o) => expectThat(isString(v) && locationOf(o, [MODIFIER_TOKEN[m]!, v]) !== undefined, `accepted, but there is no 'location ${MODIFIER_TOKEN[m]} ${show(v)}'`),
  },
  {
    name: 'addLocation options',
    mentions: ['addLocation', 'directives', 'options', 'Directive'],
    value: fc.oneof(fc.constantFrom(...WRONG_FOR_STRUCT).map(o => ({ options: o })), fc.constantFrom(...WRONG_FOR_LIST, ['return 204'], [null], [{ name: 'return', args: ['204'] }]).map(x => ({ options: { directives: x } }))),
    apply: (d, v) => { d.calls.push(c => { c.servers[0]?.addLocation('/opts/', v.options); }); },
  },
  ...(['name', 'value'] as const).map((which): Slot<ConfigDraft, ConfigOut> => ({
    name: `location add_header ${which}`,
    mentions: ['add_header'],
    value: headerPair(which),
    apply: (d, [n, x]) => { d.calls.push(c => { c.servers[0]?.addLocation('/h/', { directives: [Directive.of('add_header', n, x)] }); }); },
    lands: ([n, x], o) => expectThat(hasDirective(locationOf(o, ['/h/'])?.block ?? [], 'add_header', [n, x]), `accepted, but 'location /h/' does not hold add_header ${show(n)} ${show(x)}`),
  })),
  {
    name: 'addProxy path',
    mentions: ['addProxy', 'proxies', 'location'],
    value: urlPath(['/api/', '/api', '/', '/v1/x/'], ['api', '/api//', '/healthz']),
    apply: (d, v) => { d.calls.push(c => { c.servers[0]?.addProxy(v, 'api'); }); },
    lands: (v, o) => expectThat(isString(v) && hasDirective(locationOf(o, [v])?.block ?? [], 'proxy_pass', ['http://api']), `accepted, but there is no 'location ${show(v)}' proxying to api`),
  },
  {
    name: 'addProxy upstream',
    mentions: ['addProxy', 'proxies', 'upstream'],
    value: stringValue(['api'], ['API', 'missing', 'api ', 'a b', 'api;', 'api/x']),
    apply: (d, v) => { d.calls.push(c => { c.servers[0]?.addProxy('/api/', v); }); },
    lands: (v, o) => expectThat(isString(v) && hasDirective(locationOf(o, ['/api/'])?.block ?? [], 'proxy_pass', [`http://${v}`]), `accepted, but the proxy_pass is ${show(argsOf(locationOf(o, ['/api/'])?.block ?? [], 'proxy_pass'))}`),
  },
  ...(['connectTimeoutSeconds', 'readTimeoutSeconds'] as const).map((field): Slot<ConfigDraft, ConfigOut> => ({
    name: `addProxy ${field}`,
    mentions: ['addProxy', 'proxies', field],
    value: numberValue([1, 5, 60, 86400]),
    apply: (d, v) => { d.calls.push(c => { c.servers[0]?.addProxy('/api/', 'api', { [field]: v }); }); },
    lands: (v, o) => (v === null ? undefined : expectThat(isNumber(v) && hasDirective(locationOf(o, ['/api/'])?.block ?? [], field === 'connectTimeoutSeconds' ? 'proxy_connect_timeout' : 'proxy_read_timeout', [`${v}s`]), `accepted, but ${field} ${show(v)} does not land`)),
  })),
  {
    name: 'addProxy options',
    mentions: ['addProxy', 'proxies', 'options'],
    value: fc.constantFrom(...WRONG_FOR_STRUCT),
    apply: (d, v) => { d.calls.push(c => { c.servers[0]?.addProxy('/api/', 'api', v); }); },
  },
  {
    name: 'addRedirect from',
    mentions: ['addRedirect', 'location'],
    value: urlPath(['/old', '/', '/a/b.html'], ['old', '/old/', '/healthz']),
    apply: (d, v) => { d.calls.push(c => { c.servers[0]?.addRedirect(v, '/new'); }); },
    lands: (v, o) => expectThat(isString(v) && hasDirective(locationOf(o, ['=', v])?.block ?? [], 'return', ['301', '/new']), `accepted, but there is no 'location = ${show(v)}' redirecting`),
  },
  {
    name: 'addRedirect to',
    mentions: ['addRedirect', 'return'],
    value: stringValue(['/new', 'https://www.example.com/new', 'http://x/$request_uri', '/a?b=c&d', '/${uri}x'], ['new', 'ftp://x', '/a b', '/$nosuchvar', 'https://x/${', '/$', '//evil.example']),
    apply: (d, v) => { d.calls.push(c => { c.servers[0]?.addRedirect('/old', v); }); },
    lands: (v, o) => expectThat(isString(v) && hasDirective(locationOf(o, ['=', '/old'])?.block ?? [], 'return', ['301', v]), `accepted, but 'location = /old' does not return 301 ${show(v)}`),
  },
  // ---- escape hatches: directives whose arguments nginx takes as free text
  ...(['name', 'value'] as const).map((which): Slot<ConfigDraft, ConfigOut> => ({
    name: `server add_header ${which}`,
    mentions: ['add_header'],
    value: headerPair(which),
    apply: (d, [n, x]) => { d.calls.push(c => { c.servers[0]?.addDirective(Directive.of('add_header', n, x)); }); },
    lands: ([n, x], o) => expectThat(hasDirective(o.servers, 'add_header', [n, x], 'server'), `accepted, but the server does not hold add_header ${show(n)} ${show(x)}`),
  })),
  {
    name: 'http add_header value',
    mentions: ['add_header'],
    value: headerPair('value'),
    apply: (d, [n, x]) => { d.calls.push(c => { c.addHttpDirective(Directive.of('add_header', n, x)); }); },
    lands: ([n, x], o) => expectThat(mainHas(o, 'add_header', [n, x], 'http'), `accepted, but http does not hold add_header ${show(n)} ${show(x)}`),
  },
  {
    name: 'set value',
    mentions: ['set'],
    value: stringValue(['x', '$host', 'a "b" {c} ;d', '', '${uri}.x', "'"], ['$nosuch', '$', '${', '$1x', '$(id)']),
    apply: (d, v) => { d.calls.push(c => { c.servers[0]?.addDirective(Directive.of('set', '$hostile_x', v)); }); },
    lands: (v, o) => expectThat(serverHas(o, 'set', ['$hostile_x', v]), `accepted, but the server does not hold set $hostile_x ${show(v)}`),
  },
  // Found (fixed): the variable of `set` is not checked: 'hostile_y', 'toString', '`$a1', '$' are accepted (nginx: "invalid
  // variable name"), and so is a built-in variable such as '$host' (nginx: 'the duplicate "host" variable').
  {
    name: 'set variable',
    mentions: ['set'],
    value: stringValue(['$hostile_y', '$a1', '$_'], ['hostile_y', '$', '${x}', '$a-b', '$host', '$1', '$ x', '$é']),
    apply: (d, v) => { d.calls.push(c => { c.servers[0]?.addDirective(Directive.of('set', v, 'x')); }); },
    lands: (v, o) => expectThat(serverHas(o, 'set', [v, 'x']), `accepted, but the server does not hold set ${show(v)} x`),
  },
  {
    name: 'return text',
    mentions: ['return'],
    value: stringValue(['ok', '$host', 'a "b" {c} ;d #e', '', '\\'], ['$nosuch', '${', '$']),
    apply: (d, v) => { d.calls.push(c => { c.servers[0]?.addLocation('/r/', { directives: [Directive.of('return', '200', v)] }); }); },
    lands: (v, o) => expectThat(hasDirective(locationOf(o, ['/r/'])?.block ?? [], 'return', ['200', v]), `accepted, but 'location /r/' does not return 200 ${show(v)}`),
  },
  // Found (fixed): a format that starts with 'escape=' is read by nginx as the escaping parameter: 'escape=x' is accepted,
  // nginx -t: 'unknown log format escaping "x"'.
  {
    name: 'log_format value',
    mentions: ['log_format'],
    value: stringValue(['$remote_addr', 'x', '"$request" $status', '{"a":"$uri"}', ''], ['$nosuch', '${', 'escape=json', 'escape=x']),
    apply: (d, v) => { d.calls.push(c => { c.addHttpDirective(Directive.of('log_format', 'hostile', v)); }); },
    lands: (v, o) => expectThat(mainHas(o, 'log_format', ['hostile', v], 'http'), `accepted, but http does not hold log_format hostile ${show(v)}`),
  },
  // Found (fixed): log_format 'main' (the library's own) and 'combined' (nginx's built-in) are accepted; nginx -t:
  // 'duplicate "log_format" name "main"'.
  {
    name: 'log_format name',
    mentions: ['log_format'],
    value: stringValue(['hostile', 'a_b', 'x1'], ['main', 'json', 'combined', 'escape=json']),
    apply: (d, v) => { d.calls.push(c => { c.addHttpDirective(Directive.of('log_format', v, '$remote_addr')); }); },
    lands: (v, o) => expectThat(mainHas(o, 'log_format', [v, '$remote_addr'], 'http'), `accepted, but http does not hold log_format ${show(v)}`),
  },
  {
    name: 'env value',
    mentions: ['env'],
    value: stringValue(['TZ', 'TZ=UTC', 'A_B=x y', 'X=$y'], ['=x', 'A=', '=', 'TZ=\\']),
    apply: (d, v) => { d.calls.push(c => { c.addMainDirective(Directive.of('env', v)); }); },
    lands: (v, o) => expectThat(mainHas(o, 'env', [v]), `accepted, but nginx.conf does not hold env ${show(v)}`),
  },
  {
    name: 'directive name',
    mentions: ['directive', 'not allowed'],
    value: fc.tuple(fc.constantFrom(...HATCHES), stringValue(['no_such_directive', 'x', 'foo_bar'], ['Add_Header', 'add-header', '1x', 'add_header;', 'server', 'location', 'http', 'events', 'user', '_', 'if'])),
    apply: (d, [h, n]) => { d.calls.push(c => addVia(c, h, Directive.of(n, 'x'))); },
    lands: ([h, n], o) => expectThat(allDirectives(h === 'server' ? o.servers : o.main).some(({ d, parents }) => d.name === n && parents[parents.length - 1] === HATCH_BLOCK[h as Hatch]), `accepted, but ${show(n)} is not in the ${h} block`),
  },
  {
    name: 'directive argument type',
    mentions: ['add_header', 'argument', 'Directive'],
    value: fc.tuple(fc.constantFrom(...HATCHES), fc.constantFrom(...WRONG_FOR_STRING)),
    apply: (d, [h, v]) => { d.calls.push(c => addVia(c, h, Directive.of(h === 'main' || h === 'events' ? 'worker_priority' : 'add_header', 'X-Type', v))); },
  },
  {
    name: 'withBlock',
    mentions: ['location', 'Directive', 'argument', 'children'],
    value: fc.oneof(
      fc.constantFrom(...WRONG_FOR_LIST).map(x => ({ args: x, children: [] as unknown })),
      fc.constantFrom<unknown>(...WRONG_FOR_LIST, ['return 204'], [null], [Directive.of('return', '204'), 'x']).map(x => ({ args: ['/wb/'] as unknown, children: x })),
    ),
    apply: (d, v) => { d.calls.push(c => { c.servers[0]?.addDirective(Directive.withBlock('location', v.args, v.children)); }); },
  },
  {
    name: 'hatch value',
    mentions: ['Directive'],
    value: fc.tuple(fc.constantFrom(...HATCHES), fc.constantFrom<unknown>('add_header X y', { name: 'gzip', args: ['on'] }, null, 5, [], [Directive.of('gzip', 'on')], true)),
    apply: (d, [h, v]) => { d.calls.push(c => addVia(c, h, v)); },
  },
] as Array<Slot<ConfigDraft, ConfigOut>>).map(s => (STATIC_SERVING.has(s.name) && s.lands ? { ...s, lands: servesFiles(s.lands) } : s));

function buildConfig(d: ConfigDraft): NginxConfig {
  const props = d.whole ? d.whole.value : { ...d.props, servers: d.servers ? d.servers.value : [d.server] };
  const config = new NginxConfig(props as any);
  for (const call of d.calls) call(config);
  return config;
}

/**
 * The files as `nginx -t` on this host can check them: the runtimeDir moved to the sandbox's /dev/shm
 * (the pod mounts its emptyDir at runtimeDir itself), modules missing on this host dropped (they come from
 * the base image; only a regular file of this host is loaded), `http2 on` dropped (Debian 12's nginx 1.22 predates it) and the certificates pointed
 * at a test certificate (the pod mounts the Secret). Everything else is checked as generated.
 */
function filesForHostNginx(config: NginxConfig): Array<{ path: string; content: string }> {
  const header = '# Generated by cdk8s-scratch-nginx from a typed model. Do not edit by hand.\n';
  const rt = config.runtimeDir;
  const mapTree = (tree: readonly Directive[]): Directive[] => tree.flatMap((d): Directive[] => {
    if (d.name === 'load_module' && !isRegularFile(d.args[0])) return [];
    if (d.name === 'http2' && same(d.args, ['on'])) return [];
    if ((d.name === 'pid' || d.name.endsWith('_temp_path')) && rt !== '/dev/shm' && d.args[0]?.startsWith(`${rt}/`)) {
      return [Directive.of(d.name, `/dev/shm/${d.args[0].slice(rt.length + 1)}`, ...d.args.slice(1))];
    }
    if (d.name === 'ssl_certificate' || d.name === 'ssl_certificate_key') return [Directive.of(d.name, `/etc/nginx/hostile-tls/${path.posix.basename(d.args[0])}`)];
    return [d.block ? Directive.withBlock(d.name, d.args, mapTree(d.block)) : d];
  });
  const servers = config.serverDirectives();
  return [
    { path: 'nginx.conf', content: header + renderDirectives(mapTree(config.mainTree())) },
    ...config.servers.map((s, i) => ({ path: `conf.d/${s.name}.conf`, content: header + renderDirectives(mapTree([servers[i]])) })),
    { path: 'hostile-tls/tls.crt', content: cert.crt },
    { path: 'hostile-tls/tls.key', content: cert.key },
  ];
}

function isRegularFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Host names of the upstreams, which the sandbox's /etc/hosts resolves (as the cluster's DNS would). */
const upstreamHosts = (config: NginxConfig) => config.upstreams.flatMap(u => u.servers)
  .map(s => s.slice(0, s.lastIndexOf(':'))).filter(h => !h.startsWith('[') && net.isIP(h) === 0);

const configCase = injections(CONFIG_SLOTS);

function checkConfigCase(inj: readonly Injection[]): void {
  const group = 'config';
  const draft: ConfigDraft = { props: { upstreams: [{ name: 'api', servers: ['backend.test:8080'] }] }, server: { name: 'main' }, calls: [] };
  for (const i of inj) slotNamed(CONFIG_SLOTS, i.slot).apply(draft, i.value);
  const config = noThrow('building the config (constructor and add* calls)', () => buildConfig(draft));
  const problems = noThrow('validate()', () => config.validate());
  if (problems.length > 0) {
    count(group, false, inj);
    const bad = problemsProblem(problems, inj.flatMap(i => slotNamed(CONFIG_SLOTS, i.slot).mentions));
    if (bad) fail(group, inj, bad);
    let thrown: unknown;
    try {
      config.files();
    } catch (e) {
      thrown = e;
    }
    // By name: the class may move between modules while the library changes.
    const error = thrown as { name?: string; message?: string; problems?: unknown } | undefined;
    if (!(thrown instanceof Error) || error?.name !== 'NginxConfigError') {
      fail(group, inj, `validate() found problems, but files() ${thrown === undefined ? 'rendered the files' : `threw ${error?.name}: ${error?.message}`}, not NginxConfigError`);
    }
    if (!same(error?.problems, problems)) fail(group, inj, 'files() threw NginxConfigError with other problems than validate()');
    return;
  }
  count(group, true, inj);
  const files = noThrow('files() of an accepted config', () => config.files());
  const out: ConfigOut = { config, main: config.mainTree(), servers: config.serverDirectives() };
  // 1. The files parse back to exactly the model's trees: no injected directive, no changed value.
  files.forEach(f => {
    const index = config.servers.findIndex(s => f.path === `conf.d/${s.name}.conf`);
    const expected = f.path === 'nginx.conf' ? out.main : [out.servers[index]];
    const parsed = noThrow(`parseNginx(${f.path})`, () => parseNginx(f.content, f.path));
    if (!sameDirectives(parsed, expected)) fail(group, inj, `${f.path} does not parse back to the model:\n${f.content.slice(0, 3000)}`);
  });
  for (const i of effective(CONFIG_SLOTS, inj)) {
    const wrong = slotNamed(CONFIG_SLOTS, i.slot).lands?.(i.value, out);
    if (wrong) fail(group, inj, wrong);
  }
  // ...and nginx itself reads them.
  const r = nginxTest(filesForHostNginx(config), 65532, 65532, { hosts: upstreamHosts(config) });
  if (!r.ok) fail(group, inj, `nginx -t rejects a config the library accepted:\n${r.output}\n${files.map(f => `--- ${f.path}\n${f.content}`).join('\n').slice(0, 4000)}`);
}

// =========================================================================================================
// NginxImage: model level; the Dockerfile parsed with dockerfile-ast.

interface ImageOut {
  readonly image: NginxImage;
  readonly dockerfile: string;
  readonly labels: Array<[string, string | undefined]>;
}
const IMAGE_CONFIG = new NginxConfig();
const DEFAULT_FILES = ['/usr/sbin/nginx', '/lib/ld-musl-x86_64.so.1', '/usr/lib/libpcre2-8.so.0'];

const labelIs = (o: ImageOut, key: string, value: unknown) => o.labels.some(([k, v]) => k === key && v === value);
type ImageLands = (v: any, o: ImageOut) => string | undefined;
const imageSlot = (name: string, value: fc.Arbitrary<unknown>, lands?: ImageLands, mentions: string[] = [name]): Slot<Bag, ImageOut> => ({
  name, mentions, value, apply: (d, v) => { d[name] = v; }, lands,
});
/** The Dockerfile's FROM of the builder, as written. */
const builderFrom = (o: ImageOut) => dockerStages(o.dockerfile)[0]?.[0]?.getArgumentsContent();
const finalArgs = (o: ImageOut, keyword: string) => (dockerStages(o.dockerfile)[1] ?? [])
  .filter(i => i.getKeyword() === keyword).map(i => i.getArgumentsContent());

const IMAGE_SLOTS: ReadonlyArray<Slot<Bag, ImageOut>> = [
  // Found (fixed): props that are not an object (and any props without config) give "config undefined is not an NginxConfig",
  // which reads as a JavaScript TypeError ('undefined is not'); say that config is missing (src/image/nginx-image.ts).
  { name: 'props', group: 'whole', replaces: 'all', mentions: ['props'], value: fc.constantFrom<unknown>('x', 5, [], null, true), apply: (d, v) => { d.__whole = { value: v }; } },
  imageSlot('config', fc.constantFrom<unknown>(...WRONG_FOR_STRUCT, { servers: [] }, { files: () => [] })),
  imageSlot('repository', stringValue(['localhost/site', 'registry.example.com:5000/team/site', 'a', 'a.b/c_d/e__f/g--h'], ['Site', 'a//b', '-a', 'a/', 'registry.example.com:99999999/x', 'a:b']),
    (v, o) => expectThat(o.image.repository === v && labelIs(o, 'org.opencontainers.image.title', String(v).split('/').pop()) && o.image.imageReference.startsWith(`${v}`), `accepted, but the title label or imageReference (${show(o.image.imageReference)}) does not carry it`), ['repository', 'image']),
  imageSlot('tag', stringValue(['1.0.0', 'v2', '_x', 'a'.repeat(128)], ['latest', '.x', '-x', 'a'.repeat(129), '1.0.0@sha256:x']),
    (v, o) => expectThat(o.image.tag === v && o.image.buildTag === `${o.image.repository}:${v}`
      // The version label is the tag, unless labels overrides it (every label is checked against image.labels).
      && (labelIs(o, 'org.opencontainers.image.version', v) || o.image.labels['org.opencontainers.image.version'] !== v), `accepted, but the version label or buildTag (${show(o.image.buildTag)}) does not carry it`), ['tag', 'image']),
  imageSlot('digest', stringValue([`sha256:${'a'.repeat(64)}`, `sha256:${'0123456789abcdef'.repeat(4)}`], [`sha256:${'A'.repeat(64)}`, `sha512:${'a'.repeat(128)}`, 'sha256:', `sha256:${'a'.repeat(65)}`]),
    (v, o) => (v === null ? undefined : expectThat(o.image.imageReference === `${o.image.repository}@${v}`, `accepted, but imageReference is ${show(o.image.imageReference)}`)), ['digest', 'image']),
  imageSlot('baseImage', stringValue(['nginx:1.30.6-alpine', `nginx:1.30.6-alpine@sha256:${'a'.repeat(64)}`, 'registry.example.com:5000/nginx:1.27', 'debian-nginx:12'],
    ['nginx', 'nginx:latest', 'nginx:1 AS x', 'nginx:$TAG', 'scratch', 'NGINX:1', 'nginx:1\\', 'nginx:1 --platform=x']),
  (v, o) => expectThat(builderFrom(o) === `${v} AS builder` && labelIs(o, 'org.opencontainers.image.base.name', v), `accepted, but FROM reads ${show(builderFrom(o))}`)),
  ...(['uid', 'gid'] as const).map(name => imageSlot(name, numberValue([1, 1000, 65532, 2147483647]),
    (v, o) => expectThat(isNumber(v) && o.image[name] === v && same(finalArgs(o, 'USER'), [`${o.image.uid}:${o.image.gid}`]), `accepted, but USER is ${show(finalArgs(o, 'USER'))}`))),
  imageSlot('userName', stringValue(['nginx', 'www', '_x', 'a-b_1'], ['root:x', 'Nginx', 'a'.repeat(33), '1x', 'a:b', 'a\nroot::0:0::/:/bin/sh'])),
  imageSlot('files', listValue([['/usr/sbin/nginx'], DEFAULT_FILES], absPath(['/lib/libz.so.1', '/usr/lib/a@b+c~d'], ['/usr/lib/*.so', '/usr/lib/[a].so', '/lib/x?.so'])), (v, o) => {
    if (v === null) return undefined;
    if (!isStringList(v)) return `accepted ${show(v)}, which is not a list of paths`;
    const copies = (dockerStages(o.dockerfile)[1] ?? []).filter((i): i is Copy => i.getKeyword() === 'COPY' && (i as Copy).getFromFlag()?.getValue() === 'builder')
      .map(i => JSON.parse(i.getArgumentsContent() ?? 'null')).filter(a => !same(a, ['/rootfs/', '/']));
    return expectThat(same(copies, v.map(f => [f, f])), `accepted, but the final stage copies ${show(copies)}`);
  }),
  imageSlot('nginxBinary', absPath(['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/opt/nginx/sbin/nginx'], ['/bin/sh', '/usr/sbin/nginx -g x'])),
  // Found (fixed): a Map of labels is accepted and its entries are dropped (see securityHeaders).
  ...(['key', 'value'] as const).map((which): Slot<Bag, ImageOut> => ({
    name: `labels ${which}`,
    group: 'labels',
    mentions: ['labels'],
    value: mapEntryValue(['org.example.note', 'a/b', 'A.b-c_d', 'org.opencontainers.image.version'], ['v', '', 'a "b" $c \\d ${e}', "it's", 'https://example.com/site', 'é 😀'], which),
    apply: (d, v) => { d.labels = v; },
    lands: (v, o) => {
      if (v === null) return undefined;
      const entries: Array<[string, unknown]> = v instanceof Map ? [...v] : isObject(v) ? Object.entries(v) : [['(not a map)', v]];
      const bad = entries.find(([k, x]) => !labelIs(o, k, x));
      return bad ? `accepted, but the label ${show(bad[0])} reads back as ${show(o.labels.find(([k]) => k === bad[0])?.[1])}, not ${show(bad[1])}` : undefined;
    },
  })),
  { name: 'labels', group: 'labels', mentions: ['labels'], value: fc.constantFrom(...WRONG_FOR_STRUCT), apply: (d, v) => { d.labels = v; } },
  // Found (fixed): htmlDir '/proc/self/cwd' is accepted: htmlDirProblems (src/image/nginx-image.ts) checks only the real
  // path, which is the working directory, so the build context would copy it; a path under /proc must be refused.
  {
    name: 'htmlDir',
    mentions: ['htmlDir'],
    value: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('@html', '/', '/proc', '/sys', '/dev', '/dev/shm', '/proc/self', '/sys/kernel', '@root-link', '@proc-link', '/proc/self/cwd') },
      { weight: 3, arbitrary: hostileString() },
      { weight: 1, arbitrary: fc.constantFrom(...WRONG_FOR_STRING) },
    ),
    apply: (d, v) => { d.htmlDir = v; },
  },
];

/** Paths in the test's temp folder stand for `@html` and the links; any other existing folder becomes a missing one. */
function resolveHtmlDir(v: unknown): unknown {
  if (v === '@html') return htmlDir;
  if (v === '@root-link') return linkToRoot;
  if (v === '@proc-link') return linkToProc;
  if (typeof v !== 'string' || ['/', '/proc', '/sys', '/dev', '/dev/shm', '/proc/self', '/sys/kernel', '/proc/self/cwd'].includes(v)) return v;
  // Never let a hostile string point at a real folder of this machine (the build context would copy it).
  let exists = true;
  try {
    exists = fs.existsSync(path.resolve(v));
  } catch {
    exists = false;
  }
  return exists ? missingDir : v;
}
/** htmlDir values that must be rejected: the root, kernel filesystems, and links to them. */
const mustRejectHtmlDir = (v: unknown) => typeof v === 'string' && v !== htmlDir && fs.existsSync(v);

const baselineKeywords = new Map<string, string[]>();
/** The keywords of the Dockerfile of an image with default props (and as many explicit files, if any). */
function baselineFor(image: NginxImage): string[] {
  const key = image.files ? `files:${image.files.length}` : 'closure';
  if (!baselineKeywords.has(key)) {
    const files = image.files?.map((_, i) => (i === 0 ? '/usr/sbin/nginx' : `/lib/baseline-${i}.so`));
    baselineKeywords.set(key, dockerKeywords(new NginxImage({ config: IMAGE_CONFIG, ...(files ? { files } : {}) }).dockerfile()));
  }
  return baselineKeywords.get(key)!;
}

const imageCase = injections(IMAGE_SLOTS);

function checkImageCase(inj: readonly Injection[]): void {
  const group = 'image';
  const draft: Bag = { config: IMAGE_CONFIG };
  for (const i of inj) slotNamed(IMAGE_SLOTS, i.slot).apply(draft, i.value);
  if ('htmlDir' in draft) draft.htmlDir = resolveHtmlDir(draft.htmlDir);
  const props = draft.__whole ? draft.__whole.value : draft;
  const image = noThrow('new NginxImage', () => new NginxImage(props as any));
  const problems = noThrow('validate()', () => image.validate());
  if (problems.length > 0) {
    count(group, false, inj);
    const bad = problemsProblem(problems, inj.flatMap(i => slotNamed(IMAGE_SLOTS, i.slot).mentions));
    if (bad) fail(group, inj, bad);
    return;
  }
  count(group, true, inj);
  if ('htmlDir' in draft && mustRejectHtmlDir(draft.htmlDir)) fail(group, inj, `htmlDir ${show(draft.htmlDir)} (the root, a kernel filesystem or a link to one) was accepted`);
  // 2. The Dockerfile: the baseline's instructions, nothing added or changed, and the values read back.
  const dockerfile = noThrow('dockerfile() of an accepted image', () => image.dockerfile());
  const keywords = noThrow('DockerfileParser.parse', () => dockerKeywords(dockerfile));
  if (!same(keywords, baselineFor(image))) fail(group, inj, `the Dockerfile's instructions ${keywords.join(' ')} differ from the baseline's ${baselineFor(image).join(' ')}:\n${dockerfile}`);
  const out: ImageOut = { image, dockerfile, labels: dockerLabels(dockerfile) };
  const expectedLabels = image.labels;
  if (!same(out.labels.map(([k]) => k), Object.keys(expectedLabels).sort())) fail(group, inj, `the LABEL keys ${show(out.labels.map(([k]) => k))} are not the image's ${show(Object.keys(expectedLabels).sort())}`);
  const wrongLabel = out.labels.find(([k, v]) => v !== expectedLabels[k]);
  if (wrongLabel) fail(group, inj, `the label ${show(wrongLabel[0])} reads back as ${show(wrongLabel[1])}, not ${show(expectedLabels[wrongLabel[0]])}`);
  const cmd = finalArgs(out, 'CMD')[0];
  if (!same(JSON.parse(cmd ?? 'null'), image.command())) fail(group, inj, `CMD ${show(cmd)} is not ${show(image.command())}`);
  if (image.nginxBinary !== (isString(draft.nginxBinary) ? draft.nginxBinary : '/usr/sbin/nginx')) fail(group, inj, `nginxBinary is ${show(image.nginxBinary)}`);
  // RUN: every value stays one shell word.
  const run = dockerStages(dockerfile)[0].find(i => i.getKeyword() === 'RUN')?.getArgumentsContent() ?? '';
  const commands = shellCommands(run, ['sh', 'mkdir', 'chown', 'chmod', 'cp']);
  if (typeof commands === 'string') fail(group, inj, `the RUN does not run: ${commands}`);
  const rt = image.config.runtimeDir;
  const expectedCommands = [
    ...(image.files ? [] : [['sh', '/build/collect-rootfs.sh', '/rootfs', image.nginxBinary, ...image.config.modules]]),
    ['mkdir', '-p', '/rootfs/etc/nginx/conf.d', '/rootfs/usr/share/nginx/html', `/rootfs${rt}`],
    ['chown', `${image.uid}:${image.gid}`, `/rootfs${rt}`],
    ['chmod', '0700', `/rootfs${rt}`],
    ['cp', '/etc/nginx/mime.types', '/rootfs/etc/nginx/mime.types'],
    ['sh', '/build/record-packages.sh', '/rootfs', ...(image.files ?? [])],
  ];
  if (!same(commands, expectedCommands)) fail(group, inj, `the RUN runs ${show(commands)}, not ${show(expectedCommands)}`);
  for (const i of effective(IMAGE_SLOTS, inj)) {
    const wrong = slotNamed(IMAGE_SLOTS, i.slot).lands?.(i.value, out);
    if (wrong) fail(group, inj, wrong);
  }
  // The build context: one passwd line and one group line for the user; the html folder's files.
  const context = noThrow('buildContext() of an accepted image', () => image.buildContext());
  const passwd = context.find(f => f.path === 'rootfs/etc/passwd')?.content;
  const groupFile = context.find(f => f.path === 'rootfs/etc/group')?.content;
  const user = isString(draft.userName) ? draft.userName : 'nginx';
  if (passwd !== `${user}:x:${image.uid}:${image.gid}:${user}:/nonexistent:/sbin/nologin\n`) fail(group, inj, `passwd is ${show(passwd)}`);
  if (groupFile !== `${user}:x:${image.gid}:\n`) fail(group, inj, `group is ${show(groupFile)}`);
  const html = context.filter(f => f.path.startsWith('html/')).map(f => f.path);
  if (draft.htmlDir === htmlDir && !same(html, ['html/50x.html', 'html/index.html'])) fail(group, inj, `the html files are ${show(html)}`);
}

// =========================================================================================================
// ScratchNginx / NginxWorkload: synthesised with Testing.synth.

interface WorkloadDraft {
  options: Bag;
  image: Bag;
  config: Bag;
  server: Bag;
  /** Use NginxWorkload with this image value instead of ScratchNginx. */
  workloadImage?: { value: unknown };
}
interface WorkloadOut {
  /** Whether ScratchNginx (which writes the build context) was used, not NginxWorkload alone. */
  readonly scratch: boolean;
  readonly manifests: any[];
  readonly outdir: string;
  readonly deployment: any;
  readonly container: any;
  readonly service: any;
}

const kind = (o: WorkloadOut, k: string) => o.manifests.filter(m => m.kind === k);
type WorkloadLands = (v: any, o: WorkloadOut) => string | undefined;
const optionSlot = (name: string, value: fc.Arbitrary<unknown>, lands?: WorkloadLands, group?: string): Slot<WorkloadDraft, WorkloadOut> => ({
  name, group, mentions: [name, 'policy control'], value, apply: (d, v) => { d.options[name] = v; }, lands,
});
const mebibytes = (v: unknown, got: unknown, what: string) => expectThat(isNumber(v) && got === `${v}Mi`, `accepted, but ${what} is ${show(got)}, not ${show(v)}Mi`);
const LABEL_KEYS = ['app.kubernetes.io/name', 'a', 'A_b.c-d', 'example.com/x', 'kubernetes.io/metadata.name'];
const LABEL_VALUES = ['ingress-nginx', '', 'a', 'A-b_c.d', 'x'.repeat(63)];
const HOSTILE_LABELS = ['-a', 'a-', 'a b', 'a/b/c', '/a', 'A'.repeat(64), 'é', 'a..b/c'];
/** A CIDR the Kubernetes API accepts: an address and a prefix length in range. */
function isCidr(v: string): boolean {
  const m = /^(.*)\/(\d{1,3})$/.exec(v);
  if (!m) return false;
  const family = net.isIP(m[1]);
  return family !== 0 && Number(m[2]) <= (family === 4 ? 32 : 128) && String(Number(m[2])) === m[2];
}
// Found (fixed): a Map of labels is accepted and its entries are dropped (see securityHeaders).
const peerSlot = (field: 'podLabels' | 'namespaceLabels', which: 'key' | 'value'): Slot<WorkloadDraft, WorkloadOut> => ({
  name: `ingressPeers[].${field} ${which}`,
  group: 'ingressPeers',
  mentions: ['ingressPeers', 'policy control'],
  value: which === 'key' ? mapEntryValue(LABEL_KEYS, ['x'], 'key', HOSTILE_LABELS) : mapEntryValue(['app'], LABEL_VALUES, 'value', HOSTILE_LABELS),
  apply: (d, v) => { d.options.ingressPeers = [{ [field]: v }]; },
  lands: (v, o) => {
    const from = kind(o, 'NetworkPolicy')[0]?.spec?.ingress?.[0]?.from;
    const entries: Array<[string, unknown]> = v instanceof Map ? [...v] : isObject(v) ? Object.entries(v) : [['(not a map)', v]];
    const selector = field === 'podLabels' ? 'podSelector' : 'namespaceSelector';
    return expectThat(from?.length === 1 && same(from[0][selector]?.matchLabels, Object.fromEntries(entries)), `accepted, but the NetworkPolicy peers are ${show(from)}`);
  },
});

const WORKLOAD_SLOTS: ReadonlyArray<Slot<WorkloadDraft, WorkloadOut>> = [
  optionSlot('replicas', numberValue([1, 2, 3, 10000]), (v, o) => expectThat(o.deployment?.spec?.replicas === v, `accepted, but the Deployment has replicas ${show(o.deployment?.spec?.replicas)}`)),
  optionSlot('servicePort', numberValue([1, 80, 443, 8080, 65535]), (v, o) => expectThat(o.service?.spec?.ports?.[0]?.port === v, `accepted, but the Service port is ${show(o.service?.spec?.ports?.[0]?.port)}`)),
  optionSlot('imageReference', stringValue(['registry.example.com/web/site:1.0.0', `localhost/site@sha256:${'a'.repeat(64)}`, '${Token[TOKEN.123]}', '123456789012.dkr.ecr.eu-west-1.amazonaws.com/site:abc'], ['Site:1', 'a b', ':', '@', 'x:latest']),
    (v, o) => expectThat(o.container?.image === v, `accepted, but the container image is ${show(o.container?.image)}`)),
  optionSlot('runtimeVolumeMebibytes', numberValue([1, 64, 1048576]), (v, o) => mebibytes(v, o.deployment?.spec?.template?.spec?.volumes?.find((x: any) => x.name === 'nginx-runtime')?.emptyDir?.sizeLimit, 'the runtime volume size')),
  optionSlot('ephemeralStorageRequestMebibytes', numberValue([1, 16, 128]), (v, o) => mebibytes(v, o.container?.resources?.requests?.['ephemeral-storage'], 'the ephemeral-storage request')),
  optionSlot('ephemeralStorageLimitMebibytes', numberValue([16, 128, 1048576]), (v, o) => mebibytes(v, o.container?.resources?.limits?.['ephemeral-storage'], 'the ephemeral-storage limit')),
  optionSlot('autoscaling', fc.constantFrom(...WRONG_FOR_STRUCT, {}), undefined, 'autoscaling'),
  {
    name: 'autoscaling.maxReplicas',
    group: 'autoscaling',
    mentions: ['autoscaling', 'policy control'],
    value: numberValue([2, 3, 10, 10000]),
    apply: (d, v) => { d.options.autoscaling = { maxReplicas: v }; },
    lands: (v, o) => expectThat(kind(o, 'HorizontalPodAutoscaler')[0]?.spec?.maxReplicas === v, `accepted, but the autoscaler's maxReplicas is ${show(kind(o, 'HorizontalPodAutoscaler')[0]?.spec?.maxReplicas)}`),
  },
  {
    name: 'autoscaling.cpuUtilizationPercent',
    group: 'autoscaling',
    mentions: ['autoscaling', 'policy control'],
    value: numberValue([1, 70, 1000]),
    apply: (d, v) => { d.options.autoscaling = { maxReplicas: 10, cpuUtilizationPercent: v }; },
    lands: (v, o) => {
      const got = kind(o, 'HorizontalPodAutoscaler')[0]?.spec?.metrics?.[0]?.resource?.target?.averageUtilization;
      return expectThat(v === null ? got === 70 : got === v, `accepted, but averageUtilization is ${show(got)}`);
    },
  },
  optionSlot('ingressPeers', listValue([[{ cidr: '10.0.0.0/8' }], [{ podLabels: { a: 'b' } }], [{ namespaceLabels: { 'kubernetes.io/metadata.name': 'ingress' } }], []], fc.constantFrom(...WRONG_FOR_STRUCT, {}, { cidr: null })), (v, o) => {
    if (v === null) return undefined;
    const from = kind(o, 'NetworkPolicy')[0]?.spec?.ingress?.[0]?.from ?? [];
    const expected = (v as Bag[]).map(p => (p.cidr !== undefined ? { ipBlock: { cidr: p.cidr } } : {
      ...(p.podLabels ? { podSelector: { matchLabels: p.podLabels } } : {}),
      ...(p.namespaceLabels ? { namespaceSelector: { matchLabels: p.namespaceLabels } } : {}),
    }));
    return expectThat(Array.isArray(v) && same(from, expected), `accepted, but the NetworkPolicy peers are ${show(from)}`);
  }, 'ingressPeers'),
  peerSlot('podLabels', 'key'),
  peerSlot('podLabels', 'value'),
  peerSlot('namespaceLabels', 'key'),
  peerSlot('namespaceLabels', 'value'),
  // Found (fixed): the IPv6 CIDR pattern (src/workload/nginx-workload.ts) takes any run of hex digits, ':' and '.', so
  // '1.2.3/8', '10.0.0.0/33', '256.0.0.0/8', ':::::/8' and '::1.2.3.4.5/64' are accepted into the NetworkPolicy,
  // which the Kubernetes API then refuses.
  {
    name: 'ingressPeers[].cidr',
    group: 'ingressPeers',
    mentions: ['ingressPeers', 'cidr'],
    value: stringValue(['10.0.0.0/8', '192.168.1.0/24', '0.0.0.0/0', 'fd00::/8', '::/0', '2001:db8::/32'], ['10.0.0.0', '10.0.0.0/33', '256.0.0.0/8', '10.0.0.0/8 ', '::/129', 'fd00::/08', '1.2.3.4/32/1', ':::::/8', '1.2.3/8', '01.2.3.4/8', '::1.2.3.4.5/64']),
    apply: (d, v) => { d.options.ingressPeers = [{ cidr: v }]; },
    lands: (v, o) => {
      const got = kind(o, 'NetworkPolicy')[0]?.spec?.ingress?.[0]?.from?.[0]?.ipBlock?.cidr;
      return expectThat(got === v && isString(v) && isCidr(v), `accepted, but the NetworkPolicy ipBlock.cidr is ${show(got)}${isString(v) && !isCidr(v) ? ', which is not a CIDR the Kubernetes API accepts' : ''}`);
    },
  },
  optionSlot('policyOptOuts', listValue([[{ control: 'image-digest', reason: 'pinned by tag on purpose' }], []], fc.constantFrom(...WRONG_FOR_STRUCT, {}, { control: 'image-digest' })), undefined, 'policyOptOuts'),
  {
    name: 'policyOptOuts[].control',
    group: 'policyOptOuts',
    mentions: ['policyOptOuts', 'opt-out', 'policy control'],
    value: stringValue(['image-digest', 'namespace-set', 'replicas'], ['pss-seccomp', 'IMAGE-DIGEST', 'image-digest ', 'no-such-control']),
    apply: (d, v) => { d.options.policyOptOuts = [{ control: v, reason: 'a reason' }]; },
    lands: (v, o) => optedOut(o, v, 'a reason'),
  },
  {
    name: 'policyOptOuts[].reason',
    group: 'policyOptOuts',
    mentions: ['policyOptOuts', 'opt-out', 'reason'],
    value: stringValue(['node-local image', 'x', 'a "b" $c'], ['   ', '']),
    apply: (d, v) => { d.options.policyOptOuts = [{ control: 'image-digest', reason: v }]; },
    lands: (v, o) => optedOut(o, 'image-digest', v),
  },
  optionSlot('imagePullPolicy', enumValue(['Always', 'IfNotPresent', 'Never']), (v, o) => expectThat(o.container?.imagePullPolicy === v, `accepted, but imagePullPolicy is ${show(o.container?.imagePullPolicy)}`)),
  optionSlot('configDelivery', enumValue(['BAKED', 'CONFIG_MAP']), (v, o) => expectThat((kind(o, 'ConfigMap').length > 0) === (v === 'CONFIG_MAP'), `accepted ${show(v)}, but there are ${kind(o, 'ConfigMap').length} ConfigMaps`)),
  optionSlot('highAvailability', booleanValue(), (v, o) => expectThat((kind(o, 'PodDisruptionBudget').length > 0) === v, `accepted ${show(v)}, but PodDisruptionBudgets: ${kind(o, 'PodDisruptionBudget').length}`)),
  // Exposure: each slot names a public host for the server, so a valid value is accepted and lands.
  {
    name: 'ingress.className',
    group: 'ingress',
    mentions: ['ingress', 'className'],
    value: stringValue(['nginx', 'alb', 'traefik.example.com'], ['Nginx', 'a b', '-x', 'x'.repeat(254)]),
    apply: (d, v) => { d.options.ingress = { className: v }; d.server.serverNames = ['www.example.com']; },
    lands: (v, o) => expectThat(kind(o, 'Ingress')[0]?.spec?.ingressClassName === v, `accepted, but the Ingress class is ${show(kind(o, 'Ingress')[0]?.spec?.ingressClassName)}`),
  },
  {
    name: 'ingress.annotations',
    group: 'ingress',
    mentions: ['ingress', 'annotations'],
    value: stringValue(['HTTPS', '', 'a: b', '"quoted"', 'line\nbreak']),
    apply: (d, v) => { d.options.ingress = { annotations: { 'example.com/x': v } }; d.server.serverNames = ['www.example.com']; },
    lands: (v, o) => expectThat(kind(o, 'Ingress')[0]?.metadata?.annotations?.['example.com/x'] === v, `accepted, but the annotation is ${show(kind(o, 'Ingress')[0]?.metadata?.annotations?.['example.com/x'])}`),
  },
  {
    name: 'ingress.controllerNamespace',
    group: 'ingress',
    mentions: ['ingress', 'controllerNamespace'],
    value: stringValue(['ingress-nginx', 'a', 'x'.repeat(63)], ['Ingress', 'a.b', 'x'.repeat(64), '-a']),
    apply: (d, v) => { d.options.ingress = { controllerNamespace: v }; d.server.serverNames = ['www.example.com']; },
    lands: (v, o) => {
      const from = kind(o, 'NetworkPolicy')[0]?.spec?.ingress?.[0]?.from ?? [];
      return expectThat(from.some((f: any) => f.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === v), `accepted, but the NetworkPolicy peers are ${show(JSON.stringify(from))}`);
    },
  },
  {
    name: 'httpRoute.gatewayName',
    group: 'httpRoute',
    mentions: ['httpRoute', 'gatewayName'],
    value: stringValue(['public', 'gw.example.com'], ['Public', 'a_b', 'x'.repeat(254)]),
    apply: (d, v) => { d.options.httpRoute = { gatewayName: v }; d.server.serverNames = ['www.example.com']; },
    lands: (v, o) => expectThat(kind(o, 'HTTPRoute')[0]?.spec?.parentRefs?.[0]?.name === v, `accepted, but the route's Gateway is ${show(kind(o, 'HTTPRoute')[0]?.spec?.parentRefs?.[0]?.name)}`),
  },
  optionSlot('createNamespace', booleanValue(), (v, o) => expectThat((kind(o, 'Namespace').length > 0) === v, `accepted ${show(v)}, but Namespaces: ${kind(o, 'Namespace').length}`)),
  {
    name: 'contextDir',
    mentions: ['contextDir', 'build context'],
    value: stringValue(['images/site2', 'ctx', 'a/b/c'], ['.', '..', '../x', '/tmp/x', 'a/../../b', 'images/site', '~/x', 'a\\..\\..\\b', 'reports', './ctx']),
    apply: (d, v) => { d.options.contextDir = v; },
    lands: (v, o) => {
      if (!o.scratch) return undefined; // only ScratchNginx takes a contextDir
      const dir = v === null ? 'images/site' : v;
      const at = isString(dir) ? path.resolve(o.outdir, dir) : '';
      return expectThat((at === o.outdir || at.startsWith(`${o.outdir}${path.sep}`)) && fs.existsSync(path.join(at, 'Dockerfile')), `accepted, but no Dockerfile inside the output folder at ${show(v)}`);
    },
  },
  // ---- image and config props, as the constructs report them
  {
    name: 'image.tag',
    target: 'image',
    mentions: ['tag', 'image'],
    value: slotNamed(IMAGE_SLOTS, 'tag').value,
    apply: (d, v) => { d.image.tag = v; },
    lands: (v, o) => expectThat(o.container?.image === `localhost/site:${v}`, `accepted, but the container image is ${show(o.container?.image)}`),
  },
  {
    name: 'image.uid',
    target: 'image',
    mentions: ['uid'],
    value: slotNamed(IMAGE_SLOTS, 'uid').value,
    apply: (d, v) => { d.image.uid = v; },
    lands: (v, o) => expectThat(o.container?.securityContext?.runAsUser === v && o.deployment?.spec?.template?.spec?.securityContext?.runAsUser === v, `accepted, but runAsUser is ${show(o.container?.securityContext?.runAsUser)}`),
  },
  {
    name: 'image.labels value',
    target: 'image',
    mentions: ['labels'],
    value: slotNamed(IMAGE_SLOTS, 'labels value').value,
    apply: (d, v) => { d.image.labels = v; },
    lands: (v, o) => {
      if (!o.scratch) return undefined; // NginxWorkload alone writes no build context
      const dockerfile = path.join(o.outdir, 'images/site/Dockerfile');
      const labels = dockerLabels(fs.readFileSync(dockerfile, 'utf8'));
      const entries: Array<[string, unknown]> = v instanceof Map ? [...v] : isObject(v) ? Object.entries(v) : [];
      const bad = entries.find(([k, x]) => !labels.some(([lk, lv]) => lk === k && lv === x));
      return bad ? `accepted, but the written Dockerfile's label ${show(bad[0])} is not ${show(bad[1])}` : undefined;
    },
  },
  {
    name: 'config.runtimeDir',
    target: 'image',
    mentions: ['runtimeDir'],
    value: slotNamed(CONFIG_SLOTS, 'runtimeDir').value,
    apply: (d, v) => { d.config.runtimeDir = v; },
    lands: (v, o) => expectThat(o.container?.volumeMounts?.some((m: any) => m.name === 'nginx-runtime' && m.mountPath === v), `accepted, but the runtime volume is mounted at ${show(o.container?.volumeMounts)}`),
  },
  {
    name: 'config.port',
    target: 'image',
    mentions: ['port'],
    value: slotNamed(CONFIG_SLOTS, 'port').value,
    apply: (d, v) => { d.server.port = v; },
    lands: (v, o) => expectThat(o.container?.ports?.[0]?.containerPort === v && o.service?.spec?.ports?.[0]?.targetPort === v && o.container?.readinessProbe?.httpGet?.port === v, `accepted, but the container port is ${show(o.container?.ports)}`),
  },
  {
    name: 'config.healthPath',
    target: 'image',
    mentions: ['healthPath'],
    value: slotNamed(CONFIG_SLOTS, 'healthPath').value,
    apply: (d, v) => { d.server.healthPath = v; },
    lands: (v, o) => expectThat(o.container?.readinessProbe?.httpGet?.path === v && o.container?.startupProbe?.httpGet?.path === v, `accepted, but the probes ask for ${show(o.container?.readinessProbe?.httpGet?.path)}`),
  },
  {
    name: 'image',
    group: 'image',
    replaces: 'image',
    mentions: ['image'],
    value: fc.constantFrom<unknown>(...WRONG_FOR_STRUCT, {}, { config: {} }, new NginxConfig()),
    apply: (d, v) => { d.workloadImage = { value: v }; },
  },
];

function optedOut(o: WorkloadOut, control: unknown, reason: unknown): string | undefined {
  const report = path.join(o.outdir, 'reports/site.json');
  const text = fs.existsSync(report) ? fs.readFileSync(report, 'utf8') : '';
  const ok = isString(control) && isString(reason) && text.includes(JSON.stringify(reason.trim()).slice(1, -1)) && text.includes(`"${control}"`) && text.includes('OPTED_OUT');
  return expectThat(ok, `accepted, but the hardening report does not record the opt-out of ${show(control)} with the reason ${show(reason)}`);
}

/** The injections, and whether to build NginxWorkload alone (1 in 5) instead of ScratchNginx. */
const workloadCase = fc.tuple(
  injections(WORKLOAD_SLOTS),
  fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
);

/** What is wrong with a construct's error, if anything: cdk8s's validation error (every line a construct path) or `[path] ...`. */
function constructErrorProblem(e: unknown, mentions: readonly string[]): string | undefined {
  if (!(e instanceof Error)) return `threw ${show(e)}, not an Error`;
  const message = e.message;
  const header = 'Validation failed with the following errors:\n';
  let lines: string[];
  if (message.startsWith(header)) lines = message.slice(header.length).split('\n');
  else if (message.startsWith('[')) lines = [`  ${message}`];
  else return `threw ${e.name}: ${message.slice(0, 600)}\n${e.stack?.split('\n').slice(1, 6).join('\n')}`;
  const problems: string[] = [];
  for (const line of lines) {
    const m = /^ {2}\[([^\]]+)\] (.*)$/s.exec(line);
    if (!m) return `an error line does not start with a construct path (a value broke the line?): ${JSON.stringify(line.slice(0, 300))}`;
    problems.push(m[2]);
  }
  return problemsProblem(problems, mentions);
}

function checkWorkloadCase(inj: readonly Injection[], useWorkload: boolean): void {
  const group = 'workload';
  const draft: WorkloadDraft = { options: {}, image: { repository: 'localhost/site' }, config: {}, server: { name: 'default' } };
  for (const i of inj) slotNamed(WORKLOAD_SLOTS, i.slot).apply(draft, i.value);
  const mentions = inj.flatMap(i => slotNamed(WORKLOAD_SLOTS, i.slot).mentions);
  const outdir = fs.mkdtempSync(path.join(tmp, 'synth-'));
  try {
    let manifests: any[] | undefined;
    let error: unknown;
    try {
      quietly(() => {
        const app = new App({ outdir });
        const chart = new Chart(app, 'site');
        const config = new NginxConfig({ ...draft.config, servers: [draft.server as any] });
        const image = new NginxImage({ ...draft.image, config } as any);
        if (draft.workloadImage || useWorkload) {
          new NginxWorkload(chart, 'web', { ...draft.options, image: draft.workloadImage ? draft.workloadImage.value : image } as any);
        } else {
          new ScratchNginx(chart, 'web', { ...draft.image, config, ...draft.options } as any);
        }
        manifests = Testing.synth(chart);
      });
    } catch (e) {
      error = e;
    }
    if (manifests === undefined) {
      count(group, false, inj);
      const bad = constructErrorProblem(error, mentions);
      if (bad) fail(group, inj, bad);
      return;
    }
    count(group, true, inj);
    const deployment = manifests.find(m => m.kind === 'Deployment');
    const out: WorkloadOut = {
      scratch: !(draft.workloadImage || useWorkload), manifests, outdir, deployment, container: deployment?.spec?.template?.spec?.containers?.[0], service: manifests.find(m => m.kind === 'Service'),
    };
    // 3. The manifests carry each accepted value unchanged.
    for (const i of effective(WORKLOAD_SLOTS, inj)) {
      const wrong = slotNamed(WORKLOAD_SLOTS, i.slot).lands?.(i.value, out);
      if (wrong) fail(group, inj, wrong);
    }
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

// =========================================================================================================

const share = (part: number) => Math.max(1, Math.round(RUNS * part));
/** Property runs that went through all their cases (the coverage check needs all three). */
let completed = 0;

describe('hostile input: every prop and escape hatch is rejected with the library\'s own message or lands unchanged', () => {
  (haveNginx ? test : test.skip)(`config: ${share(0.5)} NginxConfig/NginxServer cases (nginx -t for accepted ones)`, () => {
    fc.assert(fc.property(configCase, inj => { guarded(() => checkConfigCase(inj)); }), { numRuns: share(0.5), seed: SEED, endOnFailure: true });
    expect(stats.config.accepted).toBeGreaterThan(share(0.5) / 10);
    expect(stats.config.rejected).toBeGreaterThan(share(0.5) / 10);
    completed++;
  }, 600_000);

  (haveNginx ? test : test.skip)(`image: ${share(0.25)} NginxImage cases (Dockerfile parsed back)`, () => {
    fc.assert(fc.property(imageCase, inj => { guarded(() => checkImageCase(inj)); }), { numRuns: share(0.25), seed: SEED + 1, endOnFailure: true });
    expect(stats.image.accepted).toBeGreaterThan(share(0.25) / 10);
    expect(stats.image.rejected).toBeGreaterThan(share(0.25) / 10);
    completed++;
  }, 600_000);

  (haveNginx ? test : test.skip)(`workload: ${share(0.25)} ScratchNginx/NginxWorkload cases (Testing.synth)`, () => {
    const property = fc.property(workloadCase, ([inj, useWorkload]) => { guarded(() => checkWorkloadCase(inj, useWorkload)); });
    fc.assert(property, { numRuns: share(0.25), seed: SEED + 2, endOnFailure: true });
    expect(stats.workload.accepted).toBeGreaterThan(share(0.25) / 10);
    expect(stats.workload.rejected).toBeGreaterThan(share(0.25) / 10);
    completed++;
  }, 600_000);

  (haveNginx ? test : test.skip)('every prop and call was tried', () => {
    // Only meaningful when the three properties ran all their cases (a failure stops one early).
    if (RUNS < 2000 || completed < 3) return;
    const all = [
      ...CONFIG_SLOTS.map(s => `config:${s.name}`), ...IMAGE_SLOTS.map(s => `image:${s.name}`), ...WORKLOAD_SLOTS.map(s => `workload:${s.name}`),
    ];
    expect(all.filter(s => !slotUse.has(s))).toEqual([]);
  });

  if (COLLECT) {
    test('HOSTILE_COLLECT: no failing case', () => {
      expect([...collected.keys()]).toEqual([]);
    });
  }
});
