import { block, d, expectNone, expectOnly, http, server } from './helpers';
import { origins, registrableDomain, urlRegexProblem } from '../../../src/nginx/checks/origins';
import { checkContext } from '../../../src/nginx/checks/rule';
import { Severity } from '../../../src/nginx/findings';
import { parseNginx } from '../../../src/nginx/parse';

function run(text: string) {
  const tree = parseNginx(text);
  return origins.run(tree, checkContext(tree));
}

function inServer(body: string) {
  return run(`http { server { listen 80; server_name www; ${body} } }`);
}

describe('origins', () => {
  test('through checkSecurity: only this finding, and none for an anchored, escaped pattern', () => {
    const cors = (key: string) => http(
      block('map', ['$http_origin', '$cors'], [d('default', ''), d(key, '$http_origin')]),
      server(d('add_header', 'Access-Control-Allow-Origin', '$cors', 'always')));
    expectOnly(cors('~^https://(.*\\.)?example\\.com'), 'origins', Severity.ERROR, 'http');
    expectNone(cors('~^https://([a-z0-9-]+\\.)?example\\.com$'));
  });

  test('a CORS map whose key lets other domains in is an error', () => {
    const findings = run([
      'http {',
      '  map $http_origin $cors { default ""; "~^https://(.*\\.)?example\\.com" $http_origin; }',
      '  server { listen 80; server_name www; add_header Access-Control-Allow-Origin $cors always; }',
      '}',
    ].join('\n'));
    expect(findings.map(f => [f.check, f.severity, f.where])).toEqual([['origins', Severity.ERROR, 'http']]);
    expect(findings[0].message).toContain('https://example.com.evil.com');
    expect(findings[0].message.length).toBeGreaterThan(120);
  });

  test('suffix, prefix, wildcard and unescaped dot bypasses in if conditions', () => {
    expect(inServer('if ($http_origin ~* "^https://app\\.example\\.com") { add_header Access-Control-Allow-Origin $http_origin; }')[0].severity)
      .toBe(Severity.ERROR);
    expect(inServer('if ($http_origin !~ "^https://([^/]+)?example\\.com$") { return 403; }')[0].message).toContain('https://evilexample.com');
    expect(inServer('if ($http_referer !~ "https://example\\.com/") { return 403; }')[0].message).toContain('https://evil.com/');
    expect(inServer('if ($http_referer !~ "^https://static.example\\.com/") { return 403; }')[0].message).toContain('static-example.com');
    // Two alternatives, the second without its anchor.
    expect(inServer('if ($http_referer !~ "^https://([^/]+\\.)?example\\.com/|([^/]+\\.)?example\\.org/") { return 403; }')).toHaveLength(1);
    // A dot that lets the path in.
    expect(inServer('if ($http_referer !~ "^https://.+\\.example\\.com/") { return 403; }')[0].message).toContain('https://evil.com/.example.com/');
  });

  test('text before the scheme, and values browsers never send', () => {
    expect(inServer('if ($http_origin ~* "https://example\\.com$") { set $cors 1; }')[0].message).toContain('before the scheme');
    expect(inServer('if ($http_origin !~ "^https://example\\.com/$") { return 403; }')[0].message).toContain('never match');
    expect(inServer('if ($http_origin !~ "^example\\.com$") { return 403; }')[0].message).toContain('never match');
  });

  test('$http_referrer is a header browsers never send', () => {
    const findings = inServer('if ($http_referrer !~ "^https://example\\.com/") { return 403; }');
    expect(findings.map(f => f.check)).toEqual(['origins']);
    expect(findings[0].message).toContain('$http_referer');
  });

  test('no finding for strict allow lists, block lists, and checks that name no domain', () => {
    expect(run([
      'http {',
      '  map $http_origin $cors { default ""; "~^https://([a-z0-9-]+\\.)?example\\.com(:[0-9]{1,5})?$" $http_origin; "~^https?://localhost(:\\d+)?$" $http_origin; }',
      '  map $http_referer $bad { default 0; "~*(spam|casino)\\.com" 1; }',
      '  server { listen 80;',
      '    add_header Access-Control-Allow-Origin $cors always;',
      '    if ($bad) { return 403; }',
      '    if ($http_origin ~* "^https://(www\\.)?example\\.(com|org)$") { set $ok 1; }',
      '    if ($http_origin ~* "^https://.+\\.example\\.com$") { set $ok 1; }',
      '    if ($http_origin !~ "^https?://l.o\\.example\\.com$") { return 403; }',
      '    if ($http_referer !~ "^https?://([^/]+\\.)?example\\.com/") { return 403; }',
      '    if ($http_referer ~* "(semalt|buttons-for-website)\\.com") { return 444; }',
      '    if ($http_referer ~* (google|bing)) { set $search 1; }',
      '    if ($http_origin = "https://example.com") { set $ok 1; }',
      '  }',
      '}',
    ].join('\n'))).toEqual([]);
  });

  test('the analysis of a pattern, directly', () => {
    expect(urlRegexProblem('^https://[a-z]+\\.herokuapp\\.com$', false, 'origin')?.kind).toBe('bypass');
    expect(urlRegexProblem('^https://[a-z0-9-]+\\.example\\.co\\.uk$', false, 'origin')).toBeUndefined();
    expect(urlRegexProblem('\\.example\\.com$', false, 'origin')).toBeUndefined();
    expect(urlRegexProblem('(?=x)example\\.com', false, 'origin')).toBeUndefined();
    expect(registrableDomain('a.b.example.co.uk')).toBe('example.co.uk');
    expect(registrableDomain('x.github.io')).toBe('x.github.io');
  });
});
