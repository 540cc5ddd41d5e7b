#!/usr/bin/env node
/**
 * `npx cdk8s-scratch-nginx preview`: builds the image of a synth output locally and runs its Deployment with
 * `podman kube play`, then prints the address. `npx cdk8s-scratch-nginx preview --down` stops it.
 *
 * Every command runs without a shell (argument vectors), so no path or name is ever parsed by one.
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';
import { Yaml } from 'cdk8s';
import { PreviewContext, PreviewError, PreviewPlan, planPreview } from './plan';

const USAGE = `Usage: cdk8s-scratch-nginx preview [options]

Builds the image of a cdk8s synth output and runs one replica of its Deployment locally with
podman kube play, on a host port; the synth output itself is not changed.

Options:
  --dist <folder>        the synth output (default: dist)
  --deployment <name>    the Deployment to run (needed when the output has several)
  --context <folder>     the build context, relative to the output (default: the one named after the image)
  --from <image>         build on this local base image instead of the Dockerfile's FROM (buildah, podman)
  --builder <tool>       buildah, podman or docker (default: the first one installed, in that order)
  --port <n>             the host port of the first container port (default: the container port)
  --timeout <seconds>    how long to wait for the readiness probe (default: 60)
  --down                 stop the preview of this output and Deployment
  -h, --help             this text`;

const BUILDERS = ['buildah', 'podman', 'docker'];

function have(command: string): boolean {
  return spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;
}

function run(command: string, args: string[], options: { quiet?: boolean; allowFailure?: boolean } = {}): string {
  const r = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', options.quiet ? 'pipe' : 'inherit'], maxBuffer: 64 * 1024 * 1024 });
  if (!options.allowFailure && (r.error || r.status !== 0)) {
    throw new PreviewError(`${command} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})${r.stderr ? `:\n${r.stderr}` : ''}`);
  }
  return r.stdout ?? '';
}

/** Every object of every manifest (`*.k8s.yaml`, `*.yaml`) at the top of the output folder. */
function readObjects(dist: string): any[] {
  const files = fs.readdirSync(dist).filter(f => /\.ya?ml$/.test(f)).sort();
  if (files.length === 0) throw new PreviewError(`${dist} holds no manifest: run cdk8s synth first, or point --dist at the app's output folder.`);
  return files.flatMap(f => Yaml.load(path.join(dist, f))).filter(o => o !== null && o !== undefined);
}

/** Every `images/<name>/Dockerfile` of the output, and any other folder with a Dockerfile one level below it. */
function findContexts(dist: string): PreviewContext[] {
  const out: PreviewContext[] = [];
  const walk = (rel: string, depth: number) => {
    const abs = path.join(dist, rel);
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (fs.existsSync(path.join(dist, child, 'Dockerfile'))) out.push({ dir: child });
      else if (depth < 2) walk(child, depth + 1);
    }
  };
  walk('', 0);
  return out.sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
}

/** Where the preview's kube file lives: one per output folder and Deployment, outside the output. */
function kubeFile(dist: string, deployment: string): string {
  const key = createHash('sha256').update(`${path.resolve(dist)}\n${deployment}`).digest('hex').slice(0, 12);
  // One folder per user (mode 0700), so another user of the machine cannot plant or read the file.
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
  return path.join(os.tmpdir(), `cdk8s-scratch-nginx-preview-${uid}`, `${deployment}-${key}.yaml`);
}

function build(plan: PreviewPlan, dist: string, builder: string, from: string | undefined): void {
  for (const b of plan.builds) {
    const context = path.join(dist, b.contextDir);
    const fromArgs = from ? ['--from', from] : [];
    process.stdout.write(`Building ${b.tag} from ${context} with ${builder}${from ? ` on ${from}` : ''}\n`);
    if (builder === 'buildah') {
      run('buildah', ['bud', '--layers=false', ...fromArgs, '-t', b.tag, '-f', path.join(context, 'Dockerfile'), context]);
    } else if (builder === 'podman') {
      run('podman', ['build', '--layers=false', ...fromArgs, '-t', b.tag, '-f', path.join(context, 'Dockerfile'), context]);
    } else {
      if (from) throw new PreviewError('docker build cannot replace the Dockerfile\'s FROM: use --builder buildah or podman, or synthesise with the base image set (NginxImage baseImage).');
      run('docker', ['build', '-t', b.tag, '-f', path.join(context, 'Dockerfile'), context]);
      // podman runs the preview: hand it the image docker built.
      const archive = path.join(os.tmpdir(), `cdk8s-scratch-nginx-preview-${process.pid}.tar`);
      try {
        run('docker', ['save', '-o', archive, b.tag]);
        run('podman', ['load', '-i', archive], { quiet: true });
      } finally {
        fs.rmSync(archive, { force: true });
      }
    }
  }
}

