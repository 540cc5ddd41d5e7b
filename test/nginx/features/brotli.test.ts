import * as fs from 'fs';
import { NginxImage } from '../../../src/image/nginx-image';
import { NginxConfig } from '../../../src/nginx/config';
import { importNginxConfig } from '../../../src/nginx/import';
import { NginxModules } from '../../../src/nginx/modules';
import { HOST_NGINX, nginxTest } from '../../helpers/nginx-t';

const FILTER = NginxModules.brotliFilter().path;
const STATIC = NginxModules.brotliStatic().path;
const runnable = fs.existsSync(HOST_NGINX) && fs.existsSync(FILTER) && fs.existsSync(STATIC);
if (!runnable && process.env.CI === 'true') {
  throw new Error('nginx-light or the brotli module packages are missing: .ci/run must install libnginx-mod-http-brotli-filter and libnginx-mod-http-brotli-static.');
}

describe('brotli: a typed feature from one file (nginx/features/brotli.ts)', () => {
  test('off by default: no module, no directive', () => {
    const config = new NginxConfig();
    expect(config.dynamicModules).toEqual([]);
    expect(config.files()[0].content).not.toMatch(/brotli/);
  });

  test('on: loads both modules (which the image copies), renders its directives, and passes every synth-time check', () => {
    const config = new NginxConfig({ brotli: true });
    const main = config.files()[0].content;
    expect(main).toContain(`load_module ${FILTER};`);
    expect(main).toContain(`load_module ${STATIC};`);
    expect(main).toMatch(/\n {4}brotli on;\n {4}brotli_comp_level 5;\n {4}brotli_min_length 1024;\n {4}brotli_types text\/css .* font\/otf;\n {4}brotli_static on;\n/);
    expect(config.validate()).toEqual([]);
    expect(config.findings()).toEqual([]);
    expect(new NginxImage({ config, repository: 'site', tag: '1' }).closureRoots).toEqual(['/usr/sbin/nginx', FILTER, STATIC]);
  });

  test('a module the props already list is loaded once', () => {
    for (const props of [{ dynamicModules: [NginxModules.brotliFilter()] }, { modules: [FILTER] }]) {
      const config = new NginxConfig({ brotli: true, ...props });
      expect(config.modules).toEqual([FILTER, STATIC]);
      expect(config.validate()).toEqual([]);
    }
  });

  test('a value that is not a boolean is refused with the prop and the fix', () => {
    expect(new NginxConfig({ brotli: 'yes' as any }).validate()).toEqual(['brotli "yes" is a string, not a boolean; use true or false.']);
  });

  test('an imported config keeps its own brotli directives as they are; its load_module of a known module declares it', () => {
    const conf = `load_module ${FILTER};\nevents {}\nhttp { brotli on; brotli_comp_level 9; server { listen 8080; } }\n`;
    const config = importNginxConfig([{ path: 'nginx.conf', content: conf }], {}, p => new NginxConfig(p));
    expect(config.files()[0].content).toContain('brotli_comp_level 9;');
    expect(config.files()[0].content).not.toContain('brotli_comp_level 5;');
    expect(config.dynamicModules.map(m => m.path)).toEqual([FILTER]);
    expect(config.modules).toEqual([FILTER]);
  });

  (runnable ? test : test.skip)('nginx -t accepts it with the modules Debian ships', () => {
    const config = new NginxConfig({ brotli: true, gzipStatic: true });
    const result = nginxTest(config.files());
    expect(result).toMatchObject({ ok: true });
  });
});
