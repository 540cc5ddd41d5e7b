import { expectNone, expectOnly, http, location, server, SERVER } from './helpers';
import { Severity } from '../../../src/nginx/findings';

describe('unanchored-regex', () => {
  test('a regex with neither ^ nor $', () => {
    expectOnly(http(server(location(['~', '\\.php']))), 'unanchored-regex', Severity.WARNING, `${SERVER} > location ~ \\.php`);
  });

  test('the glued form, and an escaped dollar that is no anchor', () => {
    expectOnly(http(server(location('~*/admin'))), 'unanchored-regex', Severity.WARNING, `${SERVER} > location ~*/admin`);
    expectOnly(http(server(location(['~', '\\.php\\$']))), 'unanchored-regex', Severity.WARNING, `${SERVER} > location ~ \\.php\\$`);
  });

  test('no finding when anchored at either end', () => {
    expectNone(http(server(
      location(['~', '\\.php$']),
      location(['~*', '^/api/']),
      location(['~', '(?i)^/x']),
      location(['~', '\\.(gif|jpg)\\z']),
      location('/plain'))));
  });
});
