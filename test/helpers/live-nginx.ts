import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

export interface LiveNginx {
  readonly logs: () => string;
  /** The host folder mounted at /usr/share/nginx/html. */
  readonly htmlDir: string;
  stop(): Promise<void>;
}

/**
 * Runs Debian's nginx for real with generated files, as the runtime uid/gid (65532), the way the image
 * would: a private mount namespace with the files at /etc/nginx (plus the host's mime.types and any extra
 * files, such as certificates), `html` at /usr/share/nginx/html, and a fresh tmpfs on /dev/shm. It shares
 * the host's network, so the test picks a free port for the config.
 */
export async function startNginx(
  files: ReadonlyArray<{ path: string; content: string }>,
  html: Record<string, string>,
  port: number,
): Promise<LiveNginx> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'live-nginx-'));
  const conf = path.join(dir, 'etc-nginx');
  const root = path.join(dir, 'html');
  fs.mkdirSync(path.join(conf, 'conf.d'), { recursive: true });
  fs.copyFileSync('/etc/nginx/mime.types', path.join(conf, 'mime.types'));
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(conf, f.path)), { recursive: true });
    fs.writeFileSync(path.join(conf, f.path), f.content);
  }
  for (const [p, content] of Object.entries(html)) {
    fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
    fs.writeFileSync(path.join(root, p), content);
  }
  spawnSync('chmod', ['-R', 'a+rX', dir]);
  const log = path.join(dir, 'nginx.log');
  fs.writeFileSync(log, '');
  fs.chownSync(log, 65532, 65532);
  const fd = fs.openSync(log, 'a');
  const script = 'mount --bind "$1" /etc/nginx && mount --bind "$2" /usr/share/nginx/html && mount -t tmpfs -o mode=1777 tmpfs /dev/shm && '
    + 'exec setpriv --reuid 65532 --regid 65532 --clear-groups /usr/sbin/nginx -e stderr -c /etc/nginx/nginx.conf -g "daemon off;"';
  const child: ChildProcess = spawn('unshare', ['-m', 'sh', '-c', script, 'sh', conf, root], { stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  const logs = () => fs.readFileSync(log, 'utf8');
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await fetch(`http://127.0.0.1:${port}/healthz`);
      break;
    } catch {
      if (child.exitCode !== null || Date.now() > deadline) {
        fs.rmSync(dir, { recursive: true, force: true });
        throw new Error(`nginx did not start:\n${logs()}`);
      }
      await new Promise(r => setTimeout(r, 50));
    }
  }
  return {
    logs,
    htmlDir: root,
    stop: async () => {
      const exited = new Promise<void>(resolve => child.once('exit', () => resolve()));
      child.kill('SIGQUIT');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const p = (srv.address() as { port: number }).port;
      srv.close(() => resolve(p));
    });
    srv.on('error', reject);
  });
}

/** A self-signed certificate for `name` (openssl), as tls.crt and tls.key contents. */
export function selfSignedCertificate(name: string): { crt: string; key: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cert-'));
  try {
    const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
      '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name}`, '-keyout', path.join(dir, 'tls.key'), '-out', path.join(dir, 'tls.crt')], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`);
    return { crt: fs.readFileSync(path.join(dir, 'tls.crt'), 'utf8'), key: fs.readFileSync(path.join(dir, 'tls.key'), 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
