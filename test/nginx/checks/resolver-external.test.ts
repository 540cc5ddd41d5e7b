import { d, expectNone, expectOnly, http, location, server, SERVER } from './helpers';
import { resolverExternal } from '../../../src/nginx/checks/resolver-external';
import { checkContext } from '../../../src/nginx/checks/rule';
import { Severity } from '../../../src/nginx/findings';
import { parseNginx } from '../../../src/nginx/parse';

function run(text: string) {
  const tree = parseNginx(text);
  return resolverExternal.run(tree, checkContext(tree));
}

/** The public name servers each finding names (the text before the colon), checking severity and length. */
function reported(text: string): string[] {
  return run(text).map(f => {
    expect(f.check).toBe('resolver-external');
    expect(f.severity).toBe(Severity.WARNING);
    expect(f.message.length).toBeGreaterThan(120);
    return f.message.slice(0, f.message.indexOf(', a name server'));
  });
}

describe('resolver-external', () => {
  test('public name servers, by IPv4 or IPv6 address, with a port, among local ones', () => {
    expect(reported('http { resolver 9.9.9.9 valid=30s; }')).toEqual(["'resolver 9.9.9.9 valid=30s' sends nginx's DNS queries to 9.9.9.9 (a public IP address)"]);
    expect(reported('http { server { resolver 10.96.0.10 208.67.222.222:53 ipv6=off; } }')).toHaveLength(1);
    expect(run('http { server { resolver 10.96.0.10 208.67.222.222:53; } }')[0].where).toBe('http > server');
    expect(reported('stream { resolver [2620:fe::fe]:53; }')).toHaveLength(1);
    expect(reported('resolver [2a00:1450:4001::8888];')).toHaveLength(1);
    expect(reported('resolver [::ffff:8.8.4.4];')).toHaveLength(1);
    // Just outside the private and shared ranges.
    expect(reported('resolver 172.32.0.1;')).toHaveLength(1);
    expect(reported('resolver 100.128.0.1;')).toHaveLength(1);
    expect(reported('resolver 192.169.1.1;')).toHaveLength(1);
  });

  test('a host name in the public DNS', () => {
    expect(run('http { resolver dns.quad9.net; }')[0].message).toContain('dns.quad9.net (a host name in the public DNS)');
    expect(reported('http { upstream u { zone u 64k; resolver resolver1.opendns.com:53; server a.example.com resolve; } }')).toHaveLength(1);
  });

  test('no finding for name servers in your network', () => {
    for (const servers of [
      '127.0.0.1', '127.0.0.53:53', '10.96.0.10', '172.20.0.10', '192.168.1.1', '169.254.169.253', '100.100.100.100',
      '[::1]', '[::1]:5353', '[fd00:10:96::a]', '[fe80::1%eth0]', '[fec0::1]', '[::ffff:10.0.0.2]', '198.51.100.53', '[2001:db8::53]',
      'localhost', 'localhost:53', 'kube-dns', 'kube-dns.kube-system.svc.cluster.local', 'coredns.kube-system.svc',
      'dns.corp.internal', 'ns1.lan', 'resolver.home.arpa', 'ns.intranet.osa:53',
      '10.0.0.2 valid=10s ipv6=off status_zone=dns',
    ]) {
      expect([servers, run(`http { resolver ${servers}; }`)]).toEqual([servers, []]);
    }
  });

  test('through checkSecurity', () => {
    expectOnly(http(d('resolver', '8.8.8.8', 'valid=30s'), server(location('/', d('set', '$b', 'api.example.com'), d('proxy_pass', 'http://$b')))),
      'resolver-external', Severity.WARNING, 'http');
    expectNone(http(server(d('resolver', '10.96.0.10'), location('/', d('set', '$b', 'api.example.com'), d('proxy_pass', 'http://$b')))));
    expect(SERVER).toBe('http > server (www)');
  });
});
