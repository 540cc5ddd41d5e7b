import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { haveCommands } from '../helpers/podman';
import { validateCycloneDx } from '../helpers/schema';

/**
 * The builder's record-packages.sh, run for real: on this Debian machine against dpkg's own database (the
 * records are read back by dpkg-query), and against a hand-written Alpine apk database in apk's format (no
 * Alpine base can be had here without a registry). The SBOM is validated against CycloneDX 1.5's schema.
 */
const SCRIPT = path.join(__dirname, '../../src/image/record-packages.sh');
const COLLECT = path.join(__dirname, '../../src/image/collect-rootfs.sh');
const FIXTURES = path.join(__dirname, 'fixtures');
const TOOLS = ['dpkg-query', 'nginx', 'sha256sum', 'md5sum'];
const available = haveCommands(...TOOLS) && fs.existsSync('/usr/sbin/nginx');
if (!available && process.env.CI === 'true') throw new Error(`record-packages test needs ${TOOLS.join(', ')} and Debian's nginx: .ci/run installs them.`);


function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync('sh', [SCRIPT, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'record-packages-'));
const sbomOf = (rootfs: string) => JSON.parse(fs.readFileSync(path.join(rootfs, 'var/lib/cdk8s-scratch-nginx/sbom.cdx.json'), 'utf8'));

/** Every file component of the SBOM: path to [package name or '', sha256]. */
function filesOf(sbom: any): Map<string, [string, string]> {
  const out = new Map<string, [string, string]>();
  for (const c of sbom.components) {
    if (c.type === 'file') out.set(c.name, ['', c.hashes[0].content]);
    for (const f of c.components ?? []) out.set(f.name, [c.name, f.hashes[0].content]);
  }
  return out;
}

