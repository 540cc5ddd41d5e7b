// A site with an API behind it: static files from the image, /api/ proxied to a Kubernetes Service (keep-alive,
// Host and X-Forwarded-* headers, timeouts), per-client rate limits, JSON access logs, and HTTPS on 8443 with a
// certificate from the `www-tls` Secret (Mozilla intermediate profile, HSTS). Plain HTTP redirects to HTTPS.
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { AccessLogFormat, NginxConfig, ScratchNginx } from '../../src';

/** Options the tests use to build the example against a local base image. */
export interface ExampleOptions {
  readonly baseImage?: string;
}

export function build(app: App, options: ExampleOptions = {}): ScratchNginx {
  const chart = new Chart(app, 'reverse-proxy', { namespace: 'shop' });
  const config = new NginxConfig({
    accessLogFormat: AccessLogFormat.JSON,
    rateLimit: { requestsPerSecond: 20, burst: 40, connectionsPerClient: 50 },
    clientMaxBodySize: '4m',
    upstreams: [{ name: 'api', servers: ['api.shop.svc.cluster.local:8080'], keepalive: 32 }],
    servers: [
      { name: 'redirect', serverNames: ['www.example.com'], defaultServer: true, redirectTo: 'https://www.example.com' },
      { name: 'www', port: 8443, serverNames: ['www.example.com'], defaultServer: true, tls: { secretName: 'www-tls' }, http2: false },
    ],
  });
  config.servers[1].addProxy('/api/', 'api', { readTimeoutSeconds: 30 });
  return new ScratchNginx(chart, 'web', {
    config,
    repository: 'localhost/shop-web',
    tag: '3.0.0',
    baseImage: options.baseImage,
    htmlDir: path.join(__dirname, 'html'),
  });
}

if (require.main === module) {
  const app = new App();
  build(app);
  app.synth();
}
