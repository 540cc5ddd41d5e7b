import { d, expectNone, expectOnly, http, location, server, SERVER, upstreamBackend } from './helpers';
import { Severity } from '../../../src/nginx/findings';

describe('host-from-http-host', () => {
  test('proxy_set_header Host $http_host', () => {
    const message = expectOnly(
      http(upstreamBackend, server(location('/', d('proxy_pass', 'http://backend'), d('proxy_set_header', 'Host', '$http_host')))),
      'host-from-http-host', Severity.ERROR, `${SERVER} > location /`);
    expect(message).toContain('$host');
  });

  test('any case of the header and the ${} form of the variable', () => {
    expectOnly(http(upstreamBackend, server(location('/', d('proxy_pass', 'http://backend'), d('proxy_set_header', 'host', '${HTTP_HOST}')))),
      'host-from-http-host', Severity.ERROR, `${SERVER} > location /`);
  });

  test('no finding for $host, or for $http_host in another header', () => {
    expectNone(http(upstreamBackend, server(location('/',
      d('proxy_pass', 'http://backend'),
      d('proxy_set_header', 'Host', '$host'),
      d('proxy_set_header', 'X-Forwarded-Host', '$http_host')))));
  });

  test('a Host from any other request value (query argument, cookie, header, a set or mapped copy) is reported too; $host is not', () => {
    for (const value of ['$arg_host', '$cookie_site', '$http_x_forwarded_host']) {
      const message = expectOnly(http(upstreamBackend, server(location('/', d('proxy_set_header', 'Host', value), d('proxy_pass', 'http://backend')))),
        'host-from-http-host', Severity.ERROR, `${SERVER} > location /`);
      expect(message).toContain(value);
    }
    expectOnly(http(upstreamBackend, server(location('/', d('set', '$h', '$arg_h'), d('proxy_set_header', 'Host', '$h'), d('proxy_pass', 'http://backend')))),
      'host-from-http-host', Severity.ERROR, `${SERVER} > location /`);
    expectNone(http(upstreamBackend, server(location('/', d('proxy_set_header', 'Host', '$host'), d('proxy_pass', 'http://backend')))));
    expectNone(http(upstreamBackend, server(location('/', d('proxy_set_header', 'Host', 'api.internal'), d('proxy_pass', 'http://backend')))));
  });
});