function down(file: string): void {
  if (!fs.existsSync(file)) return;
  run('podman', ['kube', 'down', file], { quiet: true, allowFailure: true });
  // kube down keeps the volumes kube play made for the ConfigMaps: remove those (and only those).
  const doc = Yaml.load(file);
  for (const o of doc) {
    if (o?.kind === 'ConfigMap' || o?.kind === 'Secret') run('podman', ['volume', 'rm', '--force', String(o.metadata.name)], { quiet: true, allowFailure: true });
  }
}

async function waitReady(url: string, timeoutSeconds: number): Promise<number> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { redirect: 'manual' });
      if (res.status >= 200 && res.status < 400) return res.status;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise(r => setTimeout(r, 250));
  }
  throw new PreviewError(`the pod did not become ready: ${url} gave ${last} for ${timeoutSeconds} s. See podman logs and podman pod ps.`);
}

/** Runs the command line; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      dist: { type: 'string', default: 'dist' },
      deployment: { type: 'string' },
      context: { type: 'string' },
      from: { type: 'string' },
      builder: { type: 'string' },
      port: { type: 'string' },
      timeout: { type: 'string', default: '60' },
      down: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1 || positionals[0] !== 'preview') {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const dist = values.dist!;
  if (!fs.existsSync(dist) || !fs.statSync(dist).isDirectory()) throw new PreviewError(`${dist} is not a folder: run cdk8s synth first, or point --dist at the app's output folder.`);
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !/^[0-9]+$/.test(values.port!)) throw new PreviewError(`--port ${JSON.stringify(values.port)} must be a number.`);
  const timeout = Number(values.timeout);
  if (!(timeout > 0)) throw new PreviewError(`--timeout ${JSON.stringify(values.timeout)} must be a positive number of seconds.`);

  const plan = planPreview(readObjects(dist), findContexts(dist), { deployment: values.deployment, context: values.context, hostPort: port });
  const file = kubeFile(dist, plan.deployment);
  if (values.down) {
    down(file);
    fs.rmSync(file, { force: true });
    process.stdout.write(`Stopped the preview of ${plan.deployment}.\n`);
    return 0;
  }

  if (!have('podman')) throw new PreviewError('podman is needed to run the manifest (podman kube play); install it (Debian: apt-get install podman catatonit).');
  const builder = values.builder ?? BUILDERS.find(have);
  if (!builder || !BUILDERS.includes(builder)) throw new PreviewError(`--builder must be one of ${BUILDERS.join(', ')}${builder ? `, not ${JSON.stringify(builder)}` : ': none is installed'}.`);
  build(plan, dist, builder, values.from);

  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // eslint-disable-next-line no-bitwise
  if ((fs.statSync(path.dirname(file)).mode & 0o077) !== 0 || fs.lstatSync(path.dirname(file)).isSymbolicLink()) {
    throw new PreviewError(`${path.dirname(file)} is open to other users or a link; remove it and run again.`);
  }
  down(file);
  fs.writeFileSync(file, Yaml.stringify(...plan.objects));
  run('podman', ['kube', 'play', file], { quiet: true });
  if (plan.readyUrl) await waitReady(plan.readyUrl, timeout);
  process.stdout.write(`Preview of ${plan.deployment} (one replica, image ${plan.builds.map(b => b.tag).join(', ')}): ${plan.url}\n`);
  process.stdout.write(`Stop it with: npx cdk8s-scratch-nginx preview --down${values.dist !== 'dist' ? ` --dist ${dist}` : ''}${values.deployment ? ` --deployment ${plan.deployment}` : ''}\n`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(code => process.exit(code), (e: unknown) => {
    process.stderr.write(`cdk8s-scratch-nginx preview: ${e instanceof PreviewError ? e.message : (e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  });
}
