// An AWS CDK app: a static site with its own html on ECS Fargate behind an Application Load Balancer. The
// FROM-scratch image is a DockerImageAsset that `cdk deploy` builds and pushes (nothing is built at synth);
// the task runs it non-root with a read-only root filesystem and every capability dropped, from the same
// model the Kubernetes examples use.
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { Directive, NginxConfig, NginxImage } from '../../src';
import { ScratchNginxFargate } from '../../src/aws';

export function build(app: cdk.App): cdk.Stack {
  const stack = new cdk.Stack(app, 'ScratchNginxFargate', { env: { account: '123456789012', region: 'eu-west-1' } });
  const config = new NginxConfig({
    servers: [{ name: 'site', serverNames: ['www.example.com', 'example.com'], defaultServer: true }],
  });
  config.servers[0].addLocation('/', { directives: [Directive.of('try_files', '$uri', '$uri/', '=404')] });
  const image = new NginxImage({
    config,
    repository: 'static-site',
    tag: '1.0.0',
    htmlDir: path.join(__dirname, 'html'),
  });
  // Plain HTTP on the load balancer; give `certificate` (acm.Certificate.fromCertificateArn(...)) for HTTPS on 443.
  const site = new ScratchNginxFargate(stack, 'Site', { image });
  new cdk.CfnOutput(stack, 'Url', { value: `http://${site.loadBalancer.loadBalancerDnsName}/` });
  return stack;
}

if (require.main === module) {
  const app = new cdk.App({ outdir: path.join(__dirname, 'out') });
  build(app);
  app.synth();
}
