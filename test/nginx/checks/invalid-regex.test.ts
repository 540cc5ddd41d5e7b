import { d, expectNone, expectOnly, http, location, server, SERVER } from './helpers';
import { invalidRegex, regexMistake } from '../../../src/nginx/checks/invalid-regex';
import { checkContext } from '../../../src/nginx/checks/rule';
import { Severity } from '../../../src/nginx/findings';
import { parseNginx } from '../../../src/nginx/parse';

function run(text: string) {
  const tree = parseNginx(text);
  return invalidRegex.run(tree, checkContext(tree));
}

function inServer(body: string) {
  return run(`http { server { listen 80; server_name www; ${body} } }`);
}

describe('invalid-regex', () => {
  test('through checkSecurity: only this finding, and none when the group exists', () => {
    expectOnly(http(server(location('/', d('rewrite', '^/(.*)$', '/$1/$2', 'break')))), 'invalid-regex', Severity.WARNING, `${SERVER} > location /`);
    expectNone(http(server(location('/', d('rewrite', '^/(.*)/(.*)$', '/$1/$2', 'break')))));
  });

  test('a capture the regex does not define', () => {
    const findings = inServer('location / { rewrite "^/(.*)$" /$1/$2 break; }');
    expect(findings.map(f => [f.check, f.severity, f.where])).toEqual([['invalid-regex', Severity.WARNING, 'http > server (www) > location /']]);
    expect(findings[0].message).toContain('$2');
    expect(findings[0].message.length).toBeGreaterThan(120);
    // (?i) and (?:...) are no captures; a regex without groups empties them all.
    expect(inServer('location / { rewrite "(?i)/old" /new/$1 redirect; }')).toHaveLength(1);
    expect(inServer('location / { rewrite "^/(?:a|b)/x" /$1 last; }')).toHaveLength(1);
    expect(inServer('location / { if ($uri ~ "^/path") { set $x $1; } }')).toHaveLength(1);
    expect(inServer('location ~ ^/(.*)$ { proxy_pass http://b/$2; }')).toHaveLength(1);
    expect(run('http { map $uri $m { "~^/a/(.*)$" /b/$2; default ""; } }')).toHaveLength(1);
    expect(inServer('location / { proxy_pass http://b; proxy_redirect ~^http://[^/]+/.*$ $1; }')).toHaveLength(1);
    // No regex at all can have set it; "$10" is $1 followed by 0.
    expect(inServer('location /x/ { proxy_pass http://b/$1; }')).toHaveLength(1);
    expect(inServer('location / { return 200 "price: $10"; }')).toHaveLength(1);
  });

  test('the captures of a location lost to a later if regex, matched or not', () => {
    // Not matching empties them, matching returns: $1 is always empty.
    const lost = inServer('location ~ ^/img/(.+)$ { if ($http_referer ~ evil) { return 403; } alias /data/$1; }');
    expect(lost).toHaveLength(1);
    expect(lost[0].message).toContain('always empty');
    // $1 is the request method here, not the path.
    expect(inServer('location ~ ^/dl/(.*)$ { if ($request_method !~ ^(GET|HEAD)$) { return 405; } alias /data/$1; }')[0].message)
      .toContain("uses $1 of 'location ~ ^/dl/(.*)$'");
    expect(inServer('location ~ ^/q/(.*)$ { if ($http_x ~ "^(\\w+)$") { set $seen 1; } proxy_pass http://b/$1; }')).toHaveLength(1);
    // A rewrite that may not match, before a directive of the rewrite phase.
    expect(inServer('location ~ ^/r/(\\w+)$ { rewrite ^/r/zzz$ /other; return 200 $1; }')).toHaveLength(1);
  });

  test('a number that designates a named group, and a misspelled name', () => {
    expect(inServer('location ~ "^/(?<lang>en|de)/(.*)$" { proxy_pass http://b/$lang/$1; }')[0].message).toContain('(?<lang>...)');
    expect(inServer('location ~ "^/u/(?<user>\\w+)$" { return 200 $usr; }')[0].message).toContain('$user');
  });

  test('patterns that do not mean what they say', () => {
    const where = (text: string) => inServer(text).map(f => f.where);
    expect(where('location ~ \\.[jpg|png]$ { }')).toEqual(['http > server (www) > location ~ \\.[jpg|png]$']);
    expect(regexMistake('^/[A-z]+$', false)).toContain('[\\]^_`');
    expect(regexMistake('^/a{,3}$', false)).toContain('{0,3}');
    expect(regexMistake('\\.(gif||jpg)$', false)).toContain('empty alternative');
    expect(regexMistake('^/api|', false)).toContain('empty alternative');
    expect(regexMistake('^/x$/y', false)).toContain('middle');
    expect(regexMistake('/x^y', false)).toContain('middle');
    expect(regexMistake('/images/*.jpg$', false)).toContain('glob');
    expect(run('http { map $http_user_agent $bot { "~*[bot|crawl]" 1; } }')).toHaveLength(1);
  });

  test('no finding for captures that hold what is written', () => {
    expect(inServer([
      'location / { rewrite "^/([^/]+)/([^/]+)$" /$2/$1 break; rewrite ^/old$ /new break; }',
      'location /a/ { if ($uri ~ "^/(.*)$") { set $x $1; } }',
      'location ~ ^/(a)/(b)$ { if ($request_method = POST) { return 301 /$1/$2; } proxy_pass http://b/$2; }',
      // The rewrite matches every URI, so it never empties the captures.
      'location ~ ^/(.*)$ { if (!-e $request_filename) { rewrite ^/(.*)$ /index.php?q=$1 last; } fastcgi_param X $1; }',
      // Named captures are variables: later regexes leave them alone.
      'location ~ ^/dl/(?<f>.*)$ { if ($request_method !~ ^(?:GET|HEAD)$) { return 405; } alias /data/$f; }',
      'location ~ "^/(?<lang>en|de)/(.*)$" { proxy_pass http://b/$lang/$2; }',
      'location ~ "^/u/(?<user>\\w+)$" { return 200 "$user $remote_addr $http_x_y $arg_q"; }',
      'location / { proxy_pass http://b; proxy_redirect ~^http://[^/]+(/.*)$ $1; }',
    ].join(' '))).toEqual([]);
    // Captures survive the location search after a server-level rewrite, and reach a named location.
    expect(inServer('rewrite ^/old/(.*)$ /new/$1 last; location /new/ { proxy_pass http://b/$1; }')).toEqual([]);
    expect(inServer('location ~ ^/(a+)$ { try_files $uri @f; } location @f { proxy_pass http://b/$1; }')).toEqual([]);
    expect(run('http { map $uri $m { "~^/a/(?<p>.*)$" /b/$p$1; default ""; } }')).toEqual([]);
    expect(run('http { server { server_name "~^(\\w+)\\.example\\.com$"; location / { proxy_pass http://$1.internal; } } }')).toEqual([]);
    expect(inServer('if ($host ~ ^(www\\.)?(.+)$) { set $base $2; } location / { return 200 $base; }')).toEqual([]);
    expect(inServer([
      'location ~ ^/(a|b|)$ { }', 'location ~ "^/[a-zA-Z0-9_-]{1,3}$" { }', 'location ~ ^/x/?$ { }', 'location ~ "(^|/)\\.ht" { }',
      'location ~* \\.(jpg|png)$ { }', 'location ~ ^/[!-~]+$ { }', 'location ~ "^/a$|^/b$" { }', 'location ~ "^/x\\n?$" { }',
    ].join(' '))).toEqual([]);
  });
});
