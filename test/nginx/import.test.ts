import * as fs from 'fs';
import * as path from 'path';
import { NginxConfig } from '../../src/nginx/config';
import { ConfigFile } from '../../src/nginx/config-props';
import { Directive } from '../../src/nginx/directive';
import { parseNginx, sameDirectives } from '../../src/nginx/parse';
import { nginxTest } from '../helpers/nginx-t';

const SEED = path.join(__dirname, 'fixtures/seed');
const haveNginx = fs.existsSync('/usr/sbin/nginx');

describe('importing the seed\'s nginx.conf and conf.d/default.conf (the article\'s files, verbatim)', () => {
  const config = NginxConfig.fromDirectory(SEED);
  const files = config.files();
  const text = files.map(f => f.content).join('\n');

  test('typed settings are read', () => {
    expect(config.workerProcesses).toBe('auto');
    expect(config.workerConnections).toBe(1024);
    expect(config.errorLogLevel).toBe('warn');
    expect(config.keepaliveTimeoutSeconds).toBe(65);
    expect(config.servers).toHaveLength(1);
    const s = config.servers[0];
    expect([s.name, s.port, s.serverNames, s.errorPage]).toEqual(['01-localhost', 8080, ['localhost'], '/50x.html']);
  });

  test('what the library owns is replaced: no user, no log files, pid and temp paths in runtimeDir', () => {
    expect(text).not.toMatch(/^\s*user /m);
    expect(text).not.toContain('/var/log/nginx');
    expect(text).toContain('error_log stderr warn;');
    expect(text).toContain('access_log /dev/stdout main;');
    expect(text.match(/client_body_temp_path/g)).toHaveLength(1);
  });

  test('the server keeps its own location and error page, once', () => {
    const server = files.find(f => f.path === 'conf.d/01-localhost.conf')!.content;
    expect(server.match(/location \/ \{/g)).toHaveLength(1);
    expect(server).toContain('location / {\n        root /usr/share/nginx/html;\n        index index.html index.htm;\n    }');
    expect(server.match(/location = \/50x.html/g)).toHaveLength(1);
  });

  test('it validates with no finding', () => {
    expect(config.validate()).toEqual([]);
    expect(config.findings()).toEqual([]);
  });

  (haveNginx ? test : test.skip)('nginx -t accepts the result as the runtime uid', () => {
    const r = nginxTest(files);
    expect(r.output).toBe('');
    expect(r.ok).toBe(true);
  });

  test('the typed API changes it, and the change renders', () => {
    const changed = NginxConfig.fromDirectory(SEED, { runtimeDir: '/run/nginx', gzip: false });
    changed.addServer({ name: 'admin', port: 8081, serverNames: ['admin.example.com'] });
    changed.servers[0].addLocation('/api', { directives: [Directive.of('return', '204')] });
    const out = changed.files();
    expect(out.map(f => f.path)).toEqual(['nginx.conf', 'conf.d/01-localhost.conf', 'conf.d/admin.conf']);
    expect(out[0].content).toContain('pid /run/nginx/nginx.pid;');
    expect(out[0].content).not.toContain('gzip on;');
    expect(out[1].content).toContain('location /api {\n        return 204;\n    }');
    expect(changed.validate()).toEqual([]);
  });
});

describe('imports with includes, upstreams and maps', () => {
  const files: ConfigFile[] = [
    { path: 'nginx.conf', content: 'worker_processes 2;\nload_module modules/ngx_http_image_filter_module.so;\nevents { worker_connections 2048; multi_accept on; }\nhttp {\n  include mime.types;\n  map $http_upgrade $connection_upgrade { default upgrade; "" close; }\n  upstream api { server 127.0.0.1:9000; keepalive 8; }\n  include conf.d/*.conf;\n}\n' },
    { path: 'conf.d/a.conf', content: 'server {\n  listen 80 default_server;\n  listen [::]:80 default_server;\n  server_name a.example.com;\n  include snippets/common.conf;\n  location /api/ { proxy_pass http://api; }\n}\n' },
    { path: 'snippets/common.conf', content: 'location = /robots.txt { return 200 "User-agent: * Disallow:"; }\n' },
  ];

  test('includes are inlined (globs, nested), mime.types is the image\'s own', () => {
    const config = NginxConfig.fromFiles(files);
    const s = config.servers[0];
    expect([s.port, s.defaultServer, s.ipv6, s.serverNames]).toEqual([8080, true, true, ['a.example.com']]);
    const server = config.serverDirectives()[0];
    expect(server.block!.some(d => d.name === 'location' && d.args.join(' ') === '= /robots.txt')).toBe(true);
    expect(config.modules).toEqual(['/usr/lib/nginx/modules/ngx_http_image_filter_module.so']);
    expect(config.workerProcesses).toBe('2');
    expect(config.workerConnections).toBe(2048);
    const main = parseNginx(config.files()[0].content);
    const http = main.find(d => d.name === 'http')!.block!;
    expect(http.some(d => d.name === 'map')).toBe(true);
    expect(http.some(d => d.name === 'upstream')).toBe(true);
    expect(main.find(d => d.name === 'events')!.block!.some(d => d.name === 'multi_accept')).toBe(true);
    expect(http.filter(d => d.name === 'include').map(d => d.args[0])).toEqual(['/etc/nginx/mime.types', '/etc/nginx/conf.d/*.conf']);
  });

  test('an imported open_file_cache is kept instead of the library\'s', () => {
    const conf = 'events {}\nhttp {\n  open_file_cache max=50;\n  open_file_cache_valid 5s;\n  server {\n    listen 8080;\n  }\n}\n';
    const imported = NginxConfig.fromFiles([{ path: 'nginx.conf', content: conf }]);
    const main = imported.files()[0].content;
    expect(main.match(/open_file_cache/g)).toEqual(['open_file_cache', 'open_file_cache']);
    expect(main).toContain('open_file_cache max=50;');
    expect(main).toContain('open_file_cache_valid 5s;');
    // The library's open_file_cache_errors on is part of its cache, which the imported one replaces whole.
    expect(main).not.toContain('open_file_cache_errors');
    expect(imported.validate()).toEqual([]);
    expect(imported.findings()).toEqual([]);
    expect(NginxConfig.fromFiles([{ path: 'nginx.conf', content: 'events {}\nhttp { server { listen 8080; } }\n' }]).files()[0].content).toContain('open_file_cache max=1000 inactive=60s;');
  });

  test('the rendered files parse back to the model', () => {
    const config = NginxConfig.fromFiles(files);
    for (const [i, f] of config.files().entries()) {
      const expected = i === 0 ? config.mainTree() : [config.serverDirectives()[i - 1]];
      expect(sameDirectives(parseNginx(f.content), expected)).toBe(true);
    }
  });

  test.each([
    ['no nginx.conf', [{ path: 'x.conf', content: '' }], /needs the main file/],
    ['a missing include', [{ path: 'nginx.conf', content: 'include other.conf;' }], /^include other.conf \(nginx.conf:1\): no such file among the imported files/],
    ['an include cycle', [{ path: 'nginx.conf', content: 'include a.conf;' }, { path: 'a.conf', content: 'include a.conf;' }], /a cycle: nginx.conf -> a.conf -> a.conf/],
    ['an include outside /etc/nginx', [{ path: 'nginx.conf', content: 'include /opt/x.conf;' }], /outside \/etc\/nginx/],
    ['a syntax error, with file and line', [{ path: 'nginx.conf', content: 'http {\n include conf.d/*.conf;\n}' }, { path: 'conf.d/b.conf', content: 'server {\n listen 8080\n}' }], /cannot import: conf.d\/b.conf:3: unexpected "}"/],
    ['a TLS listen without a certificate', [{ path: 'nginx.conf', content: 'http { server { listen 443 ssl; } }' }], /^server '01-localhost' \(nginx.conf:1\) speaks TLS but has no ssl_certificate/],
  ] as Array<[string, ConfigFile[], RegExp]>)('%s fails with a clear message', (_name, input, message) => {
    expect(() => NginxConfig.fromFiles(input)).toThrow(message);
  });
});

describe('a server that listens on unix-domain sockets only', () => {
  const conf = [
    'events {}',
    'http {',
    '  upstream internal { server unix:/var/run/nginx-internal.sock; }',
    '  server { listen unix:/var/run/nginx-internal.sock; location / { return 200 internal; } }',
    '  server { listen unix:/dev/shm/kept.sock; location / { return 204; } }',
    '  server { listen 80; server_name a; location / { proxy_pass http://unix:/var/run/nginx-internal.sock:/; } location /b { proxy_pass http://internal; } location /c { proxy_pass http://unix:/var/run/nginx-internal.sock.old:/; } }',
    '}',
  ].join('\n');
  const config = NginxConfig.fromFiles([{ path: 'nginx.conf', content: conf }]);

  test('is kept as it is, in http, its socket moved into the runtimeDir and every reference with it', () => {
    const main = config.files()[0].content;
    expect(main).toContain('server {\n        listen unix:/dev/shm/nginx-internal.sock;\n        location / {\n            return 200 internal;');
    expect(main).toContain('server unix:/dev/shm/nginx-internal.sock;');
    // A socket already under the runtimeDir stays where it is.
    expect(main).toContain('listen unix:/dev/shm/kept.sock;');
    const site = config.files()[1].content;
    expect(site).toContain('proxy_pass http://unix:/dev/shm/nginx-internal.sock:/;');
    // Only the whole socket path is followed: a longer path that starts the same is another file.
    expect(site).toContain('proxy_pass http://unix:/var/run/nginx-internal.sock.old:/;');
    // The socket servers have no port: only the typed server is exposed and probed.
    expect(config.servers.map(s => s.port)).toEqual([8080]);
    expect(config.listenPorts()).toEqual([8080]);
    expect(config.writablePaths().filter(w => w.directive === 'listen').map(w => w.path)).toEqual(['/dev/shm/nginx-internal.sock', '/dev/shm/kept.sock']);
    expect(config.validate()).toEqual([]);
  });

  (haveNginx ? test : test.skip)('nginx -t accepts the result as the runtime uid', () => {
    const r = nginxTest(config.files().filter(f => !f.content.includes('/var/run/nginx-internal.sock.old')));
    expect(r.output).toBe('');
    expect(r.ok).toBe(true);
  });

  test('a server with a socket and a port is still refused: a typed server has one address', () => {
    expect(() => NginxConfig.fromFiles([{ path: 'nginx.conf', content: 'events {}\nhttp { server { listen 8080; listen unix:/dev/shm/a.sock; } }' }]))
      .toThrow(/'listen unix:\/dev\/shm\/a.sock' \(nginx.conf:2\) binds an address/);
  });
});

describe('the security checks read the imported files as written, too', () => {
  const conf = 'events {}\nhttp {\n  add_header X-Frame-Options DENY;\n  server {\n    listen 80;\n    server_name a;\n    location /x { add_header X-Foo bar; }\n  }\n}\n';

  test('a finding the rendered configuration has too is reported once, from it', () => {
    const findings = NginxConfig.fromFiles([{ path: 'nginx.conf', content: conf }]).findings();
    expect(findings.map(f => [f.check, f.severity, f.where])).toEqual([['add-header-redefinition', 'WARNING', 'http > server (a) > location /x']]);
  });

  test('one the import changed (a typed header list repeated into every block) is still reported, as in the files', () => {
    // The prop replaces the imported X-Frame-Options line; the typed headers are repeated into /x, so what runs
    // sends them there, while the files as written drop X-Frame-Options in /x.
    const imported = NginxConfig.fromFiles([{ path: 'nginx.conf', content: conf }], { securityHeaders: { 'X-Frame-Options': 'SAMEORIGIN' } });
    const findings = imported.findings();
    expect(findings.map(f => [f.check, f.severity, f.where])).toEqual([['add-header-redefinition', 'WARNING', 'http > server (a) > location /x (as imported)']]);
    expect(findings[0].message).toMatch(/X-Frame-Options \(from http\) is not sent.*in the imported files as written; the configuration rendered from them differs here/);
    expect(imported.validate()).toEqual([]);
  });

  test('settings the import replaces with its own are not reported from the files (log files, server_tokens)', () => {
    const files = 'events {}\nhttp {\n  access_log /var/log/nginx/access.log;\n  server { listen 80; server_name a; }\n}\n';
    expect(NginxConfig.fromFiles([{ path: 'nginx.conf', content: files }]).findings()).toEqual([]);
  });
});

describe('imported values the renderer refuses', () => {
  test('an inline body with a line break is kept: nginx reads its escape back as the same text', () => {
    const conf = 'events {}\nhttp {\n  server {\n    listen 8080;\n    location = /robots.txt { return 200 "User-agent: *\\nDisallow:\\n"; }\n  }\n}\n';
    const config = NginxConfig.fromFiles([{ path: 'nginx.conf', content: conf }]);
    expect(config.validate()).toEqual([]);
    expect(config.findings()).toEqual([]);
    expect(config.files()[1].content).toContain('return 200 "User-agent: *\\nDisallow:\\n";');
  });

  test('a control character nginx has no escape for is refused at validate with its place', () => {
    const config = NginxConfig.fromFiles([{ path: 'nginx.conf', content: 'events {}\nhttp {\n  server {\n    listen 8080;\n    location = /x { return 200 "a\u001bb"; }\n  }\n}\n' }]);
    expect(config.validate()).toEqual([expect.stringMatching(/^conf\.d\/01-localhost\.conf > server > location = \/x > return: argument 2 "a\\u001bb" contains the control character U\+001B/)]);
    expect(() => config.files()).toThrow(/the nginx configuration is not valid/);
  });

  test('locations are read the way nginx reads them: the modifier of a one-argument location becomes its own argument', () => {
    const conf = 'events {}\nhttp {\n  server {\n    listen 8080;\n    location =/a { return 204; }\n    location ~*\\.png$ { return 204; }\n    location ^~/b/ { return 204; }\n    location ~/x { return 204; }\n    location @named { return 204; }\n  }\n}\n';
    const config = NginxConfig.fromFiles([{ path: 'nginx.conf', content: conf }]);
    expect(config.validate()).toEqual([]);
    const locations = config.serverDirectives()[0].block!.filter(d => d.name === 'location').map(d => d.args);
    expect(locations).toEqual(expect.arrayContaining([['=', '/a'], ['~*', '\\.png$'], ['^~', '/b/'], ['~', '/x'], ['@named']]));
  });

  test('a location with two paths is refused (nginx: "invalid location modifier")', () => {
    const conf = 'events {}\nhttp {\n  server {\n    listen 8080;\n    location "/a" "b" { return 204; }\n  }\n}\n';
    const problems = NginxConfig.fromFiles([{ path: 'nginx.conf', content: conf }]).validate();
    expect(problems).toEqual([expect.stringMatching(/location modifier "\/a" is not one of = \^~ ~ ~\*.*invalid location modifier/)]);
  });

  test('an imported root under /proc is refused; a long server name gets a short file name with a hash', () => {
    const long = `${`${'a'.repeat(50)}.`.repeat(4)}example.com`;
    const conf = `events {}\nhttp {\n  server {\n    listen 8080;\n    server_name ${long};\n    root /proc;\n  }\n}\n`;
    const config = NginxConfig.fromFiles([{ path: 'nginx.conf', content: conf }]);
    expect(config.servers[0].name).toMatch(/^01-a{40}-[0-9a-f]{8}$/);
    expect(config.validate()).toEqual([expect.stringMatching(/root "\/proc" is under \/proc, a kernel filesystem/)]);
  });
});

describe('import entry points refuse what is not config text, with the library\'s own message', () => {
  test.each<[string, () => unknown, RegExp]>([
    ['files not a list', () => NginxConfig.fromFiles('nginx.conf' as unknown as ConfigFile[]), /fromFiles: files "nginx\.conf" is not a list of \{ path, content \} strings/],
    ['a file without content', () => NginxConfig.fromFiles([{ path: 'nginx.conf' } as ConfigFile]), /is not a list of \{ path, content \} strings/],
    ['props not an object', () => NginxConfig.fromFiles([{ path: 'nginx.conf', content: 'events {}' }], 'x' as never), /fromFiles: props "x" is not an object/],
    ['a folder that does not exist', () => NginxConfig.fromDirectory('/nonexistent/etc-nginx'), /fromDirectory: dir "\/nonexistent\/etc-nginx" is not a folder/],
    ['a folder with a NUL', () => NginxConfig.fromDirectory('a\u0000b'), /fromDirectory: dir "a\\u0000b" is not a folder/],
    ['a folder that is a number', () => NginxConfig.fromDirectory(5 as unknown as string), /fromDirectory: dir 5 is not a folder/],
  ])('%s', (_name, call, message) => {
    expect(call).toThrow(message);
  });
});
