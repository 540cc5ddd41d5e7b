import { DockerfileParser, From, Instruction, JSONInstruction, PropertyInstruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { NginxImage, NginxImageProps } from '../../src/image/nginx-image';
import { NginxConfig } from '../../src/nginx/config';

function image(props: Partial<NginxImageProps> = {}): NginxImage {
  return new NginxImage({ config: new NginxConfig(), ...props });
}

/** The instructions of each stage, split at FROM. */
function stages(text: string): Instruction[][] {
  const out: Instruction[][] = [];
  for (const i of DockerfileParser.parse(text).getInstructions()) {
    if (i.getKeyword() === 'FROM') out.push([]);
    out[out.length - 1].push(i);
  }
  return out;
}

const keywords = (stage: Instruction[]) => stage.map(i => i.getKeyword());
const args = (stage: Instruction[], keyword: string) => stage.filter(i => i.getKeyword() === keyword).map(i => i.getArgumentsContent());

const VARIANTS: Array<[string, Partial<NginxImageProps>]> = [
  ['default', {}],
  ['Debian base pinned by digest, other uid/gid', { baseImage: `debian-nginx:12@sha256:${'a'.repeat(64)}`, uid: 10001, gid: 10002, userName: 'www' }],
  ['explicit file list (the seed\'s way)', { files: ['/usr/sbin/nginx', '/lib/ld-musl-x86_64.so.1', '/usr/lib/libpcre2-8.so.0', '/lib/libssl.so.3', '/lib/libcrypto.so.3', '/lib/libz.so.1'] }],
  ['dynamic module', { config: new NginxConfig({ modules: ['/usr/lib/nginx/modules/ngx_http_image_filter_module.so'] }) }],
  ['two ports', { config: new NginxConfig({ servers: [{ name: 'a' }, { name: 'b', port: 8443 }] }) }],
];

describe.each(VARIANTS)('Dockerfile: %s', (_name, props) => {
  const img = image(props);
  const text = img.dockerfile();

  test('dockerfile-utils reports no problem', () => {
    expect(validate(text)).toEqual([]);
  });

  test('a pinned builder stage and a FROM scratch final stage', () => {
    const froms: From[] = DockerfileParser.parse(text).getFROMs();
    expect(froms).toHaveLength(2);
    expect(froms[0].getBuildStage()).toBe('builder');
    expect(`${froms[0].getImageName()}`).toBe(img.baseImage.split(/[:@]/)[0]);
    expect(froms[0].getImageTag() ?? froms[0].getImageDigest()).toBeTruthy();
    expect(froms[1].getImageName()).toBe('scratch');
  });

  test('the final stage: copies only, numeric USER, EXPOSE of every listen port, SIGQUIT, exec-form CMD', () => {
    const final = stages(text)[1];
    expect(keywords(final).filter(k => !['FROM', 'COPY', 'LABEL', 'VOLUME', 'USER', 'EXPOSE', 'STOPSIGNAL', 'CMD'].includes(k))).toEqual([]);
    expect(args(final, 'VOLUME')).toEqual([JSON.stringify([img.config.runtimeDir])]);
    expect(args(stages(text)[0], 'RUN')[0]).toContain(`chown ${img.uid}:${img.gid} /rootfs${img.config.runtimeDir}`);
    expect(args(final, 'USER')).toEqual([`${img.uid}:${img.gid}`]);
    expect(args(final, 'USER')[0]).toMatch(/^[1-9][0-9]*:[1-9][0-9]*$/);
    expect(args(final, 'EXPOSE')).toEqual([img.config.listenPorts().map(p => `${p}/tcp`).join(' ')]);
    expect(args(final, 'STOPSIGNAL')).toEqual(['SIGQUIT']);
    const cmd = final.find(i => i.getKeyword() === 'CMD') as JSONInstruction;
    // dockerfile-ast parses the exec form (its getJSONValue drops inner spaces, so compare the JSON itself).
    expect(cmd.getJSONStrings()).toHaveLength(7);
    expect(JSON.parse(cmd.getArgumentsContent()!)).toEqual(['/usr/sbin/nginx', '-e', 'stderr', '-c', '/etc/nginx/nginx.conf', '-g', 'daemon off;']);
    const lines = text.split('\n');
    const copies = final.filter(i => i.getKeyword() === 'COPY').map(i => lines[i.getRange().start.line].replace(/^COPY /, ''));
    expect(copies).toEqual(expect.arrayContaining([
      '--from=builder /rootfs/ /',
      'nginx.conf /etc/nginx/nginx.conf',
      'conf.d/ /etc/nginx/conf.d/',
      'html/ /usr/share/nginx/html/',
    ]));
  });

  test('OCI labels', () => {
    const label = stages(text)[1].find(i => i.getKeyword() === 'LABEL') as PropertyInstruction;
    const labels = Object.fromEntries(label.getProperties().map(p => [p.getName(), p.getValue()]));
    expect(labels).toMatchObject({
      'org.opencontainers.image.title': img.repository.split('/').pop(),
      'org.opencontainers.image.version': img.tag,
      'org.opencontainers.image.base.name': img.baseImage,
    });
    expect(labels['org.opencontainers.image.description']).toContain('scratch');
  });

  test('the builder writes a passwd and group with only the runtime user', () => {
    const run = args(stages(text)[0], 'RUN').join('\n');
    expect(run).toContain(`'${img.userName}:x:${img.uid}:${img.gid}:${img.userName}:/nonexistent:/sbin/nologin' > /rootfs/etc/passwd`);
    expect(run).toContain(`'${img.userName}:x:${img.gid}:' > /rootfs/etc/group`);
    expect(run).toContain('cp /etc/nginx/mime.types /rootfs/etc/nginx/mime.types');
  });

  test('the closure: computed with ldd for nginx and each module, or the explicit list', () => {
    const builder = stages(text)[0];
    const final = stages(text)[1];
    if (img.files) {
      expect(args(builder, 'RUN').join('')).not.toContain('collect-rootfs.sh');
      const copied = final.filter(i => i.getKeyword() === 'COPY' && i.getArgumentsContent()!.includes('["'))
        .map(i => JSON.parse(i.getArgumentsContent()!.replace('--from=builder ', ''))[0]);
      expect(copied).toEqual(img.files);
    } else {
      expect(args(builder, 'COPY')).toEqual(['collect-rootfs.sh /build/collect-rootfs.sh']);
      expect(args(builder, 'RUN')[0]).toContain(`sh /build/collect-rootfs.sh /rootfs ${['/usr/sbin/nginx', ...img.config.modules].join(' ')}`);
    }
  });

  test('the build context holds exactly what the Dockerfile copies', () => {
    const paths = img.buildContext().map(f => f.path);
    expect(paths).toEqual([...paths].sort());
    expect(paths).toEqual(expect.arrayContaining(['.dockerignore', 'Dockerfile', 'nginx.conf', 'html/index.html', 'html/50x.html']));
    expect(paths.includes('collect-rootfs.sh')).toBe(!img.files);
    for (const s of img.config.servers) expect(paths).toContain(`conf.d/${s.name}.conf`);
  });
});

describe('image validation', () => {
  test.each([
    ['nginx', 'has no tag or digest'],
    ['nginx:latest', "uses the 'latest' tag"],
    ['registry.example.com:5000/nginx', 'has no tag or digest'],
    ['Nginx:1.0', 'not a valid image reference'],
    [`nginx@sha256:${'z'.repeat(64)}`, 'invalid digest'],
  ])('baseImage %s is rejected', (baseImage, message) => {
    expect(image({ baseImage }).validate().join('\n')).toContain(message);
  });

  test.each([
    [{ uid: 0 }, 'uid is 0 (root)'],
    [{ gid: 0 }, 'gid is 0 (root)'],
    [{ uid: -1 }, 'uid -1 is not a valid id'],
    [{ uid: 1.5 }, 'uid 1.5 is not a valid id'],
    [{ userName: 'Root User' }, 'is not a valid user name'],
    [{ nginxBinary: 'sbin/nginx' }, 'is not an absolute path'],
    [{ files: ['/lib/ld-musl-x86_64.so.1'] }, 'files does not list the nginx binary'],
    [{ files: ['/usr/sbin/nginx', 'lib/libz.so.1'] }, 'is not an absolute path'],
    [{ repository: 'Bad Repo' }, 'is not a valid image repository'],
    [{ tag: 'latest' }, "uses the 'latest' tag"],
    [{ htmlDir: '/no/such/html/dir' }, 'is not a directory'],
    [{ labels: { 'bad label': 'x' } }, 'must be a name of letters'],
  ] as Array<[Partial<NginxImageProps>, string]>)('%j is rejected', (props, message) => {
    expect(image(props).validate().join('\n')).toContain(message);
  });

  test('defaults: repository, tag, base image pinned by a version tag, uid/gid 65532, user nginx', () => {
    const img = image();
    expect(img.validate()).toEqual([]);
    expect(img.repository).toBe('localhost/scratch-nginx');
    expect(img.tag).toBe('0.1.0');
    expect(img.baseImage).toMatch(/^nginx:1\.\d+\.\d+-alpine$/);
    expect(img.uid).toBe(65532);
    expect(img.gid).toBe(65532);
    expect(img.userName).toBe('nginx');
    expect(img.nginxBinary).toBe('/usr/sbin/nginx');
    expect(img.imageReference).toBe('localhost/scratch-nginx:0.1.0');
  });

  test('gid defaults to uid; digest wins for the pulled reference', () => {
    const digest = `sha256:${'b'.repeat(64)}`;
    const img = image({ uid: 20000, digest });
    expect(img.gid).toBe(20000);
    expect(img.imageReference).toBe(`localhost/scratch-nginx@${digest}`);
    expect(img.buildTag).toBe('localhost/scratch-nginx:0.1.0');
  });

  test('a label with a quote and a backslash is escaped and parses back', () => {
    const img = image({ labels: { 'org.example.note': 'say "hi" \\ bye' } });
    const label = stages(img.dockerfile())[1].find(i => i.getKeyword() === 'LABEL') as PropertyInstruction;
    const note = label.getProperties().find(p => p.getName() === 'org.example.note');
    expect(note?.getValue()).toBe('say "hi" \\ bye');
    expect(validate(img.dockerfile())).toEqual([]);
  });
});
