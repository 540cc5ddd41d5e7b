import { d, expectNone, expectOnly, http, location, server, SERVER } from './helpers';
import { regexRedos, redosBlowup } from '../../../src/nginx/checks/regex-redos';
import { checkContext } from '../../../src/nginx/checks/rule';
import { Directive } from '../../../src/nginx/directive';
import { Severity } from '../../../src/nginx/findings';
import { parseNginx } from '../../../src/nginx/parse';

function run(text: string) {
  const tree: Directive[] = parseNginx(text);
  return regexRedos.run(tree, checkContext(tree));
}

function inServer(body: string) {
  return run(`http { server { listen 80; server_name www; ${body} } }`);
}

describe('regex-redos', () => {
  test('through checkSecurity: only this finding, and none for a linear pattern', () => {
    const message = expectOnly(http(server(location(['~', '^/x/(a+)+$'], d('return', '200')))), 'regex-redos', Severity.ERROR,
      `${SERVER} > location ~ ^/x/(a+)+$`);
    expect(message).toContain('500');
    expectNone(http(server(location(['~', '^/x/(a+)$'], d('return', '200')))));
  });

  test('a nested quantifier in a location: any client can make PCRE backtrack exponentially', () => {
    const findings = inServer('location ~ ^/x/(a+)+$ { return 200; }');
    expect(findings.map(f => [f.check, f.severity, f.where])).toEqual([['regex-redos', Severity.ERROR, 'http > server (www) > location ~ ^/x/(a+)+$']]);
    expect(findings[0].message).toContain('(a+)+');
    expect(findings[0].message).toMatch(/'\/x\/a{20,}!'/);
    expect(findings[0].message.length).toBeGreaterThan(120);
  });

  test('overlapping repeats inside a repeat, in rewrite, if, map, server_name and valid_referers', () => {
    expect(inServer('rewrite "^/([a-z0-9]+[-_]?)+\\.html$" /page last;')).toHaveLength(1);
    expect(inServer('location / { if ($http_user_agent ~* "^(\\w+\\s?)+$") { return 403; } }')[0].severity).toBe(Severity.ERROR);
    expect(run('http { map $http_x_token $ok { "~^(\\w+\\d*)+$" 1; default 0; } }')).toHaveLength(1);
    expect(inServer('location / { valid_referers "~^(([a-z0-9]+)-?)+\\.example\\.com/"; }')).toHaveLength(1);
    expect(run('http { server { listen 80; server_name "~^(([a-z0-9]+)-?)+\\.example\\.com$"; } }')).toHaveLength(1);
  });

  test('alternatives that match the same text under a star, and a dot repeated in a repeated group', () => {
    expect(redosBlowup('^/(a|aa)+$', false, 'uri')).toBeDefined();
    expect(redosBlowup('(a|a)*b', false, 'header')).toBeDefined();
    expect(redosBlowup('(.*,)*x$', false, 'header')).toBeDefined();
    // $uri holds decoded newlines (%0A), which the dot does not match: that is where ^/(.*)*$ fails.
    expect(redosBlowup('^/(.*)*$', false, 'uri')?.example).toContain('\n');
  });

  test('an if on a value the client does not choose is a warning', () => {
    const findings = inServer('location / { if ($upstream_http_x_tag ~ "^(\\w+\\s?)+$") { return 403; } }');
    expect(findings.map(f => f.severity)).toEqual([Severity.WARNING]);
  });

  test('no finding for polynomial patterns, possessive or atomic repeats, and unambiguous repeats', () => {
    expect(inServer([
      'location ~ ^/(.*)/(.*)$ { }',
      'location ~ ^/([^/]+)/([^/]+)$ { }',
      'location ~ "^/(?:[a-z]+/)*[a-z]+$" { }',
      'location ~ ^/(?>a+)+$ { }',
      'location ~ ^/(a++)+$ { }',
      'location ~ ^/static/.*\\.(css|js)$ { }',
      'location ~ "^(/[a-z0-9_-]+)+/?$" { }',
      'location ~ ^/(\\w+)(/\\w+)*$ { }',
      'location ~ \\.php$ { }',
      'rewrite ^/(.*)$ /index.php?q=$1 last;',
    ].join(' '))).toEqual([]);
    // Repeated slashes cannot reach a location: nginx merges them in $uri.
    expect(redosBlowup('^(/+)+x$', false, 'uri')).toBeUndefined();
    // A pattern that cannot match the subject at all ($uri starts with a slash).
    expect(redosBlowup('^(\\w+\\d*)+$', false, 'uri')).toBeUndefined();
    // Bounded repeats do not grow with the input.
    expect(redosBlowup('^(a?){25}a{25}$', false, 'header')).toBeUndefined();
  });
});
