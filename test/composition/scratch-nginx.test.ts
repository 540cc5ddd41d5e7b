import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { DockerfileParser } from 'dockerfile-ast';
import { ScratchNginx, ScratchNginxProps } from '../../src/composition/scratch-nginx';
import { NginxImage } from '../../src/image/nginx-image';
import { ScratchImage } from '../../src/image/scratch-image';
import { NginxConfig } from '../../src/nginx/config';
import { Directive } from '../../src/nginx/directive';
import { NginxWorkload } from '../../src/workload/nginx-workload';
import { manifests, readTree } from '../helpers/synth';

let outdir: string;
beforeEach(() => { outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'compose-')); });
afterEach(() => fs.rmSync(outdir, { recursive: true, force: true }));

function synth(props: Partial<ScratchNginxProps> & { config?: NginxConfig } = {}) {
  const app = new App({ outdir });
  const chart = new Chart(app, 'site');
  const web = new ScratchNginx(chart, 'web', { config: props.config ?? new NginxConfig(), repository: 'localhost/site', ...props });
  app.synth();
  return { web, tree: readTree(outdir), objects: manifests(outdir) };
}

function synthError(build: (chart: Chart) => void): string {
  const app = new App({ outdir });
  build(new Chart(app, 'site'));
  try {
    app.synth();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('synth was expected to fail');
}

describe('one model, three outputs that agree', () => {
  const config = new NginxConfig({
    runtimeDir: '/run/nginx',
    servers: [{ name: 'main', port: 9000, healthPath: '/livez' }, { name: 'admin', port: 9001, serverNames: ['admin'] }],
  });
  let out: ReturnType<typeof synth>;
  beforeAll(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'compose-'));
    out = synth({ config, uid: 20001, gid: 20002, tag: '3.1.4' });
  });

  test('port: listen, EXPOSE, containerPort, probes and Service targetPort', () => {
    const dockerfile = out.tree['images/site/Dockerfile'];
    expect(dockerfile).toContain('EXPOSE 9000/tcp 9001/tcp');
    expect(out.tree['images/site/conf.d/main.conf']).toContain('listen 9000;');
    expect(out.tree['images/site/conf.d/admin.conf']).toContain('listen 9001;');
    const deployment = out.objects.find(o => o.kind === 'Deployment');
    const c = deployment.spec.template.spec.containers[0];
    expect(c.ports.map((p: any) => p.containerPort)).toEqual([9000, 9001]);
    for (const probe of [c.readinessProbe, c.startupProbe]) {
      expect(probe.httpGet).toMatchObject({ port: 9000, path: '/livez' });
    }
    expect(c.livenessProbe.tcpSocket).toEqual({ port: 9000 });
    expect(out.tree['images/site/conf.d/main.conf']).toContain('location = /livez {');
    const service = out.objects.find(o => o.kind === 'Service');
    expect(service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 9000 }, { name: 'http-9001', port: 9001, targetPort: 9001 }]);
  });

  test('uid/gid: Dockerfile USER, passwd, pod and container securityContext', () => {
    const dockerfile = DockerfileParser.parse(out.tree['images/site/Dockerfile']);
    const user = dockerfile.getInstructions().filter(i => i.getKeyword() === 'USER').map(i => i.getArgumentsContent());
    expect(user).toEqual(['20001:20002']);
    expect(out.tree['images/site/rootfs/etc/passwd']).toBe('nginx:x:20001:20002:nginx:/nonexistent:/sbin/nologin\n');
    const spec = out.objects.find(o => o.kind === 'Deployment').spec.template.spec;
    expect(spec.securityContext).toMatchObject({ runAsUser: 20001, runAsGroup: 20002, runAsNonRoot: true });
    expect(spec.containers[0].securityContext).toMatchObject({ runAsUser: 20001, runAsGroup: 20002 });
  });

  test('writable paths: every path nginx writes is under the emptyDir mount, and nothing else is writable', () => {
    const nginxConf = out.tree['images/site/nginx.conf'];
    expect(nginxConf).toContain('pid /run/nginx/nginx.pid;');
    expect(nginxConf).toContain('client_body_temp_path /run/nginx/client_temp;');
    const spec = out.objects.find(o => o.kind === 'Deployment').spec.template.spec;
    expect(spec.containers[0].volumeMounts).toEqual([{ name: 'nginx-runtime', mountPath: '/run/nginx' }]);
    expect(spec.volumes).toEqual([{ name: 'nginx-runtime', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } }]);
    expect(spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
    for (const w of config.writablePaths()) expect(w.path.startsWith('/run/nginx/')).toBe(true);
  });

  test('image reference: the tag the context is built for is the image the Deployment pulls', () => {
    expect(out.web.model.buildTag).toBe('localhost/site:3.1.4');
    expect(out.objects.find(o => o.kind === 'Deployment').spec.template.spec.containers[0].image).toBe('localhost/site:3.1.4');
    expect(out.tree['images/site/Dockerfile']).toContain('org.opencontainers.image.version="3.1.4"');
  });

  test('the build context holds exactly the rendered files', () => {
    const context = Object.keys(out.tree).filter(f => f.startsWith('images/site/')).map(f => f.slice('images/site/'.length));
    expect(context).toEqual(out.web.model.buildContext().map(f => f.path).sort());
    for (const f of out.web.model.buildContext()) expect(out.tree[`images/site/${f.path}`]).toBe(f.content);
  });
});

