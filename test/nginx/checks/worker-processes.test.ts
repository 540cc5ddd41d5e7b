import { checkSecurity } from '../../../src/nginx/checks';
import { NginxConfig } from '../../../src/nginx/config';
import { Severity } from '../../../src/nginx/findings';
import { parseNginx } from '../../../src/nginx/parse';

function findings(text: string) {
  const tree = Object.freeze(parseNginx(text));
  return checkSecurity(tree);
}

const HTTP = 'http { server_tokens off; server { listen 80; server_name www; return 200 "ok"; } }';

describe('worker-processes', () => {
  test('a main configuration (with events) without worker_processes runs one worker', () => {
    const found = findings(`events { } ${HTTP}`);
    expect(found.map(f => [f.check, f.severity, f.where])).toEqual([['worker-processes', Severity.WARNING, 'main']]);
    expect(found[0].message).toContain("'worker_processes auto;'");
    expect(found[0].message.length).toBeGreaterThan(120);
    expect(findings('user nginx; pid /run/nginx.pid; events { worker_connections 1024; } http { server_tokens off; }')).toHaveLength(1);
  });

  test('no finding when worker_processes is set, to auto or on purpose to 1', () => {
    expect(findings(`worker_processes auto; events { } ${HTTP}`)).toEqual([]);
    expect(findings(`worker_processes 1; events { } ${HTTP}`)).toEqual([]);
    expect(findings(`events { } ${HTTP} worker_processes 4;`)).toEqual([]);
  });

  test('no finding for a fragment: without an events block the main file is elsewhere', () => {
    expect(findings(HTTP)).toEqual([]);
    expect(findings('server { listen 80; server_name www; }')).toEqual([]);
    expect(findings('location / { return 200; }')).toEqual([]);
  });

  test('the typed configuration always renders worker_processes', () => {
    expect(checkSecurity(Object.freeze(new NginxConfig().effectiveTree()))).toEqual([]);
  });
});
