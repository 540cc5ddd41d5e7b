import { checkSecurity } from '../../src/nginx/checks';
import { NginxConfig } from '../../src/nginx/config';
import { Directive } from '../../src/nginx/directive';
import { ConfigFinding, Severity } from '../../src/nginx/findings';

const d = Directive.of;
const block = Directive.withBlock;

function location(args: string | string[], ...children: Directive[]): Directive {
  return block('location', typeof args === 'string' ? [args] : args, children);
}

function server(...children: Directive[]): Directive {
  return block('server', [], [d('listen', '8080'), d('server_name', 'www'), ...children]);
}

/** An http block that already hides the version, so only the check under test fires. */
function http(...children: Directive[]): Directive[] {
  return [block('http', [], [d('server_tokens', 'off'), ...children])];
}

function ifBlock(condition: string[], ...children: Directive[]): Directive {
  return block('if', condition, children);
}

const upstreamBackend = block('upstream', ['backend'], [d('server', '10.0.0.1:8080')]);
const SERVER = 'http > server (www)';

/** Asserts the tree gives exactly one finding, of this check, severity and place, and returns its message. */
function expectOnly(tree: Directive[], check: string, severity: Severity, where: string): string {
  const findings = checkSecurity(tree);
  expect(findings.map(f => [f.check, f.severity, f.where])).toEqual([[check, severity, where]]);
  // Every message says what is wrong, why, and what to write instead.
  expect(findings[0].message.length).toBeGreaterThan(120);
  return findings[0].message;
}

function expectNone(tree: Directive[]): void {
  expect(checkSecurity(tree)).toEqual([]);
}

function byCheck(findings: ConfigFinding[], check: string): ConfigFinding[] {
  return findings.filter(f => f.check === check);
}

describe('default configuration', () => {
  test('new NginxConfig() has no finding at all', () => {
    const findings = checkSecurity(new NginxConfig().effectiveTree());
    expect(findings.filter(f => f.severity === Severity.ERROR)).toEqual([]);
    expect(findings.filter(f => f.severity === Severity.WARNING)).toEqual([]);
  });

  test('a second server and extra locations of the typed model stay clean', () => {
    const config = new NginxConfig({ servers: [{ name: 'default' }, { name: 'api', port: 8081, serverNames: ['api.example.com'] }] });
    config.servers[0].addLocation('/static/', { directives: [d('alias', '/usr/share/nginx/static/')] });
    expect(checkSecurity(config.effectiveTree())).toEqual([]);
  });
});