describe('writing the build context', () => {
  test('contextDir places it; a second synth replaces it (no stale files)', () => {
    const config = new NginxConfig({ servers: [{ name: 'one' }] });
    synth({ config, contextDir: 'ctx/web' });
    expect(fs.existsSync(path.join(outdir, 'ctx/web/conf.d/one.conf'))).toBe(true);
    const renamed = new NginxConfig({ servers: [{ name: 'two' }] });
    synth({ config: renamed, contextDir: 'ctx/web' });
    expect(fs.existsSync(path.join(outdir, 'ctx/web/conf.d/one.conf'))).toBe(false);
    expect(fs.existsSync(path.join(outdir, 'ctx/web/conf.d/two.conf'))).toBe(true);
  });

  test('a folder with files this library did not write is never replaced', () => {
    fs.mkdirSync(path.join(outdir, 'images/site'), { recursive: true });
    fs.writeFileSync(path.join(outdir, 'images/site/precious.txt'), 'keep');
    expect(() => synth()).toThrow(/refusing to write the image build context .* holds files this library did not write/);
    expect(fs.readFileSync(path.join(outdir, 'images/site/precious.txt'), 'utf8')).toBe('keep');
  });

  test('a folder whose .dockerignore this library did not write is never replaced', () => {
    fs.mkdirSync(path.join(outdir, 'images/site'), { recursive: true });
    fs.writeFileSync(path.join(outdir, 'images/site/.dockerignore'), 'node_modules\n');
    expect(() => synth()).toThrow(/refusing to write the image build context/);
    expect(fs.readFileSync(path.join(outdir, 'images/site/.dockerignore'), 'utf8')).toBe('node_modules\n');
  });

  test('modes are 0644 and 0755 whatever the umask and the html\'s own modes (nginx reads them as non-root)', () => {
    const html = fs.mkdtempSync(path.join(os.tmpdir(), 'html-'));
    fs.mkdirSync(path.join(html, 'docs'), { mode: 0o700 });
    fs.writeFileSync(path.join(html, 'docs/index.html'), 'docs', { mode: 0o600 });
    const umask = process.umask(0o077);
    try {
      synth({ htmlDir: html });
    } finally {
      process.umask(umask);
      fs.rmSync(html, { recursive: true, force: true });
    }
    const mode = (p: string) => fs.statSync(path.join(outdir, 'images/site', p)).mode % 0o1000;
    expect([mode('.'), mode('html'), mode('html/docs'), mode('conf.d')]).toEqual([0o755, 0o755, 0o755, 0o755]);
    expect([mode('Dockerfile'), mode('nginx.conf'), mode('html/docs/index.html'), mode('collect-rootfs.sh')]).toEqual([0o644, 0o644, 0o644, 0o755]);
  });

  test('an invalid model writes nothing', () => {
    expect(() => synth({ uid: 0 })).toThrow(/uid is 0/);
    expect(fs.existsSync(path.join(outdir, 'images'))).toBe(false);
  });

  test('two images in one app cannot share a context folder', () => {
    const message = synthError(chart => {
      new ScratchNginx(chart, 'a', { config: new NginxConfig(), repository: 'localhost/same' });
      new ScratchNginx(chart, 'b', { config: new NginxConfig(), repository: 'registry.example.com/other/same' });
    });
    expect(message).toContain('[site/b/Image] the build context folder images/same is already used by site/a/Image');
  });

  test('contextDir must stay inside the output folder', () => {
    const message = synthError(chart => new ScratchNginx(chart, 'web', { config: new NginxConfig(), contextDir: '../escape' }));
    expect(message).toContain("contextDir \"../escape\" must be a relative path inside the app's output folder");
  });

  test('Testing.synth of a chart writes into the test app\'s own folder', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'site');
    const web = new ScratchNginx(chart, 'web', { config: new NginxConfig() });
    Testing.synth(chart);
    expect(web.image.contextPath.startsWith(path.resolve(app.outdir))).toBe(true);
    expect(fs.existsSync(path.join(web.image.contextPath, 'Dockerfile'))).toBe(true);
  });
});

