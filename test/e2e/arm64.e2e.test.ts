import * as fs from 'fs';
import * as path from 'path';
import { Podman, ensureDebianNginxBase, haveCommands, playDeployment } from '../helpers/podman';
import { validateCycloneDx } from '../helpers/schema';
import { manifests, synthExample } from '../helpers/synth';

/**
 * linux/arm64 from the same build context: a Debian 12 arm64 base debootstrapped under qemu-user-static,
 * `buildah bud --platform linux/arm64`, then the manifest run by `podman kube play` under emulation. The
 * closure, the package records and the SBOM are computed inside the arm64 builder, so they are arm64's.
 */
const TOOLS = ['buildah', 'podman', 'runc', 'debootstrap'];
const QEMU = '/proc/sys/fs/binfmt_misc/qemu-aarch64';
const emulated = process.arch === 'arm64' || (fs.existsSync(QEMU) && fs.readFileSync(QEMU, 'utf8').startsWith('enabled'));
const available = haveCommands(...TOOLS) && emulated;
if (!available && process.env.CI === 'true') {
  throw new Error(`arm64 test needs ${TOOLS.join(', ')} and qemu-user-static registered with binfmt_misc (${QEMU}); under CI a skip is a failure: .ci/run installs and registers them.`);
}
if (!available) {
  // eslint-disable-next-line no-console
  console.warn(`SKIPPED arm64 test: install ${TOOLS.join(', ')} and qemu-user-static, and register it (see .ci/run).`);
}

const BASE = 'localhost/nginx-base-arm64:bookworm';
const WORK = path.join(__dirname, '../../.work/arm64');

(available ? describe : describe.skip)('linux/arm64: the seed example built and run under emulation', () => {
  const podman = new Podman(WORK);
  let imageRef = '';
  let kubeFile = '';
  let podIp = '';

  beforeAll(() => {
    ensureDebianNginxBase(podman, BASE, 'arm64');
    const outdir = path.join(WORK, 'synth');
    fs.rmSync(outdir, { recursive: true, force: true });
    synthExample('seed', { baseImage: BASE, outdir });
    const objects = manifests(outdir);
    imageRef = objects.find(o => o.kind === 'Deployment').spec.template.spec.containers[0].image;
    const context = path.join(outdir, 'images', fs.readdirSync(path.join(outdir, 'images'))[0]);
    podman.run('buildah', ['bud', '--layers=false', '--pull=never', '--platform', 'linux/arm64', '--timestamp', '0', '-t', imageRef, '-f', path.join(context, 'Dockerfile'), context], { timeoutMs: 900_000 });
    kubeFile = path.join(WORK, 'seed.kube.yaml');
    podIp = playDeployment(podman, objects, kubeFile).podIp;
  }, 1_800_000);

  afterAll(() => {
    if (kubeFile) podman.run('podman', ['kube', 'down', kubeFile], { allowFailure: true });
    podman.run('podman', ['image', 'prune', '--force'], { allowFailure: true });
  });

  test('the image is arm64: its config, its nginx (ELF machine aarch64), its package records and its SBOM', () => {
    expect(podman.run('podman', ['image', 'inspect', '--format', '{{.Architecture}}', imageRef]).stdout.trim()).toBe('arm64');
    const mount = podman.run('podman', ['image', 'mount', imageRef]).stdout.trim();
    try {
      const elf = fs.readFileSync(path.join(mount, 'usr/sbin/nginx')).subarray(0, 20);
      expect(elf.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
      expect(elf.readUInt16LE(18)).toBe(183); // EM_AARCH64
      expect(fs.readFileSync(path.join(mount, 'var/lib/dpkg/status.d/libc6'), 'utf8')).toMatch(/^Architecture: arm64$/m);
      expect(fs.existsSync(path.join(mount, 'lib/ld-linux-aarch64.so.1'))).toBe(true);
      const sbom = JSON.parse(fs.readFileSync(path.join(mount, 'var/lib/cdk8s-scratch-nginx/sbom.cdx.json'), 'utf8'));
      expect(validateCycloneDx(sbom)).toBe(true);
      const purls = sbom.components.filter((c: any) => c.purl).map((c: any) => c.purl);
      expect(purls.length).toBeGreaterThan(3);
      // Architecture-independent packages (nginx-common's mime.types) are 'all'; every binary one is arm64.
      for (const p of purls) expect(p).toMatch(/\?arch=(arm64|all)&/);
      expect(purls.filter((p: string) => /^pkg:deb\/debian\/(nginx|libc6)@/.test(p)).map((p: string) => /arch=([a-z0-9]+)/.exec(p)![1])).toEqual(['arm64', 'arm64']);
    } finally {
      podman.run('podman', ['image', 'unmount', imageRef], { allowFailure: true });
    }
  });

  test('the pod serves: GET / is 200 with the seed page, from nginx running under emulation', async () => {
    const deadline = Date.now() + 120_000;
    let res: Response | undefined;
    while (!res) {
      try {
        res = await fetch(`http://${podIp}:8080/`);
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await new Promise(r => setTimeout(r, 500));
      }
    }
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<h1>Welcome to nginx from scratch!</h1>');
  }, 180_000);
});
