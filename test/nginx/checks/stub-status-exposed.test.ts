import { checkSecurity } from '../../../src/nginx/checks';
import { NginxConfig } from '../../../src/nginx/config';
import { Severity } from '../../../src/nginx/findings';
import { parseNginx } from '../../../src/nginx/parse';

function findings(httpBody: string) {
  const tree = Object.freeze(parseNginx(`http {\nserver_tokens off;\n${httpBody}\n}`));
  return checkSecurity(tree);
}

function expectReported(httpBody: string, where: string): string {
  const found = findings(httpBody);
  expect(found.map(f => [f.check, f.severity, f.where])).toEqual([['stub-status-exposed', Severity.WARNING, where]]);
  expect(found[0].message.length).toBeGreaterThan(120);
  return found[0].message;
}

function expectClean(httpBody: string): void {
  expect(findings(httpBody)).toEqual([]);
}

const server = (body: string, listen = 'listen 80;') => `server { ${listen} server_name www; ${body} }`;

describe('stub-status-exposed', () => {
  test('a status location without any restriction', () => {
    const message = expectReported(server('location = /nginx_status { stub_status; }'), 'http > server (www) > location = /nginx_status');
    expect(message).toContain("'allow 127.0.0.1; allow ::1;'");
    expect(message).toContain("'deny all;'");
  });

  test('the old form (stub_status on), and stub_status at server level', () => {
    expectReported(server('location /status { stub_status on; access_log off; }'), 'http > server (www) > location /status');
    expectReported('server { listen 8081; server_name metrics; stub_status; }', 'http > server (metrics)');
  });

  test('rules of its own replace the enclosing ones: an allow list without deny all lets everyone in', () => {
    // allow-without-deny reports the allow lines too; this finding says what they leave open.
    expect(findings(server('deny all; location /status { allow 10.0.0.0/8; stub_status; }')).map(f => [f.check, f.where])).toEqual([
      ['allow-without-deny', 'http > server (www) > location /status'],
      ['stub-status-exposed', 'http > server (www) > location /status'],
    ]);
    expectReported(server('location /status { deny 203.0.113.7; stub_status; }'), 'http > server (www) > location /status');
    expectReported(server('location /status { allow all; deny all; stub_status; }'), 'http > server (www) > location /status');
  });

  test('satisfy any with an allow for everyone skips the password', () => {
    expectReported(server(`location /status { satisfy any; allow all; auth_basic "status"; auth_basic_user_file /etc/nginx/htpasswd;
      stub_status; }`), 'http > server (www) > location /status');
  });

  test('listening on a public address and on loopback is still public; auth_basic off switches an inherited password off', () => {
    expectReported(server('location /status { stub_status; }', 'listen 127.0.0.1:80; listen 80;'), 'http > server (www) > location /status');
    expectReported(`auth_basic "site"; auth_basic_user_file /etc/nginx/htpasswd;
      ${server('location /status { auth_basic off; stub_status; }')}`, 'http > server (www) > location /status');
  });

  test('no finding with allow lines and deny all, in the location or inherited from a block without rules in between', () => {
    expectClean(server('location = /status { stub_status; access_log off; allow 127.0.0.1; allow ::1; deny all; }'));
    expectClean(server('allow 10.0.0.0/8; deny all; location /status { stub_status; }'));
    expectClean(`allow 192.168.0.0/16; deny all; ${server('location /status { stub_status; }')}`);
    expectClean(server('location /status { deny all; stub_status; }'));
  });

  test('no finding behind authentication, for an internal or named location, or on a loopback-only server', () => {
    expectClean(server('location /status { auth_basic "status"; auth_basic_user_file /etc/nginx/htpasswd; stub_status; }'));
    expectClean(`auth_request /auth; ${server('location /status { stub_status; } location = /auth { internal; proxy_pass http://10.0.0.1; }')}`);
    expectClean(server('location /status { internal; stub_status; } location @status { stub_status; }'));
    expectClean(server('location /status { stub_status; }', 'listen 127.0.0.1:8081; listen [::1]:8081;'));
    expectClean(server('location /status { stub_status; }', 'listen unix:/run/nginx-status.sock;'));
  });

  test('no finding with an address gate in the location or the server (if on the client address, geo or map of it)', () => {
    expectClean(server('location /status { if ($remote_addr != 127.0.0.1) { return 403; } stub_status; }'));
    expectClean(`geo $monitoring { default 0; 10.1.0.0/16 1; }
      ${server('location /status { if ($monitoring = 0) { return 404; } stub_status; }')}`);
    expectClean(`geo $office { default 0; 10.1.0.0/16 1; } map $office $blocked { 0 1; default 0; }
      ${server('if ($blocked) { return 444; } location /status { stub_status; }')}`);
  });

  test('no finding with TLS client certificates required', () => {
    expectClean(server(`ssl_certificate /etc/nginx/tls/tls.crt; ssl_certificate_key /etc/nginx/tls/tls.key;
      ssl_client_certificate /etc/nginx/tls/ca.crt; ssl_verify_client on; location /status { stub_status; }`, 'listen 443 ssl;'));
  });

  test('the typed statusPath renders a loopback-only location', () => {
    const config = new NginxConfig({ servers: [{ name: 'default', statusPath: '/nginx_status' }] });
    const tree = Object.freeze(config.effectiveTree());
    expect(checkSecurity(tree)).toEqual([]);
  });
});
