import { d, expectNone, expectOnly, http, ifBlock, location, server, SERVER } from './helpers';
import { Severity } from '../../../src/nginx/findings';

describe('if-in-location', () => {
  test('an if that does more than return or rewrite ... last', () => {
    const message = expectOnly(http(server(location('/', ifBlock(['($http_x_debug', '=', '1)'], d('set', '$debug', '1'))))),
      'if-in-location', Severity.WARNING, `${SERVER} > location / > if ($http_x_debug = 1)`);
    expect(message).toContain('if is evil');
  });

  test('rewrite ... break is not one of the safe forms', () => {
    expectOnly(http(server(location('/', ifBlock(['($arg_v', '=', '2)'], d('rewrite', '^', '/v2/', 'break'))))),
      'if-in-location', Severity.WARNING, `${SERVER} > location / > if ($arg_v = 2)`);
  });

  test('an empty if still switches the request to the hidden nested location', () => {
    expectOnly(http(server(location('/', ifBlock(['($arg_x)'])))), 'if-in-location', Severity.WARNING, `${SERVER} > location / > if ($arg_x)`);
  });

  test('no finding for an if with only return or rewrite ... last, or an if in the server block', () => {
    expectNone(http(server(location('/', ifBlock(['($request_method', '=', 'TRACE)'], d('return', '405'))))));
    expectNone(http(server(location('/', ifBlock(['($arg_v', '=', '2)'], d('rewrite', '^', '/v2/', 'last'))))));
    expectNone(http(server(ifBlock(['($http_x_debug', '=', '1)'], d('set', '$debug', '1')))));
  });

  test('a rewrite that redirects ends the handling like return: no finding', () => {
    expectNone(http(server(location('/', ifBlock(['$http_x', '=', 'a'], d('rewrite', '^', '/b', 'redirect'))))));
    expectNone(http(server(location('/', ifBlock(['$http_x', '=', 'a'], d('rewrite', '^', '/b', 'permanent'))))));
    expectOnly(http(server(location('/', ifBlock(['$http_x', '=', 'a'], d('rewrite', '^', '/b', 'break'))))),
      'if-in-location', Severity.WARNING, `${SERVER} > location / > if $http_x = a`);
  });
});
