import * as fs from 'fs';
import { NginxConfig } from '../../src/nginx/config';
import { Directive } from '../../src/nginx/directive';
import { LocationModifier } from '../../src/nginx/server-options';
import { HOST_NGINX, nginxTest, uncheckedFiles } from '../helpers/nginx-t';

const haveNginx = fs.existsSync(HOST_NGINX);
if (!haveNginx && process.env.CI === 'true') {
  throw new Error(`${HOST_NGINX} is missing: .ci/run must install Debian's nginx-light.`);
}
const describeNginx = haveNginx ? describe : describe.skip;

function expectAccepted(config: NginxConfig, uid?: number, gid?: number) {
  expect(config.validate()).toEqual([]);
  const r = nginxTest(config.files(), uid, gid);
  expect(r.output).toBe('');
  expect(r.ok).toBe(true);
}

describeNginx('nginx -t (Debian nginx, as the runtime uid, private /dev/shm)', () => {
  test('the default config', () => {
    expectAccepted(new NginxConfig());
  });

  test('another uid/gid', () => {
    expectAccepted(new NginxConfig(), 10001, 10002);
  });

  test('several servers, all location modifiers, escape hatches at every level', () => {
    const config = new NginxConfig({
      workerProcesses: '2',
      workerConnections: 512,
      keepaliveTimeoutSeconds: 30,
      errorLogLevel: 'notice',
      accessLog: false,
      servers: [
        { name: 'default', defaultServer: true, serverNames: ['_'] },
        { name: 'www', port: 8081, serverNames: ['www.example.com', '*.example.org'], healthPath: '/ready', errorPage: '/oops.html' },
      ],
    });
    config.addMainDirective(Directive.of('worker_rlimit_nofile', '4096'));
    config.addEventsDirective(Directive.of('multi_accept', 'on'));
    config.addHttpDirective(Directive.of('map_hash_bucket_size', '128'));
    config.addHttpDirective(Directive.withBlock('map', ['$http_upgrade', '$connection_upgrade'], [
      Directive.of('default', 'upgrade'),
      Directive.of('', 'close'),
    ]));
    config.servers[1]
      .addLocation('/', { directives: [Directive.of('try_files', '$uri', '$uri/', '/index.html')] })
      .addLocation('/exact', { modifier: LocationModifier.EXACT, directives: [Directive.of('return', '204')] })
      .addLocation('/static/', { modifier: LocationModifier.PREFERRED_PREFIX, directives: [Directive.of('expires', '1h')] })
      .addLocation('\\.(css|js)$', { modifier: LocationModifier.REGEX, directives: [Directive.of('add_header', 'Cache-Control', 'public, max-age=3600')] })
      .addLocation('\\.(png|jpe?g){1}$', { modifier: LocationModifier.REGEX_CASE_INSENSITIVE, directives: [Directive.of('expires', '7d')] })
      .addDirective(Directive.of('add_header', 'X-Note', 'a "quoted" value; with {braces} # and \\ backslash'));
    expectAccepted(config);
  });

  test('a rejected config is reported with nginx\'s own message', () => {
    const config = new NginxConfig();
    config.servers[0].addDirective(Directive.of('no_such_directive', 'x'));
    expect(() => config.files()).toThrow(/unknown-directive/);
    const r = nginxTest(uncheckedFiles(config));
    expect(r.ok).toBe(false);
    expect(r.output).toContain('unknown directive "no_such_directive"');
  });

  test('a write path outside /dev/shm fails for the non-root user (why runtimeDir exists)', () => {
    const config = new NginxConfig();
    config.servers[0].addDirective(Directive.of('client_body_temp_path', '/var/lib/nginx-scratch-test/body'));
    expect(config.validate().join('\n')).toContain('read-only root filesystem');
    const r = nginxTest(uncheckedFiles(config));
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/mkdir\(\) "\/var\/lib\/nginx-scratch-test\/body" failed/);
  });
});
