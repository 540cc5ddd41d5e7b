import { block, byCheck, d, expectNone, expectOnly, http, ifBlock, location, server, SERVER, upstreamBackend } from './helpers';
import { checkSecurity } from '../../../src/nginx/checks';
import { Directive } from '../../../src/nginx/directive';
import { Severity } from '../../../src/nginx/findings';

describe('http-splitting', () => {
  test('$uri in a redirect', () => {
    const message = expectOnly(http(server(location('/', d('return', '302', 'https://example.com$uri')))),
      'http-splitting', Severity.ERROR, `${SERVER} > location /`);
    expect(message).toContain('$request_uri');
  });

  test('a named capture of the location regex in add_header', () => {
    const message = expectOnly(http(server(location(['~', '^/v1/(?<action>[^.]*)\\.json$'], d('add_header', 'X-Action', '$action')))),
      'http-splitting', Severity.ERROR, `${SERVER} > location ~ ^/v1/(?<action>[^.]*)\\.json$`);
    expect(message).toContain('$action');
  });

  test('$1 from (.*) in add_header: the dot matches CR, which splits responses', () => {
    expectOnly(http(server(location(['~', '^/go/(.*)$'], d('add_header', 'X-Target', '$1')))),
      'http-splitting', Severity.ERROR, `${SERVER} > location ~ ^/go/(.*)$`);
  });

  test('$uri in proxy_set_header and in the URI of proxy_pass (request splitting)', () => {
    const findings = checkSecurity(http(upstreamBackend, server(location('/',
      d('proxy_pass', 'http://backend$uri'),
      d('proxy_set_header', 'X-Original-Uri', '$document_uri')))));
    expect(findings.map(f => [f.check, f.where])).toEqual([
      ['http-splitting', `${SERVER} > location /`],
      ['http-splitting', `${SERVER} > location /`],
      // The decoded $uri, sent as it is, is also what proxy-pass-normalized reports.
      ['proxy-pass-normalized', `${SERVER} > location /`],
    ]);
  });

  test('$uri in a redirecting rewrite, and a variable set from $uri', () => {
    expectOnly(http(server(location('/', d('rewrite', '^', 'https://example.com$uri', 'permanent')))),
      'http-splitting', Severity.ERROR, `${SERVER} > location /`);
    expectOnly(http(server(location('/', d('set', '$path', '$uri'), d('add_header', 'X-Path', '$path')))),
      'http-splitting', Severity.ERROR, `${SERVER} > location /`);
  });

  test('a variable set in the server block (server rewrite phase) and used in a location', () => {
    expectOnly(http(server(d('set', '$path', '$document_uri'), location('/', d('add_header', 'X-Path', '$path')))),
      'http-splitting', Severity.ERROR, `${SERVER} > location /`);
  });

  test('a capture of an if regex over $uri', () => {
    expectOnly(http(server(ifBlock(['($uri', '~', '^/u/([^/]+))'], d('return', '302', 'https://example.com/users/$1')))),
      'http-splitting', Severity.ERROR, `${SERVER} > if ($uri ~ ^/u/([^/]+))`);
  });

  test('no finding for $request_uri, captures that cannot hold CR or LF, or non-header uses', () => {
    expectNone(http(server(location('/', d('return', '302', 'https://example.com$request_uri')))));
    expectNone(http(server(location(['~', '^/item/(\\d+)$'], d('add_header', 'X-Item', '$1')))));
    // Only LF splits a request to the upstream, and (.*) cannot match LF.
    // (The decoded $1 sent as it is is reported by proxy-pass-normalized, not as splitting.)
    expect(byCheck(checkSecurity(http(upstreamBackend, server(location(['~', '^/api/(.*)$'],
      d('proxy_pass', 'http://backend/$1'), d('proxy_set_header', 'X-Rest', '$1'))))), 'http-splitting')).toEqual([]);
    // nginx percent-escapes $1..$9 in a redirecting rewrite, and an internal rewrite sends no header.
    expectNone(http(server(location('/', d('rewrite', '^/old/(.*)$', 'https://example.com/new/$1', 'permanent')))));
    expectNone(http(server(location('/', d('rewrite', '^/a/(.*)$', '/b/$1', 'last')))));
    // $request_uri cannot contain a raw CR or LF, so neither can its captures.
    expectNone(http(server(ifBlock(['($request_uri', '~', '^/u/(.*))'], d('return', '302', 'https://example.com/users/$1')))));
    // $1 comes from the innermost regex that matched, which resets the captures of the outer one.
    expectNone(http(server(location(['~', '^/(.*)/'], location(['~', '^/x/(\\d+)$'], d('add_header', 'X-Id', '$1'))))));
    // A 200 body is not a header.
    expectNone(http(server(location('/', d('return', '200', '$uri')))));
  });

  test('through a map: a value that carries the decoded URI into a header splits the response', () => {
    const map = Directive.withBlock('map', ['$uri', '$page'], [d('~^/(?<p>.*)$', '$p'), d('default', 'index')]);
    expectOnly(http(map, server(location('/', d('add_header', 'X-Page', '$page')))), 'http-splitting', Severity.ERROR, `${SERVER} > location /`);
    const fixed = Directive.withBlock('map', ['$uri', '$page'], [d('~^/docs/', 'docs'), d('default', 'index')]);
    expectNone(http(fixed, server(location('/', d('add_header', 'X-Page', '$page')))));
  });

  describe('a line break written in the configuration (nginx reads \\r and \\n in quotes as the characters)', () => {
    test.each([
      ['a redirect target', d('return', '302', '/a\r\nSet-Cookie: x=1')],
      ['a header value (also folded onto a second line)', d('add_header', 'X-A', 'a\n b')],
      ['a header name', d('add_header', 'X-A\nSet-Cookie', '1')],
      ['a header sent to the upstream', d('proxy_set_header', 'X-A', 'a\nGET / HTTP/1.1')],
    ])('in %s', (_what, sink) => {
      const message = expectOnly(http(server(location('/', sink))), 'http-splitting', Severity.ERROR, `${SERVER} > location /`);
      expect(message).toMatch(/writes a line break.*Write the header name and value on one line/);
    });

    test('through a set, map, geo or split_clients value', () => {
      expectOnly(http(server(location('/', d('set', '$v', 'a\nb'), d('add_header', 'X-A', '$v')))),
        'http-splitting', Severity.ERROR, `${SERVER} > location /`);
      expectOnly(http(block('map', ['$arg_a', '$m'], [d('default', 'x'), d('b', 'a\r\nb')]), server(location('/', d('add_header', 'X-A', '$m')))),
        'http-splitting', Severity.ERROR, `${SERVER} > location /`);
      // geo and split_clients values are fixed strings, followed the same way.
      expectOnly(http(block('geo', ['$g'], [d('default', 'a\nb')]), server(location('/', d('add_header', 'X-A', '$g')))),
        'http-splitting', Severity.ERROR, `${SERVER} > location /`);
    });

    test('not in a response body, a log format or a value that never reaches a header', () => {
      expectNone(http(server(location('/', d('return', '200', 'User-agent: *\nDisallow: /\n')))));
      expectNone(http(d('log_format', 'multi', '$remote_addr\n$request'), server(location('/', d('set', '$v', 'a\nb'), d('return', '200', '$v')))));
    });
  });
});