(available ? describe : describe.skip)('Debian: the records of the packages that own nginx and its closure', () => {
  const rootfs = path.join(tmp(), 'rootfs');
  let output = '';
  beforeAll(() => {
    expect(spawnSync('sh', [COLLECT, rootfs, '/usr/sbin/nginx'], { encoding: 'utf8' }).status).toBe(0);
    fs.mkdirSync(path.join(rootfs, 'etc/nginx'), { recursive: true });
    fs.copyFileSync('/etc/nginx/mime.types', path.join(rootfs, 'etc/nginx/mime.types'));
    const r = run([rootfs]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    output = r.stdout;
  });
  afterAll(() => fs.rmSync(path.dirname(rootfs), { recursive: true, force: true }));

  /** The packages dpkg itself says own the image's files. */
  function owners(): Map<string, string> {
    const out = new Map<string, string>();
    const files = spawnSync('find', [rootfs, '-type', 'f', '!', '-path', '*/var/lib/*'], { encoding: 'utf8' }).stdout.trim().split('\n');
    for (const f of files) {
      const p = f.slice(rootfs.length);
      // Under Debian's merged /usr a library may be recorded as /usr/lib/... or /lib/...: dpkg answers for one.
      const spellings = [p, p.startsWith('/usr/') ? p.slice(4) : `/usr${p}`];
      const owner = spellings.map(q => /^([^ :,]+)[^ ]*: \//m.exec(spawnSync('dpkg-query', ['-S', q], { encoding: 'utf8' }).stdout)?.[1]).find(o => o !== undefined);
      if (owner) out.set(owner, spawnSync('dpkg-query', ['-W', '-f', '${Version}', owner], { encoding: 'utf8' }).stdout);
    }
    return out;
  }

  test('dpkg-query reads the status.d stanzas back: exactly the owning packages, nginx among them, each with the installed version', () => {
    const statusD = path.join(rootfs, 'var/lib/dpkg/status.d');
    const admin = path.join(path.dirname(rootfs), 'admin');
    fs.mkdirSync(path.join(admin, 'info'), { recursive: true });
    const stanzas = fs.readdirSync(statusD).filter(f => !f.endsWith('.md5sums')).sort();
    fs.writeFileSync(path.join(admin, 'status'), stanzas.map(f => `${fs.readFileSync(path.join(statusD, f), 'utf8').trimEnd()}\n`).join('\n'));
    const listed = spawnSync('dpkg-query', [`--admindir=${admin}`, '-W', '-f', '${Package}\t${Version}\t${Status}\n'], { encoding: 'utf8' });
    expect(listed.stderr).toBe('');
    const got = new Map(listed.stdout.trim().split('\n').map(l => l.split('\t')).map(([p, v, s]) => [p, `${v} ${s}`]));
    const expected = owners();
    expect(expected.has('nginx')).toBe(true);
    expect([...expected.keys()]).toEqual(expect.arrayContaining(['libc6', 'libssl3', 'zlib1g']));
    expect(Object.fromEntries(got)).toEqual(Object.fromEntries([...expected].map(([p, v]) => [p, `${v} install ok installed`])));
    expect(stanzas).toEqual([...expected.keys()].sort());
    for (const p of expected.keys()) expect(output).toContain(`record-packages: ${p} ${expected.get(p)}\n`);
  });

  test('each package\'s md5sums list exactly its copied files, and they check', () => {
    const statusD = path.join(rootfs, 'var/lib/dpkg/status.d');
    const sums = fs.readdirSync(statusD).filter(f => f.endsWith('.md5sums'));
    expect(sums.length).toBeGreaterThan(3);
    for (const f of sums) {
      const check = spawnSync('md5sum', ['-c', path.join(statusD, f)], { cwd: rootfs, encoding: 'utf8' });
      expect([f, check.status]).toEqual([f, 0]);
    }
    const nginx = fs.readFileSync(path.join(statusD, 'nginx.md5sums'), 'utf8');
    expect(nginx).toMatch(/^[0-9a-f]{32} {2}usr\/sbin\/nginx$/m);
  });

  test('the SBOM is CycloneDX 1.5, names every file of the image with its SHA-256 under the package that owns it, with purls', () => {
    const sbom = sbomOf(rootfs);
    expect(validateCycloneDx(sbom)).toBe(true);
    const files = filesOf(sbom);
    const tree = spawnSync('find', [rootfs, '-type', 'f', '!', '-path', '*/var/lib/*'], { encoding: 'utf8' }).stdout.trim().split('\n').sort();
    expect([...files.keys()].sort()).toEqual(tree.map(f => f.slice(rootfs.length)));
    for (const f of tree) expect(files.get(f.slice(rootfs.length))![1]).toBe(sha256(f));
    expect(files.get('/usr/sbin/nginx')![0]).toBe('nginx');
    const nginx = sbom.components.find((c: any) => c.name === 'nginx');
    const version = spawnSync('dpkg-query', ['-W', '-f', '${Version}', 'nginx'], { encoding: 'utf8' }).stdout;
    expect(nginx.version).toBe(version);
    expect(nginx.purl).toBe(`pkg:deb/debian/nginx@${version.replace(/\+/g, '%2B')}?arch=${spawnSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).stdout.trim()}&distro=debian-12`);
    // An epoch is a qualifier, as scanners expect it.
    for (const c of sbom.components.filter((x: any) => /^[0-9]+:/.test(x.version ?? ''))) {
      expect(c.purl).toContain(`&epoch=${c.version.split(':')[0]}`);
      expect(c.purl).not.toContain(`@${c.version.split(':')[0]}:`);
    }
  });

  test('the same files give the same bytes (records and SBOM)', () => {
    const again = path.join(tmp(), 'rootfs');
    try {
      spawnSync('sh', [COLLECT, again, '/usr/sbin/nginx']);
      fs.mkdirSync(path.join(again, 'etc/nginx'), { recursive: true });
      fs.copyFileSync('/etc/nginx/mime.types', path.join(again, 'etc/nginx/mime.types'));
      expect(run([again]).status).toBe(0);
      for (const rel of ['var/lib/cdk8s-scratch-nginx/sbom.cdx.json', 'var/lib/dpkg/status.d/nginx', 'var/lib/dpkg/status.d/libc6.md5sums']) {
        expect([rel, fs.readFileSync(path.join(again, rel), 'utf8') === fs.readFileSync(path.join(rootfs, rel), 'utf8')]).toEqual([rel, true]);
      }
    } finally {
      fs.rmSync(path.dirname(again), { recursive: true, force: true });
    }
  });

  test('FILEs given (the explicit file list) are recorded from the base, where they are copied from later', () => {
    const dir = tmp();
    try {
      const out = path.join(dir, 'rootfs');
      fs.mkdirSync(out);
      expect(run([out, '/usr/sbin/nginx']).status).toBe(0);
      const files = filesOf(sbomOf(out));
      expect([...files.keys()]).toEqual(['/usr/sbin/nginx']);
      expect(files.get('/usr/sbin/nginx')).toEqual(['nginx', sha256('/usr/sbin/nginx')]);
      expect(fs.readdirSync(path.join(out, 'var/lib/dpkg/status.d'))).toEqual(['nginx']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Alpine: the owning packages\' entries of the apk database (a hand-written database in apk\'s format)', () => {
  const dir = tmp();
  const root = path.join(dir, 'base');
  const out = path.join(dir, 'rootfs');
  const files = ['/usr/sbin/nginx', '/lib/ld-musl-x86_64.so.1', '/usr/lib/libpcre2-8.so.0.13.0', '/etc/nginx/mime.types', '/usr/local/bin/own-tool'];
  beforeAll(() => {
    fs.mkdirSync(path.join(root, 'lib/apk/db'), { recursive: true });
    fs.mkdirSync(path.join(root, 'etc'), { recursive: true });
    fs.copyFileSync(path.join(FIXTURES, 'apk/installed'), path.join(root, 'lib/apk/db/installed'));
    fs.writeFileSync(path.join(root, 'etc/os-release'), 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.3\n');
    for (const f of files) {
      fs.mkdirSync(path.join(out, path.dirname(f)), { recursive: true });
      fs.writeFileSync(path.join(out, f), `content of ${f}\n`);
    }
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('installed holds exactly the entries of the packages that own a copied file, whole and unchanged', () => {
    const r = run([out], { RECORD_ROOT: root });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const entries = (text: string) => text.split(/\n\n/).map(b => b.trim()).filter(b => b !== '');
    const all = entries(fs.readFileSync(path.join(FIXTURES, 'apk/installed'), 'utf8'));
    const kept = entries(fs.readFileSync(path.join(out, 'lib/apk/db/installed'), 'utf8'));
    const name = (b: string) => /^P:(.*)$/m.exec(b)![1];
    expect(kept.map(name)).toEqual(['musl', 'pcre2', 'nginx']);
    for (const b of kept) expect(all).toContain(b);
    expect(r.stdout).toContain('record-packages: /usr/local/bin/own-tool belongs to no package\n');
    expect(r.stdout).toContain('record-packages: nginx 1.26.2-r0\n');
  });

  test('the SBOM names the apk packages with apk purls and every file, valid CycloneDX 1.5', () => {
    const sbom = sbomOf(out);
    expect(validateCycloneDx(sbom)).toBe(true);
    expect(sbom.components.filter((c: any) => c.type === 'library').map((c: any) => c.purl)).toEqual([
      'pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=alpine-3.20.3',
      'pkg:apk/alpine/nginx@1.26.2-r0?arch=x86_64&distro=alpine-3.20.3',
      'pkg:apk/alpine/pcre2@10.43-r0?arch=x86_64&distro=alpine-3.20.3',
    ]);
    const got = filesOf(sbom);
    expect(Object.fromEntries([...got].map(([p, [pkg]]) => [p, pkg]))).toEqual({
      '/etc/nginx/mime.types': 'nginx',
      '/lib/ld-musl-x86_64.so.1': 'musl',
      '/usr/lib/libpcre2-8.so.0.13.0': 'pcre2',
      '/usr/local/bin/own-tool': '',
      '/usr/sbin/nginx': 'nginx',
    });
    for (const f of files) expect(got.get(f)![1]).toBe(sha256(path.join(out, f)));
  });
});

describe('any base', () => {
  test('no package database: no records, a notice, and an SBOM of the files alone', () => {
    const dir = tmp();
    try {
      const out = path.join(dir, 'rootfs');
      fs.mkdirSync(path.join(out, 'usr/sbin'), { recursive: true });
      fs.writeFileSync(path.join(out, 'usr/sbin/nginx'), 'x');
      const r = run([out], { RECORD_ROOT: path.join(dir, 'empty') });
      expect(r.status).toBe(0);
      expect(r.stderr).toBe('record-packages: the base image has no dpkg or apk database: the image gets no package records\n');
      expect(fs.existsSync(path.join(out, 'var/lib/dpkg'))).toBe(false);
      const sbom = sbomOf(out);
      expect(validateCycloneDx(sbom)).toBe(true);
      expect(sbom.components).toEqual([{ 'type': 'file', 'bom-ref': 'file:/usr/sbin/nginx', 'name': '/usr/sbin/nginx', 'hashes': [{ alg: 'SHA-256', content: sha256(path.join(out, 'usr/sbin/nginx')) }] }]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a path with quotes and backslashes is escaped in the SBOM; one with a control character fails the build', () => {
    const dir = tmp();
    try {
      const out = path.join(dir, 'rootfs');
      const odd = '/srv/a "quoted" \\ name';
      fs.mkdirSync(path.join(out, '/srv'), { recursive: true });
      fs.writeFileSync(path.join(out, odd), 'x');
      expect(run([out], { RECORD_ROOT: path.join(dir, 'empty') }).status).toBe(0);
      expect(sbomOf(out).components.map((c: any) => c.name)).toEqual([odd]);
      fs.writeFileSync(path.join(out, '/srv/bad\u0001name'), 'x');
      const r = run([out], { RECORD_ROOT: path.join(dir, 'empty') });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain('a control character in');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the schema check can fail: a document without bomFormat, or with a bad hash, is refused', () => {
    expect(() => validateCycloneDx({ specVersion: '1.5' })).toThrow(/not a CycloneDX 1.5 document/);
    expect(() => validateCycloneDx({ bomFormat: 'CycloneDX', specVersion: '1.5', components: [{ type: 'file', name: 'x', hashes: [{ alg: 'SHA-256', content: 'xyz' }] }] })).toThrow(/not a CycloneDX/);
  });
});
