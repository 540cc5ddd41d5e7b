import { block, d, expectNone, expectOnly, http, location, server, SERVER } from './helpers';
import { Severity } from '../../../src/nginx/findings';

describe('version-disclosure', () => {
  test('server_tokens on is an error where it is set', () => {
    expectOnly(http(server(d('server_tokens', 'on'))), 'version-disclosure', Severity.ERROR, SERVER);
    expectOnly(http(server(location('/', d('server_tokens', 'build')))), 'version-disclosure', Severity.ERROR, `${SERVER} > location /`);
  });

  test('no server_tokens off in http at all is a warning', () => {
    const message = expectOnly([block('http', [], [server()])], 'version-disclosure', Severity.WARNING, 'http');
    expect(message).toContain('server (www)');
  });

  test('no finding with server_tokens off in http, or in every server', () => {
    expectNone(http(server()));
    expectNone([block('http', [], [server(d('server_tokens', 'off'))])]);
  });
});
