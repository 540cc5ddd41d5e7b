import { d, expectNone, expectOnly, http, location, server, SERVER } from './helpers';
import { checkContext } from '../../../src/nginx/checks/rule';
import { validReferers } from '../../../src/nginx/checks/valid-referers';
import { Severity } from '../../../src/nginx/findings';
import { parseNginx } from '../../../src/nginx/parse';

function run(text: string) {
  const tree = parseNginx(text);
  return validReferers.run(tree, checkContext(tree));
}

describe('valid-referers', () => {
  test('through checkSecurity: only this finding, and none without none', () => {
    expectOnly(http(server(location('/img/', d('valid_referers', 'none', '*.example.com')))), 'valid-referers', Severity.WARNING,
      `${SERVER} > location /img/`);
    expectNone(http(server(location('/img/', d('valid_referers', 'server_names', '*.example.com')))));
  });

  test('none lets requests without a Referer through', () => {
    for (const list of ['none server_names *.example.com', 'server_names example.com none', 'example.com none example.org']) {
      const findings = run(`http { server { location /img/ { valid_referers ${list}; if ($invalid_referer) { return 403; } } } }`);
      expect(findings.map(f => [f.check, f.severity, f.where])).toEqual([['valid-referers', Severity.WARNING, 'http > server > location /img/']]);
      expect(findings[0].message).toContain('no-referrer');
    }
  });

  test('a regex that other sites pass, and a trailing wildcard', () => {
    expect(run('http { valid_referers ~\\.google\\.; }')[0].message).toContain('https://evil.com/.google.');
    expect(run('http { valid_referers "~^www\\.example\\.com"; }')[0].message).toContain('www.example.com.evil.com');
    expect(run('http { valid_referers ~^example.com/; }')).toHaveLength(1);
    expect(run('http { valid_referers example.* *.example.com; }')[0].message).toContain('example.evil.com');
  });

  test('no finding for names, blocked, and anchored regexes', () => {
    expect(run('http { valid_referers server_names foo.com bar.com *.none.com none.ru; }')).toEqual([]);
    expect(run('http { valid_referers blocked *.example.com example.com/galleries/ "~^(www\\.)?example\\.com/" "~^([a-z0-9-]+\\.)*example\\.org(:\\d+)?/"; }')).toEqual([]);
  });
});
