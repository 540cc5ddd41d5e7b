import { HttpFeature } from './feature';
import { Directive } from '../directive';

/** Per-client rate limits (ngx_http_limit_req_module, ngx_http_limit_conn_module); over the limit: 429. */
export interface RateLimitOptions {
  /** Sustained requests per second per client address. */
  readonly requestsPerSecond: number;
  /**
   * Requests above the rate served at once before 429s start.
   * @default - twice requestsPerSecond
   */
  readonly burst?: number;
  /**
   * Open connections per client address.
   * @default - no connection limit
   */
  readonly connectionsPerClient?: number;
}

/** Per-client limits (part of `NginxConfigProps`). */
export interface RateLimitProps {
  /**
   * Per-client request and connection limits; over the limit nginx answers 429.
   * @default - no rate limit (behind a load balancer every client may share one address)
   */
  readonly rateLimit?: RateLimitOptions;
}

/** Per-client request and connection limits, answered with 429. */
export const RATE_LIMIT: HttpFeature<RateLimitOptions | undefined> = {
  read: (reader, p) => {
    const rate = reader.struct('rateLimit', p.rateLimit, '{ requestsPerSecond: 20 }');
    return rate === undefined ? undefined : {
      requestsPerSecond: reader.integer('rateLimit.requestsPerSecond', rate.requestsPerSecond ?? null, 1, { min: 1, max: 1000000, example: 20 }),
      burst: reader.optionalInteger('rateLimit.burst', rate.burst, { min: 1, max: 1000000, example: 40, why: 'nginx refuses burst=0' }),
      connectionsPerClient: reader.optionalInteger('rateLimit.connectionsPerClient', rate.connectionsPerClient, { min: 1, max: 65535, example: 50, why: "nginx's limit_conn maximum" }),
    };
  },
  directives: rate => rate === undefined ? [] : [
    Directive.of('limit_req_zone', '$binary_remote_addr', 'zone=per_client:10m', `rate=${rate.requestsPerSecond}r/s`),
    Directive.of('limit_req', 'zone=per_client', `burst=${rate.burst ?? rate.requestsPerSecond * 2}`, 'nodelay'),
    Directive.of('limit_req_status', '429'),
    ...(rate.connectionsPerClient === undefined ? [] : [
      Directive.of('limit_conn_zone', '$binary_remote_addr', 'zone=conn_per_client:10m'),
      Directive.of('limit_conn', 'conn_per_client', String(rate.connectionsPerClient)),
      Directive.of('limit_conn_status', '429'),
    ]),
  ],
  modules: () => [],
  // An imported config's own limit_req zones and limits are kept as they are: they need not match this shape.
  imported: new Set(),
  importProps: () => ({}),
};
