import { d, expectNone, expectOnly, http, location, server, SERVER } from './helpers';
import { checkContext } from '../../../src/nginx/checks/rule';
import { variableCase } from '../../../src/nginx/checks/variable-case';
import { Severity } from '../../../src/nginx/findings';
import { parseNginx } from '../../../src/nginx/parse';

function run(text: string) {
  const tree = parseNginx(text);
  return variableCase.run(tree, checkContext(tree));
}

describe('variable-case', () => {
  test('through checkSecurity: only this finding, and none for the underscore spelling', () => {
    expectOnly(http(server(location('/', d('proxy_set_header', 'X-Real-IP', '$http_x-real-ip'), d('proxy_pass', 'http://10.0.0.1')))),
      'variable-case', Severity.WARNING, `${SERVER} > location /`);
    expectNone(http(server(location('/', d('proxy_set_header', 'X-Real-IP', '$HTTP_X_Real_IP'), d('proxy_pass', 'http://10.0.0.1')))));
  });

  test('a header variable written with the dashes of the header', () => {
    const findings = run('http { server { listen 80; location / { proxy_set_header X-Real-IP $http_x-real-ip; } } }');
    expect(findings.map(f => [f.check, f.severity, f.where])).toEqual([['variable-case', Severity.WARNING, 'http > server > location /']]);
    expect(findings[0].message).toContain('$http_x_real_ip');
    expect(findings[0].message.length).toBeGreaterThan(120);
  });

  test('well-known headers, response headers, map values and if conditions', () => {
    expect(run('http { log_format main "$remote_addr $http_user-agent"; }')).toHaveLength(1);
    expect(run('http { server { location / { add_header X-Type $sent_http_content-type; } } }')).toHaveLength(1);
    expect(run('http { map $http_X-Forwarded-Proto $p { default $scheme; } }')).toHaveLength(1);
    expect(run('http { server { if ($http_cf-connecting-ip = "") { return 403; } } }')).toHaveLength(1);
  });

  test('no finding for mixed case (nginx ignores the case of variable names) or dashes that join values', () => {
    expect(run([
      'http { server { location / {',
      'proxy_set_header X-Real-IP $HTTP_X_REAL_IP;',
      'proxy_set_header Host $Host;',
      'set $Foo bar; return 200 "$foo $Arg_x $Cookie_Session";',
      'proxy_cache_key "$http_host-$request_uri";',
      'add_header X-Key "$http_host-static";',
      'access_log /var/log/nginx/$host-access.log;',
      '} } }',
    ].join(' '))).toEqual([]);
  });
});
