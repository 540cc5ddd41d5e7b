import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { NginxConfig, NginxConfigProps } from '../src';
import { Row, median, sleep } from './common';
import { WrkResult, wrk } from './wrk';
import { LiveNginx, freePort, runNginx } from '../test/helpers/live-nginx';
import { writeNginxConfDir } from '../test/helpers/nginx-t';

/** A deterministic html page of exactly `size` bytes. */
function page(size: number): string {
  const head = '<!doctype html><html><head><title>bench</title></head><body><p>';
  const tail = '</p></body></html>\n';
  return head + 'x'.repeat(size - head.length - tail.length) + tail;
}

function replaceOnce(text: string, from: RegExp, to: string, changes: string[], why: string): string {
  if (!from.test(text)) throw new Error(`stock config: ${from} not found (Debian changed its nginx.conf?)`);
  changes.push(`${why}: \`${from.exec(text)![0].trim()}\` -> \`${to.replace(/\$1/g, '').replace(/\s*\n\s*/g, ' ').trim() || '(removed)'}\``);
  return text.replace(from, to);
}

/**
 * Debian's stock /etc/nginx (nginx.conf, sites-enabled/default, modules-enabled, mime.types...) copied as is,
 * changed only where an unprivileged nginx on a free port needs it. Every change is returned.
 */
function stockConf(dir: string, port: number): string[] {
  const changes: string[] = [];
  spawnSync('cp', ['-a', '/etc/nginx/.', dir]);
  const confFile = path.join(dir, 'nginx.conf');
  let conf = fs.readFileSync(confFile, 'utf8');
  conf = replaceOnce(conf, /^user\s+www-data;\n/m, '', changes, 'no user directive (ignored with a warning when not root)');
  conf = replaceOnce(conf, /^pid\s+\/run\/nginx\.pid;/m, 'pid /dev/shm/nginx.pid;', changes, 'pid writable by uid 65532');
  conf = replaceOnce(conf, /^error_log\s+\/var\/log\/nginx\/error\.log;/m, 'error_log stderr;', changes, 'error log to stderr (uid 65532 cannot write /var/log/nginx)');
  conf = replaceOnce(conf, /^(\s*)access_log\s+\/var\/log\/nginx\/access\.log;/m, '$1access_log /dev/stdout;', changes, 'access log to stdout like ours (stdout of both is /dev/null)');
  conf = replaceOnce(conf, /^(\s*)gzip on;/m, '$1gzip on;\n$1client_body_temp_path /dev/shm/client_temp;\n$1proxy_temp_path /dev/shm/proxy_temp;\n$1fastcgi_temp_path /dev/shm/fastcgi_temp;\n$1uwsgi_temp_path /dev/shm/uwsgi_temp;\n$1scgi_temp_path /dev/shm/scgi_temp;',
    changes, 'five temp paths added in /dev/shm (/var/lib/nginx is not writable by uid 65532)');
  fs.writeFileSync(confFile, conf);
  const siteFile = path.join(dir, 'sites-enabled/default');
  let site = fs.readFileSync(siteFile, 'utf8');
  site = replaceOnce(site, /^\s*listen 80 default_server;/m, `\tlisten ${port} default_server;`, changes, 'free unprivileged port');
  site = replaceOnce(site, /^\s*listen \[::\]:80 default_server;/m, `\tlisten [::]:${port} default_server;`, changes, 'free unprivileged port (IPv6)');
  site = replaceOnce(site, /^\s*root \/var\/www\/html;/m, '\troot /usr/share/nginx/html;', changes, 'the same document root as ours');
  fs.rmSync(siteFile);
  fs.writeFileSync(siteFile, site); // sites-enabled/default is a symlink in Debian: write a file
  return changes;
}

/**
 * Benchmark 3: the same nginx binary and the same 4 KiB page, the library's default config vs Debian's
 * stock config, and ours without the open file cache to attribute the difference. wrk -t2 -c64 -d10s --latency,
 * two runs each in mirrored order; figures are the means.
 */
