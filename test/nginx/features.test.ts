import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import { AccessLogFormat, TlsProfile } from '../../src';
import { NginxConfig } from '../../src/nginx/config';
import { LiveNginx, freePort, selfSignedCertificate, startNginx } from '../helpers/live-nginx';
import { nginxTest } from '../helpers/nginx-t';

/**
 * The typed features, each served by Debian's real nginx as uid 65532 on a private /dev/shm: the
 * rendered config is started and asked over HTTP(S).
 */
const haveNginx = fs.existsSync('/usr/sbin/nginx');
if (!haveNginx && process.env.CI === 'true') throw new Error('/usr/sbin/nginx is missing: .ci/run must install nginx-light.');
const describeLive = haveNginx ? describe : describe.skip;

interface Reply { status: number; headers: http.IncomingHttpHeaders; body: string }

interface RequestOptions { method?: string; headers?: Record<string, string>; body?: string | Buffer }

function request(port: number, path: string, options: RequestOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers }, res => {
      const chunks: Buffer[] = [];
      res.on('data', c => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('latin1') }));
    });
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

const HTML = {
  'index.html': '<!DOCTYPE html><title>home</title><h1>home</h1>',
  '404.html': '<h1>custom not found</h1>',
  '50x.html': '<h1>error</h1>',
  'app.css': 'body { color: black; }',
  'big.txt': 'lorem ipsum dolor sit amet '.repeat(200),
  '.git/config': '[core]',
  '.well-known/security.txt': 'Contact: mailto:security@example.com',
};
const SECURITY_HEADERS = ['x-content-type-options', 'x-frame-options', 'referrer-policy', 'content-security-policy', 'permissions-policy', 'cross-origin-opener-policy'];

