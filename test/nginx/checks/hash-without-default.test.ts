import { checkSecurity } from '../../../src/nginx/checks';
import { Severity } from '../../../src/nginx/findings';
import { parseNginx } from '../../../src/nginx/parse';

function findings(httpBody: string) {
  const tree = Object.freeze(parseNginx(`http {\nserver_tokens off;\n${httpBody}\n}`));
  return checkSecurity(tree);
}

function expectReported(httpBody: string, where: string): string {
  const found = findings(httpBody);
  expect(found.map(f => [f.check, f.severity, f.where])).toEqual([['hash-without-default', Severity.WARNING, where]]);
  expect(found[0].message.length).toBeGreaterThan(120);
  return found[0].message;
}

function expectClean(httpBody: string): void {
  expect(findings(httpBody)).toEqual([]);
}

const ADMIN_GATE = `server { listen 8080; server_name www;
  location /admin/ { if ($is_admin = 0) { return 403; } proxy_pass http://10.0.0.1:8080; } }`;

describe('hash-without-default', () => {
  test('a map with two entries and no default', () => {
    const message = expectReported(`map $request_uri $is_admin { /admin 1; /admin/ 1; } ${ADMIN_GATE}`, 'http > map $request_uri $is_admin');
    expect(message).toContain('$is_admin is the empty string');
    expect(message).toContain("'default 0;'");
  });

  test('regex keys and the hostnames / volatile parameters are entries and parameters as nginx reads them', () => {
    expectReported(`map $http_host $backend { hostnames; volatile; *.example.com app; ~^api\\. api; }
      server { listen 8080; server_name www; location / { return 200 "$backend"; } }`, 'http > map $http_host $backend');
  });

  test('an escaped \\default key is an entry, not the default', () => {
    expectReported('map $arg_mode $mode { \\default safe; debug debug; }', 'http > map $arg_mode $mode');
  });

  test('a geo block without a default, in either form, even with one entry', () => {
    expectReported('geo $trusted { 10.0.0.0/8 1; }', 'http > geo $trusted');
    expectReported('geo $remote_addr $office { 192.0.2.0/24 1; 198.51.100.0/24 1; }', 'http > geo $remote_addr $office');
    expectReported('geo $lan { ranges; 10.0.0.0-10.255.255.255 1; }', 'http > geo $lan');
  });

  test('a two-entry map used both as a rate-limit key and elsewhere', () => {
    expectReported(`map $request_method $limit { POST $binary_remote_addr; PUT $binary_remote_addr; }
      limit_req_zone $limit zone=writes:10m rate=1r/s;
      log_format main '$limit $request';`, 'http > map $request_method $limit');
  });

  test('no finding with a default entry anywhere in the block, quoted or not', () => {
    expectClean('map $host $site { example.com a; example.org b; default c; }');
    expectClean('map $host $site { "default" c; example.com a; example.org b; }');
    expectClean('map $uri $cache { ~\\.css$ 1d; ~\\.js$ 1d; default "";}');
    expectClean('geo $trusted { default 0; 10.0.0.0/8 1; }');
    expectClean('geo $remote_addr $office { ranges; default 0; 192.0.2.0-192.0.2.255 1; }');
  });

  test('no finding for a geo that matches every address (0.0.0.0/0 is the documented default)', () => {
    expectClean('geo $zone { 127.0.0.0/8 loopback; 0.0.0.0/0 world; }');
  });

  test('no finding for a single-entry map (the "only these requests get a value" pattern)', () => {
    expectClean(`map $request_method $post_key { POST $binary_remote_addr; }
      limit_req_zone $post_key zone=posts:10m rate=1r/s;`);
    expectClean('map $host $x { }');
  });

  test('no finding when the empty value is the documented off switch of every use', () => {
    expectClean(`map $request_method $write_key { POST $binary_remote_addr; PUT $binary_remote_addr; DELETE $binary_remote_addr; }
      limit_req_zone $write_key zone=writes:10m rate=1r/s;
      limit_conn_zone $write_key zone=wconn:10m;`);
    expectClean(`map $request_uri $loggable { ~^/api/ 1; ~^/admin/ 1; }
      access_log /dev/stdout combined if=$loggable;`);
    expectClean(`map $sent_http_content_type $cors { ~*image/ "*"; ~*font/ "*"; }
      server { listen 8080; server_name www; add_header Access-Control-Allow-Origin $cors; }`);
  });

  test('no finding when the entries come from an include (its default may be there), nor for split_clients', () => {
    expectClean('map $host $site { include sites.map; example.com a; example.org b; }');
    expectClean('geo $trusted { include trusted.geo; }');
    expectClean('split_clients "${remote_addr}AAA" $variant { 50% a; * b; }');
    expectClean('split_clients "${remote_addr}AAA" $variant { 50% a; 30% b; }');
  });
});
