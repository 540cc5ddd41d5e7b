import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cdk8s from 'cdk8s';
import { build } from '../../examples/cdk-eks/main';
import { ScratchImageAsset } from '../../src/aws/scratch-image-asset';
import { ScratchNginxChart } from '../../src/composition/scratch-nginx-chart';
import { NginxImage } from '../../src/image/nginx-image';
import { NginxConfig } from '../../src/nginx/config';

let outdir: string;
beforeEach(() => { outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-eks-')); });
afterEach(() => fs.rmSync(outdir, { recursive: true, force: true }));

/**
 * The objects the cluster applies. A manifest is a JSON string, or an Fn::Join of string parts and
 * CloudFormation values (the asset's image URI): those are rendered as `<cfn:...>` before parsing.
 */
function manifests(template: Template): any[] {
  const resources = template.findResources('Custom::AWSCDK-EKS-KubernetesResource');
  const out: any[] = [];
  for (const r of Object.values(resources)) {
    const manifest = (r as any).Properties.Manifest;
    const text = typeof manifest === 'string' ? manifest
      : (manifest['Fn::Join'][1] as any[]).map(part => (typeof part === 'string' ? part : `<cfn:${JSON.stringify(part).replace(/"/g, "'")}>`)).join('');
    out.push(...JSON.parse(text));
  }
  return out;
}

describe('the EKS example: image asset + cdk8s chart in a real cdk.App', () => {
  let template: Template;
  let stack: cdk.Stack;
  let assembly: string;
  beforeAll(() => {
    assembly = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-eks-example-'));
    const app = new cdk.App({ outdir: assembly });
    stack = build(app);
    app.synth();
    template = Template.fromStack(stack);
  });
  afterAll(() => fs.rmSync(assembly, { recursive: true, force: true }));

  test('the chart\'s hardening report lands in the cloud assembly folder', () => {
    const report = JSON.parse(fs.readFileSync(path.join(assembly, 'cdk8s/reports/site.json'), 'utf8'));
    expect(report.workloads.map((w: any) => w.workload)).toEqual(['site/Nginx']);
    expect(report.summary.failed).toBe(0);
  });

  test('the manifest carries the hardened securityContext and the asset\'s image', () => {
    const objects = manifests(template);
    const deployment = objects.find(o => o.kind === 'Deployment');
    const pod = deployment.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsGroup: 65532,
      runAsNonRoot: true,
      runAsUser: 65532,
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    // The image is the asset's ECR URI, which CloudFormation resolves at deploy time.
    expect(pod.containers[0].image).toMatch(/^<cfn:.*dkr\.ecr\.eu-west-1\..*container-assets.*>$/);
    expect(objects.map(o => o.kind)).toEqual(expect.arrayContaining(['NetworkPolicy', 'PodDisruptionBudget', 'ServiceAccount', 'Service', 'Namespace']));
    expect(objects.find(o => o.kind === 'Namespace').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  test('the image is a container asset in the cloud assembly, not built at synth', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(assembly, `${stack.artifactId}.assets.json`), 'utf8'));
    const images = Object.values(manifest.dockerImages ?? {}) as any[];
    expect(images).toHaveLength(1);
    const dir = path.join(assembly, images[0].source.directory);
    expect(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toContain('FROM scratch');
    expect(fs.existsSync(path.join(dir, 'nginx.conf'))).toBe(true);
  });

  test('the cluster uses the imported kubectl layer (no layer asset in the assembly)', () => {
    const nested = fs.readdirSync(assembly).filter(f => f.endsWith('.nested.template.json'))
      .map(f => JSON.parse(fs.readFileSync(path.join(assembly, f), 'utf8')));
    const functions = nested.flatMap(t => Object.values(t.Resources ?? {}) as any[]).filter(r => r.Type === 'AWS::Lambda::Function');
    expect(functions.some(f => JSON.stringify(f.Properties.Layers ?? []).includes('layer:kubectl-v27:1'))).toBe(true);
    template.resourceCountIs('Custom::AWSCDK-EKS-KubernetesResource', 2);
  });
});

test('the workload\'s synth-time checks still run when the chart is added to a cluster', () => {
  const app = new cdk.App({ outdir });
  const stack = new cdk.Stack(app, 'S', { env: { account: '123456789012', region: 'eu-west-1' } });
  const cluster = new eks.Cluster(stack, 'C', {
    version: eks.KubernetesVersion.V1_27,
    defaultCapacity: 0,
    kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'K', 'arn:aws:lambda:eu-west-1:123456789012:layer:kubectl:1'),
  });
  const image = new NginxImage({ config: new NginxConfig({ servers: [{ name: 'x', port: 80 }] }) });
  const chart = new ScratchNginxChart(new cdk8s.App(), 'bad', { image, imageReference: 'registry.example.com/x:1' });
  expect(() => cluster.addCdk8sChart('Bad', chart)).toThrow(/\[bad\/Nginx\] server 'x': port 80 is below 1024/);
});

test('ScratchImageAsset refuses an invalid model with its path, and writes a content-addressed context', () => {
  const app = new cdk.App({ outdir });
  const stack = new cdk.Stack(app, 'S');
  expect(() => new ScratchImageAsset(stack, 'Bad', { image: new NginxImage({ config: new NginxConfig(), uid: 0 }) }))
    .toThrow(/\[S\/Bad\] the image is not valid:[\s\S]*uid is 0/);
  const a = new ScratchImageAsset(stack, 'A', { image: new NginxImage({ config: new NginxConfig() }) });
  const b = new ScratchImageAsset(stack, 'B', { image: new NginxImage({ config: new NginxConfig() }) });
  expect(a.contextPath).toBe(b.contextPath);
  expect(cdk.Token.isUnresolved(a.imageUri)).toBe(true);
  const c = new ScratchImageAsset(stack, 'C', { image: new NginxImage({ config: new NginxConfig({ workerConnections: 2048 }) }) });
  expect(c.contextPath).not.toBe(a.contextPath);
});
