import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { NginxConfig } from '../../src/nginx/config';
import { renderDirectives } from '../../src/nginx/render';

export interface NginxTestResult {
  readonly ok: boolean;
  readonly status: number | null;
  readonly output: string;
}

export const HOST_NGINX = '/usr/sbin/nginx';

/** Lays `files` out as an /etc/nginx folder (with conf.d and the host's mime.types) at `conf`. */
export function writeNginxConfDir(conf: string, files: ReadonlyArray<{ path: string; content: string }>): void {
  fs.mkdirSync(path.join(conf, 'conf.d'), { recursive: true });
  fs.copyFileSync('/etc/nginx/mime.types', path.join(conf, 'mime.types'));
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(conf, f.path)), { recursive: true });
    fs.writeFileSync(path.join(conf, f.path), f.content);
  }
}

/**
 * Runs Debian's `nginx -t` on generated files as the runtime uid/gid, the way the container would read
 * them: in a private mount and network namespace, with the files bind-mounted at /etc/nginx (plus the
 * host's mime.types), a fresh tmpfs on /dev/shm, and stdout/stderr files owned by that uid.
 */
export function nginxTest(
  files: ReadonlyArray<{ path: string; content: string }>,
  uid = 65532,
  gid = 65532,
  options: { hosts?: string[] } = {},
): NginxTestResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-t-'));
  try {
    const conf = path.join(dir, 'etc-nginx');
    writeNginxConfDir(conf, files);
    spawnSync('chmod', ['-R', 'a+rX', dir]);
    const out = path.join(dir, 'out.log');
    fs.writeFileSync(out, '');
    fs.chownSync(out, uid, gid);
    const fd = fs.openSync(out, 'a');
    // Host names (upstreams) resolve to 127.0.0.1, as the cluster's DNS would resolve them to Services.
    const hosts = path.join(dir, 'hosts');
    fs.writeFileSync(hosts, `127.0.0.1 localhost ${(options.hosts ?? []).join(' ')}\n::1 localhost\n`);
    const script = 'mount --bind "$1" /etc/nginx && mount --bind "$2" /etc/hosts && mount -t tmpfs -o mode=1777 tmpfs /dev/shm && '
      + `exec setpriv --reuid ${uid} --regid ${gid} --clear-groups ${HOST_NGINX} -t -q -e stderr -c /etc/nginx/nginx.conf`;
    const r = spawnSync('unshare', ['-m', '-n', 'sh', '-c', script, 'sh', conf, hosts], { stdio: ['ignore', fd, fd], timeout: 30_000 });
    fs.closeSync(fd);
    const output = fs.readFileSync(out, 'utf8');
    return { ok: r.status === 0, status: r.status, output };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The files of a config rendered WITHOUT its validation, for tests that show what nginx itself does with a
 * config the library refuses (`NginxConfig.files()` throws for those).
 */
export function uncheckedFiles(config: NginxConfig): Array<{ path: string; content: string }> {
  return [
    { path: 'nginx.conf', content: renderDirectives(config.mainTree()) },
    ...config.servers.map((s, i) => ({ path: `conf.d/${s.name}.conf`, content: renderDirectives([config.serverDirectives()[i]]) })),
  ];
}
