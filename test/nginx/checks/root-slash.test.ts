import { d, expectNone, expectOnly, http, location, server, SERVER } from './helpers';
import { Severity } from '../../../src/nginx/findings';

describe('root-slash', () => {
  test('root /', () => {
    expectOnly(http(server(d('root', '/'))), 'root-slash', Severity.ERROR, SERVER);
  });

  test('alias /', () => {
    expectOnly(http(server(location('/files/', d('alias', '/')))), 'root-slash', Severity.ERROR, `${SERVER} > location /files/`);
  });

  test('no finding for a site directory', () => {
    expectNone(http(server(d('root', '/usr/share/nginx/html'))));
  });

  test('a path that resolves to / is /: /., /./, /usr/.., //', () => {
    expectOnly(http(server(location('/a/', d('alias', '/./')))), 'root-slash', Severity.ERROR, `${SERVER} > location /a/`);
    expectOnly(http(server(location('/b/', d('alias', '/.')))), 'root-slash', Severity.ERROR, `${SERVER} > location /b/`);
    expectOnly(http(server(location('/c', d('root', '/usr/..')))), 'root-slash', Severity.ERROR, `${SERVER} > location /c`);
    expectNone(http(server(location('/d', d('root', '/usr/../srv/www')))));
  });

  test('alias / in an exact or regex location appends nothing of the request: no finding (root / still is one)', () => {
    expectNone(http(server(location(['=', '/robots.txt'], d('alias', '/')))));
    expectNone(http(server(location(['~', '^/x$'], d('alias', '/')))));
    expectOnly(http(server(location(['=', '/y'], d('root', '/')))), 'root-slash', Severity.ERROR, `${SERVER} > location = /y`);
  });
});
