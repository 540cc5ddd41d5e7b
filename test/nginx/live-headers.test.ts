import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as fc from 'fast-check';
import { NginxConfig } from '../../src/nginx/config';
import { Directive, walkDirectives } from '../../src/nginx/directive';
import { NginxConfigError } from '../../src/nginx/errors';
import { LocationModifier } from '../../src/nginx/server-options';
import { LiveNginx, freePort, startNginx } from '../helpers/live-nginx';
import { HOST_NGINX } from '../helpers/nginx-t';

/**
 * Property: no response nginx ever sends carries a header the model did not declare.
 *
 * A model with every header-producing feature (security headers, asset caching, redirects with
 * $request_uri, a whole-server redirect, error and 404 pages, escape-hatch add_header with hostile but
 * accepted values, rate limits, limit_except, hidden files, a single-page app) is run by Debian's real
 * nginx, then asked a few hundred hostile requests (fast-check, fixed seed): percent-encoded and raw
 * CR/LF/NUL, long paths, `..`, hidden files, unicode, hostile Host headers. Every response header name
 * must be one the model's effective tree sets with add_header (for that port) or one nginx itself
 * sends (NGINX_OWN_HEADERS); no value may hold CR or LF; no Set-Cookie, ever. Values the library must
 * refuse (CR/LF/NUL in a header or a redirect) are checked to be refused at synth: they never reach nginx.
 * Header names the library accepts in an add_header must reach the client as exactly that header.
 *
 * LIVE_HEADERS_SEED tunes the seed (default fixed, so CI is reproducible).
 */
const SEED = Number(process.env.LIVE_HEADERS_SEED ?? 20261204);
const haveNginx = fs.existsSync(HOST_NGINX);
if (!haveNginx && process.env.CI === 'true') throw new Error(`${HOST_NGINX} is missing: .ci/run must install nginx-light.`);
if (!haveNginx) {
  // eslint-disable-next-line no-console
  console.warn(`live-headers: ${HOST_NGINX} is missing, the live tests are skipped (install nginx-light to run them).`);
}
const describeLive = haveNginx ? describe : describe.skip;

/**
 * Headers nginx 1.22 sends on its own (lower case), with why; every entry is asserted to be seen at least
 * once below, so the list holds nothing nginx does not actually send here. Deliberately NOT listed:
 * Keep-Alive (only with a second keepalive_timeout argument, which the model never sets), Retry-After
 * (limit_req answers 429 without it), Allow (nginx sends no Allow on its 405s), Expires (only the
 * `expires` directive, which the model does not use), Set-Cookie and WWW-Authenticate (nothing here sets them).
 */
const NGINX_OWN_HEADERS: Readonly<Record<string, string>> = {
  'server': 'every response; `server_tokens off` leaves it as plain "nginx"',
  'date': 'every response (RFC 9110 origin date)',
  'content-type': 'every response with a body: mime.types / default_type, text/html for nginx\'s own error pages',
  'content-length': 'every response whose length is known (static files, nginx\'s own pages, `return` bodies)',
  'connection': '"keep-alive" or "close" on every HTTP/1.x response',
  'location': 'redirects: `return 301/302 <url>` (addRedirect, redirectTo) and the 301 that adds a slash to a folder',
  'last-modified': 'static files (ngx_http_static_module)',
  'etag': 'static files (etag on by default)',
  'accept-ranges': 'static files ("bytes")',
  'content-range': 'a 206 answer to a Range request, and the 416 for an unsatisfiable one',
  'vary': '"Accept-Encoding" from `gzip_vary on`',
  'content-encoding': '"gzip" when gzip compresses a response',
  'transfer-encoding': '"chunked" when gzip compresses a response of unknown final length (HTTP/1.1)',
};

const HTML: Record<string, string> = {
  'index.html': '<!DOCTYPE html><title>home</title><h1>home</h1>',
  '404.html': '<h1>custom not found</h1>',
  'oops.html': '<h1>custom error</h1>',
  'app.css': 'body { color: black; }',
  'data.json': '{"a":1}',
  'big.txt': 'lorem ipsum dolor sit amet '.repeat(200),
  'docs/index.html': '<h1>docs</h1>',
  '.git/config': '[core]',
  '.env': 'SECRET=1',
  '.well-known/security.txt': 'Contact: mailto:security@example.com',
  'hdr/page.html': '<h1>hdr</h1>',
};

/**
 * Escape-hatch add_header values the library accepts, though they hold `;`, quotes, `$`, braces and unicode.
 * `$5` and `$1` are regex captures: empty in most locations, the request's own bytes in `^/cap/(...)`.
 */
