import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { NginxConfig, ScratchNginx } from '../src';
const n = Number(process.argv[2] ?? 100);
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
const t0 = process.hrtime.bigint();
const app = new App({ outdir });
for (let i = 0; i < n; i++) {
  const chart = new Chart(app, `site${i}`, { namespace: `site${i}` });
  new ScratchNginx(chart, 'web', { config: new NginxConfig({ servers: [{ name: 'site', serverNames: [`s${i}.example.com`] }] }), repository: `localhost/site${i}` });
}
const t1 = process.hrtime.bigint();
app.synth();
const t2 = process.hrtime.bigint();
console.log(`${n} sites: construct ${(Number(t1 - t0) / 1e6).toFixed(0)} ms, synth ${(Number(t2 - t1) / 1e6).toFixed(0)} ms, rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
fs.rmSync(outdir, { recursive: true, force: true });
