import { NginxConfig } from '../../../src/nginx/config';
import { GZIP_TYPES } from '../../../src/nginx/features/gzip';
import { importNginxConfig } from '../../../src/nginx/import';

const imported = (http: string) => importNginxConfig([{ path: 'nginx.conf', content: `events {}\nhttp { ${http} server { listen 8080; } }\n` }], {}, p => new NginxConfig(p));

describe('gzip: on the fly and precompressed', () => {
  test('on by default with the library settings; gzipStatic off', () => {
    const config = new NginxConfig();
    expect([config.gzip, config.gzipStatic]).toEqual([true, false]);
    expect(config.files()[0].content).toContain(`gzip on;\n    gzip_vary on;\n    gzip_comp_level 5;\n    gzip_min_length 1024;\n    gzip_proxied any;\n    gzip_types ${GZIP_TYPES.join(' ')};\n`);
    expect(config.files()[0].content).not.toContain('gzip_static');
  });

  test('off and static', () => {
    const config = new NginxConfig({ gzip: false, gzipStatic: true });
    expect(config.files()[0].content).not.toMatch(/gzip (on|off)|gzip_types/);
    expect(config.files()[0].content).toContain('gzip_static on;');
  });

  test.each(['gzip off;', '', 'gzip on;', 'gzip on; gzip_static on;', 'gzip_static off;', 'gzip on; gzip_comp_level 9;'])(
    'an imported http block %j keeps its gzip lines as they are, and the typed gzip is off (it would add its own tuning)', (http) => {
      const config = imported(http);
      expect([config.gzip, config.gzipStatic]).toEqual([false, false]);
      expect(config.files()[0].content.match(/^\s*gzip\w* [^;]*;/gm)?.map(l => l.trim()) ?? []).toEqual(http.split(/(?<=;) /).filter(l => l));
    });

  test('props given to the import win over the imported directives', () => {
    const config = importNginxConfig([{ path: 'nginx.conf', content: 'events {}\nhttp { gzip off; server { listen 8080; } }\n' }], { gzip: true }, p => new NginxConfig(p));
    expect(config.gzip).toBe(true);
  });
});
