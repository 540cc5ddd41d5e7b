import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { build } from '../../examples/cdk-fargate/main';
import { ScratchImageAsset } from '../../src/aws/scratch-image-asset';
import { ScratchNginxFargate, ScratchNginxFargateProps } from '../../src/aws/scratch-nginx-fargate';
import { NginxImage } from '../../src/image/nginx-image';
import { NginxImageProps } from '../../src/image/nginx-image-props';
import { NginxConfig } from '../../src/nginx/config';
import { NginxConfigProps } from '../../src/nginx/config-props';
import { Directive } from '../../src/nginx/directive';

const ENV = { account: '123456789012', region: 'eu-west-1' };
const CERTIFICATE_ARN = 'arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';

let outdir: string;
beforeEach(() => { outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-fargate-')); });
afterEach(() => fs.rmSync(outdir, { recursive: true, force: true }));

function newStack(): cdk.Stack {
  return new cdk.Stack(new cdk.App({ outdir }), 'Stack', { env: ENV });
}

function newImage(config: NginxConfigProps = {}, image: Partial<NginxImageProps> = {}): NginxImage {
  return new NginxImage({ config: new NginxConfig({ servers: [{ name: 'site', defaultServer: true }], ...config }), repository: 'site', tag: '1.0.0', ...image });
}

interface Case {
  readonly config?: NginxConfigProps;
  readonly image?: Partial<NginxImageProps>;
  readonly props?: Partial<ScratchNginxFargateProps>;
}

/** A ScratchNginxFargate at Stack/Web, synthesised. */
function synth(c: Case = {}): { stack: cdk.Stack; web: ScratchNginxFargate; template: Template } {
  const stack = newStack();
  const web = new ScratchNginxFargate(stack, 'Web', { image: newImage(c.config, c.image), ...c.props });
  return { stack, web, template: Template.fromStack(stack) };
}

/** The one container definition of the one task definition. */
function container(template: Template): any {
  const defs = Object.values(template.findResources('AWS::ECS::TaskDefinition')) as any[];
  expect(defs).toHaveLength(1);
  expect(defs[0].Properties.ContainerDefinitions).toHaveLength(1);
  return defs[0].Properties.ContainerDefinitions[0];
}

/** The logical id of the only resource of `type` whose properties match `props`. */
function logicalId(template: Template, type: string, props?: any): string {
  const ids = Object.keys(props === undefined ? template.findResources(type) : template.findResources(type, { Properties: props }));
  expect(ids).toHaveLength(1);
  return ids[0];
}

describe('defaults: hardened task, ALB on the first server, nothing built at synth', () => {
  let dir: string;
  let stack: cdk.Stack;
  let template: Template;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-fargate-'));
    stack = new cdk.Stack(new cdk.App({ outdir: dir }), 'Stack', { env: ENV });
    new ScratchNginxFargate(stack, 'Web', { image: newImage() });
    template = Template.fromStack(stack);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('the container: read-only root, the image\'s uid:gid, every capability dropped, no init, not privileged', () => {
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({
        Name: 'nginx',
        Essential: true,
        ReadonlyRootFilesystem: true,
        User: '65532:65532',
        LinuxParameters: { Capabilities: { Drop: ['ALL'] }, InitProcessEnabled: false },
        Privileged: Match.absent(),
      })],
    });
  });

  test('the image\'s own CMD starts nginx: no command or entry point override', () => {
    const c = container(template);
    expect(c.Command).toBeUndefined();
    expect(c.EntryPoint).toBeUndefined();
  });

  test('a port mapping for the listen port 8080', () => {
    expect(container(template).PortMappings).toEqual([{ ContainerPort: 8080, Protocol: 'tcp' }]);
  });

  test('the only writable path: a task bind-mount volume read-write at /dev/shm', () => {
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { Volumes: [{ Name: 'nginx-runtime' }] });
    expect(container(template).MountPoints).toEqual([{ ContainerPath: '/dev/shm', ReadOnly: false, SourceVolume: 'nginx-runtime' }]);
  });

  test('logs go to CloudWatch Logs (awslogs) into a log group kept one month', () => {
    const group = logicalId(template, 'AWS::Logs::LogGroup', { RetentionInDays: 30 });
    expect(container(template).LogConfiguration).toEqual({
      LogDriver: 'awslogs',
      Options: { 'awslogs-group': { Ref: group }, 'awslogs-stream-prefix': 'nginx', 'awslogs-region': 'eu-west-1' },
    });
  });

  test('StopTimeout 30: worker_shutdown_timeout 20 + 10', () => {
    expect(container(template).StopTimeout).toBe(30);
  });

  test('no container HealthCheck: the image has no shell; the load balancer checks instead', () => {
    expect(container(template).HealthCheck).toBeUndefined();
  });

  test('the image is the asset in the CDK container-assets ECR repository', () => {
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({
        Image: Match.objectLike({ 'Fn::Sub': Match.stringLikeRegexp('123456789012\\.dkr\\.ecr\\.eu-west-1\\..*/cdk-hnb659fds-container-assets-123456789012-eu-west-1:[0-9a-f]{64}') }),
      })],
    });
  });

  test('the image is a container asset in the cloud assembly (built by cdk deploy, not at synth)', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, `${stack.artifactId}.assets.json`), 'utf8'));
    const images = Object.values(manifest.dockerImages ?? {}) as any[];
    expect(images).toHaveLength(1);
    expect(images[0].source.platform).toBe('linux/amd64');
    const context = path.join(dir, images[0].source.directory);
    expect(fs.readFileSync(path.join(context, 'Dockerfile'), 'utf8')).toContain('FROM scratch');
    expect(fs.existsSync(path.join(context, 'nginx.conf'))).toBe(true);
  });

  test('task size 256/512, Linux X86_64, Fargate, Fargate\'s default ephemeral storage', () => {
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Cpu: '256',
      Memory: '512',
      RequiresCompatibilities: ['FARGATE'],
      NetworkMode: 'awsvpc',
      RuntimePlatform: { CpuArchitecture: 'X86_64', OperatingSystemFamily: 'LINUX' },
      EphemeralStorage: Match.absent(),
    });
  });

  test('the target group: port 8080, HTTP, health check on /healthz answering 200 only', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 8080,
      Protocol: 'HTTP',
      TargetType: 'ip',
      HealthCheckPath: '/healthz',
      HealthCheckProtocol: 'HTTP',
      Matcher: { HttpCode: '200' },
      TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: '20' }]),
    });
  });

  test('the service: 2 tasks, no public IP, circuit breaker with rollback, 100% minimum healthy, nginx:8080 behind the target group', () => {
    const tg = logicalId(template, 'AWS::ElasticLoadBalancingV2::TargetGroup');
    template.hasResourceProperties('AWS::ECS::Service', {
      LaunchType: 'FARGATE',
      DesiredCount: 2,
      EnableExecuteCommand: false,
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED' }) },
      DeploymentConfiguration: Match.objectLike({ DeploymentCircuitBreaker: { Enable: true, Rollback: true }, MinimumHealthyPercent: 100 }),
      LoadBalancers: [{ ContainerName: 'nginx', ContainerPort: 8080, TargetGroupArn: { Ref: tg } }],
    });
  });

  test('only the load balancer reaches the tasks, on 8080; tasks reach out only on 443', () => {
    const serviceSg = logicalId(template, 'AWS::EC2::SecurityGroup', { GroupDescription: Match.stringLikeRegexp('nginx tasks') });
    const albSg = logicalId(template, 'AWS::EC2::SecurityGroup', { GroupDescription: Match.stringLikeRegexp('ELB') });
    const sg = template.findResources('AWS::EC2::SecurityGroup')[serviceSg];
    expect(sg.Properties.SecurityGroupIngress).toBeUndefined();
    expect(sg.Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443, IpProtocol: 'tcp' })]);
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')) as any[];
    const toService = ingress.filter(r => JSON.stringify(r.Properties.GroupId) === JSON.stringify({ 'Fn::GetAtt': [serviceSg, 'GroupId'] }));
    expect(toService.map(r => r.Properties)).toEqual([expect.objectContaining({
      FromPort: 8080, ToPort: 8080, IpProtocol: 'tcp', SourceSecurityGroupId: { 'Fn::GetAtt': [albSg, 'GroupId'] },
    })]);
  });

  test('an internet-facing ALB dropping invalid headers, plain HTTP on 80 forwarding to the target group', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' }]),
    });
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, Protocol: 'HTTP' });
  });

  test('a new VPC over 2 AZs (2 public + 2 private subnets) and a new cluster', () => {
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::EC2::Subnet', 4);
    template.resourceCountIs('AWS::ECS::Cluster', 1);
  });

  test('the image declares VOLUME at the runtime folder, owned by the runtime user: no ownership warning', () => {
    Annotations.fromStack(stack).hasNoWarning('/Stack/Web', Match.stringLikeRegexp('owned by root'));
  });
});

