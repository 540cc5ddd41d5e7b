import { d, expectNone, expectOnly, http, server, SERVER } from './helpers';
import { checkContext } from '../../../src/nginx/checks/rule';
import { weakEcdhCurve } from '../../../src/nginx/checks/weak-ecdh-curve';
import { NginxConfig } from '../../../src/nginx/config';
import { TlsProfile } from '../../../src/nginx/features/tls';
import { Severity } from '../../../src/nginx/findings';
import { parseNginx } from '../../../src/nginx/parse';

/** The weak curves each finding names (between 'offers ' and ':'), checking id, severity and message. */
function weak(text: string): string[] {
  const tree = parseNginx(text);
  return weakEcdhCurve.run(tree, checkContext(tree)).map(f => {
    expect(f.check).toBe('weak-ecdh-curve');
    expect(f.severity).toBe(Severity.WARNING);
    expect(f.message).toContain('X25519:prime256v1:secp384r1');
    return f.message.slice(f.message.indexOf(' offers ') + 8, f.message.indexOf(': elliptic'));
  });
}

describe('weak-ecdh-curve', () => {
  test('curves under 256 bits, alone or in a list, in any context', () => {
    expect(weak('http { server { listen 443 ssl; ssl_ecdh_curve secp192r1; } }')).toEqual(['secp192r1']);
    expect(weak('http { ssl_ecdh_curve X25519:prime256v1:secp224r1:prime192v1; }')).toEqual(['secp224r1, prime192v1']);
    expect(weak('stream { server { ssl_ecdh_curve sect163k1:secp384r1; } }')).toEqual(['sect163k1']);
    expect(weak('mail { ssl_ecdh_curve secp160r1; }')).toEqual(['secp160r1']);
    expect(weak('ssl_ecdh_curve P-224:X25519;')).toEqual(['P-224']);
    expect(weak('ssl_ecdh_curve brainpoolP224r1:prime239v1:c2pnb163v1:wap-wsg-idm-ecid-wtls7;'))
      .toEqual(['brainpoolP224r1, prime239v1, c2pnb163v1, wap-wsg-idm-ecid-wtls7']);
    // OpenSSL 3.5 group lists: tuples, optional and key-share prefixes.
    expect(weak('ssl_ecdh_curve *X25519MLKEM768/X25519:?secp192k1;')).toEqual(['secp192k1']);
    // The same through OpenSSL's configuration commands.
    expect(weak('http { ssl_conf_command Groups X25519:secp224r1; }')).toEqual(['secp224r1']);
    expect(weak('http { ssl_conf_command ECDHParameters prime192v1; }')).toEqual(['prime192v1']);
  });

  test('no finding for auto, the recommended curves, larger curves, hybrid and finite-field groups, or a removed curve', () => {
    for (const list of [
      'auto', 'X25519:prime256v1:secp384r1', 'x25519', 'X448', 'secp521r1', 'P-256:P-384', 'prime256v1', 'secp256k1',
      'brainpoolP256r1:brainpoolP384r1:brainpoolP512r1', 'brainpoolP256r1tls13', 'sect283k1:sect571r1',
      'X25519MLKEM768:X25519', 'SecP256r1MLKEM768', 'ffdhe2048:ffdhe3072', 'X25519:-secp192r1', 'DEFAULT',
    ]) {
      expect([list, weak(`http { ssl_ecdh_curve ${list}; }`)]).toEqual([list, []]);
    }
    expect(weak('http { ssl_conf_command Options PrioritizeChaCha; ssl_conf_command Ciphersuites TLS_AES_128_GCM_SHA256; }')).toEqual([]);
  });

  test("the library's TLS profiles give no finding", () => {
    for (const profile of [TlsProfile.MODERN, TlsProfile.INTERMEDIATE, TlsProfile.NONE]) {
      const config = new NginxConfig({ servers: [{ name: 'site', port: 8443, defaultServer: true, tls: { secretName: 'tls', profile } }] });
      const tree = config.effectiveTree();
      expect(weakEcdhCurve.run(tree, checkContext(tree))).toEqual([]);
    }
  });

  test('through checkSecurity', () => {
    expectOnly(http(server(d('ssl_ecdh_curve', 'X25519:secp224r1'))), 'weak-ecdh-curve', Severity.WARNING, SERVER);
    expectNone(http(server(d('ssl_ecdh_curve', 'X25519:prime256v1:secp384r1'))));
  });
});
