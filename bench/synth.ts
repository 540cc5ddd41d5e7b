import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, Row, WORK, median } from './common';

interface Sample { constructMs: number; synthMs: number; totalMs: number; maxRssKb: number; objects: number; contextsWritten: number }

const JS = path.join(WORK, 'js');

/**
 * Compiles bench/synth-child.ts and the library once (tsc, no type-check) so each measured child process
 * is plain node: a fresh process per sample without paying ts-node's compile each time.
 */
function compile(): string {
  fs.rmSync(JS, { recursive: true, force: true });
  const tsc = spawnSync('npx', ['tsc', '--ignoreConfig', '--outDir', JS, '--rootDir', ROOT, '--module', 'commonjs', '--target', 'es2022',
    '--skipLibCheck', '--esModuleInterop', '--noCheck', '--ignoreDeprecations', '6.0', '--moduleResolution', 'node10',
    path.join(ROOT, 'bench/synth-child.ts')], { cwd: ROOT, encoding: 'utf8' });
  if (tsc.status !== 0) throw new Error(`tsc failed:\n${tsc.stdout}\n${tsc.stderr}`);
  // Non-TypeScript files the library reads at run time.
  fs.copyFileSync(path.join(ROOT, 'src/image/collect-rootfs.sh'), path.join(JS, 'src/image/collect-rootfs.sh'));
  return path.join(JS, 'bench/synth-child.js');
}

