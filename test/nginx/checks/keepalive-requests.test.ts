import { block, d, expectNone, expectOnly, http, location, server } from './helpers';
import { Severity } from '../../../src/nginx/findings';

describe('keepalive-requests', () => {
  test('below 1000 in http', () => {
    expectOnly(http(d('keepalive_requests', '100'), server()), 'keepalive-requests', Severity.WARNING, 'http');
  });

  test('below 1000 in an upstream', () => {
    expectOnly(http(block('upstream', ['backend'], [d('server', '10.0.0.1:8080'), d('keepalive', '16'), d('keepalive_requests', '500')]), server()),
      'keepalive-requests', Severity.WARNING, 'http > upstream backend');
  });

  test('no finding at 1000 or more', () => {
    expectNone(http(d('keepalive_requests', '1000'), server(location('/', d('keepalive_requests', '10000')))));
  });
});