const HOSTILE_HEADERS: ReadonlyArray<[string, string]> = [
  ['X-Semi', 'a; b; c=d'],
  ['X-Quote', 'say "hi" \'there\' \\ {x} #y'],
  ['X-Dollar', 'price $5 and $1'],
  ['X-Echo-Uri', 'uri=$request_uri'],
  ['X-Echo-Args', 'q=$args'],
  ['X-Echo-Host', '$host'],
  ['X-Echo-Agent', '$http_user_agent'],
  ['X-Unicode', 'héllo ✓ 日本語 — ok'],
  ['Link', '</app.css>; rel=preload; as=style'],
];

interface Ports { site: number; moved: number }

/**
 * The model: `site` (default server) and `app` (single-page app, Host app.test) share one port, `moved`
 * (whole-server redirect) has its own. `limited` adds per-client limits, for 429s from every location.
 */
function buildConfig(ports: Ports, deadUpstreamPort: number, limited: boolean): NginxConfig {
  const config = new NginxConfig({
    errorLogLevel: 'error',
    upstreams: [{ name: 'dead', servers: [`127.0.0.1:${deadUpstreamPort}`] }],
    securityHeaders: { 'X-Extra': 'a "b"; c=\'d\' é', 'X-Frame-Options': 'DENY', 'Permissions-Policy': '' },
    ...(limited ? { rateLimit: { requestsPerSecond: 1, burst: 2, connectionsPerClient: 4 } } : {}),
    servers: [
      {
        name: 'site',
        port: ports.site,
        serverNames: ['_'],
        defaultServer: true,
        notFoundPage: '/404.html',
        errorPage: '/oops.html',
        assetMaxAgeSeconds: 3600,
        immutableAssets: true,
        allowedMethods: ['GET', 'POST'],
        denyHiddenFiles: true,
        statusPath: '/nginx_status',
      },
      { name: 'app', port: ports.site, serverNames: ['app.test'], singlePageApp: true, assetMaxAgeSeconds: 0, allowedMethods: [], denyHiddenFiles: false },
      { name: 'moved', port: ports.moved, serverNames: ['_'], defaultServer: true, redirectTo: 'https://www.example.com:8443' },
    ],
  });
  const site = config.servers[0];
  site
    .addRedirect('/old', '/new$request_uri')
    .addRedirect('/tmp', 'https://例え.example/ü?from=$request_uri&q="x";y', false)
    .addRedirect('/self', 'http://$host/landing$request_uri', true)
    .addProxy('/api/', 'dead', { connectTimeoutSeconds: 1, stripPrefix: true })
    .addLocation('/hdr/', { directives: [Directive.of('add_header', 'X-Loc', 'loc;"v" ü', 'always'), Directive.of('try_files', '$uri', '=404')] })
    .addLocation('^/cap/([^/\\r\\n]+)$', { modifier: LocationModifier.REGEX, directives: [Directive.of('add_header', 'X-Cap', 'cap=$1', 'always'), Directive.of('return', '200', 'cap')] })
    .addLocation('/boom', { modifier: LocationModifier.EXACT, directives: [Directive.of('return', '503')] });
  for (const [name, value] of HOSTILE_HEADERS) site.addDirective(Directive.of('add_header', name, value, 'always'));
  config.servers[1].addDirective(Directive.of('add_header', 'X-App', 'spa; "yes"', 'always'));
  return config;
}

/** Per listen port: the add_header names (lower case) nginx may send there; `http`-level ones count for all. */
function declaredHeaders(config: NginxConfig): { byPort: Map<number, Set<string>>; values: Map<string, Set<string>> } {
  const global = new Set<string>();
  const byServer = new Map<Directive, Set<string>>();
  const values = new Map<string, Set<string>>();
  const tree = config.effectiveTree();
  walkDirectives(tree, (d, parents) => {
    if (d.name !== 'add_header') return;
    const name = d.args[0].toLowerCase();
    const server = parents.find(p => p.name === 'server');
    if (server) {
      if (!byServer.has(server)) byServer.set(server, new Set());
      byServer.get(server)!.add(name);
    } else {
      global.add(name);
    }
    if (!values.has(name)) values.set(name, new Set());
    values.get(name)!.add(d.args[1]);
  });
  const byPort = new Map<number, Set<string>>();
  walkDirectives(tree, d => {
    if (d.name !== 'server' || !d.block) return;
    const port = Number(d.block.find(c => c.name === 'listen')!.args[0]);
    const set = byPort.get(port) ?? new Set(global);
    for (const h of byServer.get(d) ?? []) set.add(h);
    byPort.set(port, set);
  });
  return { byPort, values };
}

// ---------------------------------------------------------------------------------------------------------
// Requests