describe('the model propagates', () => {
  test('a custom uid/gid becomes the container user', () => {
    const { template } = synth({ image: { uid: 10001, gid: 10002 } });
    expect(container(template).User).toBe('10001:10002');
  });

  test('a custom runtimeDir becomes the mount point', () => {
    const { template } = synth({ config: { runtimeDir: '/run/nginx' } });
    expect(container(template).MountPoints).toEqual([{ ContainerPath: '/run/nginx', ReadOnly: false, SourceVolume: 'nginx-runtime' }]);
  });

  test('workerShutdownTimeoutSeconds sets StopTimeout (+10) and the deregistration delay', () => {
    const { template } = synth({ config: { workerShutdownTimeoutSeconds: 50 } });
    expect(container(template).StopTimeout).toBe(60);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: '50' }]),
    });
  });

  test('every listen port is mapped; the first server\'s port and health path are the target', () => {
    const { template } = synth({
      config: {
        servers: [
          { name: 'www', port: 9090, healthPath: '/ready', defaultServer: true },
          { name: 'admin', port: 8081, serverNames: ['admin.example.com'] },
        ],
      },
    });
    expect(container(template).PortMappings).toEqual([{ ContainerPort: 9090, Protocol: 'tcp' }, { ContainerPort: 8081, Protocol: 'tcp' }]);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: 9090, HealthCheckPath: '/ready' });
    template.hasResourceProperties('AWS::ECS::Service', { LoadBalancers: [Match.objectLike({ ContainerPort: 9090 })] });
  });

  test('upstream ports are opened for egress; a cluster.local upstream is warned about', () => {
    const { stack, template } = synth({ config: { upstreams: [{ name: 'api', servers: ['api.shop.svc.cluster.local:8081'] }] } });
    const sg = template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('nginx tasks') } });
    const egress = (Object.values(sg)[0] as any).Properties.SecurityGroupEgress.map((e: any) => e.FromPort);
    expect(egress).toEqual([443, 8081]);
    Annotations.fromStack(stack).hasWarning('/Stack/Web', Match.stringLikeRegexp('api\\.shop\\.svc\\.cluster\\.local is a Kubernetes Service name'));
  });
});