describe('add-header-redefinition', () => {
  const securityHeaders = [
    d('add_header', 'X-Frame-Options', 'DENY', 'always'),
    d('add_header', 'X-Content-Type-Options', 'nosniff', 'always'),
  ];

  test('a location with its own add_header drops the headers of http', () => {
    const message = expectOnly(
      http(...securityHeaders, server(location('/api', d('add_header', 'Cache-Control', 'no-store')))),
      'add-header-redefinition', Severity.WARNING, `${SERVER} > location /api`);
    expect(message).toContain('X-Frame-Options (from http)');
    expect(message).toContain('X-Content-Type-Options (from http)');
    expect(message).toContain('add_header_inherit merge');
  });

  test('a server with its own add_header drops the headers of http', () => {
    expectOnly(http(...securityHeaders, server(d('add_header', 'X-Served-By', 'www'))),
      'add-header-redefinition', Severity.WARNING, SERVER);
  });

  test('only the headers the child does not repeat are reported', () => {
    const message = expectOnly(
      http(...securityHeaders, server(location('/api',
        d('add_header', 'x-frame-options', 'DENY', 'always'),
        d('add_header', 'Cache-Control', 'no-store')))),
      'add-header-redefinition', Severity.WARNING, `${SERVER} > location /api`);
    expect(message).toContain('X-Content-Type-Options (from http)');
    expect(message).not.toContain('X-Frame-Options (from');
  });

  test('a location inherits from the server that redefined, not from http', () => {
    const findings = checkSecurity(http(
      d('add_header', 'X-Frame-Options', 'DENY'),
      server(d('add_header', 'Strict-Transport-Security', 'max-age=63072000'), location('/api', d('add_header', 'Cache-Control', 'no-store'))),
    ));
    expect(findings.map(f => f.where)).toEqual([SERVER, `${SERVER} > location /api`]);
    expect(findings[1].message).toContain('Strict-Transport-Security (from http > server (www))');
    expect(findings[1].message).not.toContain('X-Frame-Options (from');
  });

  test('an if block in a location is a level of its own', () => {
    const tree = http(server(location('/', d('add_header', 'X-Frame-Options', 'DENY'),
      ifBlock(['($http_origin', '!=', '"")'], d('add_header', 'Vary', 'Origin')))));
    const found = byCheck(checkSecurity(tree), 'add-header-redefinition');
    expect(found.map(f => f.where)).toEqual([`${SERVER} > location / > if ($http_origin != "")`]);
  });

  test('add_trailer is inherited the same way', () => {
    expectOnly(http(d('add_trailer', 'Server-Timing', '$request_time'), server(location('/', d('add_trailer', 'X-Id', '$request_id')))),
      'add-header-redefinition', Severity.WARNING, `${SERVER} > location /`);
  });

  test('no finding when the child repeats every inherited header (names compare case-insensitively)', () => {
    expectNone(http(...securityHeaders, server(location('/api',
      d('add_header', 'x-frame-options', 'DENY', 'always'),
      d('add_header', 'X-Content-Type-Options', 'nosniff', 'always'),
      d('add_header', 'Cache-Control', 'no-store')))));
  });

  test('no finding when the child has no add_header of its own, or merges (add_header_inherit merge)', () => {
    expectNone(http(...securityHeaders, server(location('/api', d('expires', '1h')))));
    expectNone(http(...securityHeaders, d('add_header_inherit', 'merge'), server(location('/api', d('add_header', 'Cache-Control', 'no-store')))));
  });
});

describe('host-from-http-host', () => {
  test('proxy_set_header Host $http_host', () => {
    const message = expectOnly(
      http(upstreamBackend, server(location('/', d('proxy_pass', 'http://backend'), d('proxy_set_header', 'Host', '$http_host')))),
      'host-from-http-host', Severity.ERROR, `${SERVER} > location /`);
    expect(message).toContain('$host');
  });

  test('any case of the header and the ${} form of the variable', () => {
    expectOnly(http(upstreamBackend, server(location('/', d('proxy_pass', 'http://backend'), d('proxy_set_header', 'host', '${HTTP_HOST}')))),
      'host-from-http-host', Severity.ERROR, `${SERVER} > location /`);
  });

  test('no finding for $host, or for $http_host in another header', () => {
    expectNone(http(upstreamBackend, server(location('/',
      d('proxy_pass', 'http://backend'),
      d('proxy_set_header', 'Host', '$host'),
      d('proxy_set_header', 'X-Forwarded-Host', '$http_host')))));
  });
});

describe('alias-traversal', () => {
  test('prefix location without trailing slash, alias with one', () => {
    const message = expectOnly(http(server(location('/static', d('alias', '/srv/static/')))),
      'alias-traversal', Severity.ERROR, `${SERVER} > location /static`);
    expect(message).toContain('/static../secret');
  });

  test('the ^~ modifier is a prefix location too', () => {
    expectOnly(http(server(location(['^~', '/files'], d('alias', '/srv/files/')))),
      'alias-traversal', Severity.ERROR, `${SERVER} > location ^~ /files`);
  });

  test('no finding when both end with a slash, or neither does', () => {
    expectNone(http(server(location('/static/', d('alias', '/srv/static/')))));
    expectNone(http(server(location('/static', d('alias', '/srv/static')))));
  });
});