export async function throughputBenchmark(): Promise<{ rows: Row[]; details: string[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-throughput-'));
  const html = path.join(dir, 'html');
  fs.mkdirSync(html);
  fs.writeFileSync(path.join(html, 'index.html'), page(4096));

  /** The library's config for one server on `port`, written like the image lays it out. */
  const writeOurs = (name: string, port: number, props: NginxConfigProps): string => {
    const conf = path.join(dir, name, 'etc-nginx');
    writeNginxConfDir(conf, new NginxConfig({ ...props, servers: [{ name: 'bench', port, defaultServer: true }] }).files());
    return conf;
  };
  type Which = 'ours' | 'stock' | 'oursNoCache';
  const ports: Record<Which, number> = { ours: await freePort(), stock: await freePort(), oursNoCache: await freePort() };
  const oursConf = writeOurs('ours', ports.ours, {});
  // The attribution run: the only difference to `ours` is the open file cache.
  const noCacheConf = writeOurs('ours-no-cache', ports.oursNoCache, { openFileCacheEntries: 0 });
  const stockDir = path.join(dir, 'stock', 'etc-nginx');
  fs.mkdirSync(stockDir, { recursive: true });
  const changes = stockConf(stockDir, ports.stock);

  const running: LiveNginx[] = [];
  // stdout (the access log of every config) goes to /dev/null; ready when / answers 200.
  const start = async (conf: string, port: number) => running.push(await runNginx(conf, html, port, { discardStdout: true, readyPath: '/', readyStatus: 200 }));
  try {
    await start(oursConf, ports.ours);
    await start(stockDir, ports.stock);
    await start(noCacheConf, ports.oursNoCache);
    const results: Record<Which, WrkResult[]> = { ours: [], stock: [], oursNoCache: [] };
    const order: Which[] = ['ours', 'stock', 'oursNoCache', 'oursNoCache', 'stock', 'ours'];
    for (const which of order) {
      results[which].push(await wrk(`http://127.0.0.1:${ports[which]}/`, { seconds: 10 }));
      await sleep(1000);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const figures = (rs: WrkResult[]) => ({ rps: mean(rs.map(r => r.requestsPerSecond)), p99: mean(rs.map(r => r.p99Ms)) });
    const o = figures(results.ours);
    const s = figures(results.stock);
    const n = figures(results.oursNoCache);
    const errors = Object.values(results).flat()
      .map(r => r.non2xx + r.socketErrors.connect + r.socketErrors.read + r.socketErrors.write + r.socketErrors.timeout);
    const rpsRatio = o.rps / s.rps;
    const runs = (w: Which) => `${results[w].map(r => r.requestsPerSecond.toFixed(0)).join(', ')} req/s, p99 ${results[w].map(r => r.p99Ms.toFixed(2)).join(', ')} ms`;
    return {
      rows: [
        { benchmark: '3 throughput', figure: 'requests/s, GET / (4 KiB index.html), wrk -t2 -c64 -d10s, mean of 2 runs', value: o.rps.toFixed(0), baseline: `stock ${s.rps.toFixed(0)}`, ratio: `${rpsRatio.toFixed(3)}x`, goal: '>= 1.0x', met: rpsRatio >= 1.0 },
        { benchmark: '3 throughput', figure: 'p99 latency (lower is better)', value: `${o.p99.toFixed(2)} ms`, baseline: `stock ${s.p99.toFixed(2)} ms`, ratio: `${(o.p99 / s.p99).toFixed(3)}x`, goal: '-' },
        { benchmark: '3 throughput', figure: 'attribution: ours with openFileCacheEntries 0 (the only change), requests/s', value: n.rps.toFixed(0), baseline: `stock ${s.rps.toFixed(0)}`, ratio: `${(n.rps / s.rps).toFixed(3)}x`, goal: '-' },
      ],
      details: [
        `runs (order ${order.join(', ')}): ours ${runs('ours')}; stock ${runs('stock')}; ours without the open file cache ${runs('oursNoCache')}`,
        `the open file cache moves ours from ${n.rps.toFixed(0)} to ${o.rps.toFixed(0)} req/s (${((o.rps / n.rps - 1) * 100).toFixed(0)} %)`,
        `errors (non-2xx + socket errors) per run: ${errors.join(', ')}; median ${median(errors)}`,
        'all three: host /usr/sbin/nginx, uid 65532, private mount namespace, /dev/shm tmpfs, same html root, access log written to stdout = /dev/null, wrk on the same 2 CPUs',
        ...changes.map(c => `stock change: ${c}`),
      ],
    };
  } finally {
    for (const r of running) await r.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Directives that differ between the two configs and can move the number (for results.md). */
export const THROUGHPUT_DIFFERENCES = [
  'ours adds 6 security headers (CSP, COOP, Permissions-Policy, Referrer-Policy, nosniff, X-Frame-Options) plus Cache-Control: no-cache on html: ~400 more response bytes per request',
  'ours: `location ~* \\.html?$` regex location and `limit_except GET` on the internal redirect to /index.html; stock: one prefix location',
  'ours: access_log format `main` (adds $http_x_forwarded_for); stock: `combined`; both written to /dev/null via stdout',
  'ours: worker_connections 1024, keepalive_timeout 65, reset_timedout_connection, client/send timeouts 10s; stock: worker_connections 768, defaults',
  'gzip on in both; wrk sends no Accept-Encoding, so neither compresses (ours: gzip_min_length 1024, gzip_types list; stock: text/html only)',
  'ours: open_file_cache max=1000 inactive=60s, open_file_cache_valid 60s, open_file_cache_errors on (the html is part of the immutable image): no open/fstat/close per request; stock: none. This is the directive that moves the number (see the attribution row); both sendfile on, tcp_nopush on',
  'stock loads the echo module (modules-enabled/50-mod-http-echo.conf) and sets types_hash_max_size 2048, ssl_* (unused)',
];
