import { d, expectNone, expectOnly, http, location, server, SERVER, upstreamBackend } from './helpers';
import { Severity } from '../../../src/nginx/findings';

describe('ssrf', () => {
  test('host from a query argument', () => {
    const message = expectOnly(http(server(location('/proxy', d('proxy_pass', 'http://$arg_host')))),
      'ssrf', Severity.ERROR, `${SERVER} > location /proxy`);
    expect(message).toContain('$arg_host');
  });

  test('host from the Host header, from a capture, from a set variable, and the whole URL from a header', () => {
    expectOnly(http(server(location('/', d('proxy_pass', 'http://$host$request_uri')))),
      'ssrf', Severity.ERROR, `${SERVER} > location /`);
    expectOnly(http(server(location(['~', '^/p/([a-z]+)/'], d('proxy_pass', 'http://$1.internal')))),
      'ssrf', Severity.ERROR, `${SERVER} > location ~ ^/p/([a-z]+)/`);
    expectOnly(http(server(location('/', d('set', '$target', '$http_x_target'), d('proxy_pass', 'http://$target')))),
      'ssrf', Severity.ERROR, `${SERVER} > location /`);
    expectOnly(http(server(location('/', d('proxy_pass', '$http_x_upstream_url')))),
      'ssrf', Severity.ERROR, `${SERVER} > location /`);
    expectOnly(http(server(location('/', d('fastcgi_pass', '$cookie_backend:9000')))),
      'ssrf', Severity.ERROR, `${SERVER} > location /`);
  });

  test('no finding for request data in the path after a fixed host', () => {
    expectNone(http(upstreamBackend, server(location('/', d('proxy_pass', 'http://backend$request_uri')))));
    expectNone(http(upstreamBackend, server(location('/', d('proxy_pass', 'http://backend/pages/$arg_page')))));
    expectNone(http(upstreamBackend, server(location(['~', '^/api/(\\w+)$'], d('proxy_pass', 'http://backend/v2/$1')))));
  });
});