function sample(child: string, kind: string, mode: string, sites: number, tmpfs = false): Sample {
  const outdir = path.join(tmpfs ? '/dev/shm/cdk8s-scratch-nginx-bench' : path.join(WORK, 'synth-out'), `${kind}-${mode}-${sites}`);
  fs.rmSync(outdir, { recursive: true, force: true });
  // node_modules resolve from the repository: NODE_PATH for the compiled copy under .work/.
  const r = spawnSync(process.execPath, [child, kind, mode, String(sites), outdir], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') }, maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`synth child ${kind} ${mode} ${sites} failed:\n${r.stderr.slice(-3000)}`);
  fs.rmSync(outdir, { recursive: true, force: true });
  // Let the disk settle (the deletes are discarded at the next journal commit), so each sample starts alike.
  spawnSync('sync');
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

function measure(child: string, kind: string, mode: string, sites: number, tmpfs = false): Sample {
  const runs = sites >= 1000 ? 3 : 5;
  const xs = Array.from({ length: runs }, () => sample(child, kind, mode, sites, tmpfs));
  return {
    constructMs: median(xs.map(x => x.constructMs)),
    synthMs: median(xs.map(x => x.synthMs)),
    totalMs: median(xs.map(x => x.totalMs)),
    maxRssKb: median(xs.map(x => x.maxRssKb)),
    objects: xs[0].objects,
    contextsWritten: xs[0].contextsWritten,
  };
}

const ms = (x: number) => `${x.toFixed(1)} ms`;
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MiB`;

/**
 * Benchmark 2: construct + synth of N sites in ONE chart (cdk8s validates the whole app once per chart, so
 * one chart per site would validate N times). Manifests: `NginxWorkload` per site from a typed config and
 * image model (config checks, hardened objects, policy checks, the chart's report) against cdk8s-plus-27
 * with the same hardening by hand. Full: `ScratchNginx` per site, which also writes each image's build
 * context, against the baseline plus the disk floor of writing those files. Each sample is a fresh node
 * process; median of 5 (3 for 1000 sites). Peak RSS is process.resourceUsage().maxRSS and includes loading
 * the modules.
 */
export function synthBenchmark(): { rows: Row[]; details: string[] } {
  const child = compile();
  const rows: Row[] = [];
  const details: string[] = [];
  for (const sites of [1, 10, 100, 1000]) {
    // The output folder is in memory: this disk's file creation time varies threefold from run to run (the
    // full synth below is measured on disk too).
    const o = measure(child, 'workload', 'manifests', sites, true);
    const b = measure(child, 'baseline', 'manifests', sites, true);
    const ratio = o.totalMs / b.totalMs;
    rows.push({
      benchmark: '2 synth',
      figure: `${sites} site(s), manifests (NginxWorkload; construct + Testing.synth), output folder on tmpfs, peak RSS ours ${mb(o.maxRssKb)} / baseline ${mb(b.maxRssKb)}`,
      value: `${ms(o.totalMs)} (${ms(o.constructMs)} + ${ms(o.synthMs)})`,
      baseline: `${ms(b.totalMs)} (${ms(b.constructMs)} + ${ms(b.synthMs)})`,
      ratio: `${ratio.toFixed(2)}x`,
      goal: '<= 1.5x',
      met: ratio <= 1.5,
    });
    details.push(`${sites} sites: ours ${o.objects} objects, baseline ${b.objects} objects`);
  }
  // ScratchNginx: the same manifests plus 1000 build contexts, written to memory.
  const scratch = measure(child, 'ours', 'manifests', 1000, true);
  const scratchBase = measure(child, 'baseline', 'manifests', 1000, true);
  rows.push({
    benchmark: '2 synth',
    figure: `1000 sites, ScratchNginx (manifests and ${scratch.contextsWritten} build contexts; construct + Testing.synth), output folder on tmpfs`,
    value: `${ms(scratch.totalMs)} (${ms(scratch.constructMs)} + ${ms(scratch.synthMs)})`,
    baseline: `${ms(scratchBase.totalMs)} (manifests only)`,
    ratio: `${(scratch.totalMs / scratchBase.totalMs).toFixed(2)}x`,
    goal: '-',
  });
  const full = measure(child, 'ours', 'full', 1000);
  const fullBase = measure(child, 'baseline', 'full', 1000);
  // The disk floor: the same files written with plain fs calls, no synth at all.
  const floor = measure(child, 'floor', 'full', 1000);
  const fullRatio = full.totalMs / (fullBase.totalMs + floor.totalMs);
  rows.push({
    benchmark: '2 synth',
    figure: `1000 sites, full app.synth() with ${full.contextsWritten} build contexts written, on disk, peak RSS ours ${mb(full.maxRssKb)} / baseline ${mb(fullBase.maxRssKb)}`,
    value: `${ms(full.totalMs)} (${ms(full.constructMs)} + ${ms(full.synthMs)})`,
    baseline: `${ms(fullBase.totalMs + floor.totalMs)} (baseline app.synth() ${ms(fullBase.totalMs)} + disk floor ${ms(floor.totalMs)})`,
    ratio: `${fullRatio.toFixed(2)}x`,
    goal: '<= 1.2x',
    met: fullRatio <= 1.2,
  });
  details.push(`1000 sites full app.synth(): ${full.contextsWritten} build contexts written, ${full.objects} objects`);
  // Where the full synth's time goes: the same run with the output folder in memory (no disk).
  const memFull = measure(child, 'ours', 'full', 1000, true);
  const memBase = measure(child, 'baseline', 'full', 1000, true);
  rows.push({
    benchmark: '2 synth',
    figure: '1000 sites, full app.synth(), output folder on tmpfs (/dev/shm): the CPU part',
    value: `${ms(memFull.totalMs)} (${ms(memFull.constructMs)} + ${ms(memFull.synthMs)})`,
    baseline: `${ms(memBase.totalMs)} (baseline app.synth() on tmpfs)`,
    ratio: `${(memFull.totalMs / memBase.totalMs).toFixed(2)}x`,
    goal: '-',
  });
  rows.push({
    benchmark: '2 synth',
    figure: 'disk floor: the files of 1000 build contexts written with plain mkdir/writeFile/copyFile, no synth',
    value: ms(floor.totalMs),
    baseline: '-',
    ratio: '-',
    goal: '-',
  });
  details.push(`full synth on disk ${ms(full.totalMs)} = ${ms(memFull.totalMs)} on tmpfs + ${ms(full.totalMs - memFull.totalMs)} of disk; `
    + `writing the same files alone takes ${ms(floor.totalMs)} on this disk (ext4 mounted with discard on a virtual disk)`);
  return { rows, details };
}
