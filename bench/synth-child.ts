// One synth measurement in a fresh process (run by bench/synth.ts):
//   synth-child.ts <ours|workload|baseline> <manifests|full> <sites> <outdir>
//     ours: ScratchNginx per site (config, image build context, hardened workload, report)
//     workload: NginxWorkload per site from an image model (the image is built elsewhere): manifests and report
//     baseline: the same hardening by hand with cdk8s-plus-27
//   synth-child.ts floor full <sites> <outdir>   (the files of N build contexts, written with plain fs calls)
// Prints one JSON line: construct and synth milliseconds, and the process's peak RSS.
// Module loading (cdk8s, cdk8s-plus-27, the library) happens before the clock starts, but counts in the RSS.
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart, Duration, JsonPatch, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { NginxConfig, NginxImage, NginxWorkload, ScratchNginx } from '../src';

const [kind, mode, sitesArg, outdir] = process.argv.slice(2);
const sites = Number(sitesArg);
// Run with the repository as the working directory (bench/synth.ts does; the compiled copy lives under .work/).
const HTML = path.join(process.cwd(), 'examples/seed/html');

/** ScratchNginx per site: the nginx config, the image build context and the hardened workload. */
function ours(chart: Chart, i: number): void {
  new ScratchNginx(chart, `site${i}`, {
    config: new NginxConfig({ servers: [{ name: `site${i}`, serverNames: [`site${i}.example.com`], defaultServer: true }] }),
    repository: `registry.example.com/web/site${i}`,
    tag: '1.0.0',
    htmlDir: HTML,
  });
}

/** NginxWorkload per site from an image model: the same manifests and report, no build context. */
function workload(chart: Chart, i: number): void {
  const image = new NginxImage({
    config: new NginxConfig({ servers: [{ name: `site${i}`, serverNames: [`site${i}.example.com`], defaultServer: true }] }),
    repository: `registry.example.com/web/site${i}`,
    tag: '1.0.0',
    htmlDir: HTML,
  });
  new NginxWorkload(chart, `site${i}`, { image });
}

/** The same hardening by hand with cdk8s-plus-27 and L1 ApiObjects (no config, no image context). */
function baseline(chart: Chart, i: number): void {
  const labels = { 'app.kubernetes.io/name': `site${i}` };
  const sa = new kplus.ServiceAccount(chart, `sa${i}`, { automountToken: false });
  const deployment = new kplus.Deployment(chart, `deploy${i}`, {
    replicas: 2,
    serviceAccount: sa,
    automountServiceAccountToken: false,
    terminationGracePeriod: Duration.seconds(30),
    securityContext: { ensureNonRoot: true, user: 65532, group: 65532 },
    podMetadata: { labels },
    containers: [{
      name: 'nginx',
      image: `registry.example.com/web/site${i}:1.0.0`,
      ports: [{ number: 8080, name: 'http' }],
      securityContext: {
        ensureNonRoot: true, user: 65532, group: 65532, readOnlyRootFilesystem: true, privileged: false, allowPrivilegeEscalation: false,
      },
      resources: {
        cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) },
        memory: { request: Size.mebibytes(64), limit: Size.mebibytes(128) },
      },
      startup: kplus.Probe.fromHttpGet('/healthz', { port: 8080, periodSeconds: Duration.seconds(1), failureThreshold: 30 }),
      readiness: kplus.Probe.fromHttpGet('/healthz', { port: 8080, periodSeconds: Duration.seconds(5), failureThreshold: 2 }),
      liveness: kplus.Probe.fromTcpSocket({ port: 8080, periodSeconds: Duration.seconds(10), failureThreshold: 3 }),
      volumeMounts: [{
        path: '/dev/shm',
        volume: kplus.Volume.fromEmptyDir(chart, `shm${i}`, 'shm', { medium: kplus.EmptyDirMedium.MEMORY, sizeLimit: Size.mebibytes(64) }),
      }],
    }],
  });
  ApiObject.of(deployment).addJsonPatch(
    JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }),
    JsonPatch.add('/spec/template/spec/containers/0/securityContext/capabilities', { drop: ['ALL'] }),
    JsonPatch.add('/spec/template/spec/containers/0/resources/requests/ephemeral-storage', '64Mi'),
    JsonPatch.add('/spec/template/spec/containers/0/resources/limits/ephemeral-storage', '128Mi'),
  );
  deployment.exposeViaService({ ports: [{ port: 80, targetPort: 8080, name: 'http' }] });
  new ApiObject(chart, `pdb${i}`, {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    spec: { maxUnavailable: 1, selector: { matchLabels: labels } },
  });
  new ApiObject(chart, `netpol${i}`, {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    spec: {
      podSelector: { matchLabels: labels },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ ports: [{ port: 8080, protocol: 'TCP' }] }],
      egress: [{ ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] }],
    },
  });
}

/**
 * The disk floor of `sites` build contexts: the folders and files of one site's context (rendered before the
 * clock starts) written `sites` times with mkdir, writeFile and copyFile only: no model, no checks, no YAML.
 */
function floor(): void {
  const files = new NginxImage({
    config: new NginxConfig({ servers: [{ name: 'site0', serverNames: ['site0.example.com'], defaultServer: true }] }),
    repository: 'registry.example.com/web/site0',
    htmlDir: HTML,
  }).buildContext();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < sites; i++) {
    const dir = path.join(outdir, 'images', `site${i}`);
    const made = new Set<string>();
    for (const f of files) {
      const target = path.join(dir, f.path);
      if (!made.has(path.dirname(target))) {
        fs.mkdirSync(path.dirname(target), { recursive: true });
        made.add(path.dirname(target));
      }
      if (f.sourcePath) fs.copyFileSync(f.sourcePath, target);
      else fs.writeFileSync(target, f.content);
    }
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  process.stdout.write(JSON.stringify({
    constructMs: 0, synthMs: ms, totalMs: ms, maxRssKb: process.resourceUsage().maxRSS, objects: 0, contextsWritten: sites,
  }) + '\n');
}

if (kind === 'floor') {
  floor();
  process.exit(0);
}

const app = new App({ outdir });
const t0 = process.hrtime.bigint();
// All sites in ONE chart: cdk8s validates the whole app once per chart, so N charts would cost N^2.
const chart = new Chart(app, 'sites', { namespace: 'web' });
const site = kind === 'ours' ? ours : kind === 'workload' ? workload : baseline;
for (let i = 0; i < sites; i++) site(chart, i);
const t1 = process.hrtime.bigint();
let objects: number;
if (mode === 'manifests') {
  // chart.toJson(): in cdk8s 2.70 it runs the chart's validations too (so ours may write build contexts), then renders.
  objects = Testing.synth(chart).length;
} else {
  app.synth(); // validations (ours writes every build context), then the YAML
  objects = chart.node.findAll().filter(c => c instanceof ApiObject).length;
}
const t2 = process.hrtime.bigint();
process.stdout.write(JSON.stringify({
  constructMs: Number(t1 - t0) / 1e6,
  synthMs: Number(t2 - t1) / 1e6,
  totalMs: Number(t2 - t0) / 1e6,
  maxRssKb: process.resourceUsage().maxRSS,
  objects,
  contextsWritten: fs.existsSync(path.join(outdir, 'images')) ? fs.readdirSync(path.join(outdir, 'images')).length : 0,
}) + '\n');