describe('http-splitting', () => {
  test('$uri in a redirect', () => {
    const message = expectOnly(http(server(location('/', d('return', '302', 'https://example.com$uri')))),
      'http-splitting', Severity.ERROR, `${SERVER} > location /`);
    expect(message).toContain('$request_uri');
  });

  test('a named capture of the location regex in add_header', () => {
    const message = expectOnly(http(server(location(['~', '^/v1/(?<action>[^.]*)\\.json$'], d('add_header', 'X-Action', '$action')))),
      'http-splitting', Severity.ERROR, `${SERVER} > location ~ ^/v1/(?<action>[^.]*)\\.json$`);
    expect(message).toContain('$action');
  });

  test('$1 from (.*) in add_header: the dot matches CR, which splits responses', () => {
    expectOnly(http(server(location(['~', '^/go/(.*)$'], d('add_header', 'X-Target', '$1')))),
      'http-splitting', Severity.ERROR, `${SERVER} > location ~ ^/go/(.*)$`);
  });

  test('$uri in proxy_set_header and in the URI of proxy_pass (request splitting)', () => {
    const findings = checkSecurity(http(upstreamBackend, server(location('/',
      d('proxy_pass', 'http://backend$uri'),
      d('proxy_set_header', 'X-Original-Uri', '$document_uri')))));
    expect(findings.map(f => [f.check, f.where])).toEqual([
      ['http-splitting', `${SERVER} > location /`],
      ['http-splitting', `${SERVER} > location /`],
    ]);
  });

  test('$uri in a redirecting rewrite, and a variable set from $uri', () => {
    expectOnly(http(server(location('/', d('rewrite', '^', 'https://example.com$uri', 'permanent')))),
      'http-splitting', Severity.ERROR, `${SERVER} > location /`);
    expectOnly(http(server(location('/', d('set', '$path', '$uri'), d('add_header', 'X-Path', '$path')))),
      'http-splitting', Severity.ERROR, `${SERVER} > location /`);
  });

  test('a variable set in the server block (server rewrite phase) and used in a location', () => {
    expectOnly(http(server(d('set', '$path', '$document_uri'), location('/', d('add_header', 'X-Path', '$path')))),
      'http-splitting', Severity.ERROR, `${SERVER} > location /`);
  });

  test('a capture of an if regex over $uri', () => {
    expectOnly(http(server(ifBlock(['($uri', '~', '^/u/([^/]+))'], d('return', '302', 'https://example.com/users/$1')))),
      'http-splitting', Severity.ERROR, `${SERVER} > if ($uri ~ ^/u/([^/]+))`);
  });

  test('no finding for $request_uri, captures that cannot hold CR or LF, or non-header uses', () => {
    expectNone(http(server(location('/', d('return', '302', 'https://example.com$request_uri')))));
    expectNone(http(server(location(['~', '^/item/(\\d+)$'], d('add_header', 'X-Item', '$1')))));
    // Only LF splits a request to the upstream, and (.*) cannot match LF.
    expectNone(http(upstreamBackend, server(location(['~', '^/api/(.*)$'], d('proxy_pass', 'http://backend/$1'), d('proxy_set_header', 'X-Rest', '$1')))));
    // nginx percent-escapes $1..$9 in a redirecting rewrite, and an internal rewrite sends no header.
    expectNone(http(server(location('/', d('rewrite', '^/old/(.*)$', 'https://example.com/new/$1', 'permanent')))));
    expectNone(http(server(location('/', d('rewrite', '^/a/(.*)$', '/b/$1', 'last')))));
    // $request_uri cannot contain a raw CR or LF, so neither can its captures.
    expectNone(http(server(ifBlock(['($request_uri', '~', '^/u/(.*))'], d('return', '302', 'https://example.com/users/$1')))));
    // $1 comes from the innermost regex that matched, which resets the captures of the outer one.
    expectNone(http(server(location(['~', '^/(.*)/'], location(['~', '^/x/(\\d+)$'], d('add_header', 'X-Id', '$1'))))));
    // A 200 body is not a header.
    expectNone(http(server(location('/', d('return', '200', '$uri')))));
  });
});

