import * as fs from 'fs';
import * as path from 'path';
import { Podman, ensureDebianNginxBase, haveCommands, playDeployment } from '../helpers/podman';
import { validateCycloneDx } from '../helpers/schema';
import { manifests, synthExample } from '../helpers/synth';

/**
 * End to end: a local Debian base image with nginx (no registry), the static-site example synthesised
 * against it, `buildah bud`, the synthesised manifest run by `podman kube play` (which honours the
 * securityContext), HTTP checks against the pod, the image's file list, and a graceful `podman kube down`.
 */
const TOOLS = ['buildah', 'podman', 'runc', 'debootstrap', 'unshare'];
const available = haveCommands(...TOOLS);
if (!available && process.env.CI === 'true') {
  throw new Error(`end-to-end test needs ${TOOLS.join(', ')}; under CI a skip is a failure: .ci/run must install them.`);
}
if (!available) {
  // eslint-disable-next-line no-console
  console.warn(`SKIPPED end-to-end test: install ${TOOLS.join(', ')} (see .ci/run) to run it.`);
}

const BASE = 'localhost/nginx-base:bookworm';
const WORK = path.join(__dirname, '../../.work/e2e');

jest.setTimeout(60_000);

interface Case {
  readonly example: string;
  readonly index: string;
  readonly files: string[];
  readonly directory?: string;
  readonly noticeLog?: boolean;
}
const CASES: Case[] = [
  { example: 'seed', index: '<h1>Welcome to nginx from scratch!</h1>', files: ['/etc/nginx/conf.d/default.conf'] },
  { example: 'static-site', index: '<h1>Example static site</h1>', files: ['/etc/nginx/conf.d/site.conf', '/usr/share/nginx/html/assets/site.css'], directory: '/about', noticeLog: true },
];

