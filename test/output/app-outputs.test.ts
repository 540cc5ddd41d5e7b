import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { NginxImage } from '../../src/image/nginx-image';
import { NginxConfig } from '../../src/nginx/config';
import { AppOutputs } from '../../src/output/app-outputs';
import { CONTEXT_MARKER_LINE } from '../../src/output/folder';
import { ChartReport } from '../../src/workload/chart-report';

const image = () => new NginxImage({ config: new NginxConfig(), repository: 'site', tag: '1.0.0' });

describe('AppOutputs: per-app bookkeeping as a construct under the root, nothing stashed on App', () => {
  test('one state per app, found again by id; separate apps keep separate state', () => {
    const app = new App();
    const a = new Chart(app, 'a');
    const b = new Chart(app, 'b');
    expect(AppOutputs.of(a)).toBe(AppOutputs.of(b));
    expect(AppOutputs.of(a).node.path).toBe('cdk8s-scratch-nginx');
    expect(AppOutputs.of(new Chart(new App(), 'c'))).not.toBe(AppOutputs.of(a));
    expect(Object.getOwnPropertySymbols(app).map(String).filter(x => x.includes('scratch-nginx'))).toEqual([]);
  });

  test('the first construct to use an image reports it; the others do not, and asking again does not change it', () => {
    const app = new App();
    const img = image();
    const first = new Construct(new Chart(app, 'a'), 'first');
    const second = new Construct(new Chart(app, 'b'), 'second');
    const state = AppOutputs.of(app);
    expect(state.claimImageValidation(first, img)).toBe(true);
    expect(state.claimImageValidation(second, img)).toBe(false);
    expect(state.claimImageValidation(first, img)).toBe(true);
    expect(state.claimImageValidation(second, image())).toBe(true);
  });

  test('a build-context folder claimed twice names the first owner', () => {
    const app = new App();
    const a = new Construct(app, 'a');
    const b = new Construct(app, 'b');
    const state = AppOutputs.of(app);
    expect(state.claimFolder(a, '/out/images/site')).toBeUndefined();
    expect(state.claimFolder(a, '/out/images/site')).toBeUndefined();
    expect(state.claimFolder(b, '/out/images/site')).toBe('a');
    expect(state.claimFolder(b, '/out/images/other')).toBeUndefined();
  });

  test('the reserved ids are refused with the construct to rename', () => {
    const app = new App();
    new Construct(app, 'cdk8s-scratch-nginx');
    expect(() => AppOutputs.of(app)).toThrow("the construct id 'cdk8s-scratch-nginx' at the root of the app is reserved for cdk8s-scratch-nginx; rename the construct cdk8s-scratch-nginx.");
    const chart = new Chart(new App(), 'site');
    new Construct(chart, 'cdk8s-scratch-nginx-report');
    expect(() => ChartReport.of(chart)).toThrow("the construct id 'cdk8s-scratch-nginx-report' in a chart is reserved for cdk8s-scratch-nginx; rename the construct site/cdk8s-scratch-nginx-report.");
  });

  test('one report per chart, found again by id', () => {
    const chart = new Chart(new App(), 'site');
    expect(ChartReport.of(new Construct(chart, 'x'))).toBe(ChartReport.of(chart));
    expect(ChartReport.of(chart).node.path).toBe('site/cdk8s-scratch-nginx-report');
    expect(Object.getOwnPropertySymbols(chart).map(String).filter(x => x.includes('scratch-nginx'))).toEqual([]);
  });
});

describe('AppOutputs: the one writer', () => {
  let outdir: string;
  beforeEach(() => { outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'app-outputs-')); });
  afterEach(() => fs.rmSync(outdir, { recursive: true, force: true }));

  const IGNORE = { path: '.dockerignore', content: `${CONTEXT_MARKER_LINE}\n*\n` };

  test('writes in the validation of a synthesis, and only what changed since its last write', () => {
    const app = new App({ outdir });
    const owner = new Construct(new Chart(app, 'c'), 'owner');
    const outputs = AppOutputs.of(owner);
    const files = [IGNORE, { path: 'Dockerfile', content: 'FROM scratch\n' }];
    let report = 'one';
    let valid = false;
    const produced: string[] = [];
    outputs.addOutput(owner, () => { produced.push('folder'); return valid ? { folder: path.join(outdir, 'ctx'), files } : undefined; });
    outputs.addOutput(owner, () => ({ files: [{ path: path.join(outdir, 'reports/r.md'), content: report }] }));
    const reportFile = path.join(outdir, 'reports/r.md');
    app.synth();
    // An invalid producer writes nothing; the report is written once although cdk8s validated twice.
    expect(fs.existsSync(path.join(outdir, 'ctx'))).toBe(false);
    expect(fs.readFileSync(reportFile, 'utf8')).toBe('one');
    expect(produced).toEqual(['folder', 'folder']);
    // Unchanged content is not written again (the hand edit stays); the folder is written once it is valid.
    fs.writeFileSync(reportFile, 'edited');
    valid = true;
    app.synth();
    expect(fs.readFileSync(path.join(outdir, 'ctx/Dockerfile'), 'utf8')).toBe('FROM scratch\n');
    expect(fs.readFileSync(reportFile, 'utf8')).toBe('edited');
    // The same folder files are not written again; a changed report is.
    fs.rmSync(path.join(outdir, 'ctx'), { recursive: true });
    report = 'two';
    app.synth();
    expect(fs.existsSync(path.join(outdir, 'ctx'))).toBe(false);
    expect(fs.readFileSync(reportFile, 'utf8')).toBe('two');
  });

  test('a failed write fails the synth with the owner and the cause', () => {
    const app = new App({ outdir });
    const owner = new Construct(new Chart(app, 'c'), 'owner');
    fs.mkdirSync(path.join(outdir, 'ctx'));
    fs.writeFileSync(path.join(outdir, 'ctx/mine.txt'), 'user file');
    AppOutputs.of(owner).addOutput(owner, () => ({ folder: path.join(outdir, 'ctx'), files: [IGNORE] }));
    expect(() => app.synth()).toThrow(/\[cdk8s-scratch-nginx\] writing the output of c\/owner failed: refusing to write the image build context into .*ctx: the folder holds files this library did not write/);
    expect(fs.readFileSync(path.join(outdir, 'ctx/mine.txt'), 'utf8')).toBe('user file');
  });

  test('the pass number changes at the start of every validation pass, and not in between', () => {
    const app = new App({ outdir });
    const chart = new Chart(app, 'c');
    const outputs = AppOutputs.of(chart);
    const seen: number[] = [];
    new Construct(chart, 'a').node.addValidation({ validate: () => { seen.push(outputs.pass); return []; } });
    new Construct(chart, 'b').node.addValidation({ validate: () => { seen.push(outputs.pass); return []; } });
    const before = outputs.pass;
    app.synth();
    // app.synth validates the app, then once more for its one chart.
    expect(seen).toEqual([before + 1, before + 1, before + 2, before + 2]);
  });
});
