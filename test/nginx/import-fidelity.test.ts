import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { NginxConfig } from '../../src/nginx/config';
import { ConfigFile } from '../../src/nginx/config-props';
import { Directive } from '../../src/nginx/directive';
import { AccessLogFormat } from '../../src/nginx/features/logging';
import { TlsProfile } from '../../src/nginx/features/tls';
import { nginxSeconds } from '../../src/nginx/import';
import { globMatcher } from '../../src/nginx/includes';
import { parseNginx } from '../../src/nginx/parse';
import { selfSignedCertificate } from '../helpers/live-nginx';
import { nginxTest } from '../helpers/nginx-t';

const haveNginx = fs.existsSync('/usr/sbin/nginx');

/** An imported nginx.conf with one server; `http` and `server` are inserted into the blocks. */
function importHttp(http: string, server = '', props = {}): NginxConfig {
  const conf = `events {}\nhttp {\n${http}\n  server {\n    listen 8080;\n    server_name www.example.com;\n${server}\n  }\n}\n`;
  return NginxConfig.fromFiles([{ path: 'nginx.conf', content: conf }], props);
}

/** Every directive named `name` in the rendered files, as `name args` text, wherever it is (the health location aside). */
function lines(config: NginxConfig, name: string): string[] {
  const out: string[] = [];
  const walk = (tree: readonly Directive[]) => tree.forEach(d => {
    if (d.name === name) out.push([d.name, ...d.args].join(' '));
    if (d.block && !(d.name === 'location' && d.args.join(' ') === '= /healthz')) walk(d.block);
  });
  for (const f of config.files()) walk(parseNginx(f.content, f.path));
  return out;
}

