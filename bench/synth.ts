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

function sample(child: string, kind: string, mode: string, sites: number): Sample {
  const outdir = path.join(WORK, 'synth-out', `${kind}-${mode}-${sites}`);
  fs.rmSync(outdir, { recursive: true, force: true });
  // node_modules resolve from the repository: NODE_PATH for the compiled copy under .work/.
  const r = spawnSync(process.execPath, [child, kind, mode, String(sites), outdir], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') }, maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`synth child ${kind} ${mode} ${sites} failed:\n${r.stderr.slice(-3000)}`);
  fs.rmSync(outdir, { recursive: true, force: true });
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

function measure(child: string, kind: string, mode: string, sites: number): Sample {
  const runs = sites >= 1000 ? 3 : 5;
  const xs = Array.from({ length: runs }, () => sample(child, kind, mode, sites));
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
 * one chart per site would validate N times), ours (ScratchNginx: config, image context, hardened workload)
 * against cdk8s-plus-27 with the same hardening by hand. Each sample is a fresh node process; median of 5
 * (3 for 1000 sites). Peak RSS is process.resourceUsage().maxRSS and includes loading the modules.
 */
export function synthBenchmark(): { rows: Row[]; details: string[] } {
  const child = compile();
  const rows: Row[] = [];
  const details: string[] = [];
  for (const sites of [1, 10, 100, 1000]) {
    const o = measure(child, 'ours', 'manifests', sites);
    const b = measure(child, 'baseline', 'manifests', sites);
    const ratio = o.totalMs / b.totalMs;
    rows.push({
      benchmark: '2 synth',
      figure: `${sites} site(s), manifests only (construct + Testing.synth), peak RSS ours ${mb(o.maxRssKb)} / baseline ${mb(b.maxRssKb)}`,
      value: `${ms(o.totalMs)} (${ms(o.constructMs)} + ${ms(o.synthMs)})`,
      baseline: `${ms(b.totalMs)} (${ms(b.constructMs)} + ${ms(b.synthMs)})`,
      ratio: `${ratio.toFixed(2)}x`,
      goal: '<= 1.5x',
      met: ratio <= 1.5,
    });
    details.push(`${sites} sites: ours ${o.objects} objects (build contexts written by Testing.synth: ${o.contextsWritten}), baseline ${b.objects} objects`);
  }
  const full = measure(child, 'ours', 'full', 1000);
  const fullBase = measure(child, 'baseline', 'full', 1000);
  rows.push({
    benchmark: '2 synth',
    figure: `1000 sites, full app.synth() with 1000 build contexts written, peak RSS ours ${mb(full.maxRssKb)} / baseline ${mb(fullBase.maxRssKb)}`,
    value: `${ms(full.totalMs)} (${ms(full.constructMs)} + ${ms(full.synthMs)})`,
    baseline: `${ms(fullBase.totalMs)} (baseline app.synth(), no contexts)`,
    // contexts written: checked below
    ratio: `${(full.totalMs / fullBase.totalMs).toFixed(2)}x`,
    goal: '< 3000 ms',
    met: full.totalMs < 3000,
  });
  details.push(`1000 sites full app.synth(): ${full.contextsWritten} build contexts written, ${full.objects} objects`);
  return { rows, details };
}