describe('ssrf', () => {
  test('host from a query argument', () => {
    const message = expectOnly(http(server(location('/proxy', d('proxy_pass', 'http://$arg_host')))),
      'ssrf', Severity.ERROR, `${SERVER} > location /proxy`);
    expect(message).toContain('$arg_host');
  });

  test('host from the Host header, from a capture, from a set variable, and the whole URL from a header', () => {
    expectOnly(http(server(location('/', d('proxy_pass', 'http://$host$request_uri')))),
      'ssrf', Severity.ERROR, `${SERVER} > location /`);
    expectOnly(http(server(location(['~', '^/p/([a-z]+)/'], d('proxy_pass', 'http://$1.internal')))),
      'ssrf', Severity.ERROR, `${SERVER} > location ~ ^/p/([a-z]+)/`);
    expectOnly(http(server(location('/', d('set', '$target', '$http_x_target'), d('proxy_pass', 'http://$target')))),
      'ssrf', Severity.ERROR, `${SERVER} > location /`);
    expectOnly(http(server(location('/', d('proxy_pass', '$http_x_upstream_url')))),
      'ssrf', Severity.ERROR, `${SERVER} > location /`);
    expectOnly(http(server(location('/', d('fastcgi_pass', '$cookie_backend:9000')))),
      'ssrf', Severity.ERROR, `${SERVER} > location /`);
  });

  test('no finding for request data in the path after a fixed host', () => {
    expectNone(http(upstreamBackend, server(location('/', d('proxy_pass', 'http://backend$request_uri')))));
    expectNone(http(upstreamBackend, server(location('/', d('proxy_pass', 'http://backend/pages/$arg_page')))));
    expectNone(http(upstreamBackend, server(location(['~', '^/api/(\\w+)$'], d('proxy_pass', 'http://backend/v2/$1')))));
  });
});

describe('version-disclosure', () => {
  test('server_tokens on is an error where it is set', () => {
    expectOnly(http(server(d('server_tokens', 'on'))), 'version-disclosure', Severity.ERROR, SERVER);
    expectOnly(http(server(location('/', d('server_tokens', 'build')))), 'version-disclosure', Severity.ERROR, `${SERVER} > location /`);
  });

  test('no server_tokens off in http at all is a warning', () => {
    const message = expectOnly([block('http', [], [server()])], 'version-disclosure', Severity.WARNING, 'http');
    expect(message).toContain('server (www)');
  });

  test('no finding with server_tokens off in http, or in every server', () => {
    expectNone(http(server()));
    expectNone([block('http', [], [server(d('server_tokens', 'off'))])]);
  });
});

describe('if-in-location', () => {
  test('an if that does more than return or rewrite ... last', () => {
    const message = expectOnly(http(server(location('/', ifBlock(['($http_x_debug', '=', '1)'], d('set', '$debug', '1'))))),
      'if-in-location', Severity.WARNING, `${SERVER} > location / > if ($http_x_debug = 1)`);
    expect(message).toContain('if is evil');
  });

  test('rewrite ... break is not one of the safe forms', () => {
    expectOnly(http(server(location('/', ifBlock(['($arg_v', '=', '2)'], d('rewrite', '^', '/v2/', 'break'))))),
      'if-in-location', Severity.WARNING, `${SERVER} > location / > if ($arg_v = 2)`);
  });

  test('an empty if still switches the request to the hidden nested location', () => {
    expectOnly(http(server(location('/', ifBlock(['($arg_x)'])))), 'if-in-location', Severity.WARNING, `${SERVER} > location / > if ($arg_x)`);
  });

  test('no finding for an if with only return or rewrite ... last, or an if in the server block', () => {
    expectNone(http(server(location('/', ifBlock(['($request_method', '=', 'TRACE)'], d('return', '405'))))));
    expectNone(http(server(location('/', ifBlock(['($arg_v', '=', '2)'], d('rewrite', '^', '/v2/', 'last'))))));
    expectNone(http(server(ifBlock(['($http_x_debug', '=', '1)'], d('set', '$debug', '1')))));
  });
});

describe('root-slash', () => {
  test('root /', () => {
    expectOnly(http(server(d('root', '/'))), 'root-slash', Severity.ERROR, SERVER);
  });

  test('alias /', () => {
    expectOnly(http(server(location('/files/', d('alias', '/')))), 'root-slash', Severity.ERROR, `${SERVER} > location /files/`);
  });

  test('no finding for a site directory', () => {
    expectNone(http(server(d('root', '/usr/share/nginx/html'))));
  });
});

