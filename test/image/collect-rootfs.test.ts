import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const SCRIPT = path.join(__dirname, '../../src/image/collect-rootfs.sh');
const ci = process.env.CI === 'true';
const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const haveNginx = fs.existsSync('/usr/sbin/nginx');
const haveMusl = have('musl-gcc') && have('musl-ldd');
const haveGcc = have('gcc');
if (ci && !(haveNginx && haveMusl && haveGcc)) {
  throw new Error('nginx-light, musl-tools and gcc are needed: .ci/run must install them.');
}

let work: string;
beforeEach(() => { work = fs.mkdtempSync(path.join(os.tmpdir(), 'closure-')); });
afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

function collect(files: string[], env: NodeJS.ProcessEnv = {}) {
  const out = path.join(work, 'rootfs');
  const r = spawnSync('sh', [SCRIPT, out, ...files], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { out, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file below `root`, as absolute paths inside it. */
function listFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else found.push(`/${path.relative(root, p)}`);
    }
  };
  walk(root);
  return found.sort();
}

/** What ldd itself says the binary needs: the "=> /path" targets and the loader line. */
function lddPaths(binary: string, ldd = 'ldd'): string[] {
  const text = spawnSync(ldd, [binary], { encoding: 'utf8' }).stdout;
  const paths = new Set<string>();
  for (const line of text.split('\n')) {
    const arrow = /=>\s*(\/\S+)/.exec(line);
    const loader = /^\s*(\/\S+)\s+\(/.exec(line);
    if (arrow) paths.add(arrow[1]);
    else if (loader) paths.add(loader[1]);
  }
  return [...paths];
}

function compile(compiler: string, source: string, output: string, extra: string[] = []) {
  const src = path.join(work, `${path.basename(output)}.c`);
  fs.writeFileSync(src, source);
  const r = spawnSync(compiler, ['-o', output, src, ...extra], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${compiler} failed: ${r.stderr}`);
}

(haveNginx ? describe : describe.skip)('glibc: Debian nginx', () => {
  test('collects nginx, every library ldd lists and the loader, as regular files; nginx runs from them alone', () => {
    const r = collect(['/usr/sbin/nginx']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const files = listFiles(r.out);
    const expected = ['/usr/sbin/nginx', ...lddPaths('/usr/sbin/nginx')].sort();
    expect(files).toEqual(expected);
    expect(files).toContain('/lib64/ld-linux-x86-64.so.2');
    expect(files.map(f => path.basename(f))).toEqual(expect.arrayContaining(['libc.so.6', 'libpcre2-8.so.0', 'libssl.so.3', 'libcrypto.so.3', 'libz.so.1']));
    for (const f of files) {
      expect(fs.lstatSync(path.join(r.out, f)).isSymbolicLink()).toBe(false);
    }
    // The proof: a chroot holding only these files runs nginx.
    const run = spawnSync('chroot', [r.out, '/usr/sbin/nginx', '-v'], { encoding: 'utf8' });
    expect(run.stderr).toMatch(/^nginx version: nginx\//);
    expect(run.status).toBe(0);
  });
});

(haveMusl ? describe : describe.skip)('musl: a program built with musl-gcc', () => {
  test('collects the program and the musl loader; the program runs from them alone', () => {
    const bin = path.join(work, 'hello-musl');
    compile('musl-gcc', '#include <stdio.h>\nint main(void){puts("hello from musl");return 0;}\n', bin);
    const r = collect([bin], { LDD: 'musl-ldd' });
    expect(r.status).toBe(0);
    const files = listFiles(r.out);
    expect(files).toEqual([bin, '/lib/ld-musl-x86_64.so.1'].sort());
    expect(files).toEqual([bin, ...lddPaths(bin, 'musl-ldd')].filter((v, i, a) => a.indexOf(v) === i).sort());
    const run = spawnSync('chroot', [r.out, bin], { encoding: 'utf8' });
    expect(run.stdout).toBe('hello from musl\n');
  });

  test('a static binary needs nothing but itself', () => {
    const bin = path.join(work, 'static-musl');
    compile('musl-gcc', 'int main(void){return 0;}\n', bin, ['-static']);
    const r = collect([bin], { LDD: 'musl-ldd' });
    expect(r.status).toBe(0);
    expect(listFiles(r.out)).toEqual([bin]);
  });
});

(haveGcc ? describe : describe.skip)('failures', () => {
  test('a library that is "not found" fails the build and names it', () => {
    const libDir = path.join(work, 'lib');
    fs.mkdirSync(libDir);
    compile('gcc', 'int gone(void){return 7;}\n', path.join(libDir, 'libgone.so'), ['-shared', '-fPIC']);
    const bin = path.join(work, 'needs-gone');
    compile('gcc', 'int gone(void);\nint main(void){return gone();}\n', bin, [`-L${libDir}`, '-lgone']);
    fs.rmSync(libDir, { recursive: true });
    const r = collect([bin]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('needs libraries that are not in the base image');
    expect(r.stderr).toMatch(/libgone\.so => not found/);
  });

  test('a missing file fails the build', () => {
    const r = collect(['/usr/lib/nginx/modules/ngx_no_such_module.so']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('/usr/lib/nginx/modules/ngx_no_such_module.so does not exist');
  });

  test('usage error without files', () => {
    const r = collect([]);
    expect(r.status).toBe(2);
  });
});