describe('props', () => {
  test('certificate: HTTPS on 443 with the certificate and a TLS 1.2+ policy; 80 redirects to it', () => {
    const stack = newStack();
    const certificate = acm.Certificate.fromCertificateArn(stack, 'Cert', CERTIFICATE_ARN);
    new ScratchNginxFargate(stack, 'Web', { image: newImage(), certificate });
    const template = Template.fromStack(stack);
    const tg = logicalId(template, 'AWS::ElasticLoadBalancingV2::TargetGroup');
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: CERTIFICATE_ARN }],
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: tg } }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [Match.objectLike({ Type: 'redirect', RedirectConfig: Match.objectLike({ Port: '443', Protocol: 'HTTPS' }) })],
    });
    // The ALB terminates TLS; the tasks still speak HTTP on 8080.
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: 8080, Protocol: 'HTTP', HealthCheckProtocol: 'HTTP' });
  });

  test('cpu, memory, desiredCount, ephemeral storage, log retention, internal load balancer', () => {
    const { template } = synth({
      props: {
        cpu: 512,
        memoryLimitMiB: 2048,
        desiredCount: 3,
        ephemeralStorageGiB: 21,
        logRetention: logs.RetentionDays.ONE_YEAR,
        publicLoadBalancer: false,
      },
    });
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: '512', Memory: '2048', EphemeralStorage: { SizeInGiB: 21 } });
    template.hasResourceProperties('AWS::ECS::Service', { DesiredCount: 3 });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal' });
  });

  test('runtimePlatform ARM64: the task and the default asset are both arm64', () => {
    const stack = newStack();
    new ScratchNginxFargate(stack, 'Web', {
      image: newImage(),
      runtimePlatform: { operatingSystemFamily: ecs.OperatingSystemFamily.LINUX, cpuArchitecture: ecs.CpuArchitecture.ARM64 },
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' } });
    const assembly = (stack.node.root as cdk.App).synth();
    const manifest = JSON.parse(fs.readFileSync(path.join(assembly.directory, `${stack.artifactId}.assets.json`), 'utf8'));
    expect((Object.values(manifest.dockerImages) as any[])[0].source.platform).toBe('linux/arm64');
  });

  test('an existing VPC: no new VPC, a new cluster in it', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Shared', { maxAzs: 2 });
    new ScratchNginxFargate(stack, 'Web', { image: newImage(), vpc });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::ECS::Cluster', 1);
    const vpcId = logicalId(template, 'AWS::EC2::VPC');
    expect(vpcId).toMatch(/^Shared/);
  });

  test('an existing cluster: no new VPC or cluster', () => {
    const stack = newStack();
    const cluster = new ecs.Cluster(stack, 'Shared', { vpc: new ec2.Vpc(stack, 'SharedVpc', { maxAzs: 2 }) });
    new ScratchNginxFargate(stack, 'Web', { image: newImage(), cluster });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::ECS::Cluster', 1);
    template.hasResourceProperties('AWS::ECS::Service', { Cluster: { Ref: logicalId(template, 'AWS::ECS::Cluster') } });
  });

  test('a given asset of the same image is used, and no second one is made', () => {
    const stack = newStack();
    const image = newImage();
    const asset = new ScratchImageAsset(stack, 'Shared', { image });
    const web = new ScratchNginxFargate(stack, 'Web', { image, asset });
    expect(web.asset).toBe(asset);
    expect(web.node.tryFindChild('Image')).toBeUndefined();
    Template.fromStack(stack);
  });
});