describe('keepalive-requests', () => {
  test('below 1000 in http', () => {
    expectOnly(http(d('keepalive_requests', '100'), server()), 'keepalive-requests', Severity.WARNING, 'http');
  });

  test('below 1000 in an upstream', () => {
    expectOnly(http(block('upstream', ['backend'], [d('server', '10.0.0.1:8080'), d('keepalive', '16'), d('keepalive_requests', '500')]), server()),
      'keepalive-requests', Severity.WARNING, 'http > upstream backend');
  });

  test('no finding at 1000 or more', () => {
    expectNone(http(d('keepalive_requests', '1000'), server(location('/', d('keepalive_requests', '10000')))));
  });
});

describe('worker-rlimit-nofile', () => {
  test('below twice worker_connections', () => {
    const message = expectOnly([d('worker_rlimit_nofile', '1024'), block('events', [], [d('worker_connections', '1024')]), ...http(server())],
      'worker-rlimit-nofile', Severity.WARNING, 'main');
    expect(message).toContain('2048');
  });

  test('below twice the default worker_connections (512)', () => {
    const message = expectOnly([d('worker_rlimit_nofile', '1000'), block('events', [], [])], 'worker-rlimit-nofile', Severity.WARNING, 'main');
    expect(message).toContain('512, the default');
  });

  test('no finding at twice worker_connections, or when unset', () => {
    expectNone([d('worker_rlimit_nofile', '2048'), block('events', [], [d('worker_connections', '1024')])]);
    expectNone([d('worker_rlimit_nofile', '1024'), block('events', [], [])]);
    expectNone([block('events', [], [d('worker_connections', '4096')])]);
  });
});

describe('unanchored-regex', () => {
  test('a regex with neither ^ nor $', () => {
    expectOnly(http(server(location(['~', '\\.php']))), 'unanchored-regex', Severity.WARNING, `${SERVER} > location ~ \\.php`);
  });

  test('the glued form, and an escaped dollar that is no anchor', () => {
    expectOnly(http(server(location('~*/admin'))), 'unanchored-regex', Severity.WARNING, `${SERVER} > location ~*/admin`);
    expectOnly(http(server(location(['~', '\\.php\\$']))), 'unanchored-regex', Severity.WARNING, `${SERVER} > location ~ \\.php\\$`);
  });

  test('no finding when anchored at either end', () => {
    expectNone(http(server(
      location(['~', '\\.php$']),
      location(['~*', '^/api/']),
      location(['~', '(?i)^/x']),
      location(['~', '\\.(gif|jpg)\\z']),
      location('/plain'))));
  });
});

describe('proxy-pass-hostname', () => {
  test('a fixed host name is resolved once, at start-up', () => {
    const message = expectOnly(http(server(location('/', d('proxy_pass', 'http://api.example.com:8080/')))),
      'proxy-pass-hostname', Severity.WARNING, `${SERVER} > location /`);
    expect(message).toContain('api.example.com');
    expect(message).toContain('upstream');
  });

  test('a resolver does not help a fixed name (nginx re-resolves only names given through variables)', () => {
    expectOnly(http(d('resolver', '10.96.0.10'), server(location('/', d('proxy_pass', 'http://api.example.com')))),
      'proxy-pass-hostname', Severity.WARNING, `${SERVER} > location /`);
  });

  test('a name in a variable without a resolver in scope', () => {
    const message = expectOnly(http(server(location('/', d('set', '$backend', 'api.example.com'), d('proxy_pass', 'http://$backend')))),
      'proxy-pass-hostname', Severity.WARNING, `${SERVER} > location /`);
    expect(message).toContain('no resolver');
    // Any variable, even in the path, makes nginx resolve the host at run time.
    expectOnly(http(server(location('/', d('proxy_pass', 'http://api.example.com$request_uri')))),
      'proxy-pass-hostname', Severity.WARNING, `${SERVER} > location /`);
  });

  test('other *_pass directives', () => {
    expectOnly(http(server(location(['~', '\\.php$'], d('fastcgi_pass', 'php-fpm:9000')))),
      'proxy-pass-hostname', Severity.WARNING, `${SERVER} > location ~ \\.php$`);
  });

  test('no finding with a resolver and a variable, an upstream block, an IP, unix: or localhost', () => {
    expectNone(http(d('resolver', '10.96.0.10', 'valid=10s'), server(location('/', d('set', '$backend', 'api.example.com'), d('proxy_pass', 'http://$backend')))));
    expectNone(http(server(d('resolver', '10.96.0.10'), location('/', d('proxy_pass', 'http://api.example.com$request_uri')))));
    expectNone(http(upstreamBackend, server(location('/', d('proxy_pass', 'http://backend')))));
    expectNone(http(server(
      location('/a', d('proxy_pass', 'http://10.0.0.1:8080')),
      location('/b', d('proxy_pass', 'http://unix:/dev/shm/app.sock:/')),
      location('/c', d('proxy_pass', 'http://localhost:3000')),
      location('/d', d('grpc_pass', 'grpc://[::1]:50051')),
      location('/e', d('uwsgi_pass', 'unix:/dev/shm/uwsgi.sock')))));
  });
});

