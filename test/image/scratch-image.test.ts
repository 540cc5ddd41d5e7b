import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { NginxImage } from '../../src/image/nginx-image';
import { NginxImageProps } from '../../src/image/nginx-image-props';
import { ScratchImage, ScratchImageProps } from '../../src/image/scratch-image';
import { NginxConfig } from '../../src/nginx/config';
import { Directive } from '../../src/nginx/directive';

let outdir: string;
beforeEach(() => { outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'scratch-image-')); });
afterEach(() => {
  jest.restoreAllMocks();
  fs.rmSync(outdir, { recursive: true, force: true });
});

const image = (props: Partial<NginxImageProps> = {}) => new NginxImage({ config: new NginxConfig(), repository: 'localhost/site', ...props });

/** The validation errors of a synth, or [] when it passes. */
function synthErrors(app: App): string[] {
  try {
    app.synth();
    return [];
  } catch (e) {
    return (e as Error).message.split('\n').map(l => l.trim()).filter(l => l.startsWith('['));
  }
}

describe('ScratchImage', () => {
  test('writes the build context into images/<last segment of the repository> at synth', () => {
    const app = new App({ outdir });
    const img = new ScratchImage(new Chart(app, 'c'), 'img', { image: image({ repository: 'registry.example.com/team/my-site' }) });
    expect(img.contextPath).toBe(path.join(outdir, 'images', 'my-site'));
    expect(fs.existsSync(img.contextPath)).toBe(false);
    expect(synthErrors(app)).toEqual([]);
    expect(fs.readFileSync(path.join(img.contextPath, 'Dockerfile'), 'utf8')).toBe(img.image.dockerfile());
    expect(fs.readdirSync(img.contextPath).sort()).toEqual(['.dockerignore', 'Dockerfile', 'collect-rootfs.sh', 'conf.d', 'html', 'nginx.conf', 'record-packages.sh', 'rootfs', 'sbom.cdx.json']);
  });

  test.each(['ctx', 'ctx/web', 'a/./b', 'x'.repeat(255), 'a/..b/c..'])('contextDir %j is a folder of the output folder', (contextDir) => {
    const app = new App({ outdir });
    const img = new ScratchImage(new Chart(app, 'c'), 'img', { image: image(), contextDir });
    expect(img.contextPath).toBe(path.resolve(outdir, contextDir));
    expect(synthErrors(app)).toEqual([]);
    expect(fs.existsSync(path.join(outdir, contextDir, 'Dockerfile'))).toBe(true);
  });

  test.each<[string, unknown, string]>([
    ['empty', '', '""'],
    ['absolute', '/tmp/ctx', '"/tmp/ctx"'],
    ['a parent folder', '..', '".."'],
    ['going up at the end', 'a/../..', '"a/../.."'],
    ['going up with backslashes', 'a\\..\\..\\b', '"a\\\\..\\\\..\\\\b"'],
    ['a segment too long for a file system', `a/${'x'.repeat(256)}`, `"a/${'x'.repeat(58)}..." (258 characters)`],
    ['a line break', 'a\nb', '"a\\nb"'],
    ['a number', 5, '5'],
  ])('contextDir that is %s is refused, and nothing is written', (_what, contextDir, shown) => {
    const app = new App({ outdir });
    const img = new ScratchImage(new Chart(app, 'c'), 'img', { image: image(), contextDir } as ScratchImageProps);
    expect(synthErrors(app)).toEqual([`[c/img] contextDir ${shown} must be a relative path inside the app's output folder, such as 'images/site'.`]);
    expect(fs.readdirSync(outdir).filter(f => !f.endsWith('.k8s.yaml'))).toEqual([]);
    if (typeof contextDir !== 'string' || contextDir.includes('\n')) expect(img.contextPath).toBe(path.join(outdir, 'images', 'img'));
  });

  test('a folder is written by one image only; every later one names the first', () => {
    const app = new App({ outdir });
    const chart = new Chart(app, 'c');
    new ScratchImage(chart, 'a', { image: image() });
    new ScratchImage(chart, 'b', { image: image({ repository: 'ghcr.io/other/site' }) });
    new ScratchImage(chart, 'd', { image: image(), contextDir: 'images/site' });
    new ScratchImage(chart, 'e', { image: image(), contextDir: 'images/other' });
    expect(synthErrors(app)).toEqual([
      '[c/b] the build context folder images/site is already used by c/a; give this image another repository or set contextDir.',
      '[c/d] the build context folder images/site is already used by c/a; give this image another repository or set contextDir.',
    ]);
  });

  test('props without an image fail at once, with the construct path', () => {
    const app = new App({ outdir });
    expect(() => new ScratchImage(new Chart(app, 'c'), 'img', {} as ScratchImageProps))
      .toThrow('[c/img] image is missing; pass one, such as new NginxImage({ config: new NginxConfig() }).');
  });

  test('an invalid image is reported and nothing is written', () => {
    const app = new App({ outdir });
    new ScratchImage(new Chart(app, 'c'), 'img', { image: image({ uid: 0, gid: 1 }) });
    expect(synthErrors(app)).toEqual([expect.stringMatching(/^\[c\/img\] uid is 0 \(root\)/)]);
    expect(fs.existsSync(path.join(outdir, 'images'))).toBe(false);
  });

  test('an htmlDir holding the build context is refused before anything is written', () => {
    const app = new App({ outdir });
    new ScratchImage(new Chart(app, 'c'), 'img', { image: image({ htmlDir: outdir }) });
    expect(synthErrors(app)).toEqual([`[c/img] htmlDir ${JSON.stringify(outdir)} holds the output folder ${outdir}, so the build context would copy itself; point htmlDir at a folder of its own, such as 'html'.`]);
    expect(fs.existsSync(path.join(outdir, 'images'))).toBe(false);
  });

  test('an image used by two constructs: both write their folders, the first reports its problems and warnings, once', () => {
    const config = new NginxConfig();
    config.addHttpDirective(Directive.of('keepalive_requests', '100'));
    const warnings = config.warnings();
    expect(warnings.length).toBeGreaterThan(0);
    const shared = new NginxImage({ config, repository: 'localhost/site' });
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const app = new App({ outdir });
    // Two charts: cdk8s runs every validation once per chart.
    new ScratchImage(new Chart(app, 'c1'), 'first', { image: shared });
    new ScratchImage(new Chart(app, 'c2'), 'second', { image: shared, contextDir: 'images/second' });
    expect(synthErrors(app)).toEqual([]);
    expect(fs.existsSync(path.join(outdir, 'images/site/Dockerfile'))).toBe(true);
    expect(fs.existsSync(path.join(outdir, 'images/second/Dockerfile'))).toBe(true);
    expect(stderr.mock.calls.map(c => c[0])).toEqual(warnings.map(w => `[c1/first] warning: ${w}\n`));
  });

  test('an invalid image used by two constructs is reported by the first only', () => {
    const shared = image({ tag: 'latest' });
    const app = new App({ outdir });
    const chart = new Chart(app, 'c');
    new ScratchImage(chart, 'first', { image: shared });
    new ScratchImage(chart, 'second', { image: shared, contextDir: 'images/second' });
    expect(synthErrors(app)).toEqual([expect.stringMatching(/^\[c\/first\] image "localhost\/site:latest" uses the 'latest' tag/)]);
    expect(fs.existsSync(path.join(outdir, 'images'))).toBe(false);
  });

  test('its validation looks at the folder afresh, also outside a synthesis: an html folder removed after a synth is reported', () => {
    const html = fs.mkdtempSync(path.join(os.tmpdir(), 'html-afresh-'));
    try {
      fs.writeFileSync(path.join(html, 'index.html'), 'hi');
      const app = new App({ outdir });
      const img = new ScratchImage(new Chart(app, 'c'), 'img', { image: image({ htmlDir: html }) });
      expect(synthErrors(app)).toEqual([]);
      expect(img.node.validate()).toEqual([]);
      fs.rmSync(html, { recursive: true, force: true });
      expect(img.node.validate()).toEqual([expect.stringMatching(/^htmlDir ".*" is not a directory; point it at the folder holding index.html/)]);
    } finally {
      fs.rmSync(html, { recursive: true, force: true });
    }
  });

  test('configuration warnings go to stderr once per construct, and not while the image has problems', () => {
    const config = new NginxConfig();
    config.addHttpDirective(Directive.of('keepalive_requests', '100'));
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const app = new App({ outdir });
      const img = new ScratchImage(new Chart(app, 'c'), 'img', { image: image({ config }) });
      const bad = new ScratchImage(new Chart(app, 'd'), 'bad', { image: image({ config, repository: 'localhost/other', tag: 'latest' }) });
      expect(synthErrors(app)).toEqual([expect.stringMatching(/^\[d\/bad\] image "localhost\/other:latest" uses the 'latest' tag/)]);
      expect(img.node.validate()).toEqual([]);
      expect(bad.node.validate()).toHaveLength(1);
      const lines = stderr.mock.calls.map(c => String(c[0]));
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.every(l => l.startsWith('[c/img] warning: '))).toBe(true);
      expect(new Set(lines).size).toBe(lines.length);
    } finally {
      stderr.mockRestore();
    }
  });
});
