import { d, expectNone, expectOnly, http, location, server, SERVER } from './helpers';
import { Severity } from '../../../src/nginx/findings';

describe('alias-traversal', () => {
  test('prefix location without trailing slash, alias with one', () => {
    const message = expectOnly(http(server(location('/static', d('alias', '/srv/static/')))),
      'alias-traversal', Severity.ERROR, `${SERVER} > location /static`);
    expect(message).toContain('/static../secret');
  });

  test('the ^~ modifier is a prefix location too', () => {
    expectOnly(http(server(location(['^~', '/files'], d('alias', '/srv/files/')))),
      'alias-traversal', Severity.ERROR, `${SERVER} > location ^~ /files`);
  });

  test('no finding when both end with a slash, or neither does', () => {
    expectNone(http(server(location('/static/', d('alias', '/srv/static/')))));
    expectNone(http(server(location('/static', d('alias', '/srv/static')))));
  });
});