describe('bad input fails at synth with the construct path', () => {
  test('uid 0', () => {
    expect(() => synth({ image: { uid: 0 } })).toThrow(/\[Stack\/Web\] cannot deploy this nginx to Fargate:\n.*uid is 0 \(root\)/);
  });

  test('a TLS server: the task cannot mount the Kubernetes Secret; use the ALB certificate', () => {
    expect(() => synth({ config: { servers: [{ name: 'www', port: 8443, tls: { secretName: 'www-tls' } }] } }))
      .toThrow(/\[Stack\/Web\][\s\S]*server 'www' serves TLS itself[\s\S]*Secret 'www-tls'[\s\S]*give ScratchNginxFargate a certificate/);
  });

  test('a write path outside runtimeDir', () => {
    const stack = newStack();
    const config = new NginxConfig({ servers: [{ name: 'site' }] });
    config.addMainDirective(Directive.of('lock_file', '/var/run/nginx.lock'));
    const image = new NginxImage({ config, repository: 'site', tag: '1.0.0' });
    expect(() => new ScratchNginxFargate(stack, 'Web', { image })).toThrow(/\[Stack\/Web\][\s\S]*lock_file writes to \/var\/run\/nginx\.lock[\s\S]*move it under \/dev\/shm/);
  });

  test('a directive added after the image took the config is refused at the call, not emitted stale', () => {
    const stack = newStack();
    const config = new NginxConfig({ servers: [{ name: 'site' }] });
    const web = new ScratchNginxFargate(stack, 'Web', { image: new NginxImage({ config, repository: 'site', tag: '1.0.0' }) });
    expect(() => config.addMainDirective(Directive.of('lock_file', '/var/run/nginx.lock')))
      .toThrow(/^NginxConfig\.addMainDirective: the configuration is sealed\./);
    Template.fromStack(stack);
    expect(fs.readFileSync(path.join(web.asset.contextPath, 'nginx.conf'), 'utf8')).not.toContain('lock_file');
  });

  test.each([
    [256, 4096, /cpu 256 with memoryLimitMiB 4096 is not a Fargate task size; with cpu 256 use memoryLimitMiB 512, 1024, 2048/],
    [1024, 1024, /cpu 1024 with memoryLimitMiB 1024 is not a Fargate task size; with cpu 1024 use memoryLimitMiB 2048 to 8192 in steps of 1024/],
    [300, 512, /cpu 300 is not a Fargate task size/],
  ])('cpu %d / memory %d', (cpu, memoryLimitMiB, message) => {
    expect(() => synth({ props: { cpu, memoryLimitMiB } })).toThrow(new RegExp(`\\[Stack/Web\\][\\s\\S]*${message.source}`));
  });

  test('ephemeral storage below Fargate\'s 21 GiB', () => {
    expect(() => synth({ props: { ephemeralStorageGiB: 20 } })).toThrow(/\[Stack\/Web\][\s\S]*ephemeralStorageGiB 20 must be a whole number from 21 to 200/);
  });

  test('a stop timeout above Fargate\'s 120 s', () => {
    expect(() => synth({ config: { workerShutdownTimeoutSeconds: 115 } })).toThrow(/\[Stack\/Web\][\s\S]*stop timeout would be 125 s/);
  });

  test('desiredCount 0', () => {
    expect(() => synth({ props: { desiredCount: 0 } })).toThrow(/\[Stack\/Web\][\s\S]*desiredCount 0 must be a whole number >= 1/);
  });

  test('both vpc and cluster', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc');
    const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
    expect(() => new ScratchNginxFargate(stack, 'Web', { image: newImage(), vpc, cluster })).toThrow(/\[Stack\/Web\][\s\S]*give vpc or cluster, not both/);
  });

  test('an asset made from another image', () => {
    const stack = newStack();
    const asset = new ScratchImageAsset(stack, 'Other', { image: newImage() });
    expect(() => new ScratchNginxFargate(stack, 'Web', { image: newImage(), asset })).toThrow(/\[Stack\/Web\][\s\S]*asset was made from another NginxImage/);
  });

  test('a Windows runtime platform', () => {
    const runtimePlatform = {
      operatingSystemFamily: ecs.OperatingSystemFamily.WINDOWS_SERVER_2022_CORE,
      cpuArchitecture: ecs.CpuArchitecture.X86_64,
    };
    expect(() => synth({ props: { runtimePlatform } })).toThrow(/\[Stack\/Web\][\s\S]*operatingSystemFamily must be LINUX/);
  });

  test('every problem is listed at once', () => {
    expect(() => synth({ image: { uid: 0 }, props: { cpu: 300 } })).toThrow(/uid is 0[\s\S]*cpu 300/);
  });
});

test('the example: a static site with its own html on Fargate', () => {
  const app = new cdk.App({ outdir });
  const stack = build(app);
  const template = Template.fromStack(stack);
  expect(container(template).User).toBe('65532:65532');
  template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: 8080, HealthCheckPath: '/healthz' });
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, `${stack.artifactId}.assets.json`), 'utf8'));
  const dir = path.join(outdir, (Object.values(manifest.dockerImages) as any[])[0].source.directory);
  expect(fs.readFileSync(path.join(dir, 'html/index.html'), 'utf8')).toContain('Static site on Fargate');
});
