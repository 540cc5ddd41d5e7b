import { d, expectNone, expectOnly, http, server, SERVER } from './helpers';
import { Severity } from '../../../src/nginx/findings';

describe('error-log-off', () => {
  test('error_log off writes a file named off', () => {
    const message = expectOnly(http(d('error_log', 'off'), server()), 'error-log-off', Severity.ERROR, 'http');
    expect(message).toContain('error_log stderr crit');
  });

  test('no finding for stderr', () => {
    expectNone(http(d('error_log', 'stderr', 'crit'), server()));
  });
});

describe('log-file', () => {
  test('access_log to a file', () => {
    expectOnly(http(server(d('access_log', '/var/log/nginx/access.log', 'main'))), 'log-file', Severity.ERROR, SERVER);
  });

  test('error_log to a file under the memory emptyDir', () => {
    const message = expectOnly([d('error_log', '/dev/shm/error.log', 'warn')], 'log-file', Severity.ERROR, 'main');
    expect(message).toContain('memory');
  });

  test('access_log stderr is a file: stderr is a keyword of error_log only', () => {
    const message = expectOnly(http(server(d('access_log', 'stderr'))), 'log-file', Severity.ERROR, SERVER);
    expect(message).toContain('keyword of error_log only');
  });

  test('no finding for off, stdout, stderr, syslog: and memory:', () => {
    expectNone([
      d('error_log', 'stderr', 'warn'),
      d('error_log', 'memory:32m', 'debug'),
      ...http(
        d('access_log', '/dev/stdout', 'main'),
        d('error_log', '/dev/stderr'),
        server(d('access_log', 'off'), d('access_log', 'syslog:server=unix:/dev/log'), d('error_log', 'syslog:server=10.0.0.5')),
      ),
    ]);
  });
});