describeLive('a server with the typed features, run by nginx', () => {
  let nginx: LiveNginx;
  let backend: http.Server;
  let port: number;
  let tlsPort: number;
  let seen: http.IncomingHttpHeaders | undefined;
  const cert = haveNginx ? selfSignedCertificate('secure.test') : { crt: '', key: '' };

  beforeAll(async () => {
    port = await freePort();
    tlsPort = await freePort();
    const backendPort = await freePort();
    backend = http.createServer((req, res) => {
      seen = req.headers;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ url: req.url }));
    });
    await new Promise<void>(r => backend.listen(backendPort, '127.0.0.1', () => r()));
    const config = new NginxConfig({
      accessLogFormat: AccessLogFormat.JSON,
      errorLogLevel: 'notice',
      upstreams: [{ name: 'api', servers: [`127.0.0.1:${backendPort}`] }],
      clientMaxBodySize: '64k',
      servers: [
        { name: 'site', port, serverNames: ['_'], defaultServer: true, statusPath: '/nginx_status', notFoundPage: '/404.html' },
        { name: 'secure', port: tlsPort, serverNames: ['secure.test'], tls: { secretName: 'secure-tls', profile: TlsProfile.INTERMEDIATE } },
      ],
    });
    config.servers[0].addProxy('/api/', 'api', { stripPrefix: true }).addRedirect('/old', '/new');
    // stripPrefix renders a proxy_pass with a URI part: nginx passes the decoded, normalised path (a known
    // limitation of the typed option, reported as a warning), and nothing else is found.
    expect(config.findings().map(f => [f.check, f.severity])).toEqual([['proxy-pass-normalized', 'WARNING']]);
    nginx = await startNginx([
      ...config.files(),
      { path: 'tls/secure/tls.crt', content: cert.crt },
      { path: 'tls/secure/tls.key', content: cert.key },
    ], HTML, port);
  }, 30_000);

  afterAll(async () => {
    await nginx?.stop();
    backend?.close();
  });

  test('security headers on every kind of response, also where a location adds its own header', async () => {
    for (const path of ['/', '/app.css', '/missing', '/api/x']) {
      const r = await request(port, path);
      for (const h of SECURITY_HEADERS) expect([path, h, r.headers[h]]).toEqual([path, h, expect.any(String)]);
    }
    expect((await request(port, '/app.css')).headers['x-frame-options']).toBe('SAMEORIGIN');
  });

  test('the Server header has no version', async () => {
    expect((await request(port, '/')).headers.server).toBe('nginx');
  });

  test('static asset caching: assets cached, html revalidated', async () => {
    expect((await request(port, '/app.css')).headers['cache-control']).toBe('public, max-age=86400');
    const home = await request(port, '/');
    expect(home.status).toBe(200);
    expect(home.body).toContain('<h1>home</h1>');
    expect(home.headers['cache-control']).toBe('no-cache');
  });

  test('gzip compresses text over 1 KiB and varies on Accept-Encoding', async () => {
    const r = await request(port, '/big.txt', { headers: { 'accept-encoding': 'gzip' } });
    expect(r.headers['content-encoding']).toBe('gzip');
    expect(r.headers.vary).toContain('Accept-Encoding');
  });

  test('hidden files answer 404, /.well-known/ is served', async () => {
    expect((await request(port, '/.git/config')).status).toBe(404);
    expect((await request(port, '/.well-known/security.txt')).status).toBe(200);
  });

  test('only GET and HEAD on static files (limit_except)', async () => {
    expect((await request(port, '/', { method: 'HEAD' })).status).toBe(200);
    expect((await request(port, '/', { method: 'POST', body: 'x' })).status).toBe(403);
    expect((await request(port, '/app.css', { method: 'DELETE' })).status).toBe(403);
  });

  test('custom 404 page, internal error pages', async () => {
    const r = await request(port, '/missing');
    expect(r.status).toBe(404);
    expect(r.body).toContain('custom not found');
    expect((await request(port, '/404.html')).status).toBe(404);
    expect((await request(port, '/50x.html')).status).toBe(404);
  });

  test('redirect of one path, relative Location (absolute_redirect off)', async () => {
    const r = await request(port, '/old');
    expect(r.status).toBe(301);
    expect(r.headers.location).toBe('/new');
  });

  test('stub_status answers on localhost', async () => {
    const r = await request(port, '/nginx_status');
    expect(r.status).toBe(200);
    expect(r.body).toMatch(/^Active connections: \d+/);
  });

  test('reverse proxy: prefix stripped, Host, X-Real-IP and X-Forwarded-* set', async () => {
    const r = await request(port, '/api/items?q=1', { headers: { host: 'www.example.com' } });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ url: '/items?q=1' });
    expect(seen).toMatchObject({
      'host': 'www.example.com',
      'x-real-ip': '127.0.0.1',
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-proto': 'http',
      'x-forwarded-host': 'www.example.com',
    });
    expect(seen!.connection).toBeUndefined();
  });

  test('a body over client_max_body_size gets 413', async () => {
    const r = await request(port, '/api/upload', { method: 'POST', body: Buffer.alloc(100 * 1024, 'a') });
    expect(r.status).toBe(413);
    expect((await request(port, '/api/upload', { method: 'POST', body: 'small' })).status).toBe(200);
  });

  test('TLS (Mozilla intermediate): TLS 1.2+ only, HSTS, the certificate from the mounted folder', async () => {
    type TlsReply = { status: number; headers: http.IncomingHttpHeaders; protocol: string | null };
    const get = (opts: https.RequestOptions) => new Promise<TlsReply>((resolve, reject) => {
      const req = https.get({ host: '127.0.0.1', port: tlsPort, path: '/', servername: 'secure.test', ca: cert.crt, headers: { host: 'secure.test' }, ...opts }, res => {
        const protocol = (res.socket as import('tls').TLSSocket).getProtocol();
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, protocol }));
      });
      req.on('error', reject);
    });
    const ok = await get({});
    expect(ok.status).toBe(200);
    expect(ok.headers['strict-transport-security']).toBe('max-age=63072000');
    expect(ok.headers['x-content-type-options']).toBe('nosniff');
    expect(['TLSv1.2', 'TLSv1.3']).toContain(ok.protocol);
    await expect(get({ minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' })).rejects.toThrow();
  });

  test('JSON access log: one JSON object per request', () => {
    const lines = nginx.logs().split('\n').filter(l => l.startsWith('{'));
    expect(lines.length).toBeGreaterThan(5);
    const entry = JSON.parse(lines[0]);
    expect(entry).toMatchObject({ method: expect.any(String), status: expect.any(Number), remote_addr: '127.0.0.1' });
  });
});

