import { spawn } from 'child_process';
import { BASE, Row, median, sleep } from './common';
import { Podman } from '../test/helpers/podman';

/** Polls http://ip:port/ with fetch every 10 ms until a 200; returns when it came. */
async function firstOk(ip: () => string | undefined, port: number, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const addr = ip();
    if (addr) {
      try {
        const res = await fetch(`http://${addr}:${port}/`, { signal: AbortSignal.timeout(500) });
        if (res.status === 200) return;
      } catch { /* not yet */ }
    }
    if (Date.now() > deadline) throw new Error(`no HTTP 200 from ${addr}:${port} within ${deadlineMs} ms`);
    await sleep(10);
  }
}

let next = 0;
/**
 * `podman run -d` to the first HTTP 200. The container gets a fixed address on podman's default network
 * (--ip), so polling starts when `podman run` is spawned, without an inspect in the measured path.
 */
async function coldStart(podman: Podman, name: string, args: string[], port: number): Promise<number> {
  const ip = `10.88.${200 + (process.pid % 50)}.${10 + (next++ % 200)}`;
  podman.run('podman', ['rm', '-f', '--ignore', name], { allowFailure: true });
  const t0 = process.hrtime.bigint();
  const child = spawn('podman', ['run', '-d', '--name', name, '--ip', ip, ...args], { env: podman.env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', d => { stderr += d; });
  let failed: Error | undefined;
  child.on('exit', code => { if (code !== 0) failed = new Error(`podman run failed (${code}): ${stderr}`); });
  try {
    await Promise.race([
      firstOk(() => ip, port, 20_000),
      (async () => { for (;;) { if (failed) throw failed; await sleep(10); } })(),
    ]);
    return Number(process.hrtime.bigint() - t0) / 1e6;
  } finally {
    failed = undefined;
    podman.run('podman', ['rm', '-f', '-t', '0', name], { allowFailure: true });
  }
}

/**
 * Benchmark 4: cold start of the scratch seed image (hardened: read-only root without podman's tmpfs
 * extras, uid 65532, no capabilities) vs the base image running nginx as root on port 80 with Debian's
 * stock config. Median of 5 each, alternating.
 */
export async function coldStartBenchmark(podman: Podman, seedImage: string): Promise<{ rows: Row[]; details: string[] }> {
  const scratch: number[] = [];
  const base: number[] = [];
  for (let i = 0; i < 5; i++) {
    scratch.push(await coldStart(podman, 'bench-cold-scratch', ['--read-only', '--read-only-tmpfs=false', '--user', '65532:65532', '--cap-drop', 'ALL',
      '--security-opt', 'no-new-privileges', seedImage], 8080));
    base.push(await coldStart(podman, 'bench-cold-base', [BASE, '/usr/sbin/nginx', '-g', 'daemon off;'], 80));
  }
  const s = median(scratch);
  const b = median(base);
  return {
    rows: [{ benchmark: '4 cold start', figure: '`podman run -d` to first HTTP 200 (fetch every 10 ms), median of 5', value: `${s.toFixed(0)} ms (scratch seed)`, baseline: `${b.toFixed(0)} ms (base image, stock config, root, port 80)`, ratio: `${(s / b).toFixed(2)}x`, goal: '-' }],
    details: [
      `cold start samples: scratch ${scratch.map(x => x.toFixed(0)).join(', ')} ms; base ${base.map(x => x.toFixed(0)).join(', ')} ms`,
      'storage here is vfs (FACTS): podman copies the whole image rootfs for each new container, so the base image time is mostly that copy, not nginx start-up',
    ],
  };
}
