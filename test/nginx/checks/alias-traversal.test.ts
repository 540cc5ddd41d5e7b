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

  test('no finding when both end with a slash, or when a file is aliased', () => {
    expectNone(http(server(location('/static/', d('alias', '/srv/static/')))));
    expectNone(http(server(location('/favicon.ico', d('alias', '/srv/icons/favicon.ico')))));
    expectNone(http(server(location(['=', '/robots.txt'], d('alias', '/srv/robots.txt')))));
  });

  test('neither ends with a slash: a warning, since /files-backup reaches the alias\'s sibling folder', () => {
    const message = expectOnly(http(server(location('/files', d('alias', '/home')))), 'alias-traversal', Severity.WARNING, `${SERVER} > location /files`);
    expect(message).toContain('/files-backup/x maps to /home-backup/x');
  });

  test('a regex location whose alias takes a capture that can start with ..: an error; a capture after a slash, or without dots, is safe', () => {
    const message = expectOnly(http(server(location(['~', '^/images(.*)$'], d('alias', '/srv/static/$1')))),
      'alias-traversal', Severity.ERROR, `${SERVER} > location ~ ^/images(.*)$`);
    expect(message).toContain('/images../etc/passwd');
    expectOnly(http(server(location(['~', '^/img(?<rest>.+)$'], d('alias', '/srv/img/$rest')))), 'alias-traversal', Severity.ERROR, `${SERVER} > location ~ ^/img(?<rest>.+)$`);
    expectNone(http(server(location(['~', '^/images/(.*)$'], d('alias', '/srv/static/$1')))));
    expectNone(http(server(location(['~', '^/images([a-z0-9_-]+)$'], d('alias', '/srv/static/$1')))));
  });
});
