// The import corpus (test/nginx/corpus/, README there): real configurations from public projects, each with its
// source and licence. Every one passes nginx -t as it is; each either imports into files nginx accepts and that
// behave the same when served live, or is refused with the file and line of what cannot be carried over.
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { DEFAULT_BASE_IMAGE } from '../../src/image/nginx-image';
import { NginxConfig } from '../../src/nginx/config';
import { DEFAULT_SECURITY_HEADERS } from '../../src/nginx/features/headers';
import { nginxVersionOfImage, versionProblems } from '../../src/nginx/versions';
import { runNginx, selfSignedCertificate } from '../helpers/live-nginx';
import { HOST_NGINX, nginxTest, writeNginxConfDir } from '../helpers/nginx-t';

const CORPUS = path.join(__dirname, 'corpus');
const ENTRIES = fs.readdirSync(CORPUS).filter(d => fs.existsSync(path.join(CORPUS, d, 'etc-nginx', 'nginx.conf'))).sort();
const haveNginx = fs.existsSync(HOST_NGINX) && process.getuid?.() === 0;
if (!haveNginx && process.env.CI === 'true') throw new Error('the corpus test needs Debian\'s nginx and root (unshare, bind mounts); .ci/run installs nginx-light.');
const describeNginx = haveNginx ? describe : describe.skip;

/**
 * What each entry's import gives: 'imports' (valid, nginx -t passes, and it is served live against the original),
 * or the message that refuses it. A refusal names what cannot be carried over with the same effect.
 */
const EXPECTED: { readonly [id: string]: 'imports' | RegExp } = {
  'debian-default': 'imports',
  'docker-nginx-alpine': 'imports',
  'docker-nginx-debian': 'imports',
  'docker-registry-auth-basic': /^'auth_basic_user_file \/etc\/nginx\/conf.d\/nginx.htpasswd' \(nginx.conf:\d+\) reads \/etc\/nginx\/conf.d\/nginx.htpasswd at run time, which the image does not ship/,
  'flask-proxy-cache': /proxy_cache_path writes to \/tmp\/cache, which is on the read-only root filesystem/,
  'geo-module-nginx-tests': /^no server can be probed: each is bound to a loopback address/,
  'gitea-reverse-proxy': 'imports',
  'gitlab-ssl': /'proxy_set_header Host \$http_host' forwards the raw Host header.*\[host-from-http-host\]/,
  'gunicorn-upstream-socket': /'proxy_set_header Host \$http_host' forwards the raw Host header.*\[host-from-http-host\]/,
  'h5bp-basic': 'imports',
  // Its `listen ... http2` is the typed http2, `http2 on`, which this machine's nginx 1.22 does not have yet.
  'h5bp-tls': /'http2' appeared in nginx 1.25.1, and the base image has nginx 1.22.1/,
  'home-assistant-proxy': /^'ssl_dhparam \/etc\/nginx\/ssl\/dhparams.pem' \(nginx.conf:\d+\) reads \/etc\/nginx\/ssl\/dhparams.pem at run time/,
  'jitsi-meet': /'proxy_set_header Host \$http_host' forwards the raw Host header.*\[host-from-http-host\]/,
  'jupyterhub-websocket': /^'ssl_dhparam \/etc\/nginx\/ssl\/dhparam.pem' \(sites-enabled\/jupyterhub.conf:\d+\) reads/,
  'netbox-redirect-https': 'imports',
  'nginx-source-default': 'imports',
  'nodejs-load-balancer': 'imports',
  'php-fpm-alpine': 'imports',
  'react-spa': 'imports',
  'wordpress-php-fpm': 'imports',
};

/** The nginx version of this machine's binary, which the imports are checked against (as an image's base is). */
const HOST_VERSION = fs.existsSync(HOST_NGINX) ? /nginx\/([0-9.]+)/.exec(spawnSync(HOST_NGINX, ['-v'], { encoding: 'utf8' }).stderr)?.[1] : undefined;

