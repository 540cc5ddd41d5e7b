import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Copy, DockerfileParser, From, Instruction, JSONInstruction, PropertyInstruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { DockerfileInstruction, StageInstruction, quoteShellWord, renderDockerfile, renderInstruction, renderShellCommand } from '../../src/image/dockerfile';
import { NginxImage } from '../../src/image/nginx-image';
import { NginxImageProps } from '../../src/image/nginx-image-props';
import { NginxConfig } from '../../src/nginx/config';
import { CONTEXT_MARKER_LINE } from '../../src/output/folder';
import { shellCommands } from '../helpers/hostile';
import { Podman, haveCommands } from '../helpers/podman';

const haveBuildah = haveCommands('buildah');
if (!haveBuildah && process.env.CI === 'true') {
  throw new Error('the LABEL round trip through a real builder needs buildah; under CI a skip is a failure: .ci/run must install it.');
}
if (!haveBuildah) {
  // eslint-disable-next-line no-console
  console.warn('SKIPPED the buildah LABEL round trip: install buildah (see .ci/run) to run it.');
}

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
const allKeywords = (text: string) => keywords(DockerfileParser.parse(text).getInstructions());
const args = (stage: Instruction[], keyword: string) => stage.filter(i => i.getKeyword() === keyword).map(i => i.getArgumentsContent());

/** Each COPY of a stage as its `--from` stage ('' for the build context) followed by the JSON-form paths. */
function copies(stage: Instruction[]): string[][] {
  return stage.filter((i): i is Copy => i.getKeyword() === 'COPY').map(i => {
    expect(i.getFlags().map(f => f.getName()).filter(n => n !== 'from')).toEqual([]);
    return [i.getFromFlag()?.getValue() ?? '', ...JSON.parse(i.getArgumentsContent()!) as string[]];
  });
}

/** A label value as the builder reads it: dockerfile-ast unescapes `\"` and `\\` but leaves `\$` (variable syntax) alone. */
const builderLabelValue = (astValue: string | null) => astValue?.replace(/\\\$/g, '$');

/** What each shell runs: the words of each command, one command per array (the shared stub runner). */
function runWithStubs(shell: string, script: string, commands: readonly string[]): { argv: string[][] } {
  const argv = shellCommands(script, commands, shell);
  if (typeof argv === 'string') throw new Error(argv);
  return { argv };
}

const VARIANTS: Array<[string, Partial<NginxImageProps>]> = [
  ['default', {}],
  ['Debian base pinned by digest, other uid/gid', { baseImage: `debian-nginx:12@sha256:${'a'.repeat(64)}`, uid: 10001, gid: 10002, userName: 'www' }],
  ['explicit file list (the seed\'s way)', { files: ['/usr/sbin/nginx', '/lib/ld-musl-x86_64.so.1', '/usr/lib/libpcre2-8.so.0', '/lib/libssl.so.3', '/lib/libcrypto.so.3', '/lib/libz.so.1'] }],
  ['dynamic module', { config: new NginxConfig({ modules: ['/usr/lib/nginx/modules/ngx_http_image_filter_module.so'] }) }],
  ['two ports', { config: new NginxConfig({ servers: [{ name: 'a' }, { name: 'b', port: 8443 }] }) }],
];

