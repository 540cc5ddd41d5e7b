import { d, expectNone, expectOnly, http, location, server, SERVER, upstreamBackend } from './helpers';
import { Severity } from '../../../src/nginx/findings';

describe('proxy-pass-hostname', () => {
  test('a fixed host name is resolved once, at start-up', () => {
    const message = expectOnly(http(server(location('/', d('proxy_pass', 'http://api.example.com:8080/')))),
      'proxy-pass-hostname', Severity.WARNING, `${SERVER} > location /`);
    expect(message).toContain('api.example.com');
    expect(message).toContain('upstream');
  });

  test('a resolver does not help a fixed name (nginx re-resolves only names given through variables)', () => {
    expectOnly(http(d('resolver', '10.96.0.10'), server(location('/', d('proxy_pass', 'http://api.example.com')))),
      'proxy-pass-hostname', Severity.WARNING, `${SERVER} > location /`);
  });

  test('a name in a variable without a resolver in scope', () => {
    const message = expectOnly(http(server(location('/', d('set', '$backend', 'api.example.com'), d('proxy_pass', 'http://$backend')))),
      'proxy-pass-hostname', Severity.WARNING, `${SERVER} > location /`);
    expect(message).toContain('no resolver');
    // Any variable, even in the path, makes nginx resolve the host at run time.
    expectOnly(http(server(location('/', d('proxy_pass', 'http://api.example.com$request_uri')))),
      'proxy-pass-hostname', Severity.WARNING, `${SERVER} > location /`);
  });

  test('other *_pass directives', () => {
    expectOnly(http(server(location(['~', '\\.php$'], d('fastcgi_pass', 'php-fpm:9000')))),
      'proxy-pass-hostname', Severity.WARNING, `${SERVER} > location ~ \\.php$`);
  });

  test('no finding with a resolver and a variable, an upstream block, an IP, unix: or localhost', () => {
    expectNone(http(d('resolver', '10.96.0.10', 'valid=10s'), server(location('/', d('set', '$backend', 'api.example.com'), d('proxy_pass', 'http://$backend')))));
    expectNone(http(server(d('resolver', '10.96.0.10'), location('/', d('proxy_pass', 'http://api.example.com$request_uri')))));
    expectNone(http(upstreamBackend, server(location('/', d('proxy_pass', 'http://backend')))));
    expectNone(http(server(
      location('/a', d('proxy_pass', 'http://10.0.0.1:8080')),
      location('/b', d('proxy_pass', 'http://unix:/dev/shm/app.sock:/')),
      location('/c', d('proxy_pass', 'http://localhost:3000')),
      location('/d', d('grpc_pass', 'grpc://[::1]:50051')),
      location('/e', d('uwsgi_pass', 'unix:/dev/shm/uwsgi.sock')))));
  });
});
