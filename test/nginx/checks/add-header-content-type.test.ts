import { checkSecurity } from '../../../src/nginx/checks';
import { addHeaderContentType } from '../../../src/nginx/checks/add-header-content-type';
import { checkContext } from '../../../src/nginx/checks/rule';
import { Severity } from '../../../src/nginx/findings';
import { parseNginx } from '../../../src/nginx/parse';

function findings(text: string) {
  const tree = Object.freeze(parseNginx(`http {\nserver_tokens off;\n${text}\n}`));
  return checkSecurity(tree);
}

function expectReported(text: string, where: string): string {
  const found = findings(text);
  expect(found.map(f => [f.check, f.severity, f.where])).toEqual([['add-header-content-type', Severity.WARNING, where]]);
  expect(found[0].message.length).toBeGreaterThan(120);
  return found[0].message;
}

function expectClean(text: string): void {
  expect(findings(text)).toEqual([]);
}

describe('add-header-content-type', () => {
  test('add_header Content-Type on a response nginx types itself sends two Content-Type headers', () => {
    const message = expectReported(`server { listen 8080; server_name www;
      location = /health { add_header Content-Type text/plain; return 200 "ok"; } }`, 'http > server (www) > location = /health');
    expect(message).toContain("'add_header Content-Type text/plain'");
    expect(message).toContain('default_type');
  });

  test('the header name is compared case-insensitively, and a server-level line reaches its locations', () => {
    expectReported(`server { listen 8080; server_name www; add_header content-type "application/json" always;
      location /api/ { proxy_pass http://10.0.0.1:8080; } }`, 'http > server (www)');
  });

  test('a proxied response keeps the backend Content-Type unless it is hidden', () => {
    expectReported(`server { listen 8080; server_name www;
      location /files/ { proxy_pass http://10.0.0.1:8080; add_header Content-Type application/octet-stream; } }`,
    'http > server (www) > location /files/');
  });

  test('a hide list of its own replaces the enclosing one: Content-Type is no longer hidden there', () => {
    // proxy-set-header-redefinition reports the dropped hide line; this finding, the duplicate header it causes.
    expect(findings(`server { listen 8080; server_name www; proxy_hide_header Content-Type;
      location /files/ { proxy_hide_header X-Powered-By; proxy_pass http://10.0.0.1:8080; add_header Content-Type application/octet-stream; } }`)
      .map(f => [f.check, f.where])).toEqual([
      ['add-header-content-type', 'http > server (www) > location /files/'],
      ['proxy-set-header-redefinition', 'http > server (www) > location /files/'],
    ]);
  });

  test('hiding the header of another module does not help: a return or a proxy_pass still sends its own', () => {
    expectReported(`server { listen 8080; server_name www; fastcgi_hide_header Content-Type;
      location /a { add_header Content-Type text/csv; proxy_pass http://10.0.0.1:8080; } }`, 'http > server (www) > location /a');
    expectReported(`server { listen 8080; server_name www; proxy_hide_header Content-Type;
      location /b { add_header Content-Type text/csv; return 200 "a,b"; } }`, 'http > server (www) > location /b');
  });

  test('a bare add_header line (a fragment) is reported', () => {
    const tree = Object.freeze(parseNginx('add_header Content-Type text/plain;'));
    expect(addHeaderContentType.run(tree, checkContext(tree)).map(f => f.where)).toEqual(['main']);
  });

  test('no finding with the backend header hidden first, in the same block or inherited', () => {
    expectClean(`server { listen 8080; server_name www;
      location /dl/ { proxy_hide_header Content-Type; add_header Content-Type application/octet-stream; proxy_pass http://10.0.0.1:8080; } }`);
    expectClean(`server { listen 8080; server_name www; proxy_hide_header Content-Type;
      location /dl/ { add_header Content-Type application/octet-stream; proxy_pass http://10.0.0.1:8080; } }`);
    expectClean(`server { listen 8080; server_name www;
      location ~ \\.php$ { fastcgi_hide_header Content-Type; add_header Content-Type "application/json"; fastcgi_pass 127.0.0.1:9000; } }`);
    expectClean(`server { listen 8080; server_name www;
      location /app { uwsgi_hide_header Content-Type; add_header Content-Type "text/html"; } }`);
  });

  test('no finding for a server-level line when every location that gets it hides the backend header', () => {
    expectClean(`server { listen 8080; server_name www; add_header Content-Type application/json;
      location / { proxy_hide_header Content-Type; proxy_pass http://10.0.0.1:8080; } }`);
  });

  test('no finding for a location that defines add_header of its own (the server line does not reach it)', () => {
    // add-header-redefinition reports the dropped line; nginx sends one Content-Type there.
    expect(findings(`server { listen 8080; server_name www; add_header Content-Type application/json;
      location / { add_header X-Frame-Options DENY; return 200 "ok"; } }`).map(f => f.check)).toEqual(['add-header-redefinition']);
  });

  test('no finding for default_type, other headers, or more_set_headers (which replaces the header)', () => {
    expectClean(`server { listen 8080; server_name www;
      location = /health { default_type text/plain; add_header Cache-Control no-store; return 200 "ok"; }
      location /raw { more_set_headers "Content-Type: text/plain"; return 200 "x"; } }`);
    expectClean('add_header X-Content-Type-Options nosniff;');
  });
});
