import { byCheck, d, expectNone, expectOnly, http, ifBlock, location, server, SERVER } from './helpers';
import { checkSecurity } from '../../../src/nginx/checks';
import { Severity } from '../../../src/nginx/findings';

describe('add-header-redefinition', () => {
  const securityHeaders = [
    d('add_header', 'X-Frame-Options', 'DENY', 'always'),
    d('add_header', 'X-Content-Type-Options', 'nosniff', 'always'),
  ];

  test('a location with its own add_header drops the headers of http', () => {
    const message = expectOnly(
      http(...securityHeaders, server(location('/api', d('add_header', 'Cache-Control', 'no-store')))),
      'add-header-redefinition', Severity.WARNING, `${SERVER} > location /api`);
    expect(message).toContain('X-Frame-Options (from http)');
    expect(message).toContain('X-Content-Type-Options (from http)');
    expect(message).toContain('add_header_inherit merge');
  });

  test('a server with its own add_header drops the headers of http', () => {
    expectOnly(http(...securityHeaders, server(d('add_header', 'X-Served-By', 'www'))),
      'add-header-redefinition', Severity.WARNING, SERVER);
  });

  test('only the headers the child does not repeat are reported', () => {
    const message = expectOnly(
      http(...securityHeaders, server(location('/api',
        d('add_header', 'x-frame-options', 'DENY', 'always'),
        d('add_header', 'Cache-Control', 'no-store')))),
      'add-header-redefinition', Severity.WARNING, `${SERVER} > location /api`);
    expect(message).toContain('X-Content-Type-Options (from http)');
    expect(message).not.toContain('X-Frame-Options (from');
  });

  test('a location inherits from the server that redefined, not from http', () => {
    const findings = checkSecurity(http(
      d('add_header', 'X-Frame-Options', 'DENY'),
      server(d('add_header', 'Strict-Transport-Security', 'max-age=63072000'), location('/api', d('add_header', 'Cache-Control', 'no-store'))),
    ));
    expect(findings.map(f => f.where)).toEqual([SERVER, `${SERVER} > location /api`]);
    expect(findings[1].message).toContain('Strict-Transport-Security (from http > server (www))');
    expect(findings[1].message).not.toContain('X-Frame-Options (from');
  });

  test('an if block in a location is a level of its own', () => {
    const tree = http(server(location('/', d('add_header', 'X-Frame-Options', 'DENY'),
      ifBlock(['($http_origin', '!=', '"")'], d('add_header', 'Vary', 'Origin')))));
    const found = byCheck(checkSecurity(tree), 'add-header-redefinition');
    expect(found.map(f => f.where)).toEqual([`${SERVER} > location / > if ($http_origin != "")`]);
  });

  test('add_trailer is inherited the same way', () => {
    expectOnly(http(d('add_trailer', 'Server-Timing', '$request_time'), server(location('/', d('add_trailer', 'X-Id', '$request_id')))),
      'add-header-redefinition', Severity.WARNING, `${SERVER} > location /`);
  });

  test('no finding when the child repeats every inherited header (names compare case-insensitively)', () => {
    expectNone(http(...securityHeaders, server(location('/api',
      d('add_header', 'x-frame-options', 'DENY', 'always'),
      d('add_header', 'X-Content-Type-Options', 'nosniff', 'always'),
      d('add_header', 'Cache-Control', 'no-store')))));
  });

  test('no finding when the child has no add_header of its own, or merges (add_header_inherit merge)', () => {
    expectNone(http(...securityHeaders, server(location('/api', d('expires', '1h')))));
    expectNone(http(...securityHeaders, d('add_header_inherit', 'merge'), server(location('/api', d('add_header', 'Cache-Control', 'no-store')))));
  });
});
