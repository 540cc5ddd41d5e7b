import { block, d, expectNone, http, server } from './helpers';
import { checkSecurity } from '../../../src/nginx/checks';
import { NginxConfig } from '../../../src/nginx/config';
import { Severity } from '../../../src/nginx/findings';

describe('default configuration', () => {
  test('new NginxConfig() has no finding at all', () => {
    const findings = checkSecurity(new NginxConfig().effectiveTree());
    expect(findings.filter(f => f.severity === Severity.ERROR)).toEqual([]);
    expect(findings.filter(f => f.severity === Severity.WARNING)).toEqual([]);
  });

  test('a second server and extra locations of the typed model stay clean', () => {
    const config = new NginxConfig({ servers: [{ name: 'default' }, { name: 'api', port: 8081, serverNames: ['api.example.com'] }] });
    config.servers[0].addLocation('/static/', { directives: [d('alias', '/usr/share/nginx/static/')] });
    expect(checkSecurity(config.effectiveTree())).toEqual([]);
  });
});

describe('key-value blocks are data', () => {
  test('entries of map, geo, types, split_clients, charset_map and match are not checked as directives', () => {
    // With a default entry, so that hash-without-default has nothing to say either.
    const entries = [d('root', '/'), d('error_log', 'off'), d('allow', '10.0.0.1'), d('server_tokens', 'on'), d('default', '0')];
    expectNone(http(
      ...['map', 'geo', 'split_clients', 'charset_map', 'match'].map(name => block(name, ['$a', '$b'], entries)),
      block('types', [], entries),
      server()));
  });
});