describe('imported settings win over the library\'s defaults (the defaults fill only what is left unsaid)', () => {
  test.each<[string, string, string, string[]]>([
    ['an upload limit', 'client_max_body_size 100m;', 'client_max_body_size', ['client_max_body_size 100m']],
    ['a default type', 'default_type text/plain;', 'default_type', ['default_type text/plain']],
    ['gzip off with a custom type list', 'gzip off;\n gzip_types text/css;', 'gzip', ['gzip off']],
    ['the custom type list of gzip off', 'gzip off;\n gzip_types text/css;', 'gzip_types', ['gzip_types text/css']],
    ['gzip tuning', 'gzip on;\n gzip_comp_level 9;\n gzip_min_length 20;\n gzip_vary off;', 'gzip_comp_level', ['gzip_comp_level 9']],
    ['gzip tuning (vary)', 'gzip on;\n gzip_vary off;', 'gzip_vary', ['gzip_vary off']],
    ['a custom gzip type list', 'gzip on;\n gzip_types text/css application/wasm;', 'gzip_types', ['gzip_types text/css application/wasm']],
    ['access_log off', 'access_log off;', 'access_log', ['access_log off']],
    ['a custom main format', 'log_format main \'$remote_addr $status\';\n access_log /var/log/nginx/access.log main buffer=4k;', 'log_format', ['log_format main $remote_addr $status']],
    ['a log file, moved to stdout with its format and parameters', 'log_format tiny \'$status\';\n access_log /var/log/nginx/a.log tiny buffer=4k;', 'access_log', ['access_log /dev/stdout tiny buffer=4k']],
    ['a keepalive in hours', 'keepalive_timeout 1h;', 'keepalive_timeout', ['keepalive_timeout 3600']],
    ['a keepalive with a header timeout', 'keepalive_timeout 75s 60s;', 'keepalive_timeout', ['keepalive_timeout 75s 60s']],
    ['reset_timedout_connection', 'reset_timedout_connection off;', 'reset_timedout_connection', ['reset_timedout_connection off']],
    ['sendfile', 'sendfile off;', 'sendfile', ['sendfile off']],
    ['a client timeout', 'client_body_timeout 60s;', 'client_body_timeout', ['client_body_timeout 60s']],
  ])('%s is kept, once', (_name, http, name, expected) => {
    const config = importHttp(http);
    expect(config.validate()).toEqual([]);
    expect(lines(config, name)).toEqual(expected);
  });

  test('an imported setting a check refuses is kept and refused, never silently replaced', () => {
    const config = importHttp('server_tokens on;');
    expect(config.validate()).toEqual([expect.stringMatching(/^http: 'server_tokens on' sends the exact nginx version.*\[version-disclosure\]$/)]);
    expect(config.mainTree().find(d => d.name === 'http')!.block!.filter(d => d.name === 'server_tokens').map(d => d.args)).toEqual([['on']]);
  });

  test('imported gzip lines are kept as they are, without the typed gzip\'s tuning (which would change Vary and what shrinks)', () => {
    const config = importHttp('gzip on;\n gzip_vary on;');
    expect(config.gzip).toBe(false);
    expect(lines(config, 'gzip')).toEqual(['gzip on']);
    expect(lines(config, 'gzip_min_length')).toEqual([]);
    expect(lines(config, 'gzip_types')).toEqual([]);
    // With the typed gzip asked for, it wins: the imported line goes, the typed tuning comes.
    const typed = NginxConfig.fromFiles([{ path: 'nginx.conf', content: 'events {}\nhttp { gzip on; server { listen 8080; } }' }], { gzip: true });
    expect(typed.validate()).toEqual([]);
    expect([lines(typed, 'gzip'), lines(typed, 'gzip_min_length')]).toEqual([['gzip on'], ['gzip_min_length 1024']]);
  });

  test('a setting the import leaves unsaid gets the library\'s default', () => {
    const config = importHttp('');
    expect(lines(config, 'client_max_body_size')).toEqual(['client_max_body_size 1m']);
    expect(lines(config, 'server_tokens')).toEqual(['server_tokens off']);
    // nginx's own default is no compression: an import without gzip does not compress.
    expect(lines(config, 'gzip')).toEqual([]);
  });

  test('props given to the import win over the imported directive, which then goes', () => {
    const config = importHttp('client_max_body_size 100m;\n keepalive_timeout 75s 60s;\n add_header X-Frame-Options DENY;', '',
      { clientMaxBodySize: '5m', keepaliveTimeoutSeconds: 30, securityHeaders: { 'X-Frame-Options': 'SAMEORIGIN' } });
    expect(config.validate()).toEqual([]);
    expect(lines(config, 'client_max_body_size')).toEqual(['client_max_body_size 5m']);
    expect(lines(config, 'keepalive_timeout')).toEqual(['keepalive_timeout 30']);
    expect(lines(config, 'add_header').filter(l => /x-frame-options/i.test(l))).toEqual(['add_header X-Frame-Options SAMEORIGIN always']);
  });

  test('a worker_shutdown_timeout in any nginx time unit becomes the typed value the grace period reads; one that is not whole seconds fails', () => {
    const conf = (t: string) => [{ path: 'nginx.conf', content: `worker_shutdown_timeout ${t};\nevents {}\nhttp { server { listen 8080; } }\n` }];
    expect(NginxConfig.fromFiles(conf('1m30s')).workerShutdownTimeoutSeconds).toBe(90);
    expect(() => NginxConfig.fromFiles(conf('1500ms'))).toThrow(/^'worker_shutdown_timeout 1500ms' \(nginx.conf:1\) is not one time in whole seconds; the pod's grace period is derived from it/);
  });

  test.each<[string, number | undefined]>([
    ['20', 20], ['20s', 20], ['1m', 60], ['1h30m', 5400], ['2d', 172800], ['1w', 604800], ['1M', 2592000], ['1y', 31536000],
    ['1000ms', 1], ['1500ms', undefined], ['', undefined], ['1x', undefined], ['-1', undefined], ['1 m', undefined],
  ])('nginx time %j is %j seconds', (text, seconds) => {
    expect(nginxSeconds(text)).toBe(seconds);
  });

  test('log files become stdout and stderr at every level, formats and parameters kept; off, syslog and streams stay', () => {
    const config = importHttp('', [
      '    access_log /var/log/nginx/www.log combined;',
      '    error_log /var/log/nginx/www.err info;',
      '    location /api/ { access_log syslog:server=unix:/dev/log; return 204; }',
      '    location /quiet/ { access_log off; return 204; }',
      '    location /x/ { access_log /var/log/nginx/x.log; error_log /var/log/nginx/x.err; return 204; }',
    ].join('\n'));
    expect(config.validate()).toEqual([]);
    // The server's own directives render after its locations (their order in a block does not matter to nginx).
    expect(lines(config, 'access_log').slice(1)).toEqual([
      'access_log syslog:server=unix:/dev/log', 'access_log off', 'access_log /dev/stdout', 'access_log /dev/stdout combined',
    ]);
    expect(lines(config, 'error_log').slice(1)).toEqual(['error_log stderr', 'error_log stderr info']);
  });

  test('main error logs: a file becomes the library\'s stderr log with its level; one to syslog or memory is kept too', () => {
    const config = NginxConfig.fromFiles([{ path: 'nginx.conf', content: 'error_log /var/log/nginx/error.log info;\nerror_log syslog:server=unix:/dev/log warn;\nerror_log memory:32m debug;\nevents {}\nhttp { server { listen 8080; } }\n' }]);
    expect(config.errorLogLevel).toBe('info');
    expect(config.mainTree().filter(d => d.name === 'error_log').map(d => d.args.join(' '))).toEqual(['stderr info', 'syslog:server=unix:/dev/log warn', 'memory:32m debug']);
  });

  (haveNginx ? test : test.skip)('nginx -t accepts every one of those imports as the runtime uid (no "directive is duplicate")', () => {
    const config = importHttp([
      'client_max_body_size 100m;', 'default_type text/plain;', 'gzip on;', 'gzip_comp_level 9;', 'gzip_min_length 20;', 'gzip_vary on;',
      'gzip_types text/css;', 'log_format main \'$remote_addr $status\';', 'access_log /var/log/nginx/access.log main;',
      'keepalive_timeout 75s 60s;', 'reset_timedout_connection off;', 'open_file_cache max=10;',
      'add_header X-Frame-Options DENY;',
    ].join('\n '), '    error_log /var/log/nginx/www.err info;\n    location / { add_header X-Own 1; }');
    const r = nginxTest(config.files());
    expect(r.output).toBe('');
    expect(r.ok).toBe(true);
  });
});

describe('a directive added by hand replaces the library\'s default of the same setting; a typed prop given too is refused', () => {
  test('addHttpDirective replaces the default, in the default\'s place, once', () => {
    const config = new NginxConfig().addHttpDirective(Directive.of('client_max_body_size', '100m'));
    expect(config.validate()).toEqual([]);
    expect(lines(config, 'client_max_body_size')).toEqual(['client_max_body_size 100m']);
  });

  test('log formats, headers and zones are keyed by their name: another name adds, the same name replaces', () => {
    const config = new NginxConfig({ rateLimit: { requestsPerSecond: 5 } })
      .addHttpDirective(Directive.of('log_format', 'tiny', '$status'))
      .addHttpDirective(Directive.of('log_format', 'main', '$remote_addr'))
      .addHttpDirective(Directive.of('add_header', 'x-frame-options', 'DENY'))
      .addHttpDirective(Directive.of('limit_req_zone', '$binary_remote_addr', 'zone=other:1m', 'rate=1r/s'));
    expect(config.validate()).toEqual([]);
    expect(lines(config, 'log_format')).toEqual(['log_format tiny $status', 'log_format main $remote_addr']);
    expect(lines(config, 'add_header').filter(l => /x-frame-options/i.test(l))).toEqual(['add_header x-frame-options DENY']);
    expect(lines(config, 'limit_req_zone')).toHaveLength(2);
  });

  test.each<[string, object, Directive, RegExp]>([
    ['clientMaxBodySize', { clientMaxBodySize: '5m' }, Directive.of('client_max_body_size', '100m'), /'client_max_body_size' is added by hand and also set by the prop clientMaxBodySize/],
    ['clientTimeoutSeconds', { clientTimeoutSeconds: 5 }, Directive.of('send_timeout', '9s'), /'send_timeout' is added by hand and also set by the prop clientTimeoutSeconds/],
    ['accessLogFormat', { accessLogFormat: AccessLogFormat.JSON }, Directive.of('access_log', 'off'), /'access_log' is added by hand and also set by the prop accessLogFormat/],
    ['securityHeaders', { securityHeaders: { 'X-Frame-Options': 'DENY' } }, Directive.of('add_header', 'X-FRAME-OPTIONS', 'SAMEORIGIN'), /'add_header X-FRAME-OPTIONS' is added by hand and also set by the prop securityHeaders/],
    ['gzip', { gzip: true }, Directive.of('gzip', 'off'), /'gzip' is added by hand and also set by the prop gzip/],
  ])('%s given and the directive added by hand: refused with both named', (_name, props, directive, message) => {
    expect(new NginxConfig(props).addHttpDirective(directive).validate()).toEqual([expect.stringMatching(message)]);
  });

  test('a prop that turns the typed feature off leaves the setting to the directive: no conflict', () => {
    const config = new NginxConfig({ gzip: false, accessLog: false, openFileCacheEntries: 0 })
      .addHttpDirective(Directive.of('gzip', 'on'))
      .addHttpDirective(Directive.of('access_log', '/dev/stdout', 'combined'))
      .addHttpDirective(Directive.of('open_file_cache', 'max=10'));
    expect(config.validate()).toEqual([]);
    expect(lines(config, 'gzip')).toEqual(['gzip on']);
    expect(lines(config, 'access_log')).toEqual(['access_log /dev/stdout combined']);
  });

  test('worker_shutdown_timeout by hand is refused at any level: the grace period is derived from the prop', () => {
    expect(new NginxConfig().addMainDirective(Directive.of('worker_shutdown_timeout', '5s')).validate())
      .toEqual([expect.stringMatching(/derived from the prop workerShutdownTimeoutSeconds; set that prop instead/)]);
  });

  test('two directives added by hand for the same setting are still a duplicate', () => {
    const config = new NginxConfig().addHttpDirective(Directive.of('server_tokens', 'on')).addHttpDirective(Directive.of('server_tokens', 'off'));
    expect(config.validate()).toEqual([expect.stringMatching(/'server_tokens' is set twice in the 'http' block.*keep one/)]);
  });
});

describe('headers: imported ones keep nginx\'s inheritance; the library adds only its hardening headers', () => {
  const config = importHttp('add_header X-Frame-Options DENY;\n add_header X-Site a;', [
    '    location /own/ { add_header X-Own 1; return 204; }',
    '    location /plain/ { return 204; }',
  ].join('\n'));
  const server = config.serverDirectives()[0];
  const location = (p: string) => server.block!.find(d => d.name === 'location' && d.args.includes(p))!;
  const headers = (d: Directive) => d.block!.filter(c => c.name === 'add_header').map(c => c.args[0]);

  test('an imported header replaces the library\'s header of the same name: one X-Frame-Options, the imported DENY', () => {
    expect(lines(config, 'add_header').filter(l => /x-frame-options/i.test(l))).toEqual(['add_header X-Frame-Options DENY']);
  });

  test('an imported http header is not copied into a block with its own headers (nginx drops it there); the library\'s are', () => {
    const own = headers(location('/own/'));
    expect(own).toContain('X-Own');
    expect(own).toContain('Content-Security-Policy');
    expect(own).not.toContain('X-Site');
    expect(own).not.toContain('X-Frame-Options');
    expect(headers(location('/plain/'))).toEqual([]);
  });
});

describe('listen and server_name as nginx reads them: kept, or the import fails with the file and line', () => {
  const importServer = (body: string) => NginxConfig.fromFiles([
    { path: 'nginx.conf', content: 'events {}\nhttp {\n  include sites/*;\n}\n' },
    { path: 'sites/a', content: `server {\n${body}\n}\n` },
  ]);

  test.each<[string, string, object]>([
    ['a loopback address, kept', 'listen 127.0.0.1:8081;', { port: 8081, address: '127.0.0.1', additionalPorts: [] }],
    ['localhost, as nginx resolves it', 'listen localhost:8081;', { port: 8081, address: '127.0.0.1' }],
    ['the IPv6 loopback', 'listen [::1]:8081;', { port: 8081, address: '::1' }],
    ['a loopback address without a port (80, moved up by 8000)', 'listen 127.0.0.1;', { port: 8080, address: '127.0.0.1' }],
    ['two ports, each a container port', 'listen 80;\nlisten 8081;', { port: 8080, additionalPorts: [8081], address: undefined }],
    ['a port below 1024 moves up by 8000', 'listen 443;', { port: 8443 }],
    ['socket parameters', 'listen 8080 default_server reuseport backlog=511 deferred;', { defaultServer: true, listenParameters: ['backlog=511', 'deferred', 'reuseport'] }],
    ['ipv6only on the IPv6 listen', 'listen 8080;\nlisten [::]:8080 ipv6only=on;', { ipv6: true, listenParameters: ['ipv6only=on'] }],
    ['proxy_protocol', 'listen 8080 proxy_protocol;', { listenParameters: ['proxy_protocol'] }],
  ])('%s', (_name, body, expected) => {
    const config = importServer(`${body}\nlocation / { return 204; }`);
    expect(config.servers[0]).toMatchObject(expected);
  });

  test.each<[string, string, RegExp]>([
    ['a pod address', 'listen 10.0.0.5:8081;', /^'listen 10.0.0.5:8081' \(sites\/a:2\) binds an address the pod does not know when the configuration is built \(or a socket\); the importer would listen on every interface instead/],
    // A server on sockets only is kept as it is (import.test.ts); beside a port it would need two addresses.
    ['a unix socket beside a port', 'listen 8080;\nlisten unix:/dev/shm/a.sock;', /^'listen unix:\/dev\/shm\/a.sock' \(sites\/a:3\) binds an address the pod does not know/],
    ['every interface and a loopback address', 'listen 8080;\nlisten 127.0.0.1:8081;', /^server #1 \(sites\/a:2\) listens on every interface and 127.0.0.1; a typed server has one address/],
    ['other parameters per listen', 'listen 8080 reuseport;\nlisten 8081;', /^'listen 8081' \(sites\/a:3\) has other parameters than the server's other listen lines/],
    ['IPv6 only', 'listen [::]:8080;', /^server #1 \(sites\/a:2\) listens on IPv6 ports \(8080\) that are not its IPv4 ports \(none\)/],
    ['ports that collide once moved', 'listen 80;\nlisten 8080;', /^server #1 \(sites\/a:2\) listens on ports that are the same once ports below 1024 move up by 8000/],
    ['ssl without a certificate', 'listen 443 ssl;', /^server '01-localhost' \(sites\/a:2\) speaks TLS but has no ssl_certificate/],
    ['plain and TLS in one server', 'listen 80;\nlisten 443 ssl;', /^'listen 443 ssl' \(sites\/a:3\) speaks TLS and another listen of the server does not; a typed server is either/],
    ['a listen parameter the typed server cannot hold', 'listen 8080 bind;', /^'listen 8080 bind' \(sites\/a:2\) has parameters \(bind\) that the importer cannot carry over yet/],
  ])('%s fails with the file and line', (_name, body, message) => {
    expect(() => importServer(body)).toThrow(message);
  });

  (haveNginx ? test : test.skip)('nginx -t accepts imported listen lines with their addresses and parameters as the runtime uid', () => {
    const config = NginxConfig.fromFiles([
      { path: 'nginx.conf', content: 'events {}\nhttp {\n  include sites/*;\n}\n' },
      { path: 'sites/a', content: 'server {\n  listen 80 default_server reuseport;\n  listen 8081 default_server reuseport;\n  server_name a;\n}\n' },
      { path: 'sites/b', content: 'server {\n  listen 127.0.0.1:9000;\n  server_name b;\n  location / { return 204; }\n}\n' },
    ]);
    expect(config.validate()).toEqual([]);
    const r = nginxTest(config.files());
    expect(r.output).toBe('');
    expect(r.ok).toBe(true);
  });

  test('every interface, in any spelling, is the typed port; the same port on IPv6 sets ipv6', () => {
    for (const listen of ['listen 8081;', 'listen *:8081;', 'listen 0.0.0.0:8081;', 'listen 8081;\nlisten [::]:8081;']) {
      const s = importServer(listen).servers[0];
      expect(s.port).toBe(8081);
      expect(s.ipv6).toBe(listen.includes('[::]'));
    }
  });

  test('every server_name line is kept, in order', () => {
    const s = importServer('listen 8080;\nserver_name a.example.com www.a.example.com;\nserver_name b.example.com;').servers[0];
    expect(s.serverNames).toEqual(['a.example.com', 'www.a.example.com', 'b.example.com']);
  });
});

describe('includes as nginx resolves them', () => {
  test.each<[string, string, boolean]>([
    ['conf.d/*.conf', 'conf.d/a.conf', true],
    ['conf.d/*.conf', 'conf.d/.hidden.conf', false],
    ['conf.d/.*.conf', 'conf.d/.hidden.conf', true],
    ['conf.d/\\.*', 'conf.d/.x', true],
    ['conf.d/*', 'conf.d/sub/a.conf', false],
    ['*/*.conf', 'conf.d/a.conf', true],
    ['*/*.conf', '.git/a.conf', false],
    ['sites-enabled/*', 'sites-enabled/default', true],
    ['conf.d/?.conf', 'conf.d/a.conf', true],
    ['conf.d/?.conf', 'conf.d/ab.conf', false],
    ['conf.d/[ab].conf', 'conf.d/b.conf', true],
    ['conf.d/[!ab].conf', 'conf.d/b.conf', false],
    ['conf.d/[!ab].conf', 'conf.d/c.conf', true],
    ['conf.d/[a-c]x', 'conf.d/bx', true],
    ['conf.d/[]]x', 'conf.d/]x', true],
    ['conf.d/[a', 'conf.d/[a', true],
    ['conf.d/a+b(1).conf', 'conf.d/a+b(1).conf', true],
  ])('glob %j matches %j: %j', (pattern, file, expected) => {
    expect(globMatcher(pattern)(file)).toBe(expected);
  });

  const base: ConfigFile[] = [
    { path: 'nginx.conf', content: 'events {}\nhttp {\n  include conf.d/*.conf;\n}\n' },
    { path: 'conf.d/b.conf', content: 'server { listen 8082; server_name b; }\n' },
    { path: 'conf.d/a.conf', content: 'server { listen 8081; server_name a; }\n' },
    { path: 'conf.d/B.conf', content: 'server { listen 8083; server_name B; }\n' },
  ];

  test('a glob takes files in byte order and skips dot-files (which would not even parse)', () => {
    const config = NginxConfig.fromFiles([...base, { path: 'conf.d/.swp.conf', content: 'not { nginx' }]);
    expect(config.servers.map(s => s.serverNames[0])).toEqual(['B', 'a', 'b']);
  });

  test('a glob that matches nothing is no error, as in nginx; a plain path that is missing names the including file and line', () => {
    expect(NginxConfig.fromFiles([{ path: 'nginx.conf', content: 'events {}\nhttp {\n  include none/*.conf;\n  server { listen 8080; }\n}\n' }]).servers).toHaveLength(1);
    expect(() => NginxConfig.fromFiles([
      { path: 'nginx.conf', content: 'events {}\nhttp {\n  include conf.d/*.conf;\n}\n' },
      { path: 'conf.d/a.conf', content: 'server {\n  listen 8080;\n  include snippets/missing.conf;\n}\n' },
    ])).toThrow(/^include snippets\/missing.conf \(conf.d\/a.conf:3\): no such file among the imported files/);
  });

  test('fromDirectory reads files of any name and follows links (Debian\'s sites-enabled, fastcgi_params)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'import-dir-'));
    try {
      fs.mkdirSync(path.join(dir, 'sites-available'));
      fs.mkdirSync(path.join(dir, 'sites-enabled'));
      fs.writeFileSync(path.join(dir, 'nginx.conf'), 'events {}\nhttp {\n  include /etc/nginx/sites-enabled/*;\n}\n');
      fs.writeFileSync(path.join(dir, 'fastcgi_params'), 'fastcgi_param QUERY_STRING $query_string;\n');
      fs.writeFileSync(path.join(dir, 'sites-available', 'default'), 'server {\n  listen 80 default_server;\n  location ~ \\.php$ { include fastcgi_params; fastcgi_pass 127.0.0.1:9000; }\n}\n');
      fs.symlinkSync('../sites-available/default', path.join(dir, 'sites-enabled', 'default'));
      fs.symlinkSync('../nowhere', path.join(dir, 'sites-available', 'dangling'));
      fs.symlinkSync('..', path.join(dir, 'sites-available', 'loop'));
      const config = NginxConfig.fromDirectory(dir);
      expect(config.servers).toHaveLength(1);
      expect(config.servers[0].defaultServer).toBe(true);
      expect(lines(config, 'fastcgi_param')).toEqual(['fastcgi_param QUERY_STRING $query_string']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the health endpoint stays reachable, or validation says why not', () => {
  const importServer = (body: string) => NginxConfig.fromFiles([
    { path: 'nginx.conf', content: `events {}\nhttp {\n  server {\n    listen 8080;\n${body}\n  }\n}\n` },
  ]);

  test('a redirect-only server answers from location /, so the exact health location still answers', () => {
    const config = importServer('    return 301 https://$host$request_uri;\n    return 404;');
    expect(config.validate()).toEqual([]);
    const server = config.serverDirectives()[0].block!;
    expect(server.filter(d => d.name === 'return')).toEqual([]);
    const root = server.find(d => d.name === 'location' && d.args.join(' ') === '/')!;
    expect(root.block!.map(d => [d.name, ...d.args].join(' '))).toEqual(['return 301 https://$host$request_uri']);
    expect(server.some(d => d.name === 'location' && d.args.join(' ') === '= /healthz')).toBe(true);
  });

  test.each<[string, string, RegExp]>([
    ['a server-level return beside locations', '    return 444;\n    location / { return 204; }',
      /^server '01-localhost': the server-level 'return 444' \(nginx.conf:5\) answers every request before nginx picks a location, so the health location \/healthz is never reached/],
    ['a server-level rewrite that matches the health path', '    rewrite ^/(.*)$ /index.php?q=$1 last;\n    location / { return 204; }',
      /the server-level 'rewrite \^\/\(\.\*\)\$ \/index.php\?q=\$1 last' \(nginx.conf:5\) matches the health path \/healthz/],
    ['a return added by hand to a typed server', '', /the server-level 'return 403' answers every request/],
  ])('%s is refused with the directive, its place and the fix', (name, body, message) => {
    const config = importServer(body);
    if (name.includes('by hand')) config.servers[0].addDirective(Directive.of('return', '403'));
    expect(config.validate()).toEqual([expect.stringMatching(message)]);
  });

  test('a rewrite that cannot match the health path, and a server-level if, are left alone', () => {
    const config = importServer('    rewrite ^/old/(.*)$ /new/$1 permanent;\n    if ($http_x_forwarded_proto = "http") { return 301 https://$host$request_uri; }\n    location / { return 204; }');
    expect(config.validate()).toEqual([]);
  });
});

describe('modules an imported config loads', () => {
  const conf = 'load_module modules/ngx_http_echo_module.so;\nload_module modules/ngx_http_brotli_filter_module.so;\nload_module /opt/mods/ngx_x_module.so;\n'
    + 'events {}\nhttp {\n  brotli on;\n  server {\n    listen 8080;\n    location /e { x_hello; echo $echo_request_method; }\n  }\n}\n';
  const x = { path: '/opt/mods/ngx_x_module.so', directives: [{ name: 'x_hello', contexts: ['location'], minArgs: 0 }] };

  test('a module NginxModules knows (echo, brotli) comes in declared; one declared in the props joins them, loaded once', () => {
    const config = NginxConfig.fromFiles([{ path: 'nginx.conf', content: conf }], { dynamicModules: [x] });
    expect(config.validate()).toEqual([]);
    expect(config.dynamicModules.map(m => m.path)).toEqual(['/opt/mods/ngx_x_module.so', '/usr/lib/nginx/modules/ngx_http_echo_module.so', '/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so']);
    expect(lines(config, 'load_module')).toHaveLength(3);
  });

  test('without the declaration, the module\'s directive is unknown and the message says how to declare it', () => {
    const problems = NginxConfig.fromFiles([{ path: 'nginx.conf', content: conf }]).validate();
    expect(problems).toEqual([expect.stringMatching(/'x_hello' is not an nginx directive .* nor of a module in dynamicModules.*\[unknown-directive\]/)]);
  });
});

describe('files that imported directives read at run time', () => {
  test.each<[string, string, RegExp]>([
    ['a password file', 'auth_basic "x";\n auth_basic_user_file conf.d/htpasswd;', /^'auth_basic_user_file conf.d\/htpasswd' \(nginx.conf:8\) reads \/etc\/nginx\/conf.d\/htpasswd at run time, which the image does not ship.*a Secret for credentials and keys/],
    ['DH parameters', 'ssl_dhparam /etc/ssl/dh.pem;', /^'ssl_dhparam \/etc\/ssl\/dh.pem' \(nginx.conf:3\) reads \/etc\/ssl\/dh.pem at run time/],
  ])('%s fails the import (nginx -t would pass, its requests would fail)', (_name, http, message) => {
    expect(() => importHttp(http.startsWith('auth') ? '' : http, http.startsWith('auth') ? http : '')).toThrow(message);
  });

  test('a file named by a variable is left to run time', () => {
    expect(importHttp('', '    location / { auth_basic "x"; auth_basic_user_file /dev/shm/$host.htpasswd; }').validate()).toEqual([]);
  });
});

describe('TLS servers: the certificate comes from a Secret, the server\'s own TLS settings stay', () => {
  const importTls = (body: string, http = '') => NginxConfig.fromFiles([
    { path: 'nginx.conf', content: `events {}\nhttp {\n${http}\n  include sites/*;\n}\n` },
    { path: 'sites/a', content: `server {\n${body}\n}\n` },
  ]);
  const tlsServer = 'listen 443 ssl http2;\nlisten [::]:443 ssl http2;\nserver_name a.example.com;\nssl_certificate /etc/ssl/a.crt;\nssl_certificate_key /etc/ssl/a.key;\nssl_protocols TLSv1.2;\nlocation / { return 204; }';

  test('ssl and http2 become the typed tls (profile NONE, no HSTS) and http2; the certificate lines move to the Secret\'s folder', () => {
    const config = importTls(tlsServer);
    expect(config.validate()).toEqual([]);
    const s = config.servers[0];
    expect([s.port, s.ipv6, s.http2, s.tls]).toEqual([8443, true, true, { secretName: '01-a-example-com-tls', profile: TlsProfile.NONE, hstsMaxAgeSeconds: 0 }]);
    expect(lines(config, 'ssl_certificate')).toEqual(['ssl_certificate /etc/nginx/tls/01-a-example-com/tls.crt']);
    expect(lines(config, 'ssl_protocols')).toEqual(['ssl_protocols TLSv1.2']);
    expect(lines(config, 'ssl_ciphers')).toEqual([]);
    expect(lines(config, 'add_header').filter(l => /strict-transport/i.test(l))).toEqual([]);
  });

  test('a certificate inherited from http counts; two certificates, one picked at run time, or none fail with the place', () => {
    expect(importTls('listen 443 ssl;\nlocation / { return 204; }', 'ssl_certificate /etc/ssl/a.crt;\nssl_certificate_key /etc/ssl/a.key;').validate()).toEqual([]);
    expect(() => importTls(`${tlsServer}\nssl_certificate /etc/ssl/a-ecdsa.crt;`)).toThrow(/^'ssl_certificate \/etc\/ssl\/a-ecdsa.crt' \(sites\/a:\d+\) is a second certificate of the server/);
    expect(() => importTls('listen 443 ssl;\nssl_certificate /etc/ssl/$ssl_server_name.crt;\nssl_certificate_key /etc/ssl/a.key;')).toThrow(/picks the certificate at run time/);
  });

  test('a dual-stack IPv6 listen (ipv6only=off) alone is the typed ipv6: a listen per family', () => {
    const s = importTls('listen [::]:8080 ipv6only=off;\nlocation / { return 204; }').servers[0];
    expect([s.port, s.ipv6, s.listenParameters]).toEqual([8080, true, []]);
  });

  (haveNginx ? test : test.skip)('nginx -t accepts the imported TLS server with a certificate where the Secret is mounted', () => {
    const config = importTls(tlsServer.replace(' http2', '').replace(' http2', ''));
    const cert = selfSignedCertificate('a.example.com');
    const r = nginxTest([...config.files(), { path: 'tls/01-a-example-com/tls.crt', content: cert.crt }, { path: 'tls/01-a-example-com/tls.key', content: cert.key }]);
    expect(r.output).toBe('');
    expect(r.ok).toBe(true);
  });
});