/** The import's outcome: the config, or the first problem (validation, then the host nginx's version). */
function importEntry(id: string): { config?: NginxConfig; problem?: string } {
  try {
    const config = NginxConfig.fromDirectory(path.join(CORPUS, id, 'etc-nginx'));
    const problems = [...config.validate(), ...(HOST_VERSION ? versionProblems(config.effectiveTree(), HOST_VERSION) : [])];
    return problems.length === 0 ? { config } : { problem: problems[0] };
  } catch (e) {
    return { problem: (e as Error).message };
  }
}

/** The imported files plus a test certificate where each TLS server reads its Secret's tls.crt and tls.key. */
function withCertificates(config: NginxConfig): Array<{ path: string; content: string }> {
  const certs = config.servers.filter(s => s.tls).flatMap(s => {
    const cert = selfSignedCertificate(s.serverNames[0] ?? 'localhost');
    const dir = s.certificateDir!.replace(/^\/etc\/nginx\//, '');
    return [{ path: `${dir}/tls.crt`, content: cert.crt }, { path: `${dir}/tls.key`, content: cert.key }];
  });
  return [...config.files(), ...certs];
}

/** /etc/passwd and /etc/group with the `nginx` user of the official images (uid 101), for `user nginx;`. */
function usersDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-users-'));
  fs.writeFileSync(path.join(dir, 'passwd'), `${fs.readFileSync('/etc/passwd', 'utf8')}nginx:x:101:101:nginx:/nonexistent:/bin/false\n`);
  fs.writeFileSync(path.join(dir, 'group'), `${fs.readFileSync('/etc/group', 'utf8')}nginx:x:101:\n`);
  return dir;
}

/**
 * The original configuration as its authors run it: root, its files at /etc/nginx, fresh tmpfs for logs, pid
 * and temp paths, and `html` at both usual document roots. `test` runs `nginx -t`; otherwise nginx serves.
 */
function originalCommand(id: string, users: string, html: string, test: boolean): [string, string[]] {
  const script = [
    'mount --bind "$1" /etc/nginx', 'mount --bind "$2/passwd" /etc/passwd', 'mount --bind "$2/group" /etc/group',
    'mount -t tmpfs tmpfs /var/log/nginx', 'mount -t tmpfs tmpfs /run', 'mount -t tmpfs tmpfs /var/lib/nginx',
    'mount --bind "$3" /usr/share/nginx/html', 'mount --bind "$3" /var/www/html',
    test ? `exec ${HOST_NGINX} -t -q -c /etc/nginx/nginx.conf` : `exec ${HOST_NGINX} -c /etc/nginx/nginx.conf -g "daemon off;"`,
  ].join(' && ');
  return ['unshare', ['-m', 'sh', '-c', script, 'sh', path.join(CORPUS, id, 'etc-nginx'), users, html]];
}

/** The document root both sides serve: a page, a folder with an index, a hidden file, an asset and error pages. */
const HTML: Record<string, string> = {
  'index.html': '<h1>corpus</h1>\n',
  'dir/index.html': '<h1>dir</h1>\n',
  '.hidden': 'secret\n',
  'style.css': 'body { color: black; }\n',
  '50x.html': '<h1>50x</h1>\n',
  'index.php': '<?php echo 1;\n',
};

/** Paths and methods asked of every server, with each of its host names and an unknown one. */
const REQUESTS: Array<[string, string]> = [
  ['GET', '/'], ['HEAD', '/'], ['POST', '/'], ['GET', '/index.html'], ['GET', '/dir'], ['GET', '/dir/'], ['GET', '/missing'],
  ['GET', '/.hidden'], ['GET', '/style.css'], ['GET', '/50x.html'], ['GET', '/index.php'], ['GET', '/api/v1/x?q=1'],
];

/** Headers that may differ: the documented hardening headers, and what changes on every response. */
const IGNORED = new Set([
  ...Object.keys(DEFAULT_SECURITY_HEADERS).map(h => h.toLowerCase()), 'strict-transport-security',
  'date', 'server', 'connection', 'keep-alive', 'content-length', 'transfer-encoding', 'expires',
]);

