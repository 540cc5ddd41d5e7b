import { block, d, expectNone, expectOnly, http, location, server, SERVER } from './helpers';
import { proxyPassNormalized } from '../../../src/nginx/checks/proxy-pass-normalized';
import { checkContext } from '../../../src/nginx/checks/rule';
import { proxyDirectives } from '../../../src/nginx/features/proxy';
import { Severity } from '../../../src/nginx/findings';
import { parseNginx } from '../../../src/nginx/parse';

function found(text: string): string[] {
  const tree = parseNginx(text);
  return proxyPassNormalized.run(tree, checkContext(tree)).map(f => `${f.severity} ${f.where}`);
}

function message(text: string): string {
  const tree = parseNginx(text);
  const findings = proxyPassNormalized.run(tree, checkContext(tree));
  expect(findings).toHaveLength(1);
  return findings[0].message;
}

const upstream = block('upstream', ['app'], [d('server', '10.0.0.5:8080')]);

/*
 * What Debian's nginx 1.22 sent to a backend that echoes $request_uri (request -> upstream):
 *   location /p/ { proxy_pass http://b/; }                  /p/a%2Fb -> /a/b, /p/a%3Fq -> /a%3Fq
 *   location /p/ { proxy_pass http://b; }                   /p/a%2Fb -> /p/a%2Fb
 *   location ~ ^/re/(.*)$ { proxy_pass http://b/x/$1; }     /re/a%2Fb%3Fq -> /x/a/b?q
 *   location /r/ { rewrite ^/r/(.*)$ /$1 break; proxy_pass http://b; }                         /r/a%2Fb -> /a/b
 *   location /d/ { rewrite ^ $request_uri break; proxy_pass http://b/; }                       /d/a%2Fb -> /d/a%252Fb
 *   location /g/ { rewrite ^ $request_uri; rewrite ^/g(/.*) $1 break; return 400; proxy_pass http://b$1; }   /g/a%2Fb?q=1 -> /a%2Fb?q=1
 *   location /v/ { set $b 127.0.0.1:9000; proxy_pass http://$b/; }                             /v/a%2Fb -> /
 *   location = /e { proxy_pass http://b/fixed; }           /exac%74-style variants of /e -> /fixed
 */
