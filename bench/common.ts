import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Podman, ensureDebianNginxBase } from '../test/helpers/podman';

/** Repository root. */
export const ROOT = path.join(__dirname, '..');
/** The benchmarks' own podman storage (never .work/e2e or .work/load, which tests use concurrently). */
export const WORK = path.join(ROOT, '.work/bench');
/** The local Debian 12 base image with nginx-light, built once in WORK. */
export const BASE = 'localhost/nginx-base:bookworm';

/** One row of results.md. */
export interface Row {
  readonly benchmark: string;
  readonly figure: string;
  readonly value: string;
  readonly baseline: string;
  readonly ratio: string;
  readonly goal: string;
  /** undefined: a figure without a goal. */
  readonly met?: boolean;
}

export function benchPodman(): Podman {
  const podman = new Podman(WORK);
  ensureDebianNginxBase(podman, BASE);
  return podman;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function sh(cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: options.env ?? process.env, timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0 || r.error) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.error}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

export function machine(): string {
  const cpu = /^model name\s*:\s*(.*)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? 'unknown CPU';
  return `nproc ${os.cpus().length === 0 ? sh('nproc', []).trim() : sh('nproc', []).trim()}, ${cpu}, kernel ${os.release()}`;
}

export function fmtBytes(n: number): string {
  return `${n} B (${(n / 1024 / 1024).toFixed(2)} MiB)`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise(r => setTimeout(r, ms));
}
