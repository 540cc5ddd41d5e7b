// The seed (using-docker-images-from-scratch.md) reproduced: nginx from the official Alpine image copied into
// a FROM-scratch image, its temp paths in /dev/shm so the root filesystem can be read-only, run as non-root.
// Corrected: numeric USER 65532 instead of the name "nginx", port 8080, logs to stdout/stderr instead of
// files, no `user` directive, server_tokens off, absolute_redirect off, SIGQUIT for a graceful stop, and
// the library closure computed with ldd at build time instead of a hand-kept list.
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { NginxConfig, ScratchNginx } from '../../src';

/** Options the tests use to build the example against a local base image. */
export interface ExampleOptions {
  readonly baseImage?: string;
}

export function build(app: App, options: ExampleOptions = {}): ScratchNginx {
  const chart = new Chart(app, 'seed', { namespace: 'nginx-seed' });
  return new ScratchNginx(chart, 'nginx', {
    config: new NginxConfig(),
    repository: 'localhost/nginx-scratch-seed',
    tag: '1.0.0',
    baseImage: options.baseImage,
    htmlDir: path.join(__dirname, 'html'),
    // Built and run locally (buildah, podman kube play), never pushed: use the local copy.
    imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
    policyOptOuts: [{ control: 'image-pull-policy', reason: 'the image is built and run locally by the end-to-end test and never pushed to a registry' }],
  });
}

if (require.main === module) {
  const app = new App();
  build(app);
  app.synth();
}
