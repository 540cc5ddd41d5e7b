import { checkSecurity } from '../../../src/nginx/checks';
import { defaultServer } from '../../../src/nginx/checks/default-server';
import { checkContext } from '../../../src/nginx/checks/rule';
import { NginxConfig } from '../../../src/nginx/config';
import { Severity } from '../../../src/nginx/findings';
import { parseNginx } from '../../../src/nginx/parse';

function findings(httpBody: string, top = '') {
  const tree = Object.freeze(parseNginx(`${top}\nhttp {\nserver_tokens off;\n${httpBody}\n}`));
  return checkSecurity(tree);
}

function expectReported(httpBody: string, where: string): string {
  const found = findings(httpBody);
  expect(found.map(f => [f.check, f.severity, f.where])).toEqual([['default-server', Severity.WARNING, where]]);
  expect(found[0].message.length).toBeGreaterThan(120);
  return found[0].message;
}

function expectClean(httpBody: string): void {
  expect(findings(httpBody)).toEqual([]);
}

describe('default-server', () => {
  test('two servers on port 80, neither marked default_server', () => {
    const message = expectReported(`
      server { listen 80; server_name a.test; return 301 https://a.test$request_uri; }
      server { listen 80; server_name b.test; return 301 https://b.test$request_uri; }`, 'http > server (a.test)');
    expect(message).toContain('port 80');
    expect(message).toContain("'listen 80 default_server;'");
  });

  test('80, *:80 and 0.0.0.0:80 are one socket; so is the *:80 of a server without listen', () => {
    expectReported(`
      server { listen 0.0.0.0:80; server_name a.test; }
      server { listen *:80; server_name b.test; }`, 'http > server (a.test)');
    expectReported(`
      server { server_name a.test; }
      server { listen 80; server_name b.test; }`, 'http > server (a.test)');
  });

  test('one finding per ambiguous socket, naming it (TLS, IPv6, an address)', () => {
    const found = findings(`
      server { listen 443 ssl; listen [::]:443 ssl; server_name a.test; }
      server { listen 443 ssl; listen [0:0::0]:443 ssl; server_name b.test; }
      server { listen 10.0.0.1:8080; server_name c.test; }
      server { listen 10.0.0.1:8080; server_name d.test; }`);
    expect(found.map(f => f.where)).toEqual(['http > server (a.test)', 'http > server (a.test)', 'http > server (c.test)']);
    expect(found[1].message).toContain("'listen [::]:443 default_server;'");
    expect(found[2].message).toContain('10.0.0.1:8080');
  });

  test('no finding when one server of the socket is the default (default_server, or its old spelling default)', () => {
    expectClean(`
      server { listen 80 default_server; server_name _; return 444; }
      server { listen 80; server_name a.test; }
      server { listen 80; server_name b.test; }`);
    expectClean(`
      server { listen 80; server_name a.test; }
      server { listen 0.0.0.0:80 default; server_name b.test; }`);
  });

  test('no finding for servers on different sockets: other ports, IPv4 and IPv6, an address and the wildcard', () => {
    expectClean(`
      server { listen 8080; server_name a.test; }
      server { listen [::]:8080; server_name b.test; }
      server { listen 127.0.0.1:8080; server_name c.test; }
      server { listen 8081; server_name d.test; }`);
  });

  test('no finding for a fragment (no http block): other files may hold the default server', () => {
    const tree = Object.freeze(parseNginx('server { listen 80; server_name a; } server { listen 80; server_name b; }'));
    expect(defaultServer.run(tree, checkContext(tree))).toEqual([]);
  });

  test('no finding for stream servers or upstream servers', () => {
    const tree = Object.freeze(parseNginx(`
      stream { server { listen 5432; proxy_pass 10.0.0.1:5432; } }
      http { upstream app { server 10.0.0.1:8080; server 10.0.0.2:8080; } server { listen 80; server_name a; } }`));
    expect(defaultServer.run(tree, checkContext(tree))).toEqual([]);
  });

  test('typed servers: one per port, or several with defaultServer on one of them', () => {
    const run = (config: NginxConfig) => checkSecurity(Object.freeze(config.effectiveTree()));
    expect(run(new NginxConfig({ servers: [{ name: 'default' }, { name: 'api', port: 8081, serverNames: ['api.example.com'] }] }))).toEqual([]);
    expect(run(new NginxConfig({
      servers: [{ name: 'www', serverNames: ['www.example.com'] }, { name: 'fallback', defaultServer: true, serverNames: ['_'] }],
    }))).toEqual([]);
    // Two typed servers on one port and no defaultServer: nginx would answer unknown hosts with conf.d's first file.
    expect(run(new NginxConfig({
      servers: [{ name: 'www', serverNames: ['www.example.com'] }, { name: 'api', serverNames: ['api.example.com'] }],
    })).map(f => f.where)).toEqual(['http > server (www.example.com)']);
  });
});
