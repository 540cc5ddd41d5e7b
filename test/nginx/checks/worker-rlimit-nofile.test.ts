import { block, d, expectNone, expectOnly, http, server } from './helpers';
import { Severity } from '../../../src/nginx/findings';

describe('worker-rlimit-nofile', () => {
  test('below twice worker_connections', () => {
    const message = expectOnly([d('worker_processes', 'auto'), d('worker_rlimit_nofile', '1024'), block('events', [], [d('worker_connections', '1024')]), ...http(server())],
      'worker-rlimit-nofile', Severity.WARNING, 'main');
    expect(message).toContain('2048');
  });

  test('below twice the default worker_connections (512)', () => {
    const message = expectOnly([d('worker_processes', 'auto'), d('worker_rlimit_nofile', '1000'), block('events', [], [])], 'worker-rlimit-nofile', Severity.WARNING, 'main');
    expect(message).toContain('512, the default');
  });

  test('no finding at twice worker_connections, or when unset', () => {
    expectNone([d('worker_processes', 'auto'), d('worker_rlimit_nofile', '2048'), block('events', [], [d('worker_connections', '1024')])]);
    expectNone([d('worker_processes', 'auto'), d('worker_rlimit_nofile', '1024'), block('events', [], [])]);
    expectNone([d('worker_processes', 'auto'), block('events', [], [d('worker_connections', '4096')])]);
  });
});
