import * as fs from 'fs';
import * as path from 'path';
import { BASE, ROOT, Row, WORK, fmtBytes } from './common';
import { Podman } from '../test/helpers/podman';
import { manifests, synthExample } from '../test/helpers/synth';

/** Every regular file below dir (not following symlinks), absolute path -> size. */
function regularFiles(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.set(p, fs.statSync(p).size);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

/**
 * Benchmark 1: the seed image against the bytes nginx needs at run time.
 *
 * The limit is computed independently of the library's build: the base image is mounted and `ldd
 * /usr/sbin/nginx` runs inside it (chroot), and each path of the closure is measured with `stat -L` in the
 * same chroot (symlinks resolved inside the base, not on the host). Added: the base's mime.types, the
 * nginx.conf and conf.d/*.conf that synth generated, and the example's html folder.
 */
export function imageBenchmark(podman: Podman): { rows: Row[]; details: string[] } {
  const outdir = path.join(WORK, 'synth', 'seed');
  fs.rmSync(outdir, { recursive: true, force: true });
  synthExample('seed', { baseImage: BASE, outdir });
  const deployment = manifests(outdir).find(o => o.kind === 'Deployment');
  const imageRef: string = deployment.spec.template.spec.containers[0].image;
  const context = path.join(outdir, 'images', fs.readdirSync(path.join(outdir, 'images'))[0]);
  const t0 = Date.now();
  podman.run('buildah', ['bud', '--layers=false', '--pull=never', '-t', imageRef, '-f', path.join(context, 'Dockerfile'), context], { timeoutMs: 600_000 });
  const buildMs = Date.now() - t0;
  podman.run('podman', ['image', 'prune', '--force'], { allowFailure: true });

  const imageBytes = Number(podman.run('podman', ['image', 'inspect', '--format', '{{.Size}}', imageRef]).stdout.trim());
  const baseBytes = Number(podman.run('podman', ['image', 'inspect', '--format', '{{.Size}}', BASE]).stdout.trim());

  // The run-time closure, from the base image.
  const baseMount = podman.run('podman', ['image', 'mount', BASE]).stdout.trim();
  let closure: Array<{ path: string; size: number }>;
  try {
    const script = 'set -e; { echo /usr/sbin/nginx; ldd /usr/sbin/nginx | sed -n -e "s/^.*=> \\(\\/[^ ]*\\).*$/\\1/p" -e "s/^[[:space:]]*\\(\\/[^ ]*\\) (.*$/\\1/p"; echo /etc/nginx/mime.types; } '
      + '| sort -u | while read -r p; do stat -L -c "%s %n" "$p"; done';
    const out = podman.run('chroot', [baseMount, '/bin/sh', '-c', script]).stdout;
    closure = out.trim().split('\n').map(l => { const [size, p] = l.split(' '); return { path: p, size: Number(size) }; });
  } finally {
    podman.run('podman', ['image', 'unmount', BASE], { allowFailure: true });
  }
  const generated = new Map<string, number>();
  for (const f of ['nginx.conf', ...fs.readdirSync(path.join(context, 'conf.d')).map(name => `conf.d/${name}`)]) {
    generated.set(`/etc/nginx/${f}`, fs.statSync(path.join(context, f)).size);
  }
  const html = regularFiles(path.join(ROOT, 'examples/seed/html'));
  const runtime = closure.reduce((a, c) => a + c.size, 0) + sum(generated) + sum(html);

  // What the final image holds.
  const mount = podman.run('podman', ['image', 'mount', imageRef]).stdout.trim();
  let files: Map<string, number>;
  try {
    files = regularFiles(mount);
  } finally {
    podman.run('podman', ['image', 'unmount', imageRef], { allowFailure: true });
  }
  // The package records and the SBOM that the builder writes (issue 15): part of the limit, measured apart.
  const metadata = new Map([...files].filter(([p]) => /^\/(var\/lib\/dpkg\/status\.d|var\/lib\/cdk8s-scratch-nginx|lib\/apk\/db)\//.test(`/${path.relative(mount, p)}`)));
  const limit = runtime + sum(metadata);
  const limitPaths = new Set([
    ...closure.map(c => c.path), ...generated.keys(), ...[...html.keys()].map(p => `/usr/share/nginx/html/${path.relative(path.join(ROOT, 'examples/seed/html'), p)}`),
    ...[...metadata.keys()].map(p => `/${path.relative(mount, p)}`),
  ]);
  const extra = [...files.keys()].map(p => `/${path.relative(mount, p)}`).filter(p => !limitPaths.has(p));

  const ratio = imageBytes / limit;
  const baseRatio = imageBytes / baseBytes;
  return {
    rows: [
      { benchmark: '1 image', figure: 'final image size vs limit (run-time files + package records + SBOM)', value: fmtBytes(imageBytes), baseline: `limit ${fmtBytes(limit)}`, ratio: `${ratio.toFixed(4)} (+${((ratio - 1) * 100).toFixed(2)} %)`, goal: '<= 1.02', met: ratio <= 1.02 },
      { benchmark: '1 image', figure: 'final image size vs base image', value: fmtBytes(imageBytes), baseline: `base ${fmtBytes(baseBytes)}`, ratio: `${(baseRatio * 100).toFixed(2)} %`, goal: '< 10 %', met: baseRatio < 0.10 },
      { benchmark: '1 image', figure: 'regular files in the final image', value: String(files.size), baseline: `${limitPaths.size} in the limit`, ratio: '-', goal: '-' },
    ],
    details: [
      `image ${imageRef} built from examples/seed against ${BASE} in ${buildMs} ms (buildah bud --layers=false)`,
      `limit = ${closure.length} closure files (nginx, ${closure.length - 2} ldd paths, mime.types) ${closure.reduce((a, c) => a + c.size, 0)} B + generated config ${sum(generated)} B + html ${sum(html)} B + package records and SBOM ${sum(metadata)} B (${metadata.size} files)`,
      `image vs run-time files alone (without the records and SBOM): ${(imageBytes / runtime).toFixed(4)}`,
      `files in the image but not in the limit: ${extra.join(', ') || 'none'}`,
    ],
  };
}
