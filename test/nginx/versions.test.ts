import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { NginxImage } from '../../src/image/nginx-image';
import { NginxConfig } from '../../src/nginx/config';
import { Directive } from '../../src/nginx/directive';
import { NGINX_DIRECTIVES } from '../../src/nginx/reference-data';
import { renderDirectives } from '../../src/nginx/render';
import { NGINX_DIRECTIVE_VERSIONS } from '../../src/nginx/version-data';
import { isNginxVersion, nginxVersionOfImage, olderThan, versionProblems } from '../../src/nginx/versions';
import { HOST_NGINX, nginxTest } from '../helpers/nginx-t';

describe('the nginx version of a base image', () => {
  test.each<[string, string | undefined]>([
    ['nginx:1.30.6-alpine', '1.30.6'],
    ['nginx:1.27-bookworm', '1.27'],
    ['registry.example.com:5000/mirror/nginx:1.22.1@sha256:' + 'a'.repeat(64), '1.22.1'],
    ['nginx:v1.25.3', '1.25.3'],
    ['nginx:mainline', undefined],
    ['debian:bookworm', undefined],
    ['registry.example.com:5000/nginx', undefined],
    ['nginx:12', undefined],
    ['nginx:1.25.3x', undefined],
  ])('%s names %j', (ref, version) => {
    expect(nginxVersionOfImage(ref)).toBe(version);
  });

  test('versions compare by number, a missing patch as 0', () => {
    expect(olderThan('1.22.1', '1.25.1')).toBe(true);
    expect(olderThan('1.25.1', '1.25.1')).toBe(false);
    expect(olderThan('1.9.0', '1.10.0')).toBe(true);
    expect(olderThan('1.25', '1.25.1')).toBe(true);
    expect(isNginxVersion('1.22.1')).toBe(true);
    expect(isNginxVersion('1.22.1.1')).toBe(false);
  });
});

describe('directives checked against the version, from nginx\'s documentation', () => {
  const tree = (d: Directive) => [Directive.withBlock('http', [], [Directive.withBlock('server', [], [Directive.of('server_name', 'a'), d])])];

  test('the table has what the documentation says', () => {
    expect(NGINX_DIRECTIVE_VERSIONS.http2).toEqual(['1.25.1', '', '']);
    expect(NGINX_DIRECTIVE_VERSIONS.worker_shutdown_timeout).toEqual(['1.11.11', '', '']);
    expect(NGINX_DIRECTIVE_VERSIONS.ssl).toEqual(['', '1.15.0', '1.25.1']);
    expect(NGINX_DIRECTIVE_VERSIONS.http2_push).toEqual(['1.13.9', '1.25.1', '']);
    expect(Object.keys(NGINX_DIRECTIVE_VERSIONS).length).toBeGreaterThan(200);
  });

  test.each<[string, Directive, string, RegExp | undefined]>([
    ['too new', Directive.of('http2', 'on'), '1.22.1', /^http > server \(a\) > http2 on: 'http2' appeared in nginx 1.25.1, and the base image has nginx 1.22.1, which stops with "unknown directive".*listen parameter 'http2'/],
    ['new enough', Directive.of('http2', 'on'), '1.25.1', undefined],
    ['removed', Directive.of('ssl', 'on'), '1.25.1', /'ssl' was removed in nginx 1.25.1, .*listen parameter 'ssl'/],
    ['obsolete, so ignored', Directive.of('http2_push', '/style.css'), '1.26.0', /'http2_push' is obsolete since nginx 1.25.1, .*ignores it with a warning/],
    ['not yet obsolete', Directive.of('http2_push', '/style.css'), '1.24.0', undefined],
    ['older than the documented history', Directive.of('root', '/srv'), '0.8.0', undefined],
    ['a parameter too new', Directive.of('listen', '8443', 'quic', 'reuseport'), '1.22.1', /^http > server \(a\) > listen 8443 quic reuseport: the 'quic' parameter of 'listen' appeared in nginx 1.25.0, and the base image has nginx 1.22.1, which refuses it/],
    ['a parameter new enough', Directive.of('add_header', 'X-A', 'b', 'always'), '1.7.5', undefined],
    ['a protocol too new', Directive.of('ssl_protocols', 'TLSv1.2', 'TLSv1.3'), '1.12.2', /the 'TLSv1.3' parameter of 'ssl_protocols' appeared in nginx 1.13.0/],
  ])('%s', (_name, d, version, message) => {
    const problems = versionProblems(tree(d), version);
    expect(problems).toEqual(message ? [expect.stringMatching(message)] : []);
  });

  const hostVersion = fs.existsSync(HOST_NGINX) ? /nginx\/([0-9.]+)/.exec(spawnSync(HOST_NGINX, ['-v'], { encoding: 'utf8' }).stderr)?.[1] : undefined;
  const newer = Object.entries(NGINX_DIRECTIVE_VERSIONS)
    .filter(([name, [since]]) => hostVersion !== undefined && since && olderThan(hostVersion, since) && NGINX_DIRECTIVES[name]?.some(r => r[0].split(',').includes('http')))
    .map(([name, [since]]) => [name, since] as const);

  // Debian's security updates backported max_headers (upstream 1.29.8) into its 1.22.1: a distribution's
  // nginx can know more than its upstream version, never less.
  const BACKPORTED = ['max_headers'];

  (hostVersion ? test : test.skip)(`Debian's nginx (${hostVersion}) knows none of the ${newer.length} http directives the table says are newer, but its backports`, () => {
    expect(newer.length).toBeGreaterThan(10);
    // nginx stops at the first unknown directive: one run per directive.
    const known = newer.filter(([name]) => {
      const config = new NginxConfig().addHttpDirective(Directive.of(name, 'x'));
      return !nginxTest([{ path: 'nginx.conf', content: renderDirectives(config.mainTree()) }]).output.includes(`unknown directive "${name}"`);
    });
    expect(known.map(([name]) => name)).toEqual(BACKPORTED);
  });
});

