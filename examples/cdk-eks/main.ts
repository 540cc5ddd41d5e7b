// An AWS CDK app: the FROM-scratch image as a DockerImageAsset (built and pushed by `cdk deploy`, never at
// synth), and the hardened workload as a cdk8s chart added to an EKS cluster. The chart's synth-time checks
// (Pod Security Standards, policy controls, nginx config) run when the cluster renders it.
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cdk8s from 'cdk8s';
import { NginxConfig, NginxImage, ScratchNginxChart } from '../../src';
import { ScratchImageAsset } from '../../src/aws';

/** One config for every environment: the shared base plus this site's changes. */
export function siteConfig(): NginxConfig {
  return new NginxConfig({ servers: [{ name: 'site', serverNames: ['www.example.com'], defaultServer: true }] });
}

export function build(app: cdk.App): cdk.Stack {
  const stack = new cdk.Stack(app, 'ScratchNginxEks', { env: { account: '123456789012', region: 'eu-west-1' } });
  const image = new NginxImage({ config: siteConfig(), repository: 'site', tag: '1.0.0', htmlDir: path.join(__dirname, '../seed/html') });
  const asset = new ScratchImageAsset(stack, 'Image', { image });
  const cluster = new eks.Cluster(stack, 'Cluster', {
    version: eks.KubernetesVersion.V1_27,
    defaultCapacity: 2,
    // An imported kubectl layer keeps the 36 MB layer package out of the project and the synth output.
    kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'Kubectl', 'arn:aws:lambda:eu-west-1:123456789012:layer:kubectl-v27:1'),
  });
  // The cdk8s app's output folder receives the chart's hardening report: keep it with the cloud assembly.
  const chart = new ScratchNginxChart(new cdk8s.App({ outdir: path.join(app.outdir, 'cdk8s') }), 'site', { namespace: 'site', image, imageReference: asset.imageUri, createNamespace: true });
  cluster.addCdk8sChart('Site', chart);
  return stack;
}

if (require.main === module) {
  const app = new cdk.App({ outdir: path.join(__dirname, 'out') });
  build(app);
  app.synth();
}