describe('proxy-pass-normalized', () => {
  test('a URI part makes nginx send the decoded, normalised path', () => {
    const text = expectOnly(http(upstream, server(location('/api/', d('proxy_pass', 'http://app/')))),
      'proxy-pass-normalized', Severity.WARNING, `${SERVER} > location /api/`);
    expect(text).toContain("has a URI part ('/')");
    expect(text).toContain('%2F becomes a slash');
    expect(text).toContain("'proxy_pass http://app;'");
    expect(found('location / { proxy_pass http://10.0.0.5:8080/; }')).toEqual(['WARNING location /']);
    expect(found('location /v1/ { proxy_pass http://10.0.0.5:8080/internal/v1/; }')).toEqual(['WARNING location /v1/']);
    expect(found('server { location / { proxy_pass http://unix:/run/app.sock:/app/; } }')).toEqual(['WARNING server > location /']);
  });

  test('where nginx refuses a URI part (regex or named location, if, limit_except) it is an error', () => {
    expect(message('location /api { limit_except GET POST { proxy_pass http://10.0.0.5:8080/; } }')).toContain('nginx also refuses to start');
    expect(found('location /api { limit_except GET POST { proxy_pass http://10.0.0.5:8080/; } }')).toEqual(['ERROR location /api > limit_except GET POST']);
    expect(found('location ~ ^/img/ { proxy_pass http://10.0.0.5:8080/images/; }')).toEqual(['ERROR location ~ ^/img/']);
  });

  test('a URI built from a capture or $uri is sent decoded and not escaped again', () => {
    expect(message('location ~ ^/files/(.*)$ { proxy_pass http://10.0.0.5:8080/storage/$1; }')).toContain('a decoded %3F or %23 becomes a real ? or #');
    expect(found('location ~ ^/files/(?<path>.+)$ { proxy_pass http://10.0.0.5:8080/storage/$path; }')).toEqual(['WARNING location ~ ^/files/(?<path>.+)$']);
    expect(found('location /x/ { set $backend 10.0.0.5:8080; proxy_pass http://$backend$uri$is_args$args; }')).toEqual(['WARNING location /x/']);
    expect(found('location ~ ^/f/([^?#]+)$ { set $p $1; proxy_pass http://10.0.0.5:8080/$p; }')).toEqual(['WARNING location ~ ^/f/([^?#]+)$']);
  });

  test('a rewrite from the decoded path before a proxy_pass without a URI part does the same', () => {
    expect(message('location /svc/ { rewrite ^/svc/(.*)$ /$1 break; proxy_pass http://10.0.0.5:8080; }'))
      .toContain("'rewrite ^/svc/(.*)$ /$1 break' rewrote from the normalised request path");
  });

  test('rewrite ... $request_uri puts the raw URI in $uri: without a variable nginx escapes it again (double encoding)', () => {
    expect(message('location /b/ { rewrite ^ $request_uri; proxy_pass http://10.0.0.5:8080/; }')).toContain('%2F arrives as %252F');
    expect(found('location /b/ { rewrite ^ $request_uri break; proxy_pass http://10.0.0.5:8080; }')).toEqual(['WARNING location /b/']);
    expect(found('location /1/ { rewrite ^ $request_uri; rewrite ^/1(/.*) $1 break; return 400; proxy_pass http://10.0.0.5:8080; }'))
      .toEqual(['WARNING location /1/']);
  });

  test('variables and a fixed URI part: every request reaches the same upstream path', () => {
    expect(message('location @events { proxy_pass $events_url/; }')).toContain('every request this location handles reaches the same path');
    expect(found('location /cb/ { set $auth 10.0.0.7:9000; proxy_pass http://$auth/callback; }')).toEqual(['WARNING location /cb/']);
  });

  test('no finding without a URI part and without rewrites: nginx passes the URI as the client sent it', () => {
    expectNone(http(upstream, server(location('/api/', d('proxy_pass', 'http://app')))));
    expect(found('server { location / { proxy_pass http://unix:/run/app.sock; } }')).toEqual([]);
    expect(found('location @fallback { proxy_pass $dynamic_upstream; }')).toEqual([]);
    expect(found('stream { server { listen 5432; proxy_pass 10.0.0.9:5432; } }')).toEqual([]);
  });

  test('no finding for an exact location: it has one path, whatever nginx does to it', () => {
    expect(found('location = /login { proxy_pass http://10.0.0.5:8080/auth/login; }')).toEqual([]);
  });

  test('no finding when the raw URI is passed through a variable', () => {
    expect(found('location /1/ { rewrite ^ $request_uri; rewrite ^/1(/.*) $1 break; return 400; proxy_pass http://10.0.0.5:8080$1; }')).toEqual([]);
    expect(found('location /1/ { rewrite ^ $request_uri; rewrite ^/1(/.*) /v2$1 break; return 400; proxy_pass http://10.0.0.5:8080/$1; }')).toEqual([]);
    expect(found('location / { rewrite ^ $request_uri; if ($arg_v) { proxy_pass http://10.0.0.5:8080$uri; } }')).toEqual([]);
    expect(found('location / { proxy_pass http://10.0.0.5:8080$request_uri; }')).toEqual([]);
    expect(found('location / { set $target "http://10.0.0.5:8080$request_uri"; proxy_pass $target; }')).toEqual([]);
    expect(found('location / { if ($request_uri ~ ^/api/(.*)$) { proxy_pass http://10.0.0.5:8080/$1; } }')).toEqual([]);
  });

  test('no finding when what is sent cannot carry a decoded slash, ?, #, % or space, or is not known here', () => {
    expect(found('location ~ ^/users/(\\d+)$ { proxy_pass http://10.0.0.5:8080/api/users/$1; }')).toEqual([]);
    expect(found('location ~ /proxy/(a|b)/(\\W*)$ { set $p $1; proxy_pass http://10.0.0.5:8080/$p; }')).toEqual([]);
    expect(found('location ~ /proxy/(a|b)/ { proxy_pass http://10.0.0.5:8080/$unknown; }')).toEqual([]);
    // A query argument is raw (not decoded), and it makes the path follow the request.
    expect(found('location / { proxy_pass http://10.0.0.5:8080/pages/$arg_page; }')).toEqual([]);
  });

  test('no finding for rewrites that do not reach the proxy_pass: redirects, other locations, fixed replacements', () => {
    expect(found('server { rewrite ^/(.*)/$ /$1 permanent; rewrite ^/blog/(.*)$ /index.php?p=$1 last; location /api/ { proxy_pass http://10.0.0.5:8080; } }'))
      .toEqual([]);
    expect(found('location /old/ { rewrite ^/old/(.*)$ /new/$1 last; proxy_pass http://10.0.0.5:8080; }')).toEqual([]);
    expect(found('location /legacy { rewrite ^ /current break; proxy_pass http://10.0.0.5:8080; }')).toEqual([]);
  });

  test("the library's typed proxy location: stripPrefix renders a URI part, which is reported", () => {
    const plain = [block('http', [], [upstream, server(location('/api/', ...proxyDirectives('app', {})))])];
    expect(proxyPassNormalized.run(plain, checkContext(plain))).toEqual([]);
    const stripped = [block('http', [], [upstream, server(location('/api/', ...proxyDirectives('app', { stripPrefix: true })))])];
    expect(proxyPassNormalized.run(stripped, checkContext(stripped)).map(f => f.severity)).toEqual([Severity.WARNING]);
  });
});