describe('allow-without-deny', () => {
  test('allow without deny all lets everyone in', () => {
    expectOnly(http(server(location('/admin', d('allow', '10.0.0.0/8')))),
      'allow-without-deny', Severity.ERROR, `${SERVER} > location /admin`);
  });

  test('a deny all of the enclosing block is not inherited by a block with its own rules', () => {
    expectOnly(http(server(d('allow', '10.0.0.0/8'), d('deny', 'all'), location('/admin', d('allow', '192.168.0.0/16')))),
      'allow-without-deny', Severity.ERROR, `${SERVER} > location /admin`);
  });

  test('no finding with deny all in the same block, or with allow all', () => {
    expectNone(http(server(location('/admin', d('allow', '10.0.0.0/8'), d('allow', '192.168.0.0/16'), d('deny', 'all')))));
    expectNone(http(server(d('deny', 'all'), location('/public', d('allow', 'all')))));
  });
});

describe('error-log-off', () => {
  test('error_log off writes a file named off', () => {
    const message = expectOnly(http(d('error_log', 'off'), server()), 'error-log-off', Severity.ERROR, 'http');
    expect(message).toContain('error_log stderr crit');
  });

  test('no finding for stderr', () => {
    expectNone(http(d('error_log', 'stderr', 'crit'), server()));
  });
});

describe('log-file', () => {
  test('access_log to a file', () => {
    expectOnly(http(server(d('access_log', '/var/log/nginx/access.log', 'main'))), 'log-file', Severity.ERROR, SERVER);
  });

  test('error_log to a file under the memory emptyDir', () => {
    const message = expectOnly([d('error_log', '/dev/shm/error.log', 'warn')], 'log-file', Severity.ERROR, 'main');
    expect(message).toContain('memory');
  });

  test('access_log stderr is a file: stderr is a keyword of error_log only', () => {
    const message = expectOnly(http(server(d('access_log', 'stderr'))), 'log-file', Severity.ERROR, SERVER);
    expect(message).toContain('keyword of error_log only');
  });

  test('no finding for off, stdout, stderr, syslog: and memory:', () => {
    expectNone([
      d('error_log', 'stderr', 'warn'),
      d('error_log', 'memory:32m', 'debug'),
      ...http(
        d('access_log', '/dev/stdout', 'main'),
        d('error_log', '/dev/stderr'),
        server(d('access_log', 'off'), d('access_log', 'syslog:server=unix:/dev/log'), d('error_log', 'syslog:server=10.0.0.5')),
      ),
    ]);
  });
});

describe('key-value blocks are data', () => {
  test('entries of map, geo, types, split_clients, charset_map and match are not checked as directives', () => {
    const entries = [d('root', '/'), d('error_log', 'off'), d('allow', '10.0.0.1'), d('server_tokens', 'on')];
    expectNone(http(
      ...['map', 'geo', 'split_clients', 'charset_map', 'match'].map(name => block(name, ['$a', '$b'], entries)),
      block('types', [], entries),
      server()));
  });
});
