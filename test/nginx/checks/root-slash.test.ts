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
});
