import { d, expectNone, expectOnly, http, location, server, SERVER } from './helpers';
import { returnBypassesAllowDeny } from '../../../src/nginx/checks/return-bypasses-allow-deny';
import { checkContext } from '../../../src/nginx/checks/rule';
import { Severity } from '../../../src/nginx/findings';
import { parseNginx } from '../../../src/nginx/parse';

/** The findings of this rule alone, for a configuration written as nginx text. */
function found(text: string): Array<[string, string]> {
  const tree = parseNginx(text);
  return returnBypassesAllowDeny.run(tree, checkContext(tree)).map(f => [f.severity, f.where]);
}

describe('return-bypasses-allow-deny', () => {
  test('a return next to allow/deny answers every client (verified: Debian nginx answers 200 to a denied client)', () => {
    const message = expectOnly(http(server(location('/admin', d('allow', '10.0.0.0/8'), d('deny', 'all'), d('return', '200', 'secret')))),
      'return-bypasses-allow-deny', Severity.ERROR, `${SERVER} > location /admin`);
    expect(message).toContain("'return 200 secret'");
    expect(message).toContain("'deny all' (set in http > server (www) > location /admin)");
    expect(message).toContain('try_files /nonexistent @answer;');
  });

  test('a return in an if block of the location, and in a named location reached by error_page', () => {
    expect(found('location /status { allow 192.168.1.0/24; deny all; if ($http_x_probe) { return 204; } }'))
      .toEqual([[Severity.ERROR, 'location /status > if ($http_x_probe)']]);
    // The named location runs its own rewrite phase first too: error_page to it does not fix the order.
    expect(found(`server {
      location /internal/ { error_page 418 = @internal; return 418; }
      location @internal { allow 127.0.0.1; deny all; return 200 "internal data"; }
    }`)).toEqual([[Severity.ERROR, 'server > location @internal']]);
  });

  test('auth_basic and auth_request run in the access phase too', () => {
    expect(found('server { location /reports { auth_basic "Reports"; auth_basic_user_file /etc/nginx/htpasswd; return 200 "report"; } }'))
      .toEqual([[Severity.ERROR, 'server > location /reports']]);
    expect(found(`server {
      auth_request /_auth;
      location = /_auth { internal; auth_request off; proxy_pass http://127.0.0.1:9000; }
      location /me { return 200 "profile"; }
    }`)).toEqual([[Severity.WARNING, 'server > location /me']]);
  });

  test('inherited access rules: from the server, from http, from an enclosing location', () => {
    const message = expectOnly(http(server(d('allow', '10.0.0.0/8'), d('deny', 'all'), location('/version', d('return', '200', '1.4.2')))),
      'return-bypasses-allow-deny', Severity.WARNING, `${SERVER} > location /version`);
    expect(message).toContain(`'deny all' (inherited from ${SERVER})`);
    expect(found('http { deny 203.0.113.0/24; server { location / { return 200 "hello"; } } }'))
      .toEqual([[Severity.WARNING, 'http > server > location /']]);
    expect(found('server { location /ops/ { deny all; location /ops/ping { return 200 pong; } } }'))
      .toEqual([[Severity.WARNING, 'server > location /ops/ > location /ops/ping']]);
  });

  test('a server-level return runs in the server rewrite phase, before any location', () => {
    expect(found('server { listen 8081; allow 10.1.0.0/16; deny all; return 200 "maintenance"; }')).toEqual([[Severity.ERROR, 'server']]);
    expect(found('server { allow 10.1.0.0/16; deny all; if ($arg_debug) { return 302 /debug; } location / { root /srv; } }'))
      .toEqual([[Severity.WARNING, 'server > if ($arg_debug)']]);
  });

  test('a redirect is a warning: it goes to every client, but only says where to go', () => {
    expect(found('location /admin { allow 10.0.0.0/8; deny all; return 301 https://admin.internal.example.com/; }'))
      .toEqual([[Severity.WARNING, 'location /admin']]);
    expect(found('location /old { deny all; return https://example.com/new; }')).toEqual([[Severity.WARNING, 'location /old']]);
  });

  test('no finding when the answer comes after the access check (try_files to a named location)', () => {
    expectNone(http(server(
      location('/admin', d('allow', '10.0.0.0/8'), d('deny', 'all'), d('try_files', '/nonexistent', '@admin')),
      location('@admin', d('return', '200', 'admin')))));
    expect(found('location /a { allow 10.0.0.1; deny all; if ($arg_x) { try_files "" @named; } }')).toEqual([]);
  });

  test('no finding without access rules for the block, or with rules only elsewhere', () => {
    expect(found('server { location /a { return 200 "a"; } location /b { deny all; } }')).toEqual([]);
    expect(found('http { server { deny all; } server { listen 8081; return 200 "other server"; } }')).toEqual([]);
    // A server-level redirect answers before the locations, but the protected location's content is not what it sends.
    expect(found('server { if ($scheme = http) { return 301 https://$host$request_uri; } location /admin { deny all; } }')).toEqual([]);
  });

  test('no finding when the block lets everyone in: its own allow all, allow without deny, auth switched off', () => {
    expect(found('server { deny all; location /public { allow all; return 200 "hi"; } }')).toEqual([]);
    expect(found('location /d { allow 10.0.0.1; return 200 "d"; }')).toEqual([]);
    expect(found('server { auth_basic "x"; location /health { auth_basic off; return 200 ok; } }')).toEqual([]);
  });

  test('no finding for a refusal, nor for rules in limit_except (verified: nginx switches to its configuration, which has no return)', () => {
    expect(found('location /admin { allow 10.0.0.0/8; deny all; return 403; }')).toEqual([]);
    expect(found('server { deny 198.51.100.7; return 444; }')).toEqual([]);
    expect(found('location /upload { limit_except GET { deny all; } return 200 "read only"; }')).toEqual([]);
  });
});