describeLive('single-page app, whole-server redirect and rate limits, run by nginx', () => {
  test('a single-page app serves index.html for unknown paths', async () => {
    const port = await freePort();
    const config = new NginxConfig({ servers: [{ name: 'app', port, singlePageApp: true }] });
    const nginx = await startNginx(config.files(), HTML, port);
    try {
      const r = await request(port, '/dashboard/settings');
      expect(r.status).toBe(200);
      expect(r.body).toContain('<h1>home</h1>');
      expect((await request(port, '/app.css')).status).toBe(200);
      expect((await request(port, '/missing.css')).status).toBe(404);
    } finally {
      await nginx.stop();
    }
  }, 30_000);

  test('redirectTo sends every path to the new origin', async () => {
    const port = await freePort();
    const config = new NginxConfig({ servers: [{ name: 'old', port, redirectTo: 'https://www.example.com' }] });
    const nginx = await startNginx(config.files(), HTML, port);
    try {
      const r = await request(port, '/a/b?c=d');
      expect(r.status).toBe(301);
      expect(r.headers.location).toBe('https://www.example.com/a/b?c=d');
      expect((await request(port, '/healthz')).status).toBe(200);
    } finally {
      await nginx.stop();
    }
  }, 30_000);

  test('over the rate limit nginx answers 429', async () => {
    const port = await freePort();
    const config = new NginxConfig({ rateLimit: { requestsPerSecond: 1, burst: 2 }, servers: [{ name: 'rl', port }] });
    const nginx = await startNginx(config.files(), HTML, port);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) statuses.push((await request(port, '/')).status);
      expect(statuses).toContain(429);
      expect(statuses.filter(s => s === 200).length).toBeGreaterThanOrEqual(1);
    } finally {
      await nginx.stop();
    }
  }, 30_000);
});

describeLive('the open file cache, run by nginx', () => {
  // A file replaced on disk (a new inode under the same name) shows whether nginx serves it from its cache.
  async function servedAfterReplace(config: NginxConfig): Promise<[string, string]> {
    const port = config.listenPorts()[0];
    const nginx = await startNginx(config.files(), { 'page.html': 'version 1' }, port);
    try {
      const first = await request(port, '/page.html');
      const next = `${nginx.htmlDir}/page.html.new`;
      fs.writeFileSync(next, 'version 2');
      fs.chmodSync(next, 0o644);
      fs.renameSync(next, `${nginx.htmlDir}/page.html`);
      const second = await request(port, '/page.html');
      return [first.body, second.body];
    } finally {
      await nginx.stop();
    }
  }

  test('on by default: a served file is kept open and its lookup cached (no open/fstat per request)', async () => {
    const config = new NginxConfig({ servers: [{ name: 's', port: await freePort(), defaultServer: true }] });
    expect(await servedAfterReplace(config)).toEqual(['version 1', 'version 1']);
  });

  test('openFileCacheEntries 0 turns it off: every request opens the file', async () => {
    const config = new NginxConfig({ openFileCacheEntries: 0, servers: [{ name: 's', port: await freePort(), defaultServer: true }] });
    expect(config.files()[0].content).not.toContain('open_file_cache');
    expect(await servedAfterReplace(config)).toEqual(['version 1', 'version 2']);
  });

  test('a negative or fractional size is refused', () => {
    expect(new NginxConfig({ openFileCacheEntries: -1 }).validate()).toEqual([expect.stringContaining('openFileCacheEntries -1 is out of range; use a whole number from 0 to 10000000')]);
    expect(new NginxConfig({ openFileCacheEntries: 1.5 }).validate()).toHaveLength(1);
  });
});

describe('each feature is accepted by nginx -t alone', () => {
  test.each([
    ['modern TLS + HTTP/2 needs nginx 1.25.1 (skipped here: Debian 12 has 1.22)', null],
    ['modern TLS', new NginxConfig({ servers: [{ name: 's', port: 8443, tls: { secretName: 's-tls', profile: TlsProfile.MODERN, hstsMaxAgeSeconds: 0 } }] })],
    ['IPv6', new NginxConfig({ servers: [{ name: 's', ipv6: true }] })],
    ['gzip_static, no gzip', new NginxConfig({ gzip: false, gzipStatic: true })],
    ['connections per client', new NginxConfig({ rateLimit: { requestsPerSecond: 10, connectionsPerClient: 20 } })],
    ['no asset caching, no hidden-file rule, all methods', new NginxConfig({ servers: [{ name: 's', assetMaxAgeSeconds: 0, denyHiddenFiles: false, allowedMethods: [] }] })],
    ['security headers changed and removed', new NginxConfig({ securityHeaders: { 'Content-Security-Policy': '', 'X-Frame-Options': 'DENY', 'X-Extra': 'a "b"' } })],
  ] as Array<[string, NginxConfig | null]>)('%s', (_name, config) => {
    if (!config || !haveNginx) return;
    expect(config.findings()).toEqual([]);
    const cert = selfSignedCertificate('s.test');
    const r = nginxTest([...config.files(), { path: 'tls/s/tls.crt', content: cert.crt }, { path: 'tls/s/tls.key', content: cert.key }]);
    expect(r.output).toBe('');
    expect(r.ok).toBe(true);
  });
});
