import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { NginxImage } from '../../src/image/nginx-image';
import { NginxConfig } from '../../src/nginx/config';
import { validateCycloneDx } from '../helpers/schema';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

describe('the declared SBOM beside the build context', () => {
  test('CycloneDX 1.5: the image, its base (a purl when pinned by digest), and each file the context puts into the image with its SHA-256', () => {
    const html = fs.mkdtempSync(path.join(os.tmpdir(), 'sbom-html-'));
    try {
      fs.writeFileSync(path.join(html, 'index.html'), '<h1>x</h1>\n');
      fs.writeFileSync(path.join(html, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]));
      const image = new NginxImage({ config: new NginxConfig(), repository: 'registry.example.com/web/site', tag: '2.0.0', baseImage: `nginx:1.30.6-alpine@${DIGEST}`, htmlDir: html });
      const context = image.buildContext();
      const text = context.find(f => f.path === 'sbom.cdx.json')!.content;
      const sbom = JSON.parse(text);
      expect(validateCycloneDx(sbom)).toBe(true);
      expect(sbom.metadata.component).toEqual({ 'type': 'container', 'bom-ref': 'image', 'name': 'registry.example.com/web/site', 'version': '2.0.0' });
      expect(sbom.components[0]).toEqual(expect.objectContaining({ name: 'nginx', version: DIGEST, purl: `pkg:oci/nginx@${encodeURIComponent(DIGEST)}?repository_url=nginx&tag=1.30.6-alpine` }));
      const files = Object.fromEntries(sbom.components.slice(1).map((c: any) => [c.name, c.hashes[0].content]));
      expect(Object.keys(files)).toEqual(['/etc/group', '/etc/nginx/conf.d/default.conf', '/etc/nginx/nginx.conf', '/etc/passwd', '/usr/share/nginx/html/index.html', '/usr/share/nginx/html/logo.png']);
      expect(files['/etc/nginx/nginx.conf']).toBe(sha256(context.find(f => f.path === 'nginx.conf')!.content));
      expect(files['/usr/share/nginx/html/logo.png']).toBe(sha256(fs.readFileSync(path.join(html, 'logo.png'))));
      // Not in the image: the SBOM itself, the Dockerfile and the builder's scripts.
      expect(Object.keys(files).some(f => /Dockerfile|\.sh$|sbom/.test(f))).toBe(false);
      expect(image.buildContext().find(f => f.path === 'sbom.cdx.json')!.content).toBe(text);
    } finally {
      fs.rmSync(html, { recursive: true, force: true });
    }
  });

  test('a base pinned by tag only gets no purl (a tag names no fixed content)', () => {
    const sbom = JSON.parse(new NginxImage({ config: new NginxConfig() }).buildContext().find(f => f.path === 'sbom.cdx.json')!.content);
    expect(validateCycloneDx(sbom)).toBe(true);
    expect(sbom.components[0]).toEqual({ 'type': 'container', 'bom-ref': 'base-image', 'name': 'nginx', 'version': '1.30.6-alpine', 'description': expect.any(String) });
  });
});