interface HostileRequest {
  readonly port: number;
  readonly method: string;
  /** The request target exactly as written on the request line. */
  readonly target: string;
  /** The Host header; undefined sends none. */
  readonly host: string | undefined;
  /** Extra header lines, written as given. */
  readonly extra: ReadonlyArray<[string, string]>;
  /** Request-line version; '' is an HTTP/0.9 request line. */
  readonly version: 'HTTP/1.1' | 'HTTP/1.0' | '';
}

interface Answer {
  readonly via: 'http' | 'raw';
  readonly status: number | undefined;
  /** Header names and values, as on the wire (values as latin1 of the bytes). */
  readonly headers: ReadonlyArray<[string, string]>;
  /** Problems with the raw header block itself (bare CR or LF, a line that is not `name: value`). */
  readonly framing: string[];
  /** Observations that break no rule of this test, such as Node's parser refusing the answer. */
  readonly notes: string[];
  readonly raw?: string;
}

/** Whether Node's http.request writes this request unchanged (else it is written raw with net). */
function httpCan(r: HostileRequest): boolean {
  if (r.version !== 'HTTP/1.1' || r.host === undefined) return false;
  if (/[^\u0021-\u00ff]/.test(r.target) || /[^\u0021-\u007e]/.test(r.method)) return false;
  return [['host', r.host], ...r.extra].every(([, v]) => !/[^\t\u0020-\u007e]/.test(v));
}

