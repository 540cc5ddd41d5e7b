// Benchmarks: npx ts-node --transpile-only bench/run.ts   (writes bench/results.md)
// Uses its own podman storage in .work/bench (never .work/e2e or .work/load, which tests use concurrently).
import * as fs from 'fs';
import * as path from 'path';
import { coldStartBenchmark } from './cold-start';
import { BASE, Row, benchPodman, machine } from './common';
import { imageBenchmark } from './image';
import { synthBenchmark } from './synth';
import { THROUGHPUT_DIFFERENCES, throughputBenchmark } from './throughput';

/* eslint-disable no-console */
function print(title: string, r: { rows: Row[]; details: string[] }): void {
  console.log(`\n== ${title}`);
  for (const row of r.rows) {
    console.log(`  ${row.figure}: ${row.value} | baseline ${row.baseline} | ratio ${row.ratio} | goal ${row.goal}${row.met === undefined ? '' : row.met ? ' (met)' : ' (NOT met)'}`);
  }
  for (const d of r.details) console.log(`  - ${d}`);
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const host = machine();
  console.log(`machine: ${host}`);
  const podman = benchPodman();
  console.log(`base image ${BASE} ready in .work/bench (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

  const image = imageBenchmark(podman);
  print('1 image against its limit', image);
  const synth = synthBenchmark();
  print('2 synth cost', synth);
  const throughput = await throughputBenchmark();
  print('3 nginx throughput', throughput);
  const seedImage = 'localhost/nginx-scratch-seed:1.0.0';
  const cold = await coldStartBenchmark(podman, seedImage);
  print('4 cold start', cold);

  const wall = (Date.now() - t0) / 1000;
  const command = '`npx ts-node --transpile-only bench/run.ts`';
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [
    '# Benchmarks',
    '',
    `Written by bench/run.ts on ${new Date().toISOString()} in ${wall.toFixed(0)} s. Every figure is measured in that run.`,
    '',
    '| benchmark | figure | value | baseline | ratio | goal | met | machine | command |',
    '|---|---|---|---|---|---|---|---|---|',
    ...[image, synth, throughput, cold].flatMap(r => r.rows).map(row =>
      `| ${[row.benchmark, row.figure, row.value, row.baseline, row.ratio, row.goal, row.met === undefined ? '-' : row.met ? 'yes' : 'no', host, command].map(esc).join(' | ')} |`),
    '',
    '## Details',
    '',
    ...[image, synth, throughput, cold].flatMap(r => r.details).map(d => `- ${d}`),
    '',
    '## Throughput: directives that differ and can move the number',
    '',
    ...THROUGHPUT_DIFFERENCES.map(d => `- ${d}`),
    '',
    '## Method',
    '',
    '- 1: `buildah bud --layers=false` of examples/seed against the local debootstrap base; sizes from `podman image inspect --format {{.Size}}` (uncompressed layer tar, so tar headers and padding count); the limit is measured in the mounted base image (chroot, `ldd /usr/sbin/nginx`, `stat -L`) plus the generated nginx.conf and conf.d and the example html.',
    '- 2: all sites in ONE chart: cdk8s validates the whole app once per chart, so a chart per site would validate N times. Each sample is a fresh node process (bench/synth-child.ts compiled once with tsc); time is construct + `Testing.synth(chart)` (chart.toJson(), which in cdk8s 2.70 also runs the chart validations) or construct + `app.synth()`; peak RSS is `process.resourceUsage().maxRSS` and includes module loading. Median of 5, of 3 for 1000 sites. The tmpfs rows write the output folder to /dev/shm (memory), which leaves the CPU part; the disk floor writes the files of 1000 contexts (the same folders, files and bytes as one rendered site, 1000 times) with plain fs calls.',
    '- 3: the host\'s Debian nginx-light binary for all three configs, uid 65532 in a private mount namespace; wrk runs on the same machine and competes for the same CPUs; runs in mirrored order (ours, stock, ours without the open file cache, then back).',
    '- 4: `podman run -d --ip <fixed>` (runc, cgroupfs, vfs storage) to the first 200 from fetch polling every 10 ms; the containers are removed after each sample.',
    '',
  ];
  fs.writeFileSync(path.join(__dirname, 'results.md'), lines.join('\n'));
  console.log(`\nwrote bench/results.md; wall time ${wall.toFixed(1)} s`);
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