interface Answer {
  readonly status: number;
  readonly headers: { [name: string]: string };
  readonly body: string;
}

function ask(port: number, host: string, method: string, target: string, tls: boolean): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const options = { host: '127.0.0.1', port, method, path: target, headers: { Host: host, Connection: 'close' } };
    const onResponse = (res: http.IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', c => (body += c));
      res.on('end', () => {
        const headers: { [name: string]: string } = {};
        for (const k of Object.keys(res.headers).sort()) if (!IGNORED.has(k)) headers[k] = String(res.headers[k]);
        // Absolute redirects name the listening port, which moves up by 8000 below 1024 (absolute_redirect).
        if (headers.location) headers.location = headers.location.replace(/^https?:\/\/[^/]+/, '');
        // server_tokens off (a library default): error pages name no version.
        resolve({ status: res.statusCode ?? 0, headers, body: body.replace(/nginx\/[0-9.]+/g, 'nginx') });
      });
    };
    // Each side has its own test certificate: the answers are compared, not the certificates.
    const req = tls ? https.request({ ...options, servername: host, rejectUnauthorized: false }, onResponse) : http.request(options, onResponse);
    // A closed connection (nginx's 444) is an answer too.
    req.on('error', e => (/hang up|ECONNRESET/.test(e.message) ? resolve({ status: 444, headers: {}, body: 'closed' }) : reject(e)));
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    req.end(method === 'POST' ? 'a=1' : undefined);
  });
}

function listening(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

async function waitFor(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await listening(port)) return;
    if (child.exitCode !== null) throw new Error(`the original nginx exited with ${child.exitCode}`);
    await new Promise(r => setTimeout(r, 25));
  }
  throw new Error(`the original nginx does not listen on ${port}`);
}