describe('bad input fails at synth with the construct path, what and how', () => {
  test.each([
    ['port below 1024', { config: new NginxConfig({ servers: [{ name: 'default', port: 80 }] }) }, "server 'default': port 80 is below 1024", 'Listen on 8080'],
    ['port out of range', { config: new NginxConfig({ servers: [{ name: 'default', port: 0 }] }) }, 'port 0 is out of range', 'from 1024 to 65535'],
    ['uid 0', { uid: 0 }, 'uid is 0 (root)', 'Use a non-zero id'],
    ['gid 0', { gid: 0 }, 'gid is 0 (root)', 'Use a non-zero id'],
    ['relative root', { config: new NginxConfig({ servers: [{ name: 'default', root: 'html' }] }) }, 'root "html" is not an absolute path', 'use an absolute path'],
    ['server name with a space', { config: new NginxConfig({ servers: [{ name: 'default', serverNames: ['a b'] }] }) }, 'server name "a b"', "use a host name such as 'example.com'"],
    ['server name with ;', { config: new NginxConfig({ servers: [{ name: 'default', serverNames: ['a;b'] }] }) }, 'server name "a;b"', 'use a host name'],
    ['server name with {', { config: new NginxConfig({ servers: [{ name: 'default', serverNames: ['a{'] }] }) }, 'server name "a{"', 'use a host name'],
    ['server name with a quote', { config: new NginxConfig({ servers: [{ name: 'default', serverNames: ['a"b'] }] }) }, 'server name "a\\"b"', 'use a host name'],
    ['server name with a newline', { config: new NginxConfig({ servers: [{ name: 'default', serverNames: ['a\nb'] }] }) }, 'serverNames[0] "a\\nb" contains the control character U+000A', 'use a host name'],
    ['untagged base image', { baseImage: 'nginx' }, 'baseImage "nginx" has no tag or digest', 'pin it'],
    ['latest base image', { baseImage: 'nginx:latest' }, "uses the 'latest' tag", 'pin a version tag or a digest'],
    ['two servers on the same port and name', { config: new NginxConfig({ servers: [{ name: 'a' }, { name: 'b' }] }) }, "servers 'a' and 'b' both answer for 'localhost' on port 8080", 'Give one of them another server name or another port'],
    ['a write path on the read-only root', { config: new NginxConfig().addHttpDirective(Directive.of('proxy_cache_path', '/var/cache/nginx/cache', 'keys_zone=c:1m')) }, 'proxy_cache_path writes to /var/cache/nginx/cache, which is on the read-only root filesystem', 'move it under /dev/shm'],
    ['htmlDir /', { htmlDir: '/' }, 'htmlDir "/" is the whole filesystem', "point it at the folder holding index.html, such as 'html'"],
    ['htmlDir /proc', { htmlDir: '/proc' }, 'htmlDir "/proc" is under /proc, a kernel filesystem', 'Point it at the folder holding index.html'],
    ['a NUL in nginxBinary', { nginxBinary: '/usr/sbin/nginx\u0000' }, 'nginxBinary "/usr/sbin/nginx\\u0000" contains the control character U+0000', 'use an absolute path such as "/usr/sbin/nginx"'],
    ['shell words in nginxBinary', { nginxBinary: '/usr/sbin/nginx;rm -rf x' }, 'nginxBinary "/usr/sbin/nginx;rm -rf x" has the segment "nginx;rm -rf x"', "use letters, digits, '.', '_', '-', '+', '@' and '~' only"],
    ['a command substitution in a module', { config: new NginxConfig({ modules: ['/usr/lib/$(id).so'] }) }, 'modules[0] "/usr/lib/$(id).so" has the segment', 'such as "/usr/lib/nginx/modules/'],
    ['runtimeDir /proc', { config: new NginxConfig({ runtimeDir: '/proc' }) }, 'runtimeDir "/proc" is under /proc, a kernel filesystem', 'such as "/dev/shm"'],
    ['runtimeDir holding the nginx binary', { config: new NginxConfig({ runtimeDir: '/usr' }) }, 'runtimeDir "/usr" holds /usr/share/nginx/html, which the image ships', "such as '/dev/shm'"],
    ['a label key with a space', { labels: { 'a b': 'x' } }, 'labels key "a b" is not a label name', 'such as "org.opencontainers.image.source"'],
    ['a label value with a line break', { labels: { 'org.example.note': 'a\nLABEL x=y' } }, 'labels["org.example.note"] "a\\nLABEL x=y" contains the control character U+000A', 'write it on one line'],
  ] as Array<[string, Partial<ScratchNginxProps>, string, string]>)('%s', (_name, props, what, how) => {
    const message = synthError(chart => new ScratchNginx(chart, 'web', { config: new NginxConfig(), ...props }));
    expect(message).toContain('[site/web/Image]');
    expect(message).toContain(what);
    expect(message).toContain(how);
  });

  test('an htmlDir holding the output folder is refused: the build context would copy itself', () => {
    const html = fs.mkdtempSync(path.join(os.tmpdir(), 'html-'));
    fs.writeFileSync(path.join(html, 'index.html'), 'x');
    const app = new App({ outdir: path.join(html, 'dist') });
    new ScratchNginx(new Chart(app, 'site'), 'web', { config: new NginxConfig(), htmlDir: html });
    expect(() => app.synth()).toThrow(`[site/web/Image] htmlDir ${JSON.stringify(html)} holds the output folder ${path.join(html, 'dist')}`);
    expect(fs.existsSync(path.join(html, 'dist', 'images'))).toBe(false);
    fs.rmSync(html, { recursive: true, force: true });
  });

  test('each problem is reported once, by the first construct using the image', () => {
    const message = synthError(chart => new ScratchNginx(chart, 'web', { config: new NginxConfig(), uid: 0 }));
    expect(message.match(/uid is 0/g)).toHaveLength(1);
  });

  test('a workload of an image written elsewhere reports the image problems itself', () => {
    const message = synthError(chart => new NginxWorkload(chart, 'run', { image: new NginxImage({ config: new NginxConfig(), uid: 0 }) }));
    expect(message).toContain('[site/run] uid is 0 (root)');
  });

  test('a ScratchImage alone validates and writes', () => {
    const app = new App({ outdir });
    const img = new ScratchImage(new Chart(app, 'c'), 'img', { image: new NginxImage({ config: new NginxConfig(), repository: 'localhost/solo' }) });
    app.synth();
    expect(fs.readFileSync(path.join(img.contextPath, 'Dockerfile'), 'utf8')).toContain('FROM scratch');
  });
});

test('changing the config after the construct took it throws at the call instead of emitting a stale manifest', () => {
  const config = new NginxConfig();
  new ScratchNginx(new Chart(new App({ outdir }), 'site'), 'web', { config });
  expect(() => config.addServer({ name: 'late', port: 9090 })).toThrow(/^NginxConfig\.addServer: the configuration is sealed\. .* call derive\(\) on the NginxConfig for a changed copy\.$/s);
  // A changed copy is the way to a second site.
  const next = config.derive({}, [{ name: 'late', port: 9090 }]);
  expect(next.listenPorts()).toEqual([8080, 9090]);
});
