import { d, expectNone, expectOnly, http, server, SERVER } from './helpers';
import { ocspStaplingWithoutResolver } from '../../../src/nginx/checks/ocsp-stapling-without-resolver';
import { checkContext } from '../../../src/nginx/checks/rule';
import { Severity } from '../../../src/nginx/findings';
import { parseNginx } from '../../../src/nginx/parse';

/** Where each finding is, checking id, severity and message. */
function where(text: string): string[] {
  const tree = parseNginx(text);
  return ocspStaplingWithoutResolver.run(tree, checkContext(tree)).map(f => {
    expect(f.check).toBe('ocsp-stapling-without-resolver');
    expect(f.severity).toBe(Severity.WARNING);
    expect(f.message).toContain("'ssl_stapling on'");
    expect(f.message).toContain('no resolver defined to resolve');
    return f.where;
  });
}

const tls = (extra: string, name = 'shop.example.com') => `
  server {
    listen 443 ssl;
    server_name ${name};
    ssl_certificate /etc/nginx/tls/${name}.crt;
    ssl_certificate_key /etc/nginx/tls/${name}.key;
    ${extra}
  }`;

describe('ocsp-stapling-without-resolver', () => {
  test('stapling on in a TLS server with no resolver in the server or http', () => {
    expect(where(`http { ${tls('ssl_stapling on; ssl_stapling_verify on;')} }`)).toEqual(['http > server (shop.example.com)']);
    // A resolver in another server, or in a location, does not count.
    expect(where(`http { ${tls('ssl_stapling on; location / { resolver 10.96.0.10; }')} ${tls('resolver 10.96.0.10;', 'b.example.com')} }`))
      .toEqual(['http > server (shop.example.com)']);
    // A responder given by name needs DNS too.
    expect(where(`http { ${tls('ssl_stapling on; ssl_stapling_responder http://ocsp.example-ca.com/;')} }`)).toHaveLength(1);
    // A fragment.
    expect(where('server { listen 443 ssl; ssl_stapling on; }')).toEqual(['server']);
  });

  test('stapling on in http applies to each TLS server that does not set its own', () => {
    expect(where(`http { ssl_stapling on; ${tls('')} ${tls('resolver 10.96.0.10;', 'b.example.com')} ${tls('ssl_stapling off;', 'c.example.com')}
      server { listen 80; server_name plain; } }`)).toEqual(['http > server (shop.example.com)']);
    expect(where('http { ssl_stapling on; }')).toEqual(['http']);
  });

  test('no finding with a resolver in the server or http, a stapling file, a responder by IP address, or stapling off', () => {
    expect(where(`http { resolver 10.96.0.10 valid=300s; ${tls('ssl_stapling on; ssl_stapling_verify on;')} }`)).toEqual([]);
    expect(where(`http { ${tls('ssl_stapling on; resolver 127.0.0.1;')} }`)).toEqual([]);
    expect(where(`http { ssl_stapling on; resolver [::1]; ${tls('')} }`)).toEqual([]);
    expect(where(`http { ${tls('ssl_stapling on; ssl_stapling_file /etc/nginx/tls/ocsp.der;')} }`)).toEqual([]);
    expect(where(`http { ${tls('ssl_stapling on; ssl_stapling_responder http://192.0.2.10:8080/ocsp;')} }`)).toEqual([]);
    expect(where(`http { ${tls('ssl_stapling off;')} }`)).toEqual([]);
    // A server that only listens on plain ports has no TLS handshake to staple to.
    expect(where('http { server { listen 80; ssl_stapling on; } }')).toEqual([]);
  });

  test('through checkSecurity', () => {
    const tlsServer = (...extra: ReturnType<typeof d>[]) => server(d('listen', '8443', 'ssl'), d('ssl_certificate', '/etc/nginx/tls/tls.crt'),
      d('ssl_certificate_key', '/etc/nginx/tls/tls.key'), d('ssl_stapling', 'on'), ...extra);
    expectOnly(http(tlsServer()), 'ocsp-stapling-without-resolver', Severity.WARNING, SERVER);
    expectNone(http(d('resolver', '10.96.0.10'), tlsServer()));
  });
});
