import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { htmlDirProblems } from '../../src/image/html-dir';
import { COLLECT_ROOTFS_SCRIPT, RECORD_PACKAGES_SCRIPT, DEFAULT_BASE_IMAGE, DEFAULT_UID, NginxImage, requireNginxImage } from '../../src/image/nginx-image';
import { NginxImageProps } from '../../src/image/nginx-image-props';
import { NginxConfig } from '../../src/nginx/config';
import { NginxConfigProps } from '../../src/nginx/config-props';
import { CONTEXT_MARKER_LINE } from '../../src/output/folder';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

function image(props: Partial<NginxImageProps> = {}, config: NginxConfigProps = {}): NginxImage {
  return new NginxImage({ config: new NginxConfig(config), ...props });
}

/** An image with a prop forced past the constructor's checks, to test what the renderers do with it. */
function forced(prop: keyof NginxImage, value: unknown, props: Partial<NginxImageProps> = {}): NginxImage {
  const img = image(props);
  Object.defineProperty(img, prop, { value });
  return img;
}

const contextOf = (img: NginxImage) => Object.fromEntries(img.buildContext().map(f => [f.path, f]));

let work: string;
beforeEach(() => { work = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-image-')); });
afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

describe('requireNginxImage', () => {
  const fix = 'pass one, such as new NginxImage({ config: new NginxConfig() }).';

  test('returns the image of the props', () => {
    const img = image();
    expect(requireNginxImage({ image: img }, 'site/web')).toBe(img);
  });

  test.each<[string, unknown, string]>([
    ['no props', undefined, 'is missing'],
    ['null props', null, 'is missing'],
    ['props that are a string', 'nginx', 'is missing'],
    ['props without an image', {}, 'is missing'],
    ['an image that is a string', { image: 'nginx:1.27' }, '"nginx:1.27" is not an NginxImage'],
    ['an image that is a plain object', { image: { repository: 'x' } }, 'an object is not an NginxImage'],
    ['an image that is null', { image: null }, 'null is not an NginxImage'],
  ])('throws for %s, with the construct path and the fix', (_what, props, given) => {
    expect(() => requireNginxImage(props, 'site/web')).toThrow(`[site/web] image ${given}; ${fix}`);
  });
});

describe('htmlDirProblems', () => {
  const html = () => {
    const dir = path.join(work, 'html');
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  };

  test('an ordinary folder, given absolute or relative to the working directory, has no problem', () => {
    expect(htmlDirProblems(html(), [])).toEqual([]);
    expect(htmlDirProblems(path.relative(process.cwd(), html()), [])).toEqual([]);
  });

  test.each<[string, (dir: string) => string]>([
    ['a folder that does not exist', dir => path.join(dir, 'missing')],
    ['a file', dir => {
      fs.writeFileSync(path.join(dir, 'index.html'), '');
      return path.join(dir, 'index.html');
    }],
    ['a dangling link', dir => {
      fs.symlinkSync(path.join(dir, 'gone'), path.join(dir, 'link'));
      return path.join(dir, 'link');
    }],
  ])('%s is not a directory', (_what, make) => {
    const dir = make(html());
    expect(htmlDirProblems(dir, [])).toEqual([
      `htmlDir ${JSON.stringify(dir)} is not a directory; point it at the folder holding index.html (relative paths are resolved from ${process.cwd()}).`,
    ]);
  });

  test.each<[string, (dir: string) => string]>([
    ['/', () => '/'],
    ['a link to /', dir => {
      fs.symlinkSync('/', path.join(dir, 'root'));
      return path.join(dir, 'root');
    }],
    ['/ with extra slashes and dots', () => '//./'],
  ])('%s is the whole filesystem', (_what, make) => {
    const dir = make(html());
    expect(htmlDirProblems(dir, [])).toEqual([
      `htmlDir ${JSON.stringify(dir)} is the whole filesystem; point it at the folder holding index.html, such as 'html'.`,
    ]);
  });

  test.each<[string, (dir: string) => string, string]>([
    ['/proc', () => '/proc', '/proc'],
    ['/sys/kernel', () => '/sys/kernel', '/sys'],
    ['/dev', () => '/dev', '/dev'],
    ['/proc/self/cwd, an ordinary folder reached through /proc', () => '/proc/self/cwd', '/proc'],
    ['a link into /dev', dir => {
      fs.symlinkSync('/dev', path.join(dir, 'dev'));
      return path.join(dir, 'dev');
    }, '/dev'],
  ])('%s is under a kernel filesystem', (_what, make, system) => {
    const dir = make(html());
    expect(htmlDirProblems(dir, [])).toEqual([
      `htmlDir ${JSON.stringify(dir)} is under ${system}, a kernel filesystem; the host's process or device data would be copied into the image. Point it at the folder holding index.html, such as 'html'.`,
    ]);
  });

  test.each<[string, (html: string) => string]>([
    ['the output folder itself', h => h],
    ['a folder below', h => path.join(h, 'dist', 'images')],
    ['a folder below, given relative to the working directory', h => path.relative(process.cwd(), path.join(h, 'dist'))],
  ])('a folder holding an output (%s) would copy itself', (_what, output) => {
    const dir = html();
    const out = output(dir);
    expect(htmlDirProblems(dir, ['/elsewhere', out])).toEqual([
      `htmlDir ${JSON.stringify(dir)} holds the output folder ${out}, so the build context would copy itself; point htmlDir at a folder of its own, such as 'html'.`,
    ]);
  });

  test('a link to a folder holding an output is judged by where it leads', () => {
    const dir = html();
    fs.symlinkSync(dir, path.join(work, 'site'));
    expect(htmlDirProblems(path.join(work, 'site'), [path.join(dir, 'out')])).toEqual([expect.stringContaining('holds the output folder')]);
  });

  test('outputs beside or above the folder are fine', () => {
    const dir = html();
    expect(htmlDirProblems(dir, [path.join(work, 'out'), work.slice(0, -1), `${dir}x`])).toEqual([]);
  });
});

describe('NginxImage props', () => {
  test('defaults', () => {
    expect(DEFAULT_BASE_IMAGE).toBe('nginx:1.30.6-alpine');
    expect(DEFAULT_UID).toBe(65532);
    expect(NginxImage.DEFAULT_BASE_IMAGE).toBe(DEFAULT_BASE_IMAGE);
    expect(NginxImage.DEFAULT_UID).toBe(DEFAULT_UID);
    const img = image();
    expect(img.validate()).toEqual([]);
    expect(img).toMatchObject({
      repository: 'localhost/scratch-nginx',
      tag: '0.1.0',
      digest: undefined,
      baseImage: DEFAULT_BASE_IMAGE,
      uid: 65532,
      gid: 65532,
      userName: 'nginx',
      htmlDir: undefined,
      files: undefined,
      nginxBinary: '/usr/sbin/nginx',
    });
  });

  test('every prop as given', () => {
    const config = new NginxConfig();
    const img = new NginxImage({
      config,
      repository: 'registry.example.com:5000/team/site',
      tag: 'v1.2.3_rc-1',
      digest: DIGEST,
      baseImage: `debian-nginx:12@${DIGEST}`,
      uid: 10001,
      gid: 10002,
      userName: '_www-data',
      htmlDir: work,
      files: ['/usr/sbin/nginx'],
      nginxBinary: '/usr/sbin/nginx',
      labels: { 'org.example/a_b-c.d': '' },
    });
    expect(img.validate()).toEqual([]);
    expect(img).toMatchObject({
      config,
      repository: 'registry.example.com:5000/team/site',
      tag: 'v1.2.3_rc-1',
      digest: DIGEST,
      baseImage: `debian-nginx:12@${DIGEST}`,
      uid: 10001,
      gid: 10002,
      userName: '_www-data',
      htmlDir: work,
      files: ['/usr/sbin/nginx'],
    });
    expect(img.labels['org.example/a_b-c.d']).toBe('');
  });

  test('the gid defaults to the uid', () => {
    expect(image({ uid: 20000 }).gid).toBe(20000);
    expect(image({ uid: 20000, gid: 30000 }).gid).toBe(30000);
  });

  const idFix = 'use a whole number from 1 to 2147483647, such as 65532 (a non-root id; 10000 or more for kube-score and kubesec).';
  test.each<[string, unknown, string[]]>([
    ['props that are not an object', null, [
      'props null is not an object of NginxImage props; pass an object, such as { config: new NginxConfig() }.',
      'config is missing; pass one, such as new NginxConfig().',
    ]],
    ['props that are a list', [], [
      'props a list of 0 is not an object of NginxImage props; pass an object, such as { config: new NginxConfig() }.',
      'config is missing; pass one, such as new NginxConfig().',
    ]],
    ['no config', { noConfig: true }, ['config is missing; pass one, such as new NginxConfig().']],
    ['a config that is not an NginxConfig', { config: { servers: [] } }, ['config an object is not an NginxConfig; pass one, such as new NginxConfig().']],
    ['a bad repository', { repository: 'Site' }, [
      'repository "Site" is not a valid image repository (lower-case letters, digits, \'.\', \'_\', \'-\' and \'/\'); use a value such as "registry.example.com/team/site".',
    ]],
    ['a bad tag', { tag: '.x' }, ['tag ".x" is not an image tag (letters, digits, \'_\', \'.\' and \'-\'); use a value such as "1.0.0".']],
    ['a bad digest', { digest: 'sha256:x' }, [
      `digest "sha256:x" is not sha256: and 64 lower-case hex digits; use a value such as "sha256:${'0'.repeat(64)}".`,
    ]],
    ['a baseImage that is not a string', { baseImage: 5 }, ['baseImage 5 is a number, not a string; use an image reference, such as "nginx:1.30.6-alpine".']],
    ['a uid that is a string', { uid: '1000' }, [`uid "1000" is a string, not a number; ${idFix} Pass the number itself, without quotes.`]],
    ['a negative gid', { gid: -2 }, [`gid -2 is out of range; ${idFix}`]],
    ['a bad userName', { userName: '1user' }, [
      'userName "1user" is not a user name (lower-case letters, digits, \'_\' and \'-\', starting with a letter or \'_\'); use a value such as "nginx".',
    ]],
    ['an htmlDir that is not a string', { htmlDir: 7 }, ['htmlDir 7 is a number, not a string; use a local folder, such as "html".']],
    ['files that are not a list', { files: '/usr/sbin/nginx' }, [
      'files "/usr/sbin/nginx" is a string, not a list; pass a list, such as [\'/usr/sbin/nginx\', \'/lib/ld-musl-x86_64.so.1\'].',
      'files does not list the nginx binary /usr/sbin/nginx; add it, or leave files unset to compute the closure with ldd.',
    ]],
    ['a files entry that is missing', { files: ['/usr/sbin/nginx', undefined] }, [
      'files[1] null is null, not a string; use an absolute path such as "/lib/ld-musl-x86_64.so.1".',
    ]],
    ['a relative nginxBinary', { nginxBinary: 'nginx' }, [
      'nginxBinary "nginx" is not an absolute path; nginx resolves relative paths against its prefix, which differs between images; use an absolute path such as "/usr/sbin/nginx".',
    ]],
    ['a bad label key', { labels: { 'a b': 'x' } }, [
      'labels key "a b" is not a label name of letters, digits, \'.\', \'_\', \'-\' and \'/\'; use a value such as "org.opencontainers.image.source".',
    ]],
    ['a label value that is not a string', { labels: { k: 5 } }, ['labels["k"] 5 is a number, not a string; use a value on one line, such as "https://example.com/site".']],
    ['labels that are not an object', { labels: 'x' }, [
      'labels "x" is a string, not an object of options; pass a plain object, such as { "org.opencontainers.image.source": "https://example.com/site" }.',
    ]],
  ])('%s', (_what, props, problems) => {
    const raw = props === null || Array.isArray(props) || (props as { noConfig?: boolean }).noConfig === true;
    const given = raw ? props : { config: new NginxConfig(), ...props as object };
    expect(new NginxImage(given as NginxImageProps).validate()).toEqual(problems);
  });

  test.each<[string, Partial<NginxImageProps>, RegExp]>([
    ['a repository longer than 255 characters', { repository: `a/${'b'.repeat(254)}` },
      /^repository "a\/b+\.\.\." \(256 characters\) is longer than 255 characters; use a valid image repository \(lower-case letters, digits, '\.', '_', '-' and '\/'\), such as "registry\.example\.com\/team\/site"\.$/],
    ['a tag longer than 128 characters', { tag: 'a'.repeat(129) }, /^tag "a+\.\.\." \(129 characters\) is not an image tag/],
    ['a baseImage longer than 512 characters', { baseImage: `nginx:${'a'.repeat(507)}` }, /^baseImage "nginx:a+\.\.\." \(513 characters\) is longer than 512 characters; use an image reference, such as "nginx:1\.30\.6-alpine"\.$/],
    ['a label value longer than 4096 characters', { labels: { k: 'a'.repeat(4097) } }, /^labels\["k"\] "a+\.\.\." \(4097 characters\) is longer than 4096 characters; use a value on one line, such as/],
    ['a label key longer than 128 characters', { labels: { ['k'.repeat(129)]: 'x' } }, /^labels key "k+\.\.\." \(129 characters\) is longer than 128 characters; use a label name/],
  ])('%s', (_what, props, problem) => {
    expect(image(props).validate()).toEqual([expect.stringMatching(problem)]);
  });

  test('values at their length limits are accepted', () => {
    expect(image({ repository: `a/${'b'.repeat(253)}`, tag: 'a'.repeat(128), labels: { ['k'.repeat(128)]: 'v'.repeat(4096) } }).validate()).toEqual([]);
  });

  test.each<[keyof NginxImageProps, string[], string[]]>([
    ['repository', ['nginx', 'a', 'localhost/site', 'localhost:5000/site', 'registry.example.com:443/team/my-site', 'a.b-c_d/e__f/g--h/i.j/k_l', 'x0/y1'],
      ['Site', 'site/', '/site', 'a//b', 'site:1', 'site@x', 'a b', '-a', 'a-', 'a_', 'localhost:/x', 'localhost:x/y', 'a/b___c', 'a/.b', 'a/b.', 'a..b', 'a/b-_c']],
    ['tag', ['1', 'v1.2.3', '1.0.0-rc.1', '_x', 'A_b.C-d', 'a'.repeat(128)], ['-1', '.1', 'a b', 'a/b', 'a:b', 'a+b', 'a'.repeat(129)]],
    ['digest', [DIGEST, `sha256:${'0'.repeat(64)}`], [`sha256:${'A'.repeat(64)}`, `sha256:${'a'.repeat(63)}`, `sha256:${'a'.repeat(65)}`, `x${DIGEST}`, `sha512:${'a'.repeat(64)}`, 'a'.repeat(71), `${DIGEST}\n`]],
    ['userName', ['nginx', '_x', 'www-data', 'a1_-', 'a'.repeat(32)], ['Nginx', '1a', '-a', 'a.b', 'a b', 'a:b', 'a'.repeat(33)]],
  ])('%s: accepts the valid forms and refuses the others', (prop, good, bad) => {
    for (const value of good) expect([value, image({ [prop]: value }).validate()]).toEqual([value, []]);
    for (const value of bad) expect([value, image({ [prop]: value }).validate()]).toEqual([value, [expect.stringMatching(new RegExp(`^${prop} `))]]);
  });

  test('labels: keys of letters, digits, ".", "_", "-" and "/" that start with a letter or digit, either case', () => {
    for (const key of ['a', 'A', '0', 'org.opencontainers.image.source', 'com.Example/My_Key-1']) {
      expect([key, image({ labels: { [key]: 'x' } }).validate()]).toEqual([key, []]);
    }
    for (const key of ['.a', '_a', '-a', '/a', 'a b', 'a=b', 'a:b', 'a$']) {
      expect([key, image({ labels: { [key]: 'x' } }).validate()]).toEqual([key, [expect.stringMatching(/^labels key /)]]);
    }
  });

  test('a label value may be empty but not span lines', () => {
    expect(image({ labels: { k: '' } }).validate()).toEqual([]);
    expect(image({ labels: { k: 'a\nb' } }).validate()).toEqual([expect.stringMatching(/^labels\["k"\] "a\\nb" contains the control character U\+000A/)]);
  });
});

describe('what the image derives', () => {
  test('imageReference: repository:tag, or repository@digest once the digest is known; buildTag is always repository:tag', () => {
    expect(image({ repository: 'ghcr.io/a/site', tag: '2.0' }).imageReference).toBe('ghcr.io/a/site:2.0');
    const pinned = image({ repository: 'ghcr.io/a/site', tag: '2.0', digest: DIGEST });
    expect(pinned.imageReference).toBe(`ghcr.io/a/site@${DIGEST}`);
    expect(pinned.buildTag).toBe('ghcr.io/a/site:2.0');
  });

  test('labels: the OCI labels from the image, the base digest when the base is pinned by one, extra labels last', () => {
    expect(image({ repository: 'ghcr.io/a/site', tag: '2.0' }).labels).toEqual({
      'org.opencontainers.image.title': 'site',
      'org.opencontainers.image.description': 'nginx in a FROM-scratch image, non-root, for a read-only root filesystem (cdk8s-scratch-nginx)',
      'org.opencontainers.image.version': '2.0',
      'org.opencontainers.image.base.name': DEFAULT_BASE_IMAGE,
    });
    const base = `nginx:1.27@${DIGEST}`;
    expect(image({ baseImage: base, repository: 'site', labels: { 'org.opencontainers.image.title': 'Mine', 'org.example.x': 'y' } }).labels).toEqual({
      'org.opencontainers.image.title': 'Mine',
      'org.opencontainers.image.description': expect.any(String),
      'org.opencontainers.image.version': '0.1.0',
      'org.opencontainers.image.base.name': base,
      'org.opencontainers.image.base.digest': DIGEST,
      'org.example.x': 'y',
    });
  });

  test('closureRoots: the nginx binary and each dynamic module', () => {
    expect(image().closureRoots).toEqual(['/usr/sbin/nginx']);
    expect(image({ nginxBinary: '/opt/nginx/sbin/nginx' }, { modules: ['/usr/lib/nginx/modules/a.so', '/usr/lib/nginx/modules/b.so'] }).closureRoots)
      .toEqual(['/opt/nginx/sbin/nginx', '/usr/lib/nginx/modules/a.so', '/usr/lib/nginx/modules/b.so']);
  });

  test('command: nginx in the foreground, errors to stderr, with the main config or the one given', () => {
    expect(image().command()).toEqual(['/usr/sbin/nginx', '-e', 'stderr', '-c', '/etc/nginx/nginx.conf', '-g', 'daemon off;']);
    expect(image({ nginxBinary: '/opt/nginx' }).command('/etc/nginx/other.conf')).toEqual(['/opt/nginx', '-e', 'stderr', '-c', '/etc/nginx/other.conf', '-g', 'daemon off;']);
  });
});

describe('dockerfile', () => {
  const header = ['# Generated by cdk8s-scratch-nginx. Do not edit by hand.', ''];
  const final = (labels: string[], lines: string[] = []) => [
    '# Final: no shell, no package manager; only nginx, its libraries, the config and the html.',
    'FROM scratch',
    'COPY --from=builder ["/rootfs/", "/"]',
    ...lines,
    'COPY ["nginx.conf", "/etc/nginx/nginx.conf"]',
    'COPY ["conf.d/", "/etc/nginx/conf.d/"]',
    'COPY ["html/", "/usr/share/nginx/html/"]',
    ...labels,
  ];
  const description = '      org.opencontainers.image.description="nginx in a FROM-scratch image, non-root, for a read-only root filesystem (cdk8s-scratch-nginx)" \\';

  test('the default image: nginx and its ldd closure, collected by the script', () => {
    expect(image().dockerfile()).toBe([
      ...header,
      '# Builder: nginx with the shared libraries ldd says it needs, mime.types, their package records and SBOM, and a passwd/group holding only the runtime user.',
      'FROM nginx:1.30.6-alpine AS builder',
      'COPY ["collect-rootfs.sh", "/build/collect-rootfs.sh"]',
      'COPY ["record-packages.sh", "/build/record-packages.sh"]',
      'RUN sh /build/collect-rootfs.sh /rootfs /usr/sbin/nginx && \\',
      '    mkdir -p /rootfs/etc/nginx/conf.d /rootfs/usr/share/nginx/html /rootfs/dev/shm && \\',
      '    chown 65532:65532 /rootfs/dev/shm && \\',
      '    chmod 0700 /rootfs/dev/shm && \\',
      '    cp /etc/nginx/mime.types /rootfs/etc/nginx/mime.types && \\',
      '    sh /build/record-packages.sh /rootfs',
      'COPY ["rootfs/etc/passwd", "rootfs/etc/group", "/rootfs/etc/"]',
      '',
      ...final([
        'LABEL org.opencontainers.image.base.name="nginx:1.30.6-alpine" \\',
        description,
        '      org.opencontainers.image.title="scratch-nginx" \\',
        '      org.opencontainers.image.version="0.1.0"',
      ]),
      'VOLUME ["/dev/shm"]',
      'USER 65532:65532',
      'EXPOSE 8080/tcp',
      'STOPSIGNAL SIGQUIT',
      'CMD ["/usr/sbin/nginx", "-e", "stderr", "-c", "/etc/nginx/nginx.conf", "-g", "daemon off;"]',
      '',
    ].join('\n'));
  });

  test('an explicit file list: no script, each file copied from the builder; another runtime folder, ids and ports', () => {
    const base = `nginx:1.27@${DIGEST}`;
    const img = image(
      { files: ['/usr/sbin/nginx', '/lib/ld-musl-x86_64.so.1'], baseImage: base, uid: 10001, gid: 10002, repository: 'site' },
      { runtimeDir: '/run/nginx', servers: [{ name: 'a', port: 8443 }, { name: 'b', port: 8081 }] },
    );
    expect(img.dockerfile()).toBe([
      ...header,
      '# Builder: the listed files, mime.types, their package records and SBOM, and a passwd/group holding only the runtime user.',
      `FROM ${base} AS builder`,
      'COPY ["record-packages.sh", "/build/record-packages.sh"]',
      'RUN mkdir -p /rootfs/etc/nginx/conf.d /rootfs/usr/share/nginx/html /rootfs/run/nginx && \\',
      '    chown 10001:10002 /rootfs/run/nginx && \\',
      '    chmod 0700 /rootfs/run/nginx && \\',
      '    cp /etc/nginx/mime.types /rootfs/etc/nginx/mime.types && \\',
      '    sh /build/record-packages.sh /rootfs /usr/sbin/nginx /lib/ld-musl-x86_64.so.1',
      'COPY ["rootfs/etc/passwd", "rootfs/etc/group", "/rootfs/etc/"]',
      '',
      ...final([
        `LABEL org.opencontainers.image.base.digest="${DIGEST}" \\`,
        `      org.opencontainers.image.base.name="${base}" \\`,
        description,
        '      org.opencontainers.image.title="site" \\',
        '      org.opencontainers.image.version="0.1.0"',
      ], [
        'COPY --from=builder ["/usr/sbin/nginx", "/usr/sbin/nginx"]',
        'COPY --from=builder ["/lib/ld-musl-x86_64.so.1", "/lib/ld-musl-x86_64.so.1"]',
      ]),
      'VOLUME ["/run/nginx"]',
      'USER 10001:10002',
      'EXPOSE 8081/tcp 8443/tcp',
      'STOPSIGNAL SIGQUIT',
      'CMD ["/usr/sbin/nginx", "-e", "stderr", "-c", "/etc/nginx/nginx.conf", "-g", "daemon off;"]',
      '',
    ].join('\n'));
  });

  test('a configuration without a port has no EXPOSE', () => {
    const text = image({}, { servers: [] }).dockerfile();
    expect(text).not.toContain('EXPOSE');
    expect(text).toContain('USER 65532:65532\nSTOPSIGNAL SIGQUIT\n');
  });
});

describe('buildContext', () => {
  test('every file, sorted by path, with the generated .dockerignore, passwd, group and pages', () => {
    const img = image({ uid: 10001, gid: 10002, userName: 'www', repository: 'registry.example.com/team/my-site' });
    const files = img.buildContext();
    expect(files.map(f => f.path)).toEqual([
      '.dockerignore', 'Dockerfile', 'collect-rootfs.sh', 'conf.d/default.conf', 'html/50x.html', 'html/index.html', 'nginx.conf', 'record-packages.sh', 'rootfs/etc/group', 'rootfs/etc/passwd', 'sbom.cdx.json',
    ]);
    const context = contextOf(img);
    expect(context['.dockerignore'].content).toBe(`${CONTEXT_MARKER_LINE}\n# Only what the Dockerfile copies.\n*\n!Dockerfile\n!collect-rootfs.sh\n!record-packages.sh\n!nginx.conf\n!conf.d/\n!html/\n!rootfs/\n`);
    expect(context.Dockerfile.content).toBe(img.dockerfile());
    expect(context['record-packages.sh'].content).toBe(RECORD_PACKAGES_SCRIPT);
    expect(RECORD_PACKAGES_SCRIPT).toBe(fs.readFileSync(path.join(__dirname, '../../src/image/record-packages.sh'), 'utf8'));
    expect(context['collect-rootfs.sh'].content).toBe(COLLECT_ROOTFS_SCRIPT);
    expect(COLLECT_ROOTFS_SCRIPT).toBe(fs.readFileSync(path.join(__dirname, '../../src/image/collect-rootfs.sh'), 'utf8'));
    expect(context['rootfs/etc/passwd'].content).toBe('www:x:10001:10002:www:/nonexistent:/sbin/nologin\n');
    expect(context['rootfs/etc/group'].content).toBe('www:x:10002:\n');
    expect(context['html/index.html'].content).toBe('<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>my-site</title></head>\n<body><h1>my-site</h1><p>Served by nginx from a FROM-scratch image.</p></body></html>\n');
    expect(context['html/50x.html'].content).toBe('<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Error</title></head>\n<body><h1>Something went wrong.</h1><p>Please try again later.</p></body></html>\n');
    for (const f of img.config.files()) expect(context[f.path].content).toBe(f.content);
    expect(files.every(f => f.sourcePath === undefined)).toBe(true);
  });

  test('with an explicit file list there is no collect-rootfs.sh', () => {
    expect(image({ files: ['/usr/sbin/nginx'] }).buildContext().map(f => f.path)).not.toContain('collect-rootfs.sh');
  });

  test('each call returns a list of its own', () => {
    const img = image();
    const first = img.buildContext();
    first.splice(0);
    expect(img.buildContext().length).toBeGreaterThan(0);
  });

  test('the title of the generated page is escaped as HTML', () => {
    const img = forced('repository', 'x/<b title="a&amp;b">');
    expect(contextOf(img)['html/index.html'].content).toContain('<title>&lt;b title=&quot;a&amp;amp;b&quot;&gt;</title>');
  });

  test('htmlDir: every file below it, sorted, copied from its place; folders, links and other entries are not files', () => {
    const html = path.join(work, 'html');
    for (const dir of ['b', 'a/deep', 'empty']) fs.mkdirSync(path.join(html, dir), { recursive: true });
    for (const file of ['index.html', 'b/z.css', 'b/a.css', 'a/deep/x.png', 'Z.txt']) fs.writeFileSync(path.join(html, file), file);
    fs.symlinkSync(path.join(html, 'index.html'), path.join(html, 'link.html'));
    fs.symlinkSync(path.join(html, 'b'), path.join(html, 'linked-dir'));
    const files = image({ htmlDir: html }).buildContext().filter(f => f.path.startsWith('html/'));
    expect(files).toEqual(['Z.txt', 'a/deep/x.png', 'b/a.css', 'b/z.css', 'index.html'].map(r => ({ path: `html/${r}`, content: '', sourcePath: path.join(html, r) })));
  });

  test('htmlDir given relative to the working directory: sources are absolute', () => {
    const html = path.join(work, 'site');
    fs.mkdirSync(html);
    fs.writeFileSync(path.join(html, 'index.html'), 'hi');
    const files = image({ htmlDir: path.relative(process.cwd(), html) }).buildContext().filter(f => f.path.startsWith('html/'));
    expect(files).toEqual([{ path: 'html/index.html', content: '', sourcePath: path.join(html, 'index.html') }]);
  });

  test('an htmlDir that does not exist gives no html files (the validation reports it)', () => {
    const img = image({ htmlDir: path.join(work, 'missing') });
    expect(img.buildContext().filter(f => f.path.startsWith('html/'))).toEqual([]);
    expect(img.validate()).toEqual([expect.stringContaining('is not a directory')]);
  });

  test.each<[string, 'uid' | 'gid', unknown, string]>([
    ['a uid that is not whole', 'uid', 1.5, 'the uid "1.5" is not a whole number from 0 up'],
    ['a negative uid', 'uid', -1, 'the uid "-1" is not a whole number from 0 up'],
    ['a negative gid', 'gid', -1, 'the gid "-1" is not a whole number from 0 up'],
  ])('refuses to write a build context for %s', (_what, prop, id, message) => {
    expect(() => forced(prop, id).buildContext()).toThrow(message);
  });

  test('refuses to write passwd for a user name that would add a field or a line', () => {
    expect(() => forced('userName', 'a:0:0').buildContext()).toThrow('image userName "a:0:0" is not a valid user name; /etc/passwd cannot hold it.');
    expect(() => forced('userName', 'a\nroot').buildContext()).toThrow('image userName "a\\nroot" is not a valid user name');
  });

  test('uid and gid 0 can be written (the validation refuses them)', () => {
    const img = image({ uid: 0, gid: 0 });
    expect(contextOf(img)['rootfs/etc/passwd'].content).toBe('nginx:x:0:0:nginx:/nonexistent:/sbin/nologin\n');
    expect(img.validate()).toEqual([
      'uid is 0 (root); Pod Security Standards "restricted" rejects root and a root nginx can rewrite its own image. Use a non-zero id, such as 65532.',
      'gid is 0 (root); Pod Security Standards "restricted" rejects root and a root nginx can rewrite its own image. Use a non-zero id, such as 65532.',
    ]);
  });
});

describe('validate', () => {
  test.each<[string, Partial<NginxImageProps>, string[]]>([
    ['a base image without a tag', { baseImage: 'nginx' }, [
      'baseImage "nginx" has no tag or digest, so every build may take a different image; pin it, for example nginx:1.30.6-alpine or nginx:1.30.6-alpine@sha256:<digest>.',
    ]],
    ['the latest tag', { tag: 'latest' }, [
      'image "localhost/scratch-nginx:latest" uses the \'latest\' tag, which moves; pin a version tag or a digest, for example nginx:1.30.6-alpine or nginx:1.30.6-alpine@sha256:<digest>.',
    ]],
    ['the latest tag pinned by a digest', { tag: 'latest', digest: DIGEST }, []],
  ])('%s', (_what, props, problems) => {
    expect(image(props).validate()).toEqual(problems);
  });

  test('a files list must hold the nginx binary', () => {
    expect(image({ files: ['/lib/ld-musl-x86_64.so.1'], nginxBinary: '/opt/nginx' }).validate()).toEqual([
      'files does not list the nginx binary /opt/nginx; add it, or leave files unset to compute the closure with ldd.',
    ]);
    expect(image({ files: ['/opt/nginx'], nginxBinary: '/opt/nginx' }).validate()).toEqual([]);
  });

  const hidden = (dir: string, shipped: string) =>
    `runtimeDir ${JSON.stringify(dir)} holds ${shipped}, which the image ships; the writable volume mounted there would hide it and nginx would not start. Use a folder of its own, such as '/dev/shm'.`;
  test.each<[string, Partial<NginxImageProps>, NginxConfigProps, string]>([
    ['the nginx binary', { nginxBinary: '/srv/nginx/sbin/nginx' }, { runtimeDir: '/srv/nginx' }, '/srv/nginx/sbin/nginx'],
    ['a module', {}, { runtimeDir: '/opt/mods', modules: ['/opt/mods/a.so'] }, '/opt/mods/a.so'],
    ['a listed file', { files: ['/usr/sbin/nginx', '/srv/lib/libz.so.1'] }, { runtimeDir: '/srv/lib' }, '/srv/lib/libz.so.1'],
    ['/lib', {}, { runtimeDir: '/lib' }, '/lib'],
    ['/lib64', {}, { runtimeDir: '/lib64' }, '/lib64'],
    ['/usr/lib', {}, { runtimeDir: '/usr/lib' }, '/usr/lib'],
  ])('a runtimeDir that holds %s, which the volume would hide', (_what, props, config, shipped) => {
    expect(image(props, config).validate()).toEqual([hidden(config.runtimeDir!, shipped)]);
  });

  test('a runtimeDir that holds several shipped files is reported once, naming the first', () => {
    const problems = image({}, { runtimeDir: '/usr' }).validate().filter(p => p.includes('nginx would not start'));
    expect(problems).toEqual([hidden('/usr', '/usr/sbin/nginx')]);
  });

  test('/etc/passwd is shipped too', () => {
    expect(image({}, { runtimeDir: '/etc' }).validate()).toContain(hidden('/etc', '/etc/passwd'));
  });

  test('an htmlDir is checked; the configuration\'s problems come last', () => {
    const html = path.join(work, 'nope');
    expect(image({ htmlDir: html, uid: 0, gid: 1 }, { servers: [] }).validate()).toEqual([
      expect.stringMatching(/^uid is 0 \(root\)/),
      `htmlDir ${JSON.stringify(html)} is not a directory; point it at the folder holding index.html (relative paths are resolved from ${process.cwd()}).`,
      ...new NginxConfig({ servers: [] }).validate(),
    ]);
    expect(image({ htmlDir: work }).validate()).toEqual([]);
  });

  test('each call returns a list of its own', () => {
    const img = image({ tag: 'latest' });
    img.validate().splice(0);
    expect(img.validate()).toHaveLength(1);
  });
});

describe('mutation-found gaps', () => {
  test.each<[string, unknown]>([['null', null], ['a string', 'x'], ['a number', 5]])('props passed as %s (not through a helper) are reported, not read', (_what, props) => {
    const img = new NginxImage(props as any);
    expect(img.validate()).toEqual(expect.arrayContaining([expect.stringMatching(/^props .* is not an object of NginxImage props; pass an object/)]));
    expect(img.repository).toBe('localhost/scratch-nginx');
  });

  test('a runtimeDir over a file the image ships (the binary, a module, a listed file) is refused, naming the first', () => {
    expect(image({}, { runtimeDir: '/usr' }).validate()[0]).toMatch(/^runtimeDir "\/usr" holds \/usr\/sbin\/nginx, which the image ships/);
    expect(image({}, { runtimeDir: '/opt/mods', modules: ['/opt/mods/x.so'] }).validate()).toEqual([
      expect.stringMatching(/^runtimeDir "\/opt\/mods" holds \/opt\/mods\/x.so, which the image ships/),
    ]);
    expect(image({ files: ['/usr/sbin/nginx', '/srv/lib/libx.so'] }, { runtimeDir: '/srv/lib' }).validate()).toEqual([
      expect.stringMatching(/^runtimeDir "\/srv\/lib" holds \/srv\/lib\/libx.so, which the image ships/),
    ]);
    expect(image({}, { runtimeDir: '/lib64' }).validate()).toEqual([expect.stringMatching(/^runtimeDir "\/lib64" holds \/lib64, which the image ships/)]);
    expect(image({}, { runtimeDir: '/run/nginx' }).validate()).toEqual([]);
  });

  test('html files come sorted by path whatever order the folder lists them in; a missing folder adds none; a file is refused with its error', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'html-order-'));
    try {
      for (const f of ['z.html', 'b/a.html', 'B.html', 'a.html', 'b/Z/y.css']) {
        fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
        fs.writeFileSync(path.join(dir, f), f);
      }
      const html = image({ htmlDir: dir }).buildContext().map(f => f.path).filter(p => p.startsWith('html/'));
      expect(html).toEqual(['html/B.html', 'html/a.html', 'html/b/Z/y.css', 'html/b/a.html', 'html/z.html']);
      expect(image({ htmlDir: path.join(dir, 'missing') }).buildContext().filter(f => f.path.startsWith('html/'))).toEqual([]);
      expect(() => image({ htmlDir: path.join(dir, 'a.html') }).buildContext()).toThrow(/^htmlDir ".*a\.html": cannot read .*a\.html \(ENOTDIR\); make every folder under htmlDir readable/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the plan and the build context are computed once', () => {
    const img = image();
    expect(img.plan).toBe(img.plan);
    const first = img.buildContext();
    expect(img.buildContext()).not.toBe(first);
    expect(img.buildContext()[0]).toBe(first[0]);
  });
});

describe('warnings: folders a server answers from with files that the image does not fill', () => {
  const config = (body: string) => NginxConfig.fromFiles([{ path: 'nginx.conf', content: `events {}\nhttp {\n  server {\n    listen 8080;\n${body}\n  }\n}\n` }]);
  const rootWarnings = (c: NginxConfig) => new NginxImage({ config: c }).warnings().filter(w => w.includes('ships its html'));

  test.each<[string, string, string[]]>([
    ['a server root elsewhere', '    root /var/www/html;', ['/var/www/html']],
    ['a location alias elsewhere', '    location /static/ { alias /srv/static/; }\n    location / { return 204; }', ['/srv/static/']],
    ['try_files from a root elsewhere', '    root /srv/app;\n    location / { try_files $uri /index.html; }', ['/srv/app']],
    ['a proxy-only server with a root elsewhere', '    root /srv/app;\n    location / { proxy_pass http://127.0.0.1:9000; }', []],
    ['the shipped html', '    root /usr/share/nginx/html/site;', []],
    ['a root named by a variable', '    root /srv/$host;', []],
  ])('%s', (_name, body, roots) => {
    expect(rootWarnings(config(body)).map(w => /files from (\S+),/.exec(w)![1])).toEqual(roots);
  });

  test('the typed model serves the shipped html: no warning', () => {
    expect(new NginxImage({ config: new NginxConfig() }).warnings()).toEqual([]);
  });
});
