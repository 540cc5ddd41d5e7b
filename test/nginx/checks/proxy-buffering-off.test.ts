import { checkSecurity } from '../../../src/nginx/checks';
import { proxyBufferingOff } from '../../../src/nginx/checks/proxy-buffering-off';
import { checkContext } from '../../../src/nginx/checks/rule';
import { NginxConfig } from '../../../src/nginx/config';
import { Severity } from '../../../src/nginx/findings';
import { parseNginx } from '../../../src/nginx/parse';

function findings(serverBody: string, httpBody = '') {
  const tree = Object.freeze(parseNginx(`http {\nserver_tokens off;\n${httpBody}\nserver {\nlisten 80;\nserver_name www;\n${serverBody}\n}\n}`));
  return checkSecurity(tree);
}

function expectReported(serverBody: string, where: string, httpBody = ''): string {
  const found = findings(serverBody, httpBody);
  expect(found.map(f => [f.check, f.severity, f.where])).toEqual([['proxy-buffering-off', Severity.WARNING, where]]);
  expect(found[0].message.length).toBeGreaterThan(120);
  return found[0].message;
}

function expectClean(serverBody: string, httpBody = ''): void {
  expect(findings(serverBody, httpBody)).toEqual([]);
}

describe('proxy-buffering-off', () => {
  test('proxy_buffering off in a proxied location', () => {
    const message = expectReported('location /api/ { proxy_pass http://10.0.0.1:8080; proxy_buffering off; }',
      'http > server (www) > location /api/');
    expect(message).toContain("'proxy_buffering off'");
    expect(message).toContain('X-Accel-Buffering: no');
  });

  test('set at http or server level, it is reported once, where it is written', () => {
    expectReported(`proxy_buffering off;
      location /a/ { proxy_pass http://10.0.0.1:8080; }
      location /b/ { proxy_pass http://10.0.0.2:8080; }`, 'http > server (www)');
    expectReported('location / { proxy_pass http://10.0.0.1:8080; }', 'http', 'proxy_buffering off;');
  });

  test('a send_timeout at the default or longer bounds nothing; limit_conn in another location does not count', () => {
    expectReported(`location /events { proxy_pass http://10.0.0.1:8080; proxy_buffering off; send_timeout 60s; proxy_read_timeout 1h; }
      location /upload { limit_conn perip 2; proxy_pass http://10.0.0.1:8080; }`, 'http > server (www) > location /events',
    'limit_conn_zone $binary_remote_addr zone=perip:10m;');
  });

  test('a fragment (a bare location) is judged too', () => {
    const tree = Object.freeze(parseNginx('location /api/ { proxy_pass http://upstream; proxy_buffering off; }'));
    expect(proxyBufferingOff.run(tree, checkContext(tree)).map(f => f.where)).toEqual(['location /api/']);
  });

  test('no finding with buffering on (the default), or off where nothing is proxied', () => {
    expectClean('location /api/ { proxy_pass http://10.0.0.1:8080; proxy_buffering on; }');
    expectClean('location /api/ { proxy_pass http://10.0.0.1:8080; }');
    expectClean('proxy_buffering off; location / { root /srv/www; }');
    expectClean('proxy_buffering off; location /api/ { proxy_buffering on; proxy_pass http://10.0.0.1:8080; }');
  });

  test('no finding for a streaming location that bounds slow clients (short send_timeout, or limit_conn)', () => {
    expectClean('location /events/ { proxy_pass http://10.0.0.1:8080; proxy_buffering off; send_timeout 10s; proxy_read_timeout 60s; }');
    expectClean(`limit_conn perip 4;
      location /stream/ { proxy_pass http://10.0.0.1:8080; proxy_buffering off; }`, 'limit_conn_zone $binary_remote_addr zone=perip:10m;');
    expectClean('send_timeout 15s; location /sse { proxy_buffering off; proxy_pass http://10.0.0.1:8080; }');
  });

  test('the typed proxy location: buffering: false is bounded by the typed send_timeout (clientTimeoutSeconds) unless it is 60 s or more', () => {
    const run = (clientTimeoutSeconds: number | undefined, buffering: boolean) => {
      const config = new NginxConfig({ clientTimeoutSeconds, upstreams: [{ name: 'app', servers: ['app.default.svc.cluster.local:8080'] }] });
      config.servers[0].addProxy('/events/', 'app', { buffering });
      const tree = Object.freeze(config.effectiveTree());
      return checkSecurity(tree).map(f => f.where);
    };
    expect(run(undefined, true)).toEqual([]);
    expect(run(undefined, false)).toEqual([]);
    expect(run(120, true)).toEqual([]);
    expect(run(120, false)).toEqual(['http > server (localhost) > location /events/']);
  });
});
