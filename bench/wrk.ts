import { spawn } from 'child_process';

export interface WrkResult {
  readonly requestsPerSecond: number;
  readonly p99Ms: number;
  readonly requests: number;
  readonly non2xx: number;
  readonly socketErrors: { connect: number; read: number; write: number; timeout: number };
  readonly output: string;
}

function toMs(v: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(v.trim());
  if (!m) throw new Error(`cannot read wrk latency ${v}`);
  return Number(m[1]) * ({ us: 0.001, ms: 1, s: 1000, m: 60_000 } as Record<string, number>)[m[2]];
}

/** Reads wrk's text report (with --latency). */
export function parseWrk(output: string): WrkResult {
  const rps = /Requests\/sec:\s*([\d.]+)/.exec(output);
  const p99 = /^\s*99%\s+(\S+)/m.exec(output);
  const total = /(\d+) requests in/.exec(output);
  if (!rps || !total) throw new Error(`unexpected wrk output:\n${output}`);
  const non2xx = /Non-2xx or 3xx responses:\s*(\d+)/.exec(output);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  return {
    requestsPerSecond: Number(rps[1]),
    p99Ms: p99 ? toMs(p99[1]) : NaN,
    requests: Number(total[1]),
    non2xx: non2xx ? Number(non2xx[1]) : 0,
    socketErrors: sock ? { connect: +sock[1], read: +sock[2], write: +sock[3], timeout: +sock[4] } : { connect: 0, read: 0, write: 0, timeout: 0 },
    output,
  };
}

/** Runs wrk asynchronously (so the caller can act during the run). */
export function wrk(url: string, options: { threads?: number; connections?: number; seconds: number; script?: string }): Promise<WrkResult> {
  const args = [`-t${options.threads ?? 2}`, `-c${options.connections ?? 64}`, `-d${options.seconds}s`, '--latency'];
  if (options.script) args.push('-s', options.script);
  args.push(url);
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', d => { out += d; });
    child.stderr.on('data', d => { out += d; });
    child.on('error', reject);
    child.on('exit', code => {
      if (code !== 0) {reject(new Error(`wrk ${args.join(' ')} exited ${code}:\n${out}`));} else {
        try { resolve(parseWrk(out)); } catch (e) { reject(e); }
      }
    });
  });
}
