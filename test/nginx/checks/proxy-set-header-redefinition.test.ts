import { block, d, expectNone, expectOnly, http, location, server, SERVER } from './helpers';
import { proxySetHeaderRedefinition } from '../../../src/nginx/checks/proxy-set-header-redefinition';
import { checkContext } from '../../../src/nginx/checks/rule';
import { proxyDirectives } from '../../../src/nginx/features/proxy';
import { Severity } from '../../../src/nginx/findings';
import { parseNginx } from '../../../src/nginx/parse';

function found(text: string): string[] {
  const tree = parseNginx(text);
  return proxySetHeaderRedefinition.run(tree, checkContext(tree)).map(f => `${f.severity} ${f.where}`);
}

function messages(text: string): string[] {
  const tree = parseNginx(text);
  return proxySetHeaderRedefinition.run(tree, checkContext(tree)).map(f => f.message);
}

const upstream = block('upstream', ['app'], [d('server', '10.0.0.5:8080')]);

describe('proxy-set-header-redefinition', () => {
  test('one proxy_set_header in a location drops those of the server (verified: Host becomes $proxy_host, X-Real-IP the client\'s)', () => {
    const message = expectOnly(http(upstream, server(
      d('proxy_set_header', 'Host', '$host'),
      d('proxy_set_header', 'X-Real-IP', '$remote_addr'),
      location('/api/', d('proxy_set_header', 'X-Request-Id', '$request_id'), d('proxy_pass', 'http://app')))),
    'proxy-set-header-redefinition', Severity.WARNING, `${SERVER} > location /api/`);
    expect(message).toContain(`'proxy_set_header Host $host' (from ${SERVER})`);
    expect(message).toContain('Host becomes $proxy_host');
    expect(message).toContain("client's own X-Real-IP header");
  });

  test('a header the enclosing block strips reaches the backend again', () => {
    const [message] = messages('http { proxy_set_header Authorization ""; server { location / { proxy_set_header X-Tenant a; proxy_pass http://app; } } }');
    expect(message).toContain("'proxy_set_header Authorization \"\"' (from http)");
    expect(message).toContain("client's Authorization header, which the enclosing block removes, reaches the backend again");
  });

  test('a server with its own lines drops those of http; a nested location that proxies uses its parent\'s list', () => {
    expect(found('http { proxy_set_header X-Forwarded-Proto $scheme; server { proxy_set_header Host $host; location / { proxy_pass http://app; } } }'))
      .toEqual(['WARNING http > server']);
    expect(found('server { proxy_set_header X-Real-IP $remote_addr; location /a/ { proxy_set_header X-A 1; location /a/b/ { proxy_pass http://app; } } }'))
      .toEqual(['WARNING server > location /a/']);
    // proxy_pass in an if block uses its location's list (proxy_set_header itself is not allowed in if).
    expect(found('server { proxy_set_header X-Real-IP $remote_addr; location /a/ { proxy_set_header X-A 1; if ($arg_v) { proxy_pass http://app; } } }'))
      .toEqual(['WARNING server > location /a/']);
  });

  test('the other upstream modules: grpc_set_header, fastcgi_param, and the *_hide_header lists', () => {
    expect(found('server { grpc_set_header X-Real-IP $remote_addr; location / { grpc_set_header X-Trace 1; grpc_pass grpc://10.0.0.5:50051; } }'))
      .toEqual(['WARNING server > location /']);
    const [fastcgi] = messages('server { fastcgi_param HTTP_PROXY ""; fastcgi_param QUERY_STRING $query_string; '
      + 'location ~ \\.php$ { fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name; fastcgi_pass 127.0.0.1:9000; } }');
    expect(fastcgi).toContain("'fastcgi_param HTTP_PROXY \"\"' (from server)");
    expect(fastcgi).toContain('httpoxy');
    const [hide] = messages('server { proxy_hide_header X-Powered-By; location / { proxy_hide_header X-Debug-Token; proxy_pass http://app; } }');
    expect(hide).toContain("backend's X-Powered-By response header reaches clients again");
  });

  test('no finding when the block repeats the inherited lines (header names compare case-insensitively)', () => {
    expectNone(http(upstream, server(
      d('proxy_set_header', 'Host', '$host'),
      d('proxy_set_header', 'X-Real-IP', '$remote_addr'),
      location('/api/', d('proxy_set_header', 'host', '$host'), d('proxy_set_header', 'X-Real-IP', '$remote_addr'),
        d('proxy_set_header', 'X-Api', '1'), d('proxy_pass', 'http://app')))));
  });

  test('no finding when the block with its own lines passes nothing on, or a nested location has its own', () => {
    expect(found('server { proxy_set_header X-Real-IP $remote_addr; location /static/ { proxy_set_header X-Foo 1; root /srv; } }')).toEqual([]);
    expect(found('server { proxy_set_header X-Real-IP $remote_addr; location /a/ { proxy_set_header X-A 1; '
      + 'location /a/b/ { proxy_set_header X-A 1; proxy_set_header X-Real-IP $remote_addr; proxy_pass http://app; } } }')).toEqual([]);
    expect(found('server { proxy_set_header X-Real-IP $remote_addr; location / { proxy_pass http://app; } }')).toEqual([]);
  });

  test('no finding when the dropped line only repeats what nginx sends anyway', () => {
    expect(found('server { proxy_set_header Host $proxy_host; proxy_set_header Connection close; proxy_set_header User-Agent $http_user_agent; '
      + 'location / { proxy_set_header X-Foo 1; proxy_pass http://app; } }')).toEqual([]);
    expect(found('server { proxy_hide_header Server; proxy_hide_header X-Accel-Redirect; location / { proxy_hide_header X-Debug; proxy_pass http://app; } }')).toEqual([]);
    expect(found('server { fastcgi_param HTTP_HOST $http_host; location ~ \\.php$ { fastcgi_param SCRIPT_FILENAME /srv/index.php; fastcgi_pass 127.0.0.1:9000; } }')).toEqual([]);
  });

  test("the library's typed proxy location sets every header itself, so it drops nothing it had", () => {
    const tree = [block('http', [], [upstream, server(location('/api/', ...proxyDirectives('app', { stripPrefix: false })))])];
    expect(proxySetHeaderRedefinition.run(tree, checkContext(tree))).toEqual([]);
  });
});
