// A single-page app: every unknown path serves index.html (client-side routing), fingerprinted assets are
// cached for a year as immutable, index.html is revalidated on every load.
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { NginxConfig, ScratchNginx } from '../../src';

/** Options the tests use to build the example against a local base image. */
export interface ExampleOptions {
  readonly baseImage?: string;
}

export function build(app: App, options: ExampleOptions = {}): ScratchNginx {
  const chart = new Chart(app, 'spa', { namespace: 'spa' });
  const config = new NginxConfig({
    gzipStatic: true, // serve the build's precompressed .gz files when present
    servers: [{
      name: 'app',
      serverNames: ['app.example.com'],
      defaultServer: true,
      singlePageApp: true,
      assetMaxAgeSeconds: 31536000,
      immutableAssets: true,
      notFoundPage: '/404.html',
    }],
  });
  return new ScratchNginx(chart, 'app', {
    config,
    repository: 'localhost/spa',
    tag: '1.4.2',
    baseImage: options.baseImage,
    htmlDir: path.join(__dirname, 'dist'),
  });
}

if (require.main === module) {
  const app = new App();
  build(app);
  app.synth();
}
