// A static site with its own html, served by a FROM-scratch nginx. The configuration is also delivered as
// an immutable, content-named ConfigMap, so a config change rolls the pods without rebuilding the image.
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { ConfigDelivery, Directive, LocationModifier, NginxConfig, ScratchNginx } from '../../src';

/** Options the tests use to build the example against a local base image. */
export interface ExampleOptions {
  readonly baseImage?: string;
}

export function build(app: App, options: ExampleOptions = {}): ScratchNginx {
  const chart = new Chart(app, 'static-site', { namespace: 'web' });
  const config = new NginxConfig({
    // notice also logs each shutdown signal: the end-to-end test reads the SIGQUIT of a graceful stop.
    errorLogLevel: 'notice',
    servers: [{ name: 'site', serverNames: ['www.example.com', 'example.com'], defaultServer: true }],
  });
  config.servers[0]
    .addLocation('/', { directives: [Directive.of('try_files', '$uri', '$uri/', '=404')] })
    .addLocation('/assets/', {
      modifier: LocationModifier.PREFERRED_PREFIX,
      directives: [Directive.of('expires', '7d'), Directive.of('add_header', 'Cache-Control', 'public')],
    });
  return new ScratchNginx(chart, 'site', {
    config,
    repository: 'localhost/static-site',
    tag: '2026.11.27',
    baseImage: options.baseImage,
    htmlDir: path.join(__dirname, 'html'),
    // Built and run locally (buildah, podman kube play), never pushed: use the local copy.
    imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
    policyOptOuts: [{ control: 'image-pull-policy', reason: 'the image is built and run locally by the end-to-end test and never pushed to a registry' }],
    replicas: 3,
    configDelivery: ConfigDelivery.CONFIG_MAP,
  });
}

if (require.main === module) {
  const app = new App();
  build(app);
  app.synth();
}