(fs.existsSync(HOST_NGINX) ? test : test.skip)('Debian\'s nginx 1.22 refuses the listen parameter the table says is newer (quic), and takes the older ones', () => {
  const listen = (...params: string[]) => {
    const config = new NginxConfig();
    config.servers[0].addDirective(Directive.of('listen', '8443', ...params));
    return nginxTest([{ path: 'nginx.conf', content: renderDirectives(config.mainTree()) }, { path: 'conf.d/default.conf', content: renderDirectives(config.serverDirectives()) }]);
  };
  expect(listen('quic').output).toMatch(/invalid parameter "quic"|the "quic" parameter requires/);
  expect(listen('reuseport', 'so_keepalive=on', 'fastopen=10').ok).toBe(true);
});

describe('NginxImage checks its configuration against its base\'s nginx version', () => {
  const http2 = () => new NginxConfig({ servers: [{ name: 'www', port: 8443, tls: { secretName: 'www-tls' }, http2: true }] });

  test('read from the base\'s tag; a typed http2 server on an nginx 1.22 base fails with the version and the fix', () => {
    const old = new NginxImage({ config: http2(), baseImage: 'nginx:1.22.1-alpine@sha256:' + 'b'.repeat(64) });
    expect(old.nginxVersion).toBe('1.22.1');
    expect(old.validate()).toEqual([expect.stringMatching(/^http > server \(localhost\) > http2 on: 'http2' appeared in nginx 1.25.1, and the base image has nginx 1.22.1/)]);
    expect(new NginxImage({ config: http2() }).validate()).toEqual([]);
  });

  test('given explicitly for a base whose tag names no version; unknown means not checked; a wrong one is refused', () => {
    const base = 'registry.example.com/debian-nginx@sha256:' + 'c'.repeat(64);
    expect(new NginxImage({ config: http2(), baseImage: base }).nginxVersion).toBeUndefined();
    expect(new NginxImage({ config: http2(), baseImage: base }).validate()).toEqual([]);
    expect(new NginxImage({ config: http2(), baseImage: base, nginxVersion: '1.22.1' }).validate()).toEqual([expect.stringMatching(/'http2' appeared in nginx 1.25.1/)]);
    expect(new NginxImage({ config: new NginxConfig(), baseImage: base, nginxVersion: 'latest' }).validate())
      .toEqual([expect.stringMatching(/^nginxVersion "latest" .*an nginx version such as 1.22.1/)]);
  });
});
