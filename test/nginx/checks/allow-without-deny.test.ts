import { d, expectNone, expectOnly, http, location, server, SERVER } from './helpers';
import { Severity } from '../../../src/nginx/findings';

describe('allow-without-deny', () => {
  test('allow without deny all lets everyone in', () => {
    expectOnly(http(server(location('/admin', d('allow', '10.0.0.0/8')))),
      'allow-without-deny', Severity.ERROR, `${SERVER} > location /admin`);
  });

  test('a deny all of the enclosing block is not inherited by a block with its own rules', () => {
    expectOnly(http(server(d('allow', '10.0.0.0/8'), d('deny', 'all'), location('/admin', d('allow', '192.168.0.0/16')))),
      'allow-without-deny', Severity.ERROR, `${SERVER} > location /admin`);
  });

  test('no finding with deny all in the same block, or with allow all', () => {
    expectNone(http(server(location('/admin', d('allow', '10.0.0.0/8'), d('allow', '192.168.0.0/16'), d('deny', 'all')))));
    expectNone(http(server(d('deny', 'all'), location('/public', d('allow', 'all')))));
  });
});
