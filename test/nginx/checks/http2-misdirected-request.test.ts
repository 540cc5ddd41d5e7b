import { block, d, expectNone, expectOnly } from './helpers';
import { http2MisdirectedRequest } from '../../../src/nginx/checks/http2-misdirected-request';
import { checkContext } from '../../../src/nginx/checks/rule';
import { Severity } from '../../../src/nginx/findings';
import { parseNginx } from '../../../src/nginx/parse';

/** Where each finding is, checking id, severity and message. */
function where(text: string): string[] {
  const tree = parseNginx(text);
  return http2MisdirectedRequest.run(tree, checkContext(tree)).map(f => {
    expect(f.check).toBe('http2-misdirected-request');
    expect(f.severity).toBe(Severity.ERROR);
    expect(f.message).toContain('421 Misdirected Request');
    expect(f.message).toContain('ssl_reject_handshake on');
    return f.where;
  });
}

/** A TLS server on 443 with HTTP/2 and the shared wildcard certificate. */
const tls = (name: string, extra: string, listen = 'listen 443 ssl; http2 on;') => `
  server {
    ${listen}
    server_name ${name};
    ${extra}
  }`;
const http = (...servers: string[]) => `http {
  ssl_certificate /etc/nginx/tls/wildcard.example.com.crt;
  ssl_certificate_key /etc/nginx/tls/wildcard.example.com.key;
  ${servers.join('\n')}
}`;
const partners = 'ssl_verify_client on; ssl_client_certificate /etc/nginx/ca/partners.pem;';
const admins = 'ssl_verify_client on; ssl_client_certificate /etc/nginx/ca/admins.pem;';

describe('http2-misdirected-request', () => {
  test('the default server verifies client certificates with another CA than a server behind it', () => {
    expect(where(http(tls('partners.example.com', partners), tls('admin.example.com', admins))))
      .toEqual(['http > server (admin.example.com)']);
    const tree = parseNginx(http(tls('partners.example.com', partners), tls('admin.example.com', admins)));
    const message = http2MisdirectedRequest.run(tree, checkContext(tree))[0].message;
    expect(message).toContain('ssl_client_certificate /etc/nginx/ca/admins.pem here, /etc/nginx/ca/partners.pem there');
    expect(message).toContain('on *:443');
    // The default_server flag decides, not the order; optional verification is as open; IPv4 and IPv6 listens report once.
    expect(where(http(
      tls('admin.example.com', 'ssl_verify_client optional; ssl_client_certificate /etc/nginx/ca/admins.pem;', 'listen 443 ssl; listen [::]:443 ssl;'),
      tls('partners.example.com', partners, 'listen 443 ssl default_server; listen [::]:443 ssl default_server;'))))
      .toEqual(['http > server (admin.example.com)']);
  });

  test('the same CA with another revocation list, depth or OCSP check; CA inherited from http; a fragment', () => {
    expect(where(http(tls('a.example.com', partners), tls('b.example.com', `${partners} ssl_crl /etc/nginx/ca/revoked.pem;`)))).toHaveLength(1);
    expect(where(http(tls('a.example.com', `${partners} ssl_verify_depth 3;`), tls('b.example.com', partners)))).toHaveLength(1);
    expect(where(`http { ssl_verify_client on; ssl_client_certificate /etc/nginx/ca/partners.pem;
      ${tls('a.example.com', '')} ${tls('b.example.com', 'ssl_client_certificate /etc/nginx/ca/admins.pem; ssl_ocsp on;')} }`))
      .toEqual(['http > server (b.example.com)']);
    expect(where(`${tls('a.example.com', partners, 'listen 8443 ssl;')} ${tls('b.example.com', admins, 'listen 8443 ssl;')}`))
      .toEqual(['server (b.example.com)']);
  });

  test('no finding where nginx answers 421 or 400: a default server that does not verify client certificates', () => {
    // HTTP/2 coalescing onto the public server's connection: nginx answers 421 for admin.example.com.
    expect(where(http(tls('www.example.com', ''), tls('admin.example.com', admins)))).toEqual([]);
    expect(where(http(tls('www.example.com', 'ssl_verify_client off;'), tls('admin.example.com', admins), tls('partners.example.com', partners)))).toEqual([]);
    // A catch-all default server that refuses handshakes without a known name.
    expect(where(http(tls('_', 'ssl_reject_handshake on;', 'listen 443 ssl default_server;'), tls('partners.example.com', partners), tls('admin.example.com', admins))))
      .toEqual([]);
  });

  test('no finding for the same client-certificate settings, servers that do not require them, other addresses or plain HTTP', () => {
    expect(where(http(tls('a.example.com', partners), tls('b.example.com', partners)))).toEqual([]);
    expect(where(http(tls('a.example.com', partners), tls('b.example.com', 'ssl_verify_client optional_no_ca;'), tls('c.example.com', '')))).toEqual([]);
    expect(where(http(tls('a.example.com', partners, 'listen 443 ssl;'), tls('b.example.com', admins, 'listen 8443 ssl;')))).toEqual([]);
    expect(where(http(tls('a.example.com', partners, 'listen 10.0.0.1:443 ssl;'), tls('b.example.com', admins, 'listen 10.0.0.2:443 ssl;')))).toEqual([]);
    expect(where(http(tls('a.example.com', partners, 'listen 8080;'), tls('b.example.com', admins, 'listen 8080;')))).toEqual([]);
    // Other TLS settings per server are no bypass: the client chooses the SNI and only weakens its own connection.
    expect(where(http(tls('legacy.example.com', 'ssl_protocols TLSv1.2 TLSv1.3;'), tls('secure.example.com', 'ssl_protocols TLSv1.3;')))).toEqual([]);
  });

  test('through checkSecurity', () => {
    const mtls = (name: string, ca: string) => block('server', [], [
      d('listen', '8443', 'ssl', ...(name === 'a' ? ['default_server'] : [])), d('server_name', name),
      d('ssl_verify_client', 'on'), d('ssl_client_certificate', ca),
    ]);
    const tree = (...servers: ReturnType<typeof d>[]) => [block('http', [], [d('server_tokens', 'off'),
      d('ssl_certificate', '/etc/nginx/tls/tls.crt'), d('ssl_certificate_key', '/etc/nginx/tls/tls.key'), ...servers])];
    expectOnly(tree(mtls('a', '/etc/nginx/ca/a.pem'), mtls('b', '/etc/nginx/ca/b.pem')),
      'http2-misdirected-request', Severity.ERROR, 'http > server (b)');
    expectNone(tree(mtls('a', '/etc/nginx/ca/a.pem'), mtls('b', '/etc/nginx/ca/a.pem')));
  });
});