function viaHttp(r: HostileRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Array<[string, string]> = [['Host', r.host!], ...r.extra];
    const req = http.request({
      host: '127.0.0.1',
      port: r.port,
      method: r.method,
      path: r.target,
      agent: false,
      setHost: false,
      headers: headers.flat() as unknown as http.OutgoingHttpHeaders,
      timeout: 5000,
    }, res => {
      const pairs: Array<[string, string]> = [];
      for (let i = 0; i < res.rawHeaders.length; i += 2) pairs.push([res.rawHeaders[i], res.rawHeaders[i + 1]]);
      res.resume();
      res.on('end', () => resolve({ via: 'http', status: res.statusCode, headers: pairs, framing: [], notes: [] }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** Writes the request as raw UTF-8 bytes and parses the answer's header block by hand. */
function viaRaw(r: HostileRequest): Promise<Answer> {
  const lines = [`${r.method} ${r.target}${r.version ? ` ${r.version}` : ''}`];
  if (r.version) {
    if (r.host !== undefined) lines.push(`Host: ${r.host}`);
    for (const [n, v] of r.extra) lines.push(`${n}: ${v}`);
    lines.push('Connection: close');
  }
  // A chunked request gets its (empty) last chunk, so nginx does not wait for a body.
  const body = r.version && r.extra.some(([n, v]) => n === 'Transfer-Encoding' && v === 'chunked') ? '0\r\n\r\n' : '';
  const bytes = Buffer.from(`${lines.join('\r\n')}\r\n${r.version ? '\r\n' : ''}${body}`, 'utf8');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect({ host: '127.0.0.1', port: r.port }, () => socket.write(bytes));
    socket.setTimeout(5000, () => socket.destroy(new Error(`no answer within 5 s to ${JSON.stringify(bytes.toString('latin1').slice(0, 300))}`)));
    socket.on('data', c => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(parseRaw(Buffer.concat(chunks).toString('latin1'))));
  });
}

function parseRaw(text: string): Answer {
  // An HTTP/0.9 answer (or none) is a bare body: it has no header section at all.
  if (!text.startsWith('HTTP/')) return { via: 'raw', status: undefined, headers: [], framing: [], notes: [], raw: text.slice(0, 200) };
  const end = text.indexOf('\r\n\r\n');
  const block = end < 0 ? text : text.slice(0, end);
  const [statusLine, ...lines] = block.split('\r\n');
  const framing: string[] = [];
  const headers: Array<[string, string]> = [];
  for (const line of lines) {
    if (/[\r\n]/.test(line)) framing.push(`bare CR or LF inside header line ${JSON.stringify(line)}`);
    const m = /^([^:\s]+):[ \t]*(.*?)[ \t]*$/s.exec(line);
    if (!m || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(m[1])) framing.push(`header line ${JSON.stringify(line)} is not 'token: value'`);
    if (m) headers.push([m[1], m[2]]);
  }
  if (end < 0) framing.push('the header section never ends');
  return { via: 'raw', status: Number(statusLine.split(' ')[1]), headers, framing, notes: [], raw: block };
}

async function send(r: HostileRequest): Promise<Answer> {
  if (!httpCan(r)) return viaRaw(r);
  try {
    return await viaHttp(r);
  } catch (e) {
    // Node refused to parse the answer: the rules of this test are checked on the bytes themselves.
    const raw = await viaRaw(r);
    return { ...raw, notes: [`Node's http client refused the answer: ${(e as Error).message}`] };
  }
}

// ---------------------------------------------------------------------------------------------------------
// Hostile requests (fast-check)

const PATH_PARTS = [
  'old', 'tmp', 'self', 'new', 'app.css', 'data.json', 'index.html', '404.html', 'oops.html', 'big.txt', 'docs', 'hdr', 'page.html',
  'api', 'boom', 'cap', 'healthz', 'nginx_status', 'missing', '.git', 'config', '.env', '.well-known', 'security.txt',
  '..', '.', '', '%2e%2e', '%2f', '%0d%0a', '%0aSet-Cookie:x=1', '%0d%0aSet-Cookie:%20x=1', '%0D%0ALocation:%20http://evil',
  '%00', '%0b', '%7f', '%c3%bc', 'ü', '日本', '\u2028', '%e2%80%a8', '%', '%zz', ';', '"', "'", '<script>', '\\', '$host', '${x}',
  'a%20b', '~', '*', 'x.css', 'x.html',
];
/** Raw bytes Node will not write on a request line: these go through `net`. */
const RAW_PARTS = ['\r\nSet-Cookie: x=1', '\nSet-Cookie: x=1', '\0', ' ', '\t', '\u0085'];

const segment = fc.oneof(
  { weight: 14, arbitrary: fc.constantFrom(...PATH_PARTS) },
  { weight: 1, arbitrary: fc.constantFrom(...RAW_PARTS) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 9000 }).map(n => 'a'.repeat(n)) },
);
const pathArb = fc.tuple(
  fc.oneof(
    { weight: 8, arbitrary: fc.constant('/') },
    { weight: 4, arbitrary: fc.constantFrom('/cap/', '/hdr/', '/api/', '/.git/', '/docs/', '/.well-known/') },
    { weight: 1, arbitrary: fc.constantFrom('//', '', 'http://app.test/', '*') },
  ),
  fc.array(segment, { minLength: 0, maxLength: 4 }),
).map(([start, parts]) => `${start}${parts.join('/')}`);
const queryArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant('') },
  { weight: 2, arbitrary: fc.constantFrom('?x=%0d%0aSet-Cookie', '?x=%0d%0aSet-Cookie:%20a=1', '?%00', '?a=..&b=/.git', '?q=日本', '?', '??', '?a=1#frag', '?x=$request_uri', '?x=\r\nSet-Cookie: a=1') },
);
const hostArb = fc.oneof(
  { weight: 8, arbitrary: fc.constant('default') },
  { weight: 4, arbitrary: fc.constantFrom('app.test', 'APP.test', 'app.test.', 'app.test:1', 'evil.example', 'localhost', 'x"y;z', 'ü.example', '例え.jp', '[::1]', 'h'.repeat(300)) },
  { weight: 2, arbitrary: fc.constantFrom('', 'a/b', '..', 'a..b', 'a%0d%0aSet-Cookie', 'a b', 'a\r\nSet-Cookie: x=1', 'a\0b', 'app.test\r\nX-Injected: 1') },
  { weight: 1, arbitrary: fc.constant(undefined) },
);
const extraArb = fc.tuple(
  fc.subarray<[string, string]>([
    ['Range', 'bytes=0-3'],
    ['Range', 'bytes=999999-'],
    ['Accept-Encoding', 'gzip'],
    ['If-None-Match', '*'],
    ['User-Agent', 'ua; "q" %0d%0aSet-Cookie: x=1'],
    ['User-Agent', 'ü日本'],
    ['Cookie', 'a=1'],
    ['X-Forwarded-For', '1.2.3.4'],
  ], { maxLength: 3 }),
  // Header lines nginx refuses (400) or that need care: rarer, so most requests reach a location.
  fc.oneof(
    { weight: 8, arbitrary: fc.constant<Array<[string, string]>>([]) },
    { weight: 1, arbitrary: fc.constantFrom<Array<[string, string]>>([['Host', 'second.example']], [['X-Folded', 'a\r\n Set-Cookie: x=1']], [['Transfer-Encoding', 'chunked']], [['X-Injected', 'a\r\nSet-Cookie: x=1']]) },
  ),
).map(([a, b]) => [...a, ...b]);
const versionArb = fc.oneof({ weight: 14, arbitrary: fc.constant('HTTP/1.1' as const) }, { weight: 1, arbitrary: fc.constantFrom('HTTP/1.0' as const, '' as const) });
const methodArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant('GET') },
  { weight: 3, arbitrary: fc.constantFrom('HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'FOO') },
  { weight: 1, arbitrary: fc.constantFrom('get', 'G\u00c9T', 'GET\r\nSet-Cookie: x=1\r\nX:') },
);

function requestArb(ports: Ports): fc.Arbitrary<HostileRequest> {
  return fc.record({
    port: fc.oneof({ weight: 4, arbitrary: fc.constant(ports.site) }, { weight: 1, arbitrary: fc.constant(ports.moved) }),
    method: methodArb,
    path: pathArb,
    query: queryArb,
    host: hostArb,
    extra: extraArb,
    version: versionArb,
  }).map(g => ({
    port: g.port,
    method: g.method,
    target: `${g.path}${g.query}`,
    host: g.host === 'default' ? `127.0.0.1:${g.port}` : g.host,
    extra: g.extra,
    version: g.version,
  }));
}

/** Requests that reach each feature for sure, whatever the seed generates. */
function coverageRequests(ports: Ports): HostileRequest[] {
  const site = `127.0.0.1:${ports.site}`;
  const get = (target: string, extra: Array<[string, string]> = [], host = site, method = 'GET', port = ports.site): HostileRequest =>
    ({ port, method, target, host, extra, version: 'HTTP/1.1' });
  const raw = (target: string, host: string | undefined, version: HostileRequest['version'] = 'HTTP/1.1'): HostileRequest =>
    ({ port: ports.site, method: 'GET', target, host, extra: [], version });
  return [
    get('/'), get('/app.css'), get('/data.json'), get('/index.html'), get('/docs'), get('/docs/'), get('/hdr/page.html'), get('/hdr/missing'),
    get('/old'), get('/old?x=%0d%0aSet-Cookie:%20a=1'), get('/tmp?x=%0d%0aSet-Cookie'), get('/self', [], 'app.test'), get('/self', [], 'x"y;z'),
    get('/cap/abc'), get('/cap/a%0d%0aSet-Cookie:%20x=1'), get('/cap/a%0aSet-Cookie:x=1'), get('/cap/a%0db'), get('/cap/a%09b'), get('/cap/%c3%bc'),
    get('/cap/a%0bb'), get('/cap/a%0cb'), get('/cap/a%1bb'), get('/cap/a%7fb'), get('/cap/a%85b'), get('/cap/a%e2%80%a8b'),
    get('/missing'), get('/.git/config'), get('/.env'), get('/.well-known/security.txt'), get('/404.html'), get('/oops.html'),
    get('/', [], site, 'POST'), get('/', [], site, 'DELETE'), get('/app.css', [], site, 'PUT'), get('/', [], site, 'TRACE'), get('/', [], site, 'OPTIONS'),
    get('/api/x'), get('/api/%0d%0aSet-Cookie:x=1'), get('/boom'), get('/nginx_status'), get('/healthz'),
    get('/big.txt', [['Accept-Encoding', 'gzip']]), get('/app.css', [['Range', 'bytes=0-3']]), get('/app.css', [['Range', 'bytes=999999-']]),
    get('/index.html', [['If-None-Match', '*']]), get('/?q=$request_uri', [['User-Agent', 'ua; "q" %0d%0aSet-Cookie: x=1']]),
    get('/dashboard/settings', [], 'app.test'), get('/app.css', [], 'app.test'), get('/missing.css', [], 'app.test'), get('/', [], 'app.test', 'DELETE'),
    get('/%0d%0aSet-Cookie:x=1', [], 'app.test'), get('/.git/config', [], 'app.test'),
    get('/a/b?c=%0d%0aSet-Cookie:%20x=1', [], `127.0.0.1:${ports.moved}`, 'GET', ports.moved), get('/healthz', [], 'x', 'GET', ports.moved),
    get(`/${'a'.repeat(9000)}`), get('/', [['X-Big', 'b'.repeat(9000)]]),
    raw('/\r\nSet-Cookie: x=1', 'x'), raw('/old?x=\r\nSet-Cookie: x=1', 'x'), raw('/a', 'a\r\nSet-Cookie: x=1'), raw('/old', 'app.test\r\nX-Injected: 1'),
    raw('/', undefined), raw('/old', undefined, 'HTTP/1.0'), raw('/old', undefined, ''), raw('/tmp/\u2028', site), raw('/old?日本', site),
  ];
}

// ---------------------------------------------------------------------------------------------------------
// The check of one answer

interface Seen { names: Map<string, number>; statuses: Map<number, number>; viaRaw: number; notes: string[] }

function short(s: string | undefined, max = 100): string | undefined {
  return s !== undefined && s.length > max ? `${s.slice(0, max)}...(${s.length})` : s;
}

function describeRequest(r: HostileRequest): string {
  const extra = r.extra.map(([n, v]) => [n, short(v)]);
  return JSON.stringify({ port: r.port, method: r.method, target: short(r.target), host: short(r.host), extra, version: r.version });
}

/** The rule broken by one answer, if any, each with the request and the answer. */
function check(r: HostileRequest, a: Answer, declared: Set<string>, values: Map<string, Set<string>>, seen: Seen): string[] {
  const problems: string[] = [];
  const bad = (what: string) => problems.push(`${what}\n    request: ${describeRequest(r)}\n    answer (${a.via}, ${a.status}): ${JSON.stringify(a.headers)}${a.raw ? `\n    raw: ${JSON.stringify(a.raw.slice(0, 1500))}` : ''}`);
  if (a.status !== undefined) seen.statuses.set(a.status, (seen.statuses.get(a.status) ?? 0) + 1);
  if (a.via === 'raw') seen.viaRaw++;
  for (const n of a.notes) seen.notes.push(`${n} for ${describeRequest(r)}`);
  for (const f of a.framing) bad(f);
  for (const [rawName, value] of a.headers) {
    const name = rawName.toLowerCase();
    seen.names.set(name, (seen.names.get(name) ?? 0) + 1);
    if (name === 'set-cookie') bad(`a Set-Cookie header: ${JSON.stringify(value)}`);
    if (!declared.has(name) && !(name in NGINX_OWN_HEADERS)) bad(`header ${JSON.stringify(rawName)} (${JSON.stringify(value)}) is neither declared by the model nor one nginx sends itself`);
    if (/[\r\n]/.test(value)) bad(`header ${rawName} has a CR or LF in its value: ${JSON.stringify(value)}`);
    // Other control characters split nothing, but strict clients (Node's) refuse the whole answer: noted, not a failure.
    if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(value)) seen.notes.push(`control character in ${rawName}: ${JSON.stringify(value)} for ${describeRequest(r)}`);
    // A declared header with a constant value arrives with exactly that value (its UTF-8 bytes, read as latin1).
    const declaredValues = values.get(name);
    if (declaredValues && [...declaredValues].every(v => !v.includes('$'))) {
      const wire = [...declaredValues].map(v => Buffer.from(v, 'utf8').toString('latin1'));
      if (!wire.includes(value)) bad(`header ${rawName} is ${JSON.stringify(value)}, not one of the model's values ${JSON.stringify([...declaredValues])}`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------

describe('values the library must refuse never reach nginx', () => {
  /** Each place a response header (or its value) comes from, given an injected value. */
  const SINKS: Record<string, (v: string) => NginxConfig> = {
    'add_header name (addDirective)': v => withServer(s => s.addDirective(Directive.of('add_header', v, 'x', 'always'))),
    'add_header value (addDirective)': v => withServer(s => s.addDirective(Directive.of('add_header', 'X-A', v))),
    'add_header in a location (addLocation)': v => withServer(s => s.addLocation('/l/', { directives: [Directive.of('add_header', 'X-L', v)] })),
    'add_header on http (addHttpDirective)': v => new NginxConfig().addHttpDirective(Directive.of('add_header', 'X-H', v)),
    'securityHeaders name': v => new NginxConfig({ securityHeaders: { [v]: 'x' } }),
    'securityHeaders value': v => new NginxConfig({ securityHeaders: { 'X-S': v } }),
    'securityHeaders value (derive)': v => new NginxConfig().derive({ securityHeaders: { 'X-S': v } }),
    'addRedirect target (URL)': v => withServer(s => s.addRedirect('/r', `https://www.example.com/${v}`)),
    'addRedirect target (path)': v => withServer(s => s.addRedirect('/r', `/new${v}$request_uri`, false)),
    'return in a location (addDirective)': v => withServer(s => s.addDirective(Directive.withBlock('location', ['=', '/ret'], [Directive.of('return', '302', `/x${v}`)]))),
    'redirectTo': v => new NginxConfig({ servers: [{ name: 's', redirectTo: `https://www.example.com${v}` }] }),
    'server_name': v => new NginxConfig({ servers: [{ name: 's', serverNames: [`a${v}.example`] }] }),
  };

  function withServer(f: (s: NginxConfig['servers'][number]) => unknown): NginxConfig {
    const config = new NginxConfig({ servers: [{ name: 's' }] });
    f(config.servers[0]);
    return config;
  }

  function expectRefused(config: NginxConfig, label: string): void {
    if (config.validate().length === 0) {
      throw new Error(`${label}: validate() accepted it, and files() renders:\n${config.files().map(f => f.content).join('\n')}`);
    }
    expect(() => config.files()).toThrow(NginxConfigError);
  }

  test.each([
    ['add_header name (addDirective)', 'X-A:\nSet-Cookie'],
    ['add_header name (addDirective)', 'X-A\r\nSet-Cookie: x=1\r\nX-B'],
    ['securityHeaders name', 'X-A:\nSet-Cookie'],
    ['add_header value (addDirective)', 'a\r\nSet-Cookie: x=1'],
    ['add_header value (addDirective)', 'a\0b'],
    ['add_header in a location (addLocation)', 'a\r\nSet-Cookie: x=1'],
    ['add_header on http (addHttpDirective)', 'a\nSet-Cookie: x=1'],
    ['securityHeaders value', 'a\r\nSet-Cookie: x=1'],
    ['addRedirect target (URL)', 'a\r\nSet-Cookie: x=1'],
    ['addRedirect target (path)', '\r\nSet-Cookie: x=1'],
    ['return in a location (addDirective)', '\r\nSet-Cookie: x=1'],
    ['redirectTo', '\r\nSet-Cookie: x=1'],
  ])('%s refuses %j: validate() reports it and files() throws', (sink, value) => {
    expectRefused(SINKS[sink](value), sink);
  });

  test(`every sink refuses CR, LF, NUL (and other line breaks) anywhere in an otherwise accepted value (fast-check, seed ${SEED})`, () => {
    const safe = fc.array(fc.constantFrom(...'abcXYZ019-_.'.split('')), { minLength: 0, maxLength: 8 }).map(a => a.join(''));
    const injected = fc.constantFrom('\r\n', '\n', '\r', '\0', '\r\nSet-Cookie: x=1', '\nSet-Cookie: x=1', '\0Set-Cookie: x=1', '\u2028', '\u0085');
    fc.assert(fc.property(fc.constantFrom(...Object.keys(SINKS)), safe, injected, safe, (sink, before, inject, after) => {
      expectRefused(SINKS[sink](`${before || 'X'}${inject}${after}`), sink);
    }), { numRuns: 400, seed: SEED, endOnFailure: true });
  });

  test('a decoded, newline-carrying variable in a header or redirect is refused ($uri, a capture that can match CR/LF)', () => {
    expectRefused(withServer(s => s.addDirective(Directive.of('add_header', 'X-Uri', '$uri'))), '$uri in add_header');
    expectRefused(withServer(s => s.addRedirect('/r', '/x$document_uri')), '$document_uri in a redirect');
    expectRefused(withServer(s => s.addLocation('^/c/(.+)$', { modifier: LocationModifier.REGEX, directives: [Directive.of('add_header', 'X-C', '$1')] })), '(.+) capture in add_header');
    expectRefused(withServer(s => s.addLocation('^/c/([^/]+)$', { modifier: LocationModifier.REGEX, directives: [Directive.of('return', '302', '/d/$1')] })), '([^/]+) capture in a redirect');
  });
});

describeLive('no response carries a header the model did not declare (hostile requests to a real nginx)', () => {
  const instances: LiveNginx[] = [];
  let ports: Ports;
  let limitedPorts: Ports;
  let main: NginxConfig;
  let limited: NginxConfig;

  beforeAll(async () => {
    ports = { site: await freePort(), moved: await freePort() };
    limitedPorts = { site: await freePort(), moved: await freePort() };
    const dead = await freePort();
    main = buildConfig(ports, dead, false);
    limited = buildConfig(limitedPorts, dead, true);
    expect(main.validate()).toEqual([]);
    expect(limited.validate()).toEqual([]);
    instances.push(await startNginx(main.files(), HTML, ports.site));
    instances.push(await startNginx(limited.files(), HTML, limitedPorts.site));
  }, 30_000);

  afterAll(async () => {
    for (const n of instances) await n.stop();
  });

  test('the declared set is what the model says: every add_header of the effective tree, per port', () => {
    const { byPort } = declaredHeaders(main);
    const site = byPort.get(ports.site)!;
    for (const h of ['x-content-type-options', 'x-frame-options', 'x-extra', 'cache-control', 'x-loc', 'x-cap', 'x-app', 'x-semi', 'x-echo-uri', 'link']) {
      expect([h, site.has(h)]).toEqual([h, true]);
    }
    // An empty security header value removes it; the whole-server redirect has no server-level add_header.
    expect(site.has('permissions-policy')).toBe(false);
    expect(byPort.get(ports.moved)!.has('x-semi')).toBe(false);
    expect(byPort.get(ports.moved)!.has('x-frame-options')).toBe(true);
  });

  test(`a few hundred hostile requests (seed ${SEED}): only declared headers, no CR/LF in values, no Set-Cookie`, async () => {
    const seen: Seen = { names: new Map(), statuses: new Map(), viaRaw: 0, notes: [] };
    const problems: string[] = [];
    const run = async (config: NginxConfig, requests: HostileRequest[]) => {
      const { byPort, values } = declaredHeaders(config);
      for (const r of requests) problems.push(...check(r, await send(r), byPort.get(r.port)!, values, seen));
    };
    await run(main, [...coverageRequests(ports), ...fc.sample(requestArb(ports), { seed: SEED, numRuns: 220 })]);
    // Over the limit nginx answers 429 from whichever location matched: every location's headers, again.
    await run(limited, [...coverageRequests(limitedPorts).slice(0, 20), ...fc.sample(requestArb(limitedPorts), { seed: SEED + 1, numRuns: 40 })]);

    // eslint-disable-next-line no-console
    console.log(`live-headers: ${[...seen.statuses.values()].reduce((a, b) => a + b, 0)} answers with a status line (${seen.viaRaw} via raw sockets); `
      + `statuses ${JSON.stringify(Object.fromEntries([...seen.statuses].sort((a, b) => a[0] - b[0])))}; header names ${JSON.stringify(Object.fromEntries(seen.names))}`
      + `${seen.notes.length ? `\nnotes (no rule broken):\n  ${seen.notes.join('\n  ')}` : ''}`);
    expect(problems).toEqual([]);
    // The requests reached every feature ...
    for (const s of [200, 206, 301, 302, 304, 400, 403, 404, 405, 414, 416, 429, 502, 503]) expect([s, seen.statuses.has(s)]).toEqual([s, true]);
    // ... and nginx really sends each header the list allows (the list holds nothing it does not need).
    for (const h of Object.keys(NGINX_OWN_HEADERS)) expect([h, seen.names.has(h)]).toEqual([h, true]);
    for (const h of ['x-cap', 'x-loc', 'x-app', 'x-echo-uri', 'x-echo-host', 'x-echo-agent', 'cache-control', 'x-extra', 'link']) expect([h, seen.names.has(h)]).toEqual([h, true]);
  }, 60_000);
});

describeLive('an add_header name the library accepts reaches clients as exactly that header', () => {
  /** Names that are not HTTP tokens (RFC 9110): a colon, a space, empty, a delimiter, non-ASCII; and one that is. */
  const NAMES = ['X-A:', 'X B', '', 'X-Bad(', 'X-Ü', 'Set-Cookie: evil=1; X-C', 'a:b', 'X-Ok'];

  test('securityHeaders refuses every name that is not a token', () => {
    for (const name of NAMES.filter(n => n !== 'X-Ok')) {
      expect([name, new NginxConfig({ securityHeaders: { [name]: 'v' } }).validate().length > 0]).toEqual([name, true]);
    }
  });

  test('each name is refused at synth, or sent as exactly the declared header', async () => {
    const port = await freePort();
    const withName = (name: string, i: number, config = new NginxConfig({ servers: [{ name: 'names', port }] })) => {
      // Each in its own location, so /healthz (the readiness check) stays clean.
      config.servers[0].addLocation(`/n${i}/`, { directives: [Directive.of('add_header', name, 'v', 'always'), Directive.of('return', '200', 'ok')] });
      return config;
    };
    const accepted = NAMES.filter((name, i) => {
      const alone = withName(name, i);
      if (alone.validate().length === 0) return true;
      expect(() => alone.files()).toThrow(NginxConfigError);
      return false;
    });
    const config = new NginxConfig({ servers: [{ name: 'names', port }] });
    accepted.forEach(name => withName(name, NAMES.indexOf(name), config));
    expect(config.validate()).toEqual([]);
    const nginx = await startNginx(config.files(), { 'index.html': 'x' }, port);
    try {
      const { byPort, values } = declaredHeaders(config);
      const seen: Seen = { names: new Map(), statuses: new Map(), viaRaw: 0, notes: [] };
      const problems: string[] = [];
      for (const name of accepted) {
        const r: HostileRequest = { port, method: 'GET', target: `/n${NAMES.indexOf(name)}/`, host: 'localhost', extra: [], version: 'HTTP/1.1' };
        const answer = await viaRaw(r);
        problems.push(...check(r, answer, byPort.get(port)!, values, seen));
        if (!answer.headers.some(([n, v]) => n === name && v === 'v')) problems.push(`add_header ${JSON.stringify(name)} was accepted, but no header is named exactly that in the answer to ${r.target}`);
      }
      expect(problems).toEqual([]);
    } finally {
      await nginx.stop();
    }
  }, 30_000);
});