describe.each(VARIANTS)('Dockerfile: %s', (_name, props) => {
  // Built for each test (not once for the describe), so that mutation testing sees which test covers what.
  let img: NginxImage;
  let text: string;
  beforeEach(() => {
    img = image(props);
    text = img.dockerfile();
  });

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
    // Every COPY is in the JSON form.
    expect(copies(final)).toEqual(expect.arrayContaining([
      ['builder', '/rootfs/', '/'],
      ['', 'nginx.conf', '/etc/nginx/nginx.conf'],
      ['', 'conf.d/', '/etc/nginx/conf.d/'],
      ['', 'html/', '/usr/share/nginx/html/'],
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

  test('the builder copies a generated passwd and group with only the runtime user', () => {
    const builder = stages(text)[0];
    const run = args(builder, 'RUN').join('\n');
    expect(run).toContain('cp /etc/nginx/mime.types /rootfs/etc/nginx/mime.types');
    // No shell writes a file: no redirection, no printf.
    expect(run).not.toMatch(/[<>]|printf/);
    expect(copies(builder)).toContainEqual(['', 'rootfs/etc/passwd', 'rootfs/etc/group', '/rootfs/etc/']);
    const context = Object.fromEntries(img.buildContext().map(f => [f.path, f.content]));
    expect(context['rootfs/etc/passwd']).toBe(`${img.userName}:x:${img.uid}:${img.gid}:${img.userName}:/nonexistent:/sbin/nologin\n`);
    expect(context['rootfs/etc/group']).toBe(`${img.userName}:x:${img.gid}:\n`);
    const ignore = context['.dockerignore'].split('\n');
    expect(ignore[0]).toBe(CONTEXT_MARKER_LINE);
    expect(ignore).toContain('!rootfs/');
  });

  test('the closure: computed with ldd for nginx and each module, or the explicit list', () => {
    const builder = stages(text)[0];
    const final = stages(text)[1];
    if (img.files) {
      expect(args(builder, 'RUN').join('')).not.toContain('collect-rootfs.sh');
      expect(copies(builder).map(c => c[1])).not.toContain('collect-rootfs.sh');
      expect(args(builder, 'RUN')[0]).toContain(`sh /build/record-packages.sh /rootfs ${img.files.join(' ')}`);
      const copied = copies(final).filter(([from, source, destination]) => from === 'builder' && source === destination).map(c => c[1]);
      expect(copied).toEqual(img.files);
    } else {
      expect(copies(builder)[0]).toEqual(['', 'collect-rootfs.sh', '/build/collect-rootfs.sh']);
      expect(args(builder, 'RUN')[0]).toContain(`sh /build/collect-rootfs.sh /rootfs ${['/usr/sbin/nginx', ...img.config.modules].join(' ')}`);
      expect(args(builder, 'RUN')[0]!.trimEnd().endsWith('sh /build/record-packages.sh /rootfs')).toBe(true);
    }
  });

  test('the build context holds exactly what the Dockerfile copies', () => {
    const paths = img.buildContext().map(f => f.path);
    expect(paths).toEqual([...paths].sort());
    expect(paths).toEqual(expect.arrayContaining(['.dockerignore', 'Dockerfile', 'nginx.conf', 'html/index.html', 'html/50x.html']));
    expect(paths.includes('collect-rootfs.sh')).toBe(!img.files);
    expect(paths).toEqual(expect.arrayContaining(['rootfs/etc/group', 'rootfs/etc/passwd']));
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
    [{ uid: -1 }, 'uid -1 is out of range; use a whole number from 1 to 2147483647'],
    [{ uid: 1.5 }, 'uid 1.5 is not a whole number'],
    [{ userName: 'Root User' }, 'is not a user name'],
    [{ nginxBinary: 'sbin/nginx' }, 'is not an absolute path'],
    [{ files: ['/lib/ld-musl-x86_64.so.1'] }, 'files does not list the nginx binary'],
    [{ files: ['/usr/sbin/nginx', 'lib/libz.so.1'] }, 'is not an absolute path'],
    [{ repository: 'Bad Repo' }, 'is not a valid image repository'],
    [{ tag: 'latest' }, "uses the 'latest' tag"],
    [{ htmlDir: '/no/such/html/dir' }, 'is not a directory'],
    [{ labels: { 'bad label': 'x' } }, 'labels key "bad label" is not a label name'],
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

/** Values a prop could carry that a shell or the builder's variable substitution would act on. */
const HOSTILE = ['$HOME', '${PATH}', 'a"b\\c', '`id`', '$(id)', "it's", '*', 'x \\', '\\', 'a && b | c; d', '~root', '#x', '-n', '', 'ü € 日本'];

describe('the Dockerfile is data: one renderer quotes every value', () => {
  const afterTest: Array<() => void> = [];
  afterEach(() => afterTest.splice(0).forEach(f => f()));
  const shellWords = ['plain', 'two words', "it's", '"dq"', '$HOME', '${PATH}', '$(id)', '`id`', '*', '?', '[a]', ';', '&&', '|', '~', '~root', '#', '#x', '-n', '--', '-e', '\\', 'a\\nb', '', ' ', "'", "''", '!', '{', '}', '%s', 'a=b', 'ü € 日本', '/usr/sbin/nginx'];

  test.each([['sh'], ...(haveCommands('bash') ? [['bash']] : [])])('quoteShellWord: %s reads every word back byte for byte', shell => {
    const rendered = shellWords.map(quoteShellWord);
    const r = spawnSync(shell, ['-c', `sh -c 'printf "%s\\n" "$@"' sh ${rendered.join(' ')}`], { encoding: 'buffer' });
    expect(r.status).toBe(0);
    expect(r.stderr.toString()).toBe('');
    expect(r.stdout.equals(Buffer.from(shellWords.map(w => `${w}\n`).join(''), 'utf8'))).toBe(true);
  });

  test('quoteShellWord: bare only for [A-Za-z0-9_./:=@%+,-], otherwise single quotes with \'\\\'\'', () => {
    expect(quoteShellWord('/rootfs/dev/shm')).toBe('/rootfs/dev/shm');
    expect(quoteShellWord('65532:65532')).toBe('65532:65532');
    expect(quoteShellWord('-p')).toBe('-p');
    expect(quoteShellWord("it's")).toBe("'it'\\''s'");
    expect(quoteShellWord('')).toBe("''");
    expect(quoteShellWord('$x')).toBe("'$x'");
    expect(quoteShellWord('~')).toBe("'~'");
    for (const w of shellWords.filter(x => !/^[A-Za-z0-9_./:=@%+,-]+$/.test(x))) expect(quoteShellWord(w)).toMatch(/^'.*'$/s);
  });

  test('renderShellCommand: a first word sh would read as an assignment or a reserved word stays a command name', () => {
    expect(renderShellCommand(['FOO=bar', 'x'])).toBe("'FOO=bar' x");
    expect(renderShellCommand(['if', 'then'])).toBe("'if' then");
    expect(renderShellCommand(['env', 'FOO=bar'])).toBe('env FOO=bar');
    const r = spawnSync('sh', ['-c', renderShellCommand(['FOO=bar'])], { encoding: 'utf8' });
    expect(r.status).toBe(127);
    expect(r.stderr).toContain('FOO=bar');
  });

  test('RUN: commands joined with && and line continuations, read back word for word by sh and bash', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'run-quote-'));
    const marker = path.join(dir, 'executed');
    afterTest.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const hostile = [...HOSTILE, `$(touch ${marker})`, `\`touch ${marker}\``, `; touch ${marker}`, `&& touch ${marker} #`];
    const commands = [['sh', '/build/collect-rootfs.sh', '/rootfs', ...hostile], ['mkdir', '-p', ...hostile], ['cp', '--', 'a b', 'c']];
    const text = renderDockerfile({ stages: [{ from: { kind: 'FROM', image: 'alpine:3' }, instructions: [{ kind: 'RUN', commands }] }] });
    const instructions = DockerfileParser.parse(text).getInstructions();
    expect(keywords(instructions)).toEqual(['FROM', 'RUN']);
    expect(text.split('\n').filter(l => l.endsWith(' && \\'))).toHaveLength(2);
    expect(validate(text)).toEqual([]);
    for (const shell of ['sh', ...(haveCommands('bash') ? ['bash'] : [])]) {
      expect(runWithStubs(shell, instructions[1].getArgumentsContent()!, ['sh', 'mkdir', 'cp']).argv).toEqual(commands);
    }
    expect(fs.existsSync(marker)).toBe(false);
  });

  test.each(HOSTILE)('a label value %j parses into the same instructions and reads back as itself', value => {
    const img = image({ labels: { 'org.example.note': value } });
    const text = img.dockerfile();
    expect(validate(text)).toEqual([]);
    // Same keywords, same count as the default image: the value adds no instruction.
    expect(allKeywords(text)).toEqual(allKeywords(image().dockerfile()));
    const label = stages(text)[1].find(i => i.getKeyword() === 'LABEL') as PropertyInstruction;
    expect(label.getProperties().map(p => p.getName())).toEqual([...Object.keys(img.labels)].sort());
    const note = label.getProperties().find(p => p.getName() === 'org.example.note')!;
    expect(builderLabelValue(note.getValue())).toBe(value);
    // `$` is always escaped: the builder substitutes no variable.
    expect(text.split('\n').filter(l => /(^|[^\\])\$/.test(l))).toEqual([]);
  });

  test('a hostile nginxBinary that reaches dockerfile() is one shell word in RUN and one CMD argument', () => {
    const hostile = "/usr/sbin/ng inx'$(id)`id`;|*&&#~";
    const img = image();
    // The constructor refuses such a value (validate() reports it); force it in to check the renderer alone.
    Object.defineProperty(img, 'nginxBinary', { value: hostile });
    const text = img.dockerfile();
    expect(allKeywords(text)).toEqual(allKeywords(image().dockerfile()));
    const [builder, final] = stages(text);
    const run = runWithStubs('sh', args(builder, 'RUN')[0]!, ['sh', 'mkdir', 'chown', 'chmod', 'cp']).argv;
    expect(run[0]).toEqual(['sh', '/build/collect-rootfs.sh', '/rootfs', hostile]);
    expect(run.map(c => c[0])).toEqual(['sh', 'mkdir', 'chown', 'chmod', 'cp', 'sh']);
    expect(JSON.parse(args(final, 'CMD')[0]!)[0]).toBe(hostile);
  });

  test('the builder RUN, read by sh, is exactly the data: collect-rootfs, mkdir, chown, chmod, cp, record-packages', () => {
    const img = image({ config: new NginxConfig({ modules: ['/usr/lib/nginx/modules/ngx_http_image_filter_module.so'], runtimeDir: '/run/nginx' }), uid: 10001, gid: 10002 });
    const run = runWithStubs('sh', args(stages(img.dockerfile())[0], 'RUN')[0]!, ['sh', 'mkdir', 'chown', 'chmod', 'cp']).argv;
    expect(run).toEqual([
      ['sh', '/build/collect-rootfs.sh', '/rootfs', '/usr/sbin/nginx', '/usr/lib/nginx/modules/ngx_http_image_filter_module.so'],
      ['mkdir', '-p', '/rootfs/etc/nginx/conf.d', '/rootfs/usr/share/nginx/html', '/rootfs/run/nginx'],
      ['chown', '10001:10002', '/rootfs/run/nginx'],
      ['chmod', '0700', '/rootfs/run/nginx'],
      ['cp', '/etc/nginx/mime.types', '/rootfs/etc/nginx/mime.types'],
      ['sh', '/build/record-packages.sh', '/rootfs'],
    ]);
  });

  test('header: the generated-by comment first and no parser directive (a # syntax= line makes BuildKit fetch a frontend from a registry); the same model renders the same bytes', () => {
    const text = image().dockerfile();
    expect(text.split('\n')[0]).toBe('# Generated by cdk8s-scratch-nginx. Do not edit by hand.');
    expect(DockerfileParser.parse(text).getDirectives()).toEqual([]);
    expect(image().dockerfile()).toBe(text);
    // LABEL keys are sorted by the renderer, whatever the order of the record.
    const label = (labels: { [k: string]: string }) => renderInstruction({ kind: 'LABEL', labels });
    expect(label({ b: '1', a: '2' })).toBe(label({ a: '2', b: '1' }));
    expect(label({ b: '1', a: '2' })).toBe('LABEL a="2" \\\n      b="1"');
  });

  test('COPY, VOLUME and CMD are written in the JSON form; CMD keeps a $ (no substitution there)', () => {
    expect(renderInstruction({ kind: 'COPY', from: 'builder', sources: ['/a b/'], destination: '/c d/' })).toBe('COPY --from=builder ["/a b/", "/c d/"]');
    expect(renderInstruction({ kind: 'COPY', sources: ['x', 'y'], destination: '/z/' })).toBe('COPY ["x", "y", "/z/"]');
    expect(renderInstruction({ kind: 'COPY', chown: '1:2', sources: ['x'], destination: '/z' })).toBe('COPY --chown=1:2 ["x", "/z"]');
    expect(renderInstruction({ kind: 'VOLUME', paths: ['/dev/shm'] })).toBe('VOLUME ["/dev/shm"]');
    expect(renderInstruction({ kind: 'CMD', argv: ['/bin/x', '$HOME', 'a"b\\c'] })).toBe('CMD ["/bin/x", "$HOME", "a\\"b\\\\c"]');
    expect(renderInstruction({ kind: 'USER', uid: 1, gid: 2 })).toBe('USER 1:2');
    expect(renderInstruction({ kind: 'EXPOSE', ports: [80, 8443] })).toBe('EXPOSE 80/tcp 8443/tcp');
  });

  const refused: Array<[string, DockerfileInstruction, RegExp]> = [
    ['a $ in a VOLUME path', { kind: 'VOLUME', paths: ['/dev/shm/$x'] }, /^Dockerfile VOLUME: the path "\/dev\/shm\/\$x" contains '\$'/],
    ['a ${} in a VOLUME path', { kind: 'VOLUME', paths: ['/run/${HOME}'] }, /^Dockerfile VOLUME: .*"\/run\/\$\{HOME\}"/],
    ['a backslash in a VOLUME path', { kind: 'VOLUME', paths: ['/a\\b'] }, /^Dockerfile VOLUME: .*backslash/],
    ['a $ in a COPY source', { kind: 'COPY', from: 'builder', sources: ['/lib/$LIB'], destination: '/lib/' }, /^Dockerfile COPY: the source "\/lib\/\$LIB" contains '\$'/],
    ['a $ in a COPY destination', { kind: 'COPY', sources: ['a'], destination: '/$d' }, /^Dockerfile COPY: the destination "\/\$d"/],
    ['a glob in a COPY source', { kind: 'COPY', sources: ['/lib/*.so'], destination: '/lib/' }, /^Dockerfile COPY: the source "\/lib\/\*\.so" contains '\*'/],
    ['several COPY sources to a file', { kind: 'COPY', sources: ['a', 'b'], destination: '/c' }, /^Dockerfile COPY: the destination "\/c" does not end with '\/'/],
    ['a $ in COPY --from', { kind: 'COPY', from: '$stage', sources: ['a'], destination: '/b' }, /^Dockerfile COPY: the --from stage "\$stage"/],
    ['a space in COPY --chown', { kind: 'COPY', chown: '1 2', sources: ['a'], destination: '/b' }, /^Dockerfile COPY: the --chown owner "1 2"/],
    ['a $ in FROM', { kind: 'FROM', image: 'nginx:$TAG' }, /^Dockerfile FROM: the image "nginx:\$TAG" contains '\$'/],
    ['a space in FROM', { kind: 'FROM', image: 'nginx:1 AS x' }, /^Dockerfile FROM: the image "nginx:1 AS x" contains whitespace/],
    ['a bad stage name', { kind: 'FROM', image: 'nginx:1', stageName: 'a b' }, /^Dockerfile FROM: the stage name "a b"/],
    ['a non-integer uid', { kind: 'USER', uid: 1.5 }, /^Dockerfile USER: the uid "1.5"/],
    ['a negative gid', { kind: 'USER', uid: 1, gid: -1 }, /^Dockerfile USER: the gid "-1"/],
    ['port 0', { kind: 'EXPOSE', ports: [0] }, /^Dockerfile EXPOSE: the port "0"/],
    ['a signal with a space', { kind: 'STOPSIGNAL', signal: 'SIGQUIT x' }, /^Dockerfile STOPSIGNAL: the signal "SIGQUIT x"/],
    ['a label key with a space', { kind: 'LABEL', labels: { 'bad key': 'x' } }, /^Dockerfile LABEL: the key "bad key"/],
    ['a label key with =', { kind: 'LABEL', labels: { 'a=b': 'x' } }, /^Dockerfile LABEL: the key "a=b"/],
    ['a label key with $', { kind: 'LABEL', labels: { $k: 'x' } }, /^Dockerfile LABEL: the key "\$k"/],
    ['a label key with a quote', { kind: 'LABEL', labels: { 'a"b': 'x' } }, /^Dockerfile LABEL: the key "a\\"b"/],
    ['a newline in a label value', { kind: 'LABEL', labels: { k: 'a\nRUN id' } }, /^Dockerfile LABEL: the value of k "a\\nRUN id" contains the control character U\+000A/],
    ['a CR in a label value', { kind: 'LABEL', labels: { k: 'a\r' } }, /U\+000D/],
    ['U+2028 in a label value', { kind: 'LABEL', labels: { k: 'a\u2028b' } }, /U\+2028/],
    ['U+0085 in a label value', { kind: 'LABEL', labels: { k: 'a\u0085b' } }, /U\+0085/],
    ['DEL in a label value', { kind: 'LABEL', labels: { k: 'a\u007fb' } }, /U\+007F/],
    ['a lone surrogate in a label value', { kind: 'LABEL', labels: { k: 'a\ud800' } }, /lone UTF-16 surrogate/],
    ['a newline in a RUN word', { kind: 'RUN', commands: [['echo', 'a\nRUN id']] }, /^Dockerfile RUN: the shell word "a\\nRUN id" contains the control character U\+000A/],
    ['NUL in a RUN word', { kind: 'RUN', commands: [['echo', 'a\u0000']] }, /U\+0000/],
    ['an empty RUN command', { kind: 'RUN', commands: [[]] }, /^Dockerfile RUN: needs at least one word/],
    ['no RUN command', { kind: 'RUN', commands: [] }, /^Dockerfile RUN: needs at least one command/],
    ['a newline in a CMD argument', { kind: 'CMD', argv: ['/bin/x', 'a\nb'] }, /^Dockerfile CMD: the argument "a\\nb"/],
    ['a newline in a COPY source', { kind: 'COPY', sources: ['a\nb'], destination: '/' }, /^Dockerfile COPY: the source "a\\nb" contains the control character/],
    ['a newline in a VOLUME path', { kind: 'VOLUME', paths: ['/a\nb'] }, /^Dockerfile VOLUME: the path "\/a\\nb" contains the control character/],
    ['a tab in FROM', { kind: 'FROM', image: 'nginx:1\tx' }, /^Dockerfile FROM: the image "nginx:1\\tx" contains the control character U\+0009/],
    ['a newline in a comment', { kind: 'comment', text: 'a\nRUN id' }, /^Dockerfile comment: the text "a\\nRUN id"/],
    ['a comment that looks like a parser directive', { kind: 'comment', text: 'escape=`' }, /parser directive/],
  ];
  test.each(refused)('refuses %s', (_what, instruction, message) => {
    expect(() => renderInstruction(instruction)).toThrow(message);
    const stage: StageInstruction[] = instruction.kind === 'FROM' ? [] : [instruction];
    const from = instruction.kind === 'FROM' ? instruction : { kind: 'FROM' as const, image: 'scratch' };
    expect(() => renderDockerfile({ stages: [{ from, instructions: stage }] })).toThrow(message);
  });

  test('an image whose files entry holds a $ is refused when the Dockerfile is rendered', () => {
    const img = image({ files: ['/usr/sbin/nginx', '/lib/$LIB'] });
    // The constructor drops what it cannot accept; force the value in to check the renderer alone.
    Object.defineProperty(img, 'files', { value: ['/usr/sbin/nginx', '/lib/$LIB'] });
    expect(() => img.dockerfile()).toThrow(/^Dockerfile COPY: the source "\/lib\/\$LIB" contains '\$'/);
  });

  (haveBuildah ? test : test.skip)('buildah reads hostile LABEL values back byte for byte', () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'label-test-'));
    const podman = new Podman(work);
    const ref = 'localhost/label-test:1';
    const labels: { [key: string]: string } = {
      'org.example.home': '$HOME',
      'org.example.path': '${PATH}',
      'org.example.subst': '$(id) `id`',
      'org.example.quotes': 'say "hi" it\'s',
      'org.example.backslash': 'a\\b\\',
      'org.example.escaped-dollar': '\\$HOME \\${PATH}',
      'org.example.glob': '* ? [a]',
      'org.example.shell': 'a && b | c; d # e',
      'org.example.empty': '',
      'org.example.unicode': 'ü € 日本',
    };
    const context = path.join(work, 'context');
    fs.mkdirSync(context);
    fs.writeFileSync(path.join(context, 'Dockerfile'), renderDockerfile({
      syntax: 'docker/dockerfile:1',
      stages: [{ from: { kind: 'FROM', image: 'scratch' }, instructions: [{ kind: 'LABEL', labels }] }],
    }));
    try {
      podman.run('buildah', ['bud', '--layers=false', '-q', '-t', ref, '-f', 'Dockerfile', context], { timeoutMs: 120_000 });
      // buildah 1.28's --format has no json function: read the whole inspect document instead.
      const inspected = JSON.parse(podman.run('buildah', ['inspect', '--type', 'image', ref]).stdout);
      const built: { [key: string]: string } = { ...inspected.OCIv1.config.Labels };
      delete built['io.buildah.version'];
      expect(built).toEqual(labels);
      for (const k of Object.keys(labels)) expect(Buffer.from(built[k], 'utf8').equals(Buffer.from(labels[k], 'utf8'))).toBe(true);
    } finally {
      podman.run('buildah', ['rmi', '--force', ref], { allowFailure: true });
      fs.rmSync(work, { recursive: true, force: true });
    }
  }, 180_000);
});

describe('renderDockerfile: the layout of the file', () => {
  const scratch = { kind: 'FROM', image: 'scratch' } as const;

  test('a stage alone: no directive, no header, no leading blank line', () => {
    expect(renderDockerfile({ stages: [{ from: scratch, instructions: [] }] })).toBe('FROM scratch\n');
  });

  test('the syntax directive, the header comments (a blank comment line included), then the stages one blank line apart', () => {
    const text = renderDockerfile({
      syntax: 'docker/dockerfile:1',
      header: ['Generated.', '', 'Do not edit.'],
      stages: [
        { comments: ['Builder.'], from: { kind: 'FROM', image: 'alpine:3', stageName: 'builder' }, instructions: [{ kind: 'RUN', commands: [['true']] }] },
        { comments: ['Final.', ''], from: scratch, instructions: [{ kind: 'COPY', from: 'builder', sources: ['/x'], destination: '/x' }] },
      ],
    });
    expect(text).toBe([
      '# syntax=docker/dockerfile:1',
      '# Generated.',
      '#',
      '# Do not edit.',
      '',
      '# Builder.',
      'FROM alpine:3 AS builder',
      'RUN true',
      '',
      '# Final.',
      '#',
      'FROM scratch',
      'COPY --from=builder ["/x", "/x"]',
      '',
    ].join('\n'));
    expect(validate(text)).toEqual([]);
    expect(DockerfileParser.parse(text).getDirectives().map(d => d.getName())).toEqual(['syntax']);
  });

  test('a header without a syntax directive starts the file', () => {
    expect(renderDockerfile({ header: ['Hello.'], stages: [{ from: scratch, instructions: [] }] })).toBe('# Hello.\n\nFROM scratch\n');
  });

  test('refuses a FROM inside a stage', () => {
    const nested = { kind: 'FROM', image: 'alpine:3' } as unknown as StageInstruction;
    expect(() => renderDockerfile({ stages: [{ from: scratch, instructions: [nested] }] }))
      .toThrow('Dockerfile: a FROM inside a stage; start a new stage instead.');
  });

  test.each([
    ['docker/dockerfile:1', undefined],
    ['docker/dockerfile:$V', /^Dockerfile syntax directive: the frontend "docker\/dockerfile:\$V" contains '\$'/],
    ['docker/dockerfile:1 x', /^Dockerfile syntax directive: the frontend "docker\/dockerfile:1 x" contains whitespace/],
    ['', /^Dockerfile syntax directive: the frontend "" is empty/],
  ])('the syntax directive %j', (syntax, message) => {
    const render = () => renderDockerfile({ syntax, stages: [{ from: scratch, instructions: [] }] });
    if (message) expect(render).toThrow(message);
    else expect(render()).toBe(`# syntax=${syntax}\n\nFROM scratch\n`);
  });

  test('header lines are checked like any comment', () => {
    expect(() => renderDockerfile({ header: ['escape=`'], stages: [{ from: scratch, instructions: [] }] })).toThrow(/^Dockerfile comment: the text "escape=`" looks like a parser directive \(key=value\)/);
  });
});

describe('renderInstruction: the text of each instruction', () => {
  test.each<[string, DockerfileInstruction, string]>([
    ['FROM without a stage name', { kind: 'FROM', image: 'nginx:1.27' }, 'FROM nginx:1.27'],
    ['FROM with a stage name', { kind: 'FROM', image: 'nginx:1.27', stageName: 'Build-2.x_y' }, 'FROM nginx:1.27 AS Build-2.x_y'],
    ['COPY with --from and --chown, in that order', { kind: 'COPY', from: 'builder', chown: 'www-data:www.data', sources: ['a'], destination: '/b' }, 'COPY --from=builder --chown=www-data:www.data ["a", "/b"]'],
    ['COPY --from an image reference', { kind: 'COPY', from: 'registry.example.com:5000/a/b_c:1.0@sha256:ab', sources: ['/x'], destination: '/x' }, 'COPY --from=registry.example.com:5000/a/b_c:1.0@sha256:ab ["/x", "/x"]'],
    ['COPY --chown of a name', { kind: 'COPY', chown: '_nginx', sources: ['a'], destination: '/b' }, 'COPY --chown=_nginx ["a", "/b"]'],
    ['COPY of one source to a file', { kind: 'COPY', sources: ['a'], destination: '/b' }, 'COPY ["a", "/b"]'],
    ['RUN of one command', { kind: 'RUN', commands: [['echo', 'a b']] }, "RUN echo 'a b'"],
    ['RUN of three commands', { kind: 'RUN', commands: [['a'], ['b', '1'], ['c']] }, 'RUN a && \\\n    b 1 && \\\n    c'],
    ['LABEL of one key', { kind: 'LABEL', labels: { 'org.example/a_b-C9': 'x' } }, 'LABEL org.example/a_b-C9="x"'],
    ['LABEL with an empty value and escapes', { kind: 'LABEL', labels: { k: '', l: '"$\\' } }, 'LABEL k="" \\\n      l="\\"\\$\\\\"'],
    ['VOLUME of two paths', { kind: 'VOLUME', paths: ['/a', '/b c'] }, 'VOLUME ["/a", "/b c"]'],
    ['USER without a gid', { kind: 'USER', uid: 65532 }, 'USER 65532'],
    ['USER root (the renderer writes it; the image validation refuses it)', { kind: 'USER', uid: 0, gid: 0 }, 'USER 0:0'],
    ['EXPOSE of the lowest and highest ports', { kind: 'EXPOSE', ports: [1, 65535] }, 'EXPOSE 1/tcp 65535/tcp'],
    ['STOPSIGNAL by name', { kind: 'STOPSIGNAL', signal: 'SIGQUIT' }, 'STOPSIGNAL SIGQUIT'],
    ['STOPSIGNAL with + and -', { kind: 'STOPSIGNAL', signal: 'SIGRTMIN+3' }, 'STOPSIGNAL SIGRTMIN+3'],
    ['STOPSIGNAL SIGRTMAX-1', { kind: 'STOPSIGNAL', signal: 'SIGRTMAX-1' }, 'STOPSIGNAL SIGRTMAX-1'],
    ['STOPSIGNAL by number', { kind: 'STOPSIGNAL', signal: '15' }, 'STOPSIGNAL 15'],
    ['STOPSIGNAL 9', { kind: 'STOPSIGNAL', signal: '9' }, 'STOPSIGNAL 9'],
    ['CMD with an empty argument', { kind: 'CMD', argv: ['/bin/x', ''] }, 'CMD ["/bin/x", ""]'],
    ['a comment', { kind: 'comment', text: 'Hello, world.' }, '# Hello, world.'],
    ['an empty comment', { kind: 'comment', text: '' }, '#'],
    ['a comment with = that no builder reads as a directive', { kind: 'comment', text: 'a b=c' }, '# a b=c'],
    ['a comment with = after a colon', { kind: 'comment', text: 'note: x=1' }, '# note: x=1'],
    ['a comment that starts with a digit', { kind: 'comment', text: '1=2' }, '# 1=2'],
  ])('%s', (_what, instruction, text) => {
    expect(renderInstruction(instruction)).toBe(text);
  });

  const refused: Array<[string, DockerfileInstruction, string | RegExp]> = [
    ['an empty FROM image', { kind: 'FROM', image: '' }, 'Dockerfile FROM: the image "" is empty; the renderer refuses to write a value the builder could read differently.'],
    ['a backslash in FROM', { kind: 'FROM', image: 'a\\b' }, 'Dockerfile FROM: the image "a\\\\b" contains a backslash, the builder\'s escape character;'],
    ['a stage name starting with a digit', { kind: 'FROM', image: 'a:1', stageName: '1st' }, 'Dockerfile FROM: the stage name "1st" is not a name of letters, digits, \'_\', \'.\' and \'-\' that starts with a letter;'],
    ['a stage name with a colon', { kind: 'FROM', image: 'a:1', stageName: 'a:b' }, 'the stage name "a:b" is not'],
    ['an empty stage name', { kind: 'FROM', image: 'a:1', stageName: '' }, 'the stage name "" is not'],
    ['COPY --from starting with -', { kind: 'COPY', from: '-x', sources: ['a'], destination: '/b' }, 'Dockerfile COPY: the --from stage "-x" is not a stage name or an image reference;'],
    ['COPY --from with a comma', { kind: 'COPY', from: 'a,b', sources: ['a'], destination: '/b' }, 'the --from stage "a,b" is not'],
    ['COPY --from with =', { kind: 'COPY', from: 'a=b', sources: ['a'], destination: '/b' }, 'the --from stage "a=b" is not'],
    ['COPY --from with a space', { kind: 'COPY', from: 'a b', sources: ['a'], destination: '/b' }, 'the --from stage "a b" contains whitespace'],
    ['an empty COPY --from', { kind: 'COPY', from: '', sources: ['a'], destination: '/b' }, 'the --from stage "" is empty'],
    ['COPY --chown with two colons', { kind: 'COPY', chown: 'a:b:c', sources: ['a'], destination: '/b' }, 'Dockerfile COPY: the --chown owner "a:b:c" is not \'user[:group]\' of letters, digits, \'_\', \'.\' and \'-\';'],
    ['COPY --chown with no user', { kind: 'COPY', chown: ':1', sources: ['a'], destination: '/b' }, 'the --chown owner ":1" is not'],
    ['COPY --chown with an empty group', { kind: 'COPY', chown: '1:', sources: ['a'], destination: '/b' }, 'the --chown owner "1:" is not'],
    ['COPY --chown starting with -', { kind: 'COPY', chown: '-1', sources: ['a'], destination: '/b' }, 'the --chown owner "-1" is not'],
    ['COPY --chown group starting with .', { kind: 'COPY', chown: 'a:.b', sources: ['a'], destination: '/b' }, 'the --chown owner "a:.b" is not'],
    ['an empty COPY --chown', { kind: 'COPY', chown: '', sources: ['a'], destination: '/b' }, 'the --chown owner "" is not'],
    ['a ? in a COPY source', { kind: 'COPY', sources: ['a?'], destination: '/b' }, 'Dockerfile COPY: the source "a?" contains \'*\', \'?\' or \'[\', which COPY reads as a pattern;'],
    ['a [ in a COPY source', { kind: 'COPY', sources: ['a[1]'], destination: '/b' }, 'the source "a[1]" contains \'*\''],
    ['an empty COPY source', { kind: 'COPY', sources: [''], destination: '/b' }, 'the source "" is empty'],
    ['no COPY source', { kind: 'COPY', sources: [], destination: '/b' }, 'Dockerfile COPY: needs at least one source.'],
    ['COPY sources that are not a list', { kind: 'COPY', sources: 'a' as unknown as string[], destination: '/b' }, 'Dockerfile COPY: needs at least one source.'],
    ['an empty COPY destination', { kind: 'COPY', sources: ['a'], destination: '' }, 'the destination "" is empty'],
    ['no label', { kind: 'LABEL', labels: {} }, 'Dockerfile LABEL: needs at least one label.'],
    ['an empty label key', { kind: 'LABEL', labels: { '': 'x' } }, 'Dockerfile LABEL: the key "" is not a label key of letters, digits, \'.\', \'_\', \'-\' and \'/\';'],
    ['a label value that is not a string', { kind: 'LABEL', labels: { k: 1 as unknown as string } }, 'Dockerfile LABEL: the value of k "1" is not a string;'],
    ['no VOLUME path', { kind: 'VOLUME', paths: [] }, 'Dockerfile VOLUME: needs at least one path.'],
    ['VOLUME paths that are not a list', { kind: 'VOLUME', paths: '/data' as unknown as string[] }, 'Dockerfile VOLUME: needs at least one path.'],
    ['an empty VOLUME path', { kind: 'VOLUME', paths: [''] }, 'Dockerfile VOLUME: the path "" is empty'],
    ['a uid too large to be exact', { kind: 'USER', uid: 2 ** 53 }, 'Dockerfile USER: the uid "9007199254740992" is not a whole number from 0 up;'],
    ['a negative uid', { kind: 'USER', uid: -1 }, 'Dockerfile USER: the uid "-1" is not a whole number from 0 up;'],
    ['a gid that is not a number', { kind: 'USER', uid: 1, gid: NaN }, 'Dockerfile USER: the gid "NaN" is not'],
    ['no EXPOSE port', { kind: 'EXPOSE', ports: [] }, 'Dockerfile EXPOSE: needs at least one port.'],
    ['port 65536', { kind: 'EXPOSE', ports: [80, 65536] }, 'Dockerfile EXPOSE: the port "65536" is not a port from 1 to 65535;'],
    ['a port that is not whole', { kind: 'EXPOSE', ports: [80.5] }, 'Dockerfile EXPOSE: the port "80.5" is not a port from 1 to 65535;'],
    ['a negative port', { kind: 'EXPOSE', ports: [-80] }, 'the port "-80" is not'],
    ['a lower-case signal', { kind: 'STOPSIGNAL', signal: 'sigquit' }, 'Dockerfile STOPSIGNAL: the signal "sigquit" is not a signal name such as \'SIGQUIT\' or a number;'],
    ['a signal without SIG', { kind: 'STOPSIGNAL', signal: 'QUIT' }, 'the signal "QUIT" is not'],
    ['SIG alone', { kind: 'STOPSIGNAL', signal: 'SIG' }, 'the signal "SIG" is not'],
    ['signal 0', { kind: 'STOPSIGNAL', signal: '0' }, 'the signal "0" is not'],
    ['a signal number with a leading 0', { kind: 'STOPSIGNAL', signal: '09' }, 'the signal "09" is not'],
    ['a negative signal', { kind: 'STOPSIGNAL', signal: '-9' }, 'the signal "-9" is not'],
    ['a signal number with a suffix', { kind: 'STOPSIGNAL', signal: '9x' }, 'the signal "9x" is not'],
    ['a signal name with a prefix', { kind: 'STOPSIGNAL', signal: 'xSIGQUIT' }, 'the signal "xSIGQUIT" is not'],
    ['an empty signal', { kind: 'STOPSIGNAL', signal: '' }, 'the signal "" is not'],
    ['no CMD argument', { kind: 'CMD', argv: [] }, 'Dockerfile CMD: needs at least one argument.'],
    ['a CMD argument that is not a string', { kind: 'CMD', argv: ['/bin/x', 42 as unknown as string] }, 'Dockerfile CMD: the argument "42" is not a string;'],
    ['a syntax directive as a comment', { kind: 'comment', text: 'syntax=docker/dockerfile:1' }, 'Dockerfile comment: the text "syntax=docker/dockerfile:1" looks like a parser directive (key=value);'],
    ['a directive with spaces around =', { kind: 'comment', text: ' check = skip=all' }, 'the text " check = skip=all" looks like a parser directive'],
    ['a directive key with - and _', { kind: 'comment', text: 'a_b-C9=1' }, 'the text "a_b-C9=1" looks like a parser directive'],
    ['a no-break space before =', { kind: 'comment', text: 'escape\u00a0=x' }, 'looks like a parser directive'],
    ['an unknown instruction', { kind: 'ENV', name: 'A' } as unknown as DockerfileInstruction, 'Dockerfile: unknown instruction {"kind":"ENV","name":"A"}.'],
  ];
  test.each(refused)('refuses %s', (_what, instruction, message) => {
    expect(() => renderInstruction(instruction)).toThrow(message);
  });

  test.each(['case', 'do', 'done', 'elif', 'else', 'esac', 'fi', 'for', 'function', 'if', 'in', 'select', 'then', 'until', 'while'])(
    'a first word %j, a reserved word of sh or bash, is quoted so that it stays a command name', (word) => {
      expect(renderShellCommand([word, word])).toBe(`'${word}' ${word}`);
      expect(renderInstruction({ kind: 'RUN', commands: [['true'], [word]] })).toBe(`RUN true && \\\n    '${word}'`);
    });

  test('a first word that only looks like a reserved word is left bare', () => {
    expect(renderShellCommand(['iff', 'x'])).toBe('iff x');
    expect(renderShellCommand(['Done'])).toBe('Done');
  });

  test('a first word that needs quotes anyway is quoted once', () => {
    expect(renderShellCommand(['a b=c', 'x'])).toBe("'a b=c' x");
    expect(renderShellCommand(["it's"])).toBe("'it'\\''s'");
  });
});
