import { d, expectNone, expectOnly, http, location, server, SERVER, upstreamBackend } from './helpers';
import { checkContext } from '../../../src/nginx/checks/rule';
import { staleDns } from '../../../src/nginx/checks/stale-dns';
import { NginxConfig } from '../../../src/nginx/config';
import { Severity } from '../../../src/nginx/findings';
import { parseNginx } from '../../../src/nginx/parse';

function run(text: string) {
  const tree = parseNginx(text);
  return staleDns.run(tree, checkContext(tree));
}

/** The [where, first words of the message] of each finding. */
function found(text: string): string[][] {
  const findings = run(text);
  for (const f of findings) {
    expect(f.check).toBe('stale-dns');
    expect(f.severity).toBe(Severity.WARNING);
    expect(f.message.length).toBeGreaterThan(120);
  }
  return findings.map(f => [f.where, f.message.split(' ').slice(0, 2).join(' ')]);
}

const site = (inLocation: string, inHttp = '') => `
events {}
http {
  ${inHttp}
  server {
    listen 8080;
    server_name shop;
    location / {
      ${inLocation}
    }
  }
}`;
const LOC = 'http > server (shop) > location /';

describe('stale-dns', () => {
  test('a host name written out in a *_pass is resolved once, at start-up', () => {
    expect(found(site('proxy_pass https://payments.example.net/v1/;'))).toEqual([[LOC, "'proxy_pass https://payments.example.net/v1/'"]]);
    expect(run(site('proxy_pass https://payments.example.net/v1/;'))[0].message).toContain('payments.example.net');
    // A resolver in scope does not help a name written out.
    expect(found(site('proxy_pass http://payments.example.net:8443;', 'resolver 10.96.0.10;'))).toHaveLength(1);
    // Cloud load balancers, invented or unknown top-level domains, other *_pass directives, stream.
    expect(found(site('grpc_pass grpcs://internal-orders-1234567890.eu-west-1.elb.amazonaws.com:443;'))).toHaveLength(1);
    expect(found(site('proxy_pass http://cache.somethingnew;'))).toHaveLength(1);
    expect(found(site('fastcgi_pass php.prod.internal:9000;'))).toHaveLength(1);
    expect(found('stream { server { listen 5432; proxy_pass db-primary.abcdef.eu-west-1.rds.amazonaws.com:5432; } }'))
      .toEqual([['stream > server', "'proxy_pass db-primary.abcdef.eu-west-1.rds.amazonaws.com:5432'"]]);
  });

  test('a pod under a headless Service changes address when it is rescheduled; a namespace-relative name is ambiguous', () => {
    expect(found(site('proxy_pass http://web-0.web.shop.svc.cluster.local:8080;'))).toHaveLength(1);
    expect(run(site('proxy_pass http://orders.shop;'))[0].message).toContain('<service>.<namespace>.svc.cluster.local');
  });

  test('an upstream server given by a host name without resolve', () => {
    const text = `
      http {
        upstream origin_pool {
          server origin-a.example.org:443;
          server 203.0.113.7:443 backup;
          server unix:/run/origin.sock;
        }
        server { listen 8443; location / { proxy_pass https://origin_pool; } }
      }`;
    expect(found(text)).toEqual([['http > upstream origin_pool', "'server origin-a.example.org:443'"]]);
    expect(run(text)[0].message).toContain("'zone origin_pool 64k;'");
    // Reached through a variable that holds the upstream's name, too.
    expect(found(`http { upstream pool { server eu.api.example.com; }
      server { location / { set $p pool; proxy_pass http://$p; } } }`)).toEqual([['http > upstream pool', "'server eu.api.example.com'"]]);
  });

  test('upstream servers with resolve need a zone in the upstream and a resolver in http or the upstream', () => {
    const up = (body: string, inHttp = '', inServer = '') => `http { ${inHttp} upstream api { ${body} }
      server { ${inServer} location / { proxy_pass http://api; } } }`;
    const noZone = run(up('server api.example.com resolve;', 'resolver 10.96.0.10;'));
    expect(noZone.map(f => f.where)).toEqual(['http > upstream api']);
    expect(noZone[0].message).toContain("a 'zone' in the upstream");
    expect(noZone[0].message).not.toContain('a resolver in the upstream or in');
    const noResolver = run(up('zone api 64k; server api.example.com resolve;'));
    expect(noResolver[0].message).toContain('a resolver in the upstream or in http');
    expect(noResolver[0].message).not.toContain("a 'zone'");
    // A resolver in the server block does not count (nginx takes http's).
    expect(found(up('zone api 64k; server api.example.com resolve;', '', 'resolver 10.96.0.10;'))).toHaveLength(1);
    expect(found(up('server api.shop.svc.cluster.local:8080 resolve;'))).toHaveLength(1);
  });

  test('a variable host without a resolver in scope fails every request', () => {
    const message = run(site('set $target api.example.net; proxy_pass http://$target;'))[0].message;
    expect(message).toContain('api.example.net');
    expect(message).toContain('no resolver defined');
    // Any variable, even in the path, makes nginx resolve the host per request; Service names need the resolver too.
    expect(found(site('proxy_pass https://api.example.net/$uri;'))).toEqual([[LOC, "'proxy_pass https://api.example.net/$uri'"]]);
    expect(found(site('proxy_pass http://api.shop.svc.cluster.local:8080$request_uri;'))).toHaveLength(1);
    // A fragment without any block, and a map that can give a public host.
    expect(found('set $b api.example.net; proxy_pass http://$b;')).toEqual([['main', "'proxy_pass http://$b'"]]);
    expect(found(`http { map $arg_v $be { default api.example.net; beta 10.0.0.9; }
      server { location / { proxy_pass http://$be; } } }`)).toHaveLength(1);
  });

  test('no finding for addresses, single-label names, Kubernetes Service names, upstream names', () => {
    expect(found(site(`
      proxy_pass http://10.0.0.1:8080;
      proxy_pass http://[fd00::1]:8080;
      proxy_pass http://unix:/run/app.sock:/;
      proxy_pass http://localhost:3000;
      proxy_pass http://admin.localhost;
      uwsgi_pass unix:/run/uwsgi.sock;
      fastcgi_pass 127.0.0.1:9000;
      proxy_pass http://backend;
      fastcgi_pass php-fpm:9000;
      proxy_pass http://orders.shop.svc.cluster.local:8080;
      proxy_pass http://orders.shop.svc:8080/;
      proxy_pass http://orders.shop.svc.k8s.corp.example./;
      proxy_pass http://10-244-1-7.shop.pod.cluster.local;
      grpc_pass grpc://[::1]:50051;`))).toEqual([]);
    expect(found('stream { server { listen 12345; proxy_pass backend; } }')).toEqual([]);
    expect(found(`http { upstream app { server 10.0.0.10:8080; server 10.0.0.11:8080; server web.shop.svc.cluster.local:80; server api:8080; }
      server { location / { proxy_pass http://app; } } }`)).toEqual([]);
  });

  test('no finding when nginx re-resolves: a variable with a resolver, an upstream with resolve, zone and resolver', () => {
    expect(found(site('set $t api.example.net; proxy_pass http://$t;', 'resolver 10.96.0.10 valid=30s;'))).toEqual([]);
    expect(found('resolver 127.0.0.1; set $t api.example.net; proxy_pass http://$t;')).toEqual([]);
    expect(found(site('resolver [::1]; proxy_pass https://api.example.net$request_uri;'))).toEqual([]);
    expect(found(`http { resolver 10.96.0.10 valid=30s;
      upstream api { zone api 64k; server api.example.com:443 resolve; server 10.0.0.3 resolve; }
      server { location / { proxy_pass https://api; } } }`)).toEqual([]);
    expect(found(`http { upstream api { zone api 64k; resolver 10.96.0.10; server api.example.com resolve; }
      server { location / { proxy_pass https://api; } } }`)).toEqual([]);
    expect(found('upstream api { zone api 64k; server api.example.com resolve; } resolver 10.96.0.10;')).toEqual([]);
  });

  test('no finding for a variable host that is an upstream, a single-label name, or only known at run time', () => {
    expect(found('http { upstream pool { server 10.0.0.1; } server { location / { set $p pool; proxy_pass http://$p$request_uri; } } }')).toEqual([]);
    // A name without a dot may be an upstream defined in another file.
    expect(found(site('proxy_pass http://storage/$arg_key;'))).toEqual([]);
    expect(found(site('proxy_pass http://some$request_uri;'))).toEqual([]);
    expect(found(site('proxy_pass http://10.0.0.1:8000/$1;'))).toEqual([]);
    // The host itself comes from the request: the ssrf check's business.
    expect(found(site('proxy_pass $arg_url;'))).toEqual([]);
    expect(found(site('proxy_pass http://$http_x_backend;'))).toEqual([]);
  });

  test("the library's typed upstreams (Kubernetes Service names) give no finding", () => {
    const config = new NginxConfig({
      upstreams: [{ name: 'api', servers: ['api.shop.svc.cluster.local:8080', 'auth:443', '10.0.0.7:9000', '[fd00::1]:8080'] }],
      servers: [{ name: 'site', defaultServer: true }],
    });
    config.servers[0].addProxy('/api', 'api');
    const tree = config.effectiveTree();
    expect(staleDns.run(tree, checkContext(tree))).toEqual([]);
  });

  test('through checkSecurity: the only finding, and none for the usual safe forms', () => {
    expectOnly(http(server(location('/', d('proxy_pass', 'http://api.example.com:8080')))), 'stale-dns', Severity.WARNING, `${SERVER} > location /`);
    expectOnly(http(server(location('/', d('set', '$b', 'api.example.com'), d('proxy_pass', 'http://$b')))),
      'stale-dns', Severity.WARNING, `${SERVER} > location /`);
    expectNone(http(upstreamBackend, server(location('/', d('proxy_pass', 'http://backend')))));
    expectNone(http(d('resolver', '10.96.0.10', 'valid=10s'), server(location('/', d('set', '$b', 'api.example.com'), d('proxy_pass', 'http://$b')))));
    expectNone(http(server(location('/', d('proxy_pass', 'http://api.shop.svc.cluster.local:8080')))));
  });
});
