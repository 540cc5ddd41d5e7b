import { checkSecurity } from '../../../src/nginx/checks';
import { Severity } from '../../../src/nginx/findings';
import { parseNginx } from '../../../src/nginx/parse';

function findings(text: string) {
  const tree = Object.freeze(parseNginx(text));
  return checkSecurity(tree);
}

function expectReported(text: string, where: string): string {
  const found = findings(text);
  expect(found.map(f => [f.check, f.severity, f.where])).toEqual([['merge-slashes', Severity.WARNING, where]]);
  expect(found[0].message.length).toBeGreaterThan(120);
  return found[0].message;
}

function expectClean(text: string): void {
  expect(findings(text)).toEqual([]);
}

describe('merge-slashes', () => {
  test('merge_slashes off with a denied prefix location: //admin/ falls through to location /', () => {
    const message = expectReported(`http { server_tokens off; merge_slashes off;
      server { listen 80; server_name www; root /srv/www;
        location /admin/ { allow 10.0.0.0/8; deny all; }
        location / { } } }`, 'http');
    expect(message).toContain("location /admin/ ('deny all')");
    expect(message).toContain('merge_slashes on is the default');
  });

  test('authentication, internal, a refusal, an anchored regex and a script handler are escaped too', () => {
    const message = expectReported(`http { server_tokens off;
      server { listen 80; server_name www; merge_slashes off; root /srv/www;
        location = /metrics { auth_basic "metrics"; auth_basic_user_file /etc/nginx/htpasswd; proxy_pass http://10.0.0.1:9100; }
        location /protected/ { internal; }
        location ~ ^/\\.git { return 404; }
        location /scripts/ { fastcgi_pass 127.0.0.1:9000; include fastcgi_params; }
        location / { proxy_pass http://10.0.0.1:8080; } } }`, 'http > server (www)');
    expect(message).toContain('location = /metrics');
    expect(message).toContain('and 1 more');
  });

  test('the setting of the socket\'s default server decides for plain HTTP (the request line is read before Host)', () => {
    expectReported(`http { server_tokens off;
      server { listen 80 default_server; server_name _; merge_slashes off; return 444; }
      server { listen 80; server_name www; location /admin/ { deny all; } location / { } } }`, 'http > server (_)');
  });

  test('no finding when nothing is escaped: only location /, unanchored regexes, or restrictions on the whole server', () => {
    expectClean(`http { server_tokens off; merge_slashes off;
      server { listen 80; server_name www; location / { proxy_pass http://10.0.0.1:8080; } } }`);
    expectClean(`http { server_tokens off; merge_slashes off;
      server { listen 80; server_name www; allow 10.0.0.0/8; deny all;
        location ~ \\.php$ { fastcgi_pass 127.0.0.1:9000; }
        location ~* \\.(?:htaccess|htpasswd)$ { deny all; }
        location /static/ { root /srv; }
        location / { proxy_pass http://10.0.0.1:8080; } } }`);
  });

  test('no finding with merge_slashes on (the default), or off only where another server decides', () => {
    expectClean(`http { server_tokens off; merge_slashes on;
      server { listen 80; server_name www; location /admin/ { deny all; } location / { } } }`);
    expectClean(`http { server_tokens off;
      server { listen 80; server_name www; location /admin/ { deny all; } location / { } } }`);
    expectClean(`http { server_tokens off;
      server { listen 80 default_server; server_name _; return 444; }
      server { listen 80; server_name raw; merge_slashes off; location / { proxy_pass http://10.0.0.1:8080; } }
      server { listen 80; server_name www; location /admin/ { deny all; } location / { } } }`);
  });

  test('a server that turns it back on is not affected by the http-level off', () => {
    expectClean(`http { server_tokens off; merge_slashes off;
      server { listen 80; server_name www; merge_slashes on; location /admin/ { deny all; } location / { } } }`);
  });
});
