import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

import { writeNginxConfDir } from './nginx-t';

export interface LiveNginx {
  readonly logs: () => string;
  /** The host folder mounted at /usr/share/nginx/html. */
  readonly htmlDir: string;
  stop(): Promise<void>;
}

/** How `runNginx` starts nginx and decides it is up. */
export interface RunNginxOptions {
  /** Send stdout (the access log) to /dev/null instead of the log file: for load, where it would be large. */
  readonly discardStdout?: boolean;
  /** The path asked until nginx answers; with `readyStatus`, until it answers that status. */
  readonly readyPath: string;
  /** @default - any answer */
  readonly readyStatus?: number;
  /** Called when nginx stops, or fails to start. */
  readonly cleanUp?: () => void;
  /** More folders of the host the html folder is also mounted on (each must exist), such as /var/www/html. */
  readonly alsoServeAt?: readonly string[];
}

/**
 * Runs Debian's nginx for real, as the runtime uid/gid (65532), the way the image would: a private mount
 * namespace with `conf` bound on /etc/nginx, `root` on /usr/share/nginx/html, and a fresh tmpfs on /dev/shm.
 * It shares the host's network, so the caller picks a free port for the config. Resolves once nginx answers.
 */
export async function runNginx(conf: string, root: string, port: number, options: RunNginxOptions): Promise<LiveNginx> {
  spawnSync('chmod', ['-R', 'a+rX', conf, root]);
  const log = path.join(path.dirname(conf), 'nginx.log');
  fs.writeFileSync(log, '');
  fs.chownSync(log, 65532, 65532);
  const err = fs.openSync(log, 'a');
  const out = options.discardStdout ? fs.openSync('/dev/null', 'w') : err;
  const also = (options.alsoServeAt ?? []).map((_, i) => `mount --bind "$2" "$${i + 3}" && `).join('');
  const script = `mount --bind "$1" /etc/nginx && mount --bind "$2" /usr/share/nginx/html && ${also}mount -t tmpfs -o mode=1777 tmpfs /dev/shm && `
    + 'exec setpriv --reuid 65532 --regid 65532 --clear-groups /usr/sbin/nginx -e stderr -c /etc/nginx/nginx.conf -g "daemon off;"';
  // Its own process group, so a failed start can kill nginx's workers too, not only the master.
  const child: ChildProcess = spawn('unshare', ['-m', 'sh', '-c', script, 'sh', conf, root, ...(options.alsoServeAt ?? [])], { stdio: ['ignore', out, err], detached: true });
  fs.closeSync(err);
  if (out !== err) fs.closeSync(out);
  const logs = () => fs.readFileSync(log, 'utf8');
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}${options.readyPath}`);
      if (options.readyStatus === undefined || res.status === options.readyStatus) break;
    } catch { /* not up yet */ }
    if (child.exitCode !== null || Date.now() > deadline) {
      const text = logs();
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch { /* already gone */ }
      options.cleanUp?.();
      throw new Error(`nginx did not answer ${options.readyPath} on ${port}:\n${text}`);
    }
    await new Promise(r => setTimeout(r, 50));
  }
  return {
    logs,
    htmlDir: root,
    stop: async () => {
      const exited = new Promise<void>(resolve => child.once('exit', () => resolve()));
      child.kill('SIGQUIT');
      await exited;
      options.cleanUp?.();
    },
  };
}

/**
 * Runs nginx (see `runNginx`) with generated files at /etc/nginx (plus the host's mime.types and any extra
 * files, such as certificates) and `html` at /usr/share/nginx/html, in a temporary folder removed on stop.
 */
export async function startNginx(
  files: ReadonlyArray<{ path: string; content: string }>,
  html: Record<string, string>,
  port: number,
): Promise<LiveNginx> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'live-nginx-'));
  const conf = path.join(dir, 'etc-nginx');
  const root = path.join(dir, 'html');
  writeNginxConfDir(conf, files);
  for (const [p, content] of Object.entries(html)) {
    fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
    fs.writeFileSync(path.join(root, p), content);
  }
  return runNginx(conf, root, port, { readyPath: '/healthz', cleanUp: () => fs.rmSync(dir, { recursive: true, force: true }) });
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