(available ? describe.each(CASES) : describe.skip.each(CASES))('example $example, built with buildah and run with podman kube play', (c: Case) => {
  const podman = new Podman(WORK);
  let outdir: string;
  let kubeFile: string;
  let imageRef: string;
  let podIp: string;
  let containerName: string;
  let podId: string;
  let contextDir: string;

  beforeAll(() => {
    ensureDebianNginxBase(podman, BASE);
    outdir = path.join(WORK, 'synth', c.example);
    fs.rmSync(outdir, { recursive: true, force: true });
    synthExample(c.example, { baseImage: BASE, outdir });
    const objects = manifests(outdir);
    const deployment = objects.find(o => o.kind === 'Deployment');
    imageRef = deployment.spec.template.spec.containers[0].image;
    const context = path.dirname(path.join(outdir, fs.readdirSync(path.join(outdir, 'images')).map(d => `images/${d}/Dockerfile`)[0]));
    contextDir = context;
    // --timestamp: a fixed creation time and file times, so the same context gives the same image (README).
    podman.run('buildah', ['bud', '--layers=false', '--pull=never', '--timestamp', '0', '-t', imageRef, '-f', path.join(context, 'Dockerfile'), context], { timeoutMs: 600_000 });
    // The manifest asks for 2+ replicas and declares its ports; playDeployment runs one, on the pod IP.
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
    expect(deployment.spec.template.spec.containers[0].ports.length).toBeGreaterThan(0);
    kubeFile = path.join(WORK, `${c.example}.kube.yaml`);
    const pod = playDeployment(podman, objects, kubeFile);
    podId = pod.podId;
    containerName = pod.containerId;
    podIp = pod.podIp;
  }, 900_000);

  afterAll(() => {
    podman.run('podman', ['kube', 'down', kubeFile], { allowFailure: true });
    // Each build leaves the previous image of the same tag dangling in the private storage.
    podman.run('podman', ['image', 'prune', '--force'], { allowFailure: true });
  });

  async function get(urlPath: string): Promise<Response> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        return await fetch(`http://${podIp}:8080${urlPath}`, { redirect: 'manual' });
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await new Promise(r => setTimeout(r, 200));
      }
    }
  }

  test('the container runs as the image uid/gid, read-only, with no capabilities', () => {
    const inspect = JSON.parse(podman.run('podman', ['inspect', containerName]).stdout)[0];
    expect(inspect.State.Running).toBe(true);
    expect(inspect.HostConfig.ReadonlyRootfs).toBe(true);
    expect(inspect.Config.User).toBe('65532:65532');
    expect(inspect.EffectiveCaps ?? []).toEqual([]);
    expect(inspect.HostConfig.SecurityOpt).toEqual(expect.arrayContaining(['no-new-privileges']));
    expect(inspect.Config.StopSignal).toBe(3);
  });

  test('GET / is 200 with the example index page; the Server header has no version', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(c.index);
    expect(res.headers.get('server')).toBe('nginx');
  });

  test('GET /missing is 404, the error page is internal, a directory redirect stays relative (absolute_redirect off)', async () => {
    expect((await get('/missing')).status).toBe(404);
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/50x.html')).status).toBe(404);
    if (c.directory) {
      const redirect = await get(c.directory);
      expect(redirect.status).toBe(301);
      expect(redirect.headers.get('location')).toBe(`${c.directory}/`);
      expect((await get(`${c.directory}/`)).status).toBe(200);
    }
  });

  test('the image holds no shell, busybox or package manager, and no executable but nginx', () => {
    const mount = podman.run('podman', ['image', 'mount', imageRef]).stdout.trim();
    try {
      const files: Array<{ path: string; mode: number }> = [];
      const walk = (dir: string) => {
        for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
          const p = path.join(dir, e.name);
          if (e.isDirectory()) walk(p);
          else files.push({ path: `/${path.relative(mount, p)}`, mode: fs.lstatSync(p).mode });
        }
      };
      walk(mount);
      const paths = files.map(f => f.path);
      for (const forbidden of [/\/(ba|da|a)?sh$/, /busybox/, /\/(apt|apt-get|dpkg|apk)$/, /\/bin\/(ls|cat|cp|env)$/]) {
        expect(paths.filter(p => forbidden.test(p))).toEqual([]);
      }
      // eslint-disable-next-line no-bitwise
      const executables = files.filter(f => (f.mode & 0o111) !== 0 && !/\.so(\.[0-9]+)*$/.test(f.path)).map(f => f.path);
      expect(executables).toEqual(['/usr/sbin/nginx']);
      expect(paths).toEqual(expect.arrayContaining(['/etc/passwd', '/etc/group', '/etc/nginx/nginx.conf', '/etc/nginx/mime.types', '/usr/share/nginx/html/index.html', ...c.files]));
      expect(fs.readFileSync(path.join(mount, 'etc/passwd'), 'utf8')).toBe('nginx:x:65532:65532:nginx:/nonexistent:/sbin/nologin\n');
      // eslint-disable-next-line no-console
      console.log(`image ${imageRef}: ${files.length} files, ${files.reduce((n, f) => n + fs.statSync(path.join(mount, f.path)).size, 0)} bytes`);
    } finally {
      podman.run('podman', ['image', 'unmount', imageRef], { allowFailure: true });
    }
  });

  test('supply chain: package records that dpkg-query reads, a CycloneDX SBOM, base labels, and the same image when built again', () => {
    const mount = podman.run('podman', ['image', 'mount', imageRef]).stdout.trim();
    try {
      // The status.d stanzas, read back by dpkg itself (it reads one status file: join them).
      const statusD = path.join(mount, 'var/lib/dpkg/status.d');
      const admin = path.join(WORK, `${c.example}.admin`);
      fs.rmSync(admin, { recursive: true, force: true });
      fs.mkdirSync(path.join(admin, 'info'), { recursive: true });
      const stanzas = fs.readdirSync(statusD).filter(f => !f.endsWith('.md5sums')).sort();
      fs.writeFileSync(path.join(admin, 'status'), stanzas.map(f => `${fs.readFileSync(path.join(statusD, f), 'utf8').trimEnd()}\n`).join('\n'));
      const listed = podman.run('dpkg-query', [`--admindir=${admin}`, '-W', '-f', '${Package} ${Version}\n']).stdout;
      // The base is Debian 12's nginx-light: nginx (the binary's package) and its libraries, with their versions.
      const baseRoot = podman.run('podman', ['image', 'mount', BASE]).stdout.trim();
      const base = podman.run('dpkg-query', [`--admindir=${baseRoot}/var/lib/dpkg`, '-W', '-f', '${Package} ${Version}\n', 'nginx', 'libc6', 'libssl3', 'zlib1g', 'libpcre2-8-0']).stdout;
      podman.run('podman', ['image', 'unmount', BASE], { allowFailure: true });
      for (const line of base.trim().split('\n')) expect(listed).toContain(`${line}\n`);
      const sbom = JSON.parse(fs.readFileSync(path.join(mount, 'var/lib/cdk8s-scratch-nginx/sbom.cdx.json'), 'utf8'));
      expect(validateCycloneDx(sbom)).toBe(true);
      const nginx = sbom.components.find((x: any) => x.name === 'nginx');
      expect(nginx.components.map((f: any) => f.name)).toContain('/usr/sbin/nginx');
    } finally {
      podman.run('podman', ['image', 'unmount', imageRef], { allowFailure: true });
    }
    const labels = JSON.parse(podman.run('podman', ['image', 'inspect', imageRef]).stdout)[0].Labels;
    expect(labels['org.opencontainers.image.base.name']).toBe(BASE);
    // Built again from the same context with the same --timestamp: the same image, byte for byte.
    const again = `${imageRef}-again`;
    podman.run('buildah', ['bud', '--layers=false', '--pull=never', '--timestamp', '0', '-t', again, '-f', path.join(contextDir, 'Dockerfile'), contextDir], { timeoutMs: 600_000 });
    const id = (ref: string) => podman.run('podman', ['image', 'inspect', '--format', '{{.Id}} {{.Digest}}', ref]).stdout.trim();
    expect(id(again)).toBe(id(imageRef));
    podman.run('podman', ['rmi', again], { allowFailure: true });
  }, 600_000);

  // podman 4.3.1's `kube down` removes the pod with SIGKILL (seen with strace: no signal reaches nginx's
  // log), so the graceful stop is shown with `podman pod stop`, which sends the image's STOPSIGNAL, as the
  // kubelet does; `kube down` then removes what is left.
  test('stopping the pod stops nginx gracefully (SIGQUIT), then podman kube down removes it', () => {
    podman.run('podman', ['pod', 'stop', podId]);
    const inspect = JSON.parse(podman.run('podman', ['inspect', containerName]).stdout)[0];
    expect(inspect.State.ExitCode).toBe(0);
    const logs = podman.run('podman', ['logs', containerName]).stderr;
    expect(logs).not.toMatch(/\[(emerg|alert|crit)\]/);
    if (c.noticeLog) {
      // error_log at notice shows which signal stopped nginx: SIGQUIT is the graceful one.
      expect(logs).toMatch(/signal 3 \(SIGQUIT\) received/);
      expect(logs).toMatch(/gracefully shutting down/);
      expect(logs).toMatch(/worker process \d+ exited with code 0/);
    }
    podman.run('podman', ['kube', 'down', kubeFile]);
    expect(podman.run('podman', ['pod', 'exists', podId], { allowFailure: true }).status).not.toBe(0);
  });
});
