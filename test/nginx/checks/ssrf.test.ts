import { block, d, expectNone, expectOnly, http, location, server, SERVER, upstreamBackend } from './helpers';
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

  test('a fixed host set in a variable is no finding (the pattern for run-time DNS); request data in its path is fine', () => {
    const resolver = d('resolver', '10.0.0.10');
    expectNone(http(resolver, server(location('/', d('set', '$target', 'http://api.internal$request_uri'), d('proxy_pass', '$target')))));
    expectNone(http(resolver, server(location('/', d('set', '$h', 'api.internal'), d('proxy_pass', 'http://$h$request_uri')))));
    // A variable set to a fixed host in one place and to the client's choice in another is reported.
    expectOnly(http(resolver, server(d('set', '$h', 'api.internal'), block('if', ['$arg_x'], [d('set', '$h', '$arg_x')]), location('/', d('proxy_pass', 'http://$h')))),
      'ssrf', Severity.ERROR, `${SERVER} > location /`);
  });

  test('an internal location is reached only from nginx itself: no finding', () => {
    expectNone(http(server(location('/fetch', d('internal'), d('proxy_pass', 'http://$arg_host')))));
  });

  test('through a map: a fixed map is no finding; a map that passes the request value on is', () => {
    const fixed = block('map', ['$host', '$upstream'], [d('default', '127.0.0.1:8080'), d('a.example.com', '127.0.0.1:8081')]);
    expectNone(http(fixed, server(location('/', d('proxy_pass', 'http://$upstream')))));
    const open = block('map', ['$arg_t', '$target'], [d('default', '$arg_t')]);
    expect(expectOnly(http(open, d('resolver', '10.0.0.10'), server(location('/', d('proxy_pass', 'http://$target')))),
      'ssrf', Severity.ERROR, `${SERVER} > location /`)).toContain('$arg_t');
    const capture = block('map', ['$http_x_backend', '$target'], [d('~^(?<name>[a-z.]+)$', '$name'), d('default', 'backend')]);
    expectOnly(http(capture, upstreamBackend, server(location('/', d('proxy_pass', 'http://$target')))), 'ssrf', Severity.ERROR, `${SERVER} > location /`);
  });

  test('geo and split_clients give fixed values: a host from them is no finding', () => {
    expectNone(http(
      block('geo', ['$backend'], [d('default', '10.0.0.1:80'), d('192.168.0.0/16', '10.0.0.2:80')]),
      block('split_clients', ['${remote_addr}', '$variant'], [d('50%', '10.0.0.3'), d('*', '10.0.0.4')]),
      server(location('/a', d('proxy_pass', 'http://$backend')), location('/b', d('proxy_pass', 'http://$variant$request_uri'))),
    ));
  });
});