describeNginx('the import corpus: real configurations from public projects', () => {
  let users: string;
  let html: string;
  beforeAll(() => {
    users = usersDir();
    html = fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-html-'));
    for (const [p, content] of Object.entries(HTML)) {
      fs.mkdirSync(path.dirname(path.join(html, p)), { recursive: true });
      fs.writeFileSync(path.join(html, p), content);
    }
    spawnSync('chmod', ['-R', 'a+rX', html]);
  });
  afterAll(() => {
    for (const dir of [users, html]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('every entry has its source and licence noted, and an expected outcome', () => {
    expect(ENTRIES.length).toBeGreaterThanOrEqual(15);
    for (const id of ENTRIES) {
      expect(fs.readFileSync(path.join(CORPUS, id, 'SOURCE.md'), 'utf8')).toMatch(/licen[cs]e/i);
    }
    expect(Object.keys(EXPECTED).sort()).toEqual(ENTRIES);
  });

  test.each(ENTRIES)('%s: the original passes nginx -t as it is', id => {
    const [cmd, args] = originalCommand(id, users, html, true);
    // A file for stdout and stderr: a config that logs to /dev/stdout cannot open a socket (what pipes are here).
    const log = path.join(users, `${id}.log`);
    const fd = fs.openSync(log, 'w');
    const r = spawnSync(cmd, args, { stdio: ['ignore', fd, fd], timeout: 30_000 });
    fs.closeSync(fd);
    const output = fs.readFileSync(log, 'utf8');
    expect(output.split('\n').filter(l => /\[emerg\]/.test(l))).toEqual([]);
    expect(r.status).toBe(0);
  });

  test.each(ENTRIES)('%s: imports as expected, and what imports passes nginx -t as the runtime uid', id => {
    const expected = EXPECTED[id];
    const { config, problem } = importEntry(id);
    if (expected === 'imports') {
      expect(problem).toBeUndefined();
      const r = nginxTest(withCertificates(config!));
      expect(r.output).toBe('');
      expect(r.ok).toBe(true);
    } else {
      expect(problem).toMatch(expected);
    }
  });

  test('what imports here also passes the version rules of the default base\'s nginx (1.30), h5bp-tls\'s http2 on included', () => {
    const version = nginxVersionOfImage(DEFAULT_BASE_IMAGE)!;
    for (const id of [...ENTRIES.filter(e => EXPECTED[e] === 'imports'), 'h5bp-tls']) {
      const config = NginxConfig.fromDirectory(path.join(CORPUS, id, 'etc-nginx'));
      expect([id, config.validate(), versionProblems(config.effectiveTree(), version)]).toEqual([id, [], []]);
    }
  });

  const imported = ENTRIES.filter(id => EXPECTED[id] === 'imports');
  test.each(imported)('%s: served live, the import answers every request as the original does', async id => {
    const config = importEntry(id).config!;
    const servers = config.servers.filter(s => s.exposed);
    const ports = [...new Set(servers.flatMap(s => s.ports))];
    const tlsPorts = new Set(servers.filter(s => s.tls).flatMap(s => s.ports));
    const hostsOf = (port: number) => [...new Set([...servers.filter(s => s.ports.includes(port)).flatMap(s => s.serverNames)
      .filter(n => /^[a-z0-9.-]+$/i.test(n)), 'unknown.invalid'])];

    // The original, on its own ports.
    const [cmd, args] = originalCommand(id, users, html, false);
    const log = fs.openSync(path.join(users, `${id}.serve.log`), 'w');
    const original = spawn(cmd, args, { stdio: ['ignore', log, log], detached: true });
    fs.closeSync(log);
    const answers = new Map<string, Answer>();
    const originalPort = new Map<number, number>();
    try {
      for (const port of ports) {
        const candidates = port >= 8001 && port <= 9023 ? [port - 8000, port] : [port];
        let found: number | undefined;
        for (let i = 0; i < 200 && found === undefined; i++) {
          for (const c of candidates) if (found === undefined && await listening(c)) found = c;
          if (found === undefined) await new Promise(r => setTimeout(r, 25));
        }
        if (found === undefined) await waitFor(candidates[0], original);
        originalPort.set(port, found ?? candidates[0]);
      }
      for (const port of ports) {
        for (const host of hostsOf(port)) {
          for (const [method, target] of REQUESTS) answers.set(`${port} ${host} ${method} ${target}`, await ask(originalPort.get(port)!, host, method, target, tlsPorts.has(port)));
        }
      }
    } finally {
      try { process.kill(-original.pid!, 'SIGKILL'); } catch { /* gone */ }
      await new Promise(r => original.exitCode !== null ? r(undefined) : original.once('exit', r));
    }

    // The import, as the image runs it (non-root, read-only files, tmpfs runtime folder).
    // The same html folder (same files and times, so ETag and Last-Modified agree).
    const conf = fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-import-'));
    writeNginxConfDir(path.join(conf, 'etc-nginx'), withCertificates(config));
    const live = await runNginx(path.join(conf, 'etc-nginx'), html, ports[0], {
      readyPath: '/healthz', alsoServeAt: ['/var/www/html'], cleanUp: () => fs.rmSync(conf, { recursive: true, force: true }),
    });
    const differences: string[] = [];
    try {
      for (const port of ports) {
        for (const host of hostsOf(port)) {
          for (const [method, target] of REQUESTS) {
            const key = `${port} ${host} ${method} ${target}`;
            const ours = await ask(port, host, method, target, tlsPorts.has(port));
            const theirs = answers.get(key)!;
            if (ours.status !== theirs.status) differences.push(`${key}: status ${theirs.status} -> ${ours.status}`);
            else if (ours.body !== theirs.body) differences.push(`${key}: body differs`);
            else if (JSON.stringify(ours.headers) !== JSON.stringify(theirs.headers)) differences.push(`${key}: headers ${JSON.stringify(theirs.headers)} -> ${JSON.stringify(ours.headers)}`);
          }
        }
      }
    } finally {
      await live.stop();
    }
    expect(differences).toEqual([]);
  });
});
