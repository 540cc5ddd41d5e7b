import { ApiObject, Chart, JsonPatch, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { NginxImage } from '../../src/image/nginx-image';
import { NginxImageProps } from '../../src/image/nginx-image-props';
import { NginxConfig } from '../../src/nginx/config';
import { NginxConfigProps } from '../../src/nginx/config-props';
import { Directive } from '../../src/nginx/directive';
import { checkPodSecurityRestricted } from '../../src/policy/pss';
import { NginxWorkload } from '../../src/workload/nginx-workload';
import { ConfigDelivery, NginxWorkloadOptions } from '../../src/workload/options';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

interface Synthesised {
  readonly chart: Chart;
  readonly workload: NginxWorkload;
  readonly manifests: any[];
  readonly deployment: any;
  readonly service: any;
  readonly configMap?: any;
  readonly serversConfigMap?: any;
  readonly podSpec: any;
  readonly container: any;
}

interface BuildProps {
  readonly options?: NginxWorkloadOptions;
  readonly image?: Partial<NginxImageProps>;
  readonly config?: NginxConfigProps | NginxConfig;
}

/** A chart ('test') with one workload ('web'), not yet synthesised. */
function workloadInChart(props: BuildProps = {}): { chart: Chart; workload: NginxWorkload } {
  const chart = Testing.chart();
  const config = props.config instanceof NginxConfig ? props.config : new NginxConfig(props.config);
  const image = new NginxImage({ ...props.image, config });
  const workload = new NginxWorkload(chart, 'web', { ...props.options, image });
  return { chart, workload };
}

function only(manifests: any[], kind: string): any {
  const found = manifests.filter(m => m.kind === kind);
  expect(found).toHaveLength(1);
  return found[0];
}

/** Synthesises (which runs the validations) and picks the objects apart. */
function synth(props: BuildProps = {}): Synthesised {
  const { chart, workload } = workloadInChart(props);
  const manifests = Testing.synth(chart);
  const deployment = only(manifests, 'Deployment');
  const configMaps = manifests.filter(m => m.kind === 'ConfigMap');
  const podSpec = deployment.spec.template.spec;
  expect(podSpec.containers).toHaveLength(1);
  return {
    chart,
    workload,
    manifests,
    deployment,
    service: only(manifests, 'Service'),
    configMap: configMaps.find(m => 'nginx.conf' in m.data),
    serversConfigMap: configMaps.find(m => !('nginx.conf' in m.data)),
    podSpec,
    container: podSpec.containers[0],
  };
}

function volumeNamed(podSpec: any, name: string): any {
  const v = podSpec.volumes.find((x: any) => x.name === name);
  expect(v).toBeDefined();
  return v;
}

/** Synthesis must fail, and the message must carry the construct path and every given fragment. */
function expectSynthError(chart: Chart, ...fragments: Array<string | RegExp>): string {
  let message: string | undefined;
  try {
    Testing.synth(chart);
  } catch (e) {
    message = (e as Error).message;
  }
  expect(message).toBeDefined();
  expect(message).toContain('Validation failed');
  expect(message).toContain('[test/web]');
  for (const f of fragments) {
    if (typeof f === 'string') expect(message).toContain(f);
    else expect(message).toMatch(f);
  }
  return message!;
}

describe('defaults', () => {
  let s: Synthesised;
  beforeAll(() => {
    s = synth();
  });

  test('the chart holds the Deployment, Service, ServiceAccount, NetworkPolicy and PodDisruptionBudget (BAKED: no ConfigMap)', () => {
    expect(s.manifests.map(m => m.kind).sort()).toEqual(['Deployment', 'NetworkPolicy', 'PodDisruptionBudget', 'Service', 'ServiceAccount']);
    expect(s.workload.configMap).toBeUndefined();
  });

  test('every synthesised object passes Pod Security Standards "restricted" with 0 violations', () => {
    expect(checkPodSecurityRestricted(s.deployment)).toEqual([]);
    for (const m of s.manifests) expect(checkPodSecurityRestricted(m)).toEqual([]);
  });

  test('the pod securityContext: non-root with the image uid/gid (65532) and seccomp RuntimeDefault', () => {
    expect(s.podSpec.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(s.workload.image.uid).toBe(65532);
    expect(s.workload.image.gid).toBe(65532);
  });

  test('the container securityContext is the hardened one, exactly', () => {
    expect(s.container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsGroup: 65532,
      runAsNonRoot: true,
      runAsUser: 65532,
    });
  });

  test('no service-account token is mounted, and the pod does not share host namespaces', () => {
    expect(s.podSpec.automountServiceAccountToken).toBe(false);
    expect(s.podSpec.hostNetwork).not.toBe(true);
    expect(s.podSpec.hostPID).toBeUndefined();
    expect(s.podSpec.hostIPC).toBeUndefined();
  });

  test('@default replicas 2', () => {
    expect(s.deployment.spec.replicas).toBe(2);
  });

  test('@default resources: cpu 100m/500m, memory 64Mi/128Mi, ephemeral-storage 16Mi/128Mi', () => {
    expect(s.container.resources).toEqual({
      requests: { 'cpu': '100m', 'memory': '64Mi', 'ephemeral-storage': '16Mi' },
      limits: { 'cpu': '500m', 'memory': '128Mi', 'ephemeral-storage': '128Mi' },
    });
  });

  test('@default imagePullPolicy Always', () => {
    expect(s.container.imagePullPolicy).toBe('Always');
  });

  test('@default servicePort 80: a ClusterIP Service from port 80 to the container port 8080', () => {
    expect(s.service.spec.type).toBe('ClusterIP');
    expect(s.service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 8080 }]);
    expect(s.service.spec.selector).toEqual(s.deployment.spec.template.metadata.labels);
    expect(s.deployment.spec.selector.matchLabels).toEqual(s.deployment.spec.template.metadata.labels);
  });

  test('@default runtimeVolumeMebibytes 64: a memory emptyDir of 64Mi mounted writable at the runtimeDir /dev/shm', () => {
    expect(s.podSpec.volumes).toEqual([
      { name: 'nginx-runtime', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
    ]);
    expect(s.container.volumeMounts).toEqual([{ name: 'nginx-runtime', mountPath: '/dev/shm' }]);
  });

  test('@default configDelivery BAKED: the only mount is the runtime emptyDir, and the image CMD starts nginx', () => {
    expect(s.container.volumeMounts.map((m: any) => m.mountPath)).toEqual(['/dev/shm']);
    expect(s.podSpec.volumes.some((v: any) => v.configMap !== undefined)).toBe(false);
    expect(s.container.command).toBeUndefined();
    expect(s.container.args).toBeUndefined();
  });

  test('the container declares the config port 8080, named http', () => {
    expect(s.container.name).toBe('nginx');
    expect(s.container.ports).toEqual([{ containerPort: 8080, name: 'http' }]);
  });

  test.each([
    ['startupProbe', 1, 30],
    ['readinessProbe', 5, 2],
  ])('%s is an httpGet on the config health path and port', (probe, periodSeconds, failureThreshold) => {
    expect(s.container[probe]).toEqual({
      httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' },
      periodSeconds,
      failureThreshold,
    });
  });

  test('livenessProbe is a TCP check of the port: it differs from readiness, so a slow page is not a restart', () => {
    expect(s.container.livenessProbe).toEqual({ tcpSocket: { port: 8080 }, periodSeconds: 10, failureThreshold: 3 });
  });

  test('the image reference is repository:tag', () => {
    expect(s.container.image).toBe('localhost/scratch-nginx:0.1.0');
  });
});

describe('values that come from the image and the config', () => {
  test('a custom uid 10001 / gid 10002 propagates to the pod and the container', () => {
    const s = synth({ image: { uid: 10001, gid: 10002 } });
    for (const sc of [s.podSpec.securityContext, s.container.securityContext]) {
      expect(sc.runAsUser).toBe(10001);
      expect(sc.runAsGroup).toBe(10002);
      expect(sc.runAsNonRoot).toBe(true);
    }
    expect(checkPodSecurityRestricted(s.deployment)).toEqual([]);
  });

  test('the gid defaults to the uid', () => {
    const s = synth({ image: { uid: 10001 } });
    expect(s.podSpec.securityContext.runAsGroup).toBe(10001);
    expect(s.container.securityContext.runAsGroup).toBe(10001);
  });

  test('port 9090 and healthPath /ready propagate to the container port, all probes and the Service targetPort', () => {
    const s = synth({ config: { servers: [{ name: 'default', port: 9090, healthPath: '/ready' }] } });
    expect(s.container.ports).toEqual([{ containerPort: 9090, name: 'http' }]);
    for (const probe of ['startupProbe', 'readinessProbe']) {
      expect(s.container[probe].httpGet).toEqual({ path: '/ready', port: 9090, scheme: 'HTTP' });
    }
    expect(s.container.livenessProbe.tcpSocket).toEqual({ port: 9090 });
    expect(s.service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 9090 }]);
  });

  test('with several servers, every listen port is declared and the first server is probed and exposed', () => {
    const s = synth({ config: { servers: [{ name: 'www', port: 9090, healthPath: '/ready' }, { name: 'admin', port: 8081 }] } });
    expect(s.container.ports).toEqual([{ containerPort: 8081, name: 'http-8081' }, { containerPort: 9090, name: 'http-9090' }]);
    expect(s.container.readinessProbe.httpGet).toEqual({ path: '/ready', port: 9090, scheme: 'HTTP' });
    expect(s.service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 9090 }, { name: 'http-8081', port: 8081, targetPort: 8081 }]);
  });

  test('a custom runtimeDir /run/nginx propagates to nginx.conf (pid and temp paths) and to the emptyDir mount', () => {
    const s = synth({ config: { runtimeDir: '/run/nginx' }, options: { configDelivery: ConfigDelivery.CONFIG_MAP } });
    expect(s.container.volumeMounts.filter((m: any) => m.name === 'nginx-runtime')).toEqual([{ name: 'nginx-runtime', mountPath: '/run/nginx' }]);
    expect(volumeNamed(s.podSpec, 'nginx-runtime').emptyDir).toEqual({ medium: 'Memory', sizeLimit: '64Mi' });
    const conf: string = s.configMap.data['nginx.conf'];
    expect(conf).toContain('pid /run/nginx/nginx.pid;\n');
    for (const [d, dir] of [['client_body_temp_path', 'client_temp'], ['proxy_temp_path', 'proxy_temp'], ['fastcgi_temp_path', 'fastcgi_temp'], ['uwsgi_temp_path', 'uwsgi_temp'], ['scgi_temp_path', 'scgi_temp']]) {
      expect(conf).toContain(`    ${d} /run/nginx/${dir};\n`);
    }
    expect(conf).not.toContain('/dev/shm');
    // The baked copy says the same.
    expect(s.workload.image.config.files()[0].content).toBe(conf);
  });

  test('with a digest the workload pulls repository@digest', () => {
    const s = synth({ image: { repository: 'registry.example.com/team/site', tag: '1.2.3', digest: DIGEST } });
    expect(s.container.image).toBe(`registry.example.com/team/site@${DIGEST}`);
  });

  test('without a digest the workload pulls repository:tag', () => {
    const s = synth({ image: { repository: 'registry.example.com/team/site', tag: '1.2.3' } });
    expect(s.container.image).toBe('registry.example.com/team/site:1.2.3');
  });
});

describe('options override the defaults', () => {
  test('replicas', () => {
    expect(synth({ options: { replicas: 3 } }).deployment.spec.replicas).toBe(3);
    const reason = 'a single-replica preview environment';
    expect(synth({ options: { replicas: 1, policyOptOuts: [{ control: 'replicas', reason }] } }).deployment.spec.replicas).toBe(1);
    const { chart } = workloadInChart({ options: { replicas: 1 } });
    expectSynthError(chart, /policy control 'replicas' .* fails: .* Fix it, or opt out with policyOptOuts: \[\{ control: 'replicas', reason: '...' \}\]/);
  });

  test('servicePort', () => {
    expect(synth({ options: { servicePort: 8443 } }).service.spec.ports).toEqual([{ name: 'http', port: 8443, targetPort: 8080 }]);
  });

  test('imagePullPolicy', () => {
    expect(synth({ options: { imagePullPolicy: kplus.ImagePullPolicy.ALWAYS } }).container.imagePullPolicy).toBe('Always');
  });

  test('resources replace the defaults as a whole', () => {
    const s = synth({
      options: {
        resources: {
          cpu: { request: kplus.Cpu.millis(250), limit: kplus.Cpu.units(1) },
          memory: { request: Size.mebibytes(96), limit: Size.mebibytes(256) },
        },
      },
    });
    expect(s.container.resources).toEqual({
      requests: { 'cpu': '250m', 'memory': '96Mi', 'ephemeral-storage': '16Mi' },
      limits: { 'cpu': '1', 'memory': '256Mi', 'ephemeral-storage': '128Mi' },
    });
  });

  test('runtimeVolumeMebibytes', () => {
    const s = synth({ options: { runtimeVolumeMebibytes: 16 } });
    expect(volumeNamed(s.podSpec, 'nginx-runtime').emptyDir).toEqual({ medium: 'Memory', sizeLimit: '16Mi' });
  });
});

describe('ConfigDelivery.CONFIG_MAP', () => {
  const config = (): NginxConfig => new NginxConfig({ servers: [{ name: 'default' }, { name: 'admin', port: 8081, serverNames: ['admin.example.com'] }] });
  const build = (c: NginxConfig = config()) => synth({ config: c, options: { configDelivery: ConfigDelivery.CONFIG_MAP } });

  test('produces two immutable ConfigMaps (nginx.conf; conf.d), exposed as workload.configMap and serversConfigMap', () => {
    const s = build();
    expect(s.manifests.map(m => m.kind).sort()).toEqual(['ConfigMap', 'ConfigMap', 'Deployment', 'NetworkPolicy', 'PodDisruptionBudget', 'Service', 'ServiceAccount']);
    for (const cm of [s.configMap, s.serversConfigMap]) {
      expect(cm.immutable).toBe(true);
      expect(cm.metadata.name).toMatch(/^test-web-[a-z0-9-]*-[0-9a-f]{10}$/);
    }
    expect(s.configMap.metadata.name).not.toBe(s.serversConfigMap.metadata.name);
    expect(s.workload.configMap!.name).toBe(s.configMap.metadata.name);
    expect(s.workload.serversConfigMap!.name).toBe(s.serversConfigMap.metadata.name);
  });

  test('their data equals NginxConfig.files(), one key per file', () => {
    const c = config();
    const s = build(c);
    const files = c.files();
    const content = (p: string) => files.find(f => f.path === p)!.content;
    expect(files.map(f => f.path)).toEqual(['nginx.conf', 'conf.d/default.conf', 'conf.d/admin.conf']);
    expect(s.configMap.data).toEqual({ 'nginx.conf': content('nginx.conf') });
    expect(s.serversConfigMap.data).toEqual({
      'default.conf': content('conf.d/default.conf'),
      'admin.conf': content('conf.d/admin.conf'),
    });
    expect(s.serversConfigMap.data['admin.conf']).toContain('listen 8081;');
  });

  test('each ConfigMap is mounted read-only as a whole folder (no subPath, no items), files mode 0444', () => {
    const s = build();
    expect(s.container.volumeMounts).toEqual([
      { name: 'nginx-runtime', mountPath: '/dev/shm' },
      { name: 'nginx-config', mountPath: '/etc/nginx/configmap', readOnly: true },
      { name: 'nginx-conf-d', mountPath: '/etc/nginx/conf.d', readOnly: true },
    ]);
    expect(volumeNamed(s.podSpec, 'nginx-config').configMap).toEqual({ name: s.configMap.metadata.name, defaultMode: 0o444 });
    expect(volumeNamed(s.podSpec, 'nginx-conf-d').configMap).toEqual({ name: s.serversConfigMap.metadata.name, defaultMode: 0o444 });
  });

  test('nginx is started with -c on the mounted nginx.conf (the image command with another config file)', () => {
    const s = build();
    expect(s.container.command).toEqual(['/usr/sbin/nginx', '-e', 'stderr', '-c', '/etc/nginx/configmap/nginx.conf', '-g', 'daemon off;']);
    expect(s.container.command).toEqual(s.workload.image.command('/etc/nginx/configmap/nginx.conf'));
    expect(s.container.args).toBeUndefined();
  });

  test('still passes Pod Security Standards "restricted"', () => {
    const s = build();
    expect(checkPodSecurityRestricted(s.deployment)).toEqual([]);
  });

  test('the names stay the same when the config does not change', () => {
    expect(build().configMap.metadata.name).toBe(build().configMap.metadata.name);
    expect(build().serversConfigMap.metadata.name).toBe(build().serversConfigMap.metadata.name);
  });

  test('a server change renames only the conf.d ConfigMap', () => {
    const before = build();
    const after = build(new NginxConfig({ servers: [{ name: 'default' }, { name: 'admin', port: 8081, serverNames: ['admin2.example.com'] }] }));
    expect(after.configMap.metadata.name).toBe(before.configMap.metadata.name);
    expect(after.serversConfigMap.metadata.name).not.toBe(before.serversConfigMap.metadata.name);
  });

  test.each([
    ['a server port', () => new NginxConfig({ servers: [{ name: 'default', port: 8082 }, { name: 'admin', port: 8081, serverNames: ['admin.example.com'] }] })],
    ['worker_connections', () => new NginxConfig({ workerConnections: 2048, servers: [{ name: 'default' }, { name: 'admin', port: 8081, serverNames: ['admin.example.com'] }] })],
    ['an escape-hatch directive', () => config().addHttpDirective(Directive.of('map_hash_bucket_size', '128'))],
  ])('the name changes when %s changes, and the pod template follows it', (_what, changed) => {
    const before = build();
    const after = build(changed());
    const names = (x: Synthesised) => [x.configMap.metadata.name, x.serversConfigMap.metadata.name];
    expect(names(after).filter(n => !names(before).includes(n)).length).toBeGreaterThan(0);
    expect(volumeNamed(after.podSpec, 'nginx-config').configMap.name).toBe(after.configMap.metadata.name);
    expect(volumeNamed(after.podSpec, 'nginx-conf-d').configMap.name).toBe(after.serversConfigMap.metadata.name);
  });
});

describe('validation at synth', () => {
  test('a valid workload synthesises without error', () => {
    const { chart } = workloadInChart();
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  test('listen port 80 is rejected (a non-root nginx cannot bind below 1024)', () => {
    const { chart } = workloadInChart({ config: { servers: [{ name: 'default', port: 80 }] } });
    expectSynthError(chart, /\[test\/web\] server 'default': port 80 is below 1024/, 'Listen on 8080 (or another port >= 1024) and let the Service expose port 80.');
  });

  test('listen port 70000 is rejected', () => {
    const { chart } = workloadInChart({ config: { servers: [{ name: 'default', port: 70000 }] } });
    expectSynthError(chart, /\[test\/web\] server 'default': port 70000 is out of range/, 'use a whole number from 1024 to 65535');
  });

  test('uid 0 is rejected', () => {
    const { chart } = workloadInChart({ image: { uid: 0, gid: 1000 } });
    const message = expectSynthError(chart, /\[test\/web\] uid is 0 \(root\)/, 'Use a non-zero id, such as 65532.');
    expect(message).not.toContain('gid is 0');
  });

  test('gid 0 is rejected', () => {
    const { chart } = workloadInChart({ image: { gid: 0 } });
    const message = expectSynthError(chart, /\[test\/web\] gid is 0 \(root\)/, 'Use a non-zero id, such as 65532.');
    expect(message).not.toContain('uid is 0');
  });

  test('a relative runtimeDir is rejected', () => {
    const { chart } = workloadInChart({ config: { runtimeDir: 'run/nginx' } });
    expectSynthError(chart, /\[test\/web\] runtimeDir "run\/nginx" is not an absolute path/, 'use an absolute path such as "/dev/shm".');
  });

  test.each([0, -1, 1.5])('replicas %d is rejected', replicas => {
    const { chart } = workloadInChart({ options: { replicas } });
    expectSynthError(chart, `[test/web] replicas ${replicas} is ${replicas === 1.5 ? 'not a whole number' : 'out of range'}; use a whole number from 1 to 10000, such as 2`);
  });

  test.each([0, 65536])('servicePort %d is rejected', servicePort => {
    const { chart } = workloadInChart({ options: { servicePort } });
    expectSynthError(chart, `[test/web] servicePort ${servicePort} is out of range; use a whole number from 1 to 65535, such as 80.`);
  });

  test('runtimeVolumeMebibytes 0 is rejected', () => {
    const { chart } = workloadInChart({ options: { runtimeVolumeMebibytes: 0 } });
    expectSynthError(chart, '[test/web] runtimeVolumeMebibytes 0 is out of range; use a whole number from 1 to 1048576, such as 64.');
  });

  test('several problems are reported together', () => {
    const { chart } = workloadInChart({ options: { replicas: 0 }, image: { uid: 0 }, config: { servers: [{ name: 'default', port: 80 }] } });
    expectSynthError(chart, '[test/web] replicas 0', '[test/web] uid is 0', '[test/web] gid is 0', "[test/web] server 'default': port 80");
  });

  test('an escape hatch setting runAsNonRoot false is caught as a PSS violation', () => {
    const { chart, workload } = workloadInChart();
    ApiObject.of(workload.deployment).addJsonPatch(JsonPatch.replace('/spec/template/spec/securityContext/runAsNonRoot', false));
    expectSynthError(chart,
      '[test/web] Pod Security Standards "restricted", runAsNonRoot at /spec/template/spec/securityContext/runAsNonRoot',
      'set it to true');
  });

  test('an escape hatch turning on hostNetwork is caught as a PSS violation', () => {
    const { chart, workload } = workloadInChart();
    ApiObject.of(workload.deployment).addJsonPatch(JsonPatch.replace('/spec/template/spec/hostNetwork', true));
    expectSynthError(chart, '[test/web] Pod Security Standards "restricted", hostNamespaces at /spec/template/spec/hostNetwork');
  });

  test('an escape hatch removing the runtime emptyDir mount is caught (nginx would write to the read-only root)', () => {
    const { chart, workload } = workloadInChart();
    ApiObject.of(workload.deployment).addJsonPatch(JsonPatch.remove('/spec/template/spec/containers/0/volumeMounts/0'));
    expectSynthError(chart, '[test/web] nginx writes to /dev/shm/nginx.pid (pid) but no writable emptyDir is mounted there', 'Move it under /dev/shm.');
  });

  test('an escape hatch removing the container port is caught', () => {
    const { chart, workload } = workloadInChart();
    ApiObject.of(workload.deployment).addJsonPatch(JsonPatch.remove('/spec/template/spec/containers/0/ports'));
    expectSynthError(chart, '[test/web] nginx listens on 8080 but the container does not declare that port');
  });

  test('a config escape hatch writing to a path on the read-only root filesystem is rejected', () => {
    const config = new NginxConfig();
    config.addHttpDirective(Directive.of('proxy_temp_path', '/var/cache/nginx/proxy'));
    const { chart } = workloadInChart({ config });
    expectSynthError(chart,
      '[test/web] proxy_temp_path writes to /var/cache/nginx/proxy, which is on the read-only root filesystem',
      'move it under /dev/shm.');
  });
});

describe('agreement with the typed nginx features', () => {
  test('a TLS server: its Secret mounted read-only where nginx reads the certificate, exposed on 443', () => {
    const s = synth({ config: { servers: [{ name: 'web' }, { name: 'secure', port: 8443, tls: { secretName: 'secure-tls' } }] } });
    expect(s.podSpec.volumes).toContainEqual({ name: 'tls-secure', secret: { secretName: 'secure-tls', defaultMode: 0o444 } });
    expect(s.container.volumeMounts).toContainEqual({ name: 'tls-secure', mountPath: '/etc/nginx/tls/secure', readOnly: true });
    expect(s.service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 8080 }, { name: 'https', port: 443, targetPort: 8443 }]);
    expect(s.container.ports.map((p: any) => p.containerPort)).toEqual([8080, 8443]);
    expect(checkPodSecurityRestricted(s.deployment)).toEqual([]);
  });

  test('a TLS first server is probed over HTTPS', () => {
    const s = synth({ config: { servers: [{ name: 'secure', port: 8443, tls: { secretName: 'secure-tls', certificateDir: '/etc/tls' } }] } });
    for (const probe of [s.container.readinessProbe, s.container.startupProbe]) {
      expect(probe.httpGet).toMatchObject({ scheme: 'HTTPS', port: 8443, path: '/healthz' });
    }
    expect(s.container.livenessProbe.tcpSocket).toEqual({ port: 8443 });
    expect(s.container.volumeMounts).toContainEqual({ name: 'tls-secure', mountPath: '/etc/tls', readOnly: true });
  });

  test('a server servicePort wins', () => {
    const s = synth({ config: { servers: [{ name: 'a', servicePort: 8000 }, { name: 'b', port: 8081, servicePort: 81 }] } });
    expect(s.service.spec.ports).toEqual([{ name: 'http', port: 8000, targetPort: 8080 }, { name: 'http-8081', port: 81, targetPort: 8081 }]);
  });

  test('a probe path that the config does not serve fails at synth', () => {
    const { chart, workload } = workloadInChart();
    ApiObject.of(workload.deployment).addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/readinessProbe/httpGet/path', '/ready'));
    expectSynthError(chart, /the probes ask for \/ready, but the probed server 'default' has no 'location = \/ready' answering 200/);
  });
});

describe('hardening beyond PSS', () => {
  test('a dedicated ServiceAccount without a token', () => {
    const s = synth();
    const sa = only(s.manifests, 'ServiceAccount');
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(s.podSpec.serviceAccountName).toBe(sa.metadata.name);
    expect(s.podSpec.automountServiceAccountToken).toBe(false);
  });

  test('NetworkPolicy: both directions denied but the server ports in, DNS and upstream ports out', () => {
    const config = new NginxConfig({ upstreams: [{ name: 'api', servers: ['api.default.svc.cluster.local:8080', 'b:9000'] }], servers: [{ name: 'a' }, { name: 'b', port: 8443 }] });
    const s = synth({ config, options: { ingressPeers: [{ namespaceLabels: { 'kubernetes.io/metadata.name': 'ingress' } }, { cidr: '10.0.0.0/8' }] } });
    const np = only(s.manifests, 'NetworkPolicy');
    expect(np.spec.podSelector).toEqual({ matchLabels: s.deployment.spec.selector.matchLabels });
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(np.spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress' } } }, { ipBlock: { cidr: '10.0.0.0/8' } }],
      ports: [{ protocol: 'TCP', port: 8080 }, { protocol: 'TCP', port: 8443 }],
    }]);
    expect(np.spec.egress[0].ports).toEqual([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]);
    expect(np.spec.egress[1]).toEqual({ ports: [{ protocol: 'TCP', port: 8080 }, { protocol: 'TCP', port: 9000 }] });
  });

  test('a static site has no egress but DNS', () => {
    expect(only(synth().manifests, 'NetworkPolicy').spec.egress).toHaveLength(1);
  });

  test('PDB (maxUnavailable 1) and spread over nodes and zones; off with highAvailability false', () => {
    const s = synth();
    const pdb = only(s.manifests, 'PodDisruptionBudget');
    expect(pdb.apiVersion).toBe('policy/v1');
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: s.deployment.spec.selector.matchLabels } });
    expect(s.podSpec.topologySpreadConstraints.map((t: any) => t.topologyKey)).toEqual(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
    const off = synth({
      options: {
        highAvailability: false,
        policyOptOuts: [{ control: 'pod-disruption-budget', reason: 'a batch-like workload' }, { control: 'spread', reason: 'a single-node cluster' }],
      },
    });
    expect(off.manifests.some(m => m.kind === 'PodDisruptionBudget')).toBe(false);
    expect(off.podSpec.topologySpreadConstraints).toBeUndefined();
  });

  test('ephemeral-storage request and limit in MiB (cdk8s-plus-27 rounds to GiB)', () => {
    const s = synth({ options: { ephemeralStorageRequestMebibytes: 8, ephemeralStorageLimitMebibytes: 32 } });
    expect(s.container.resources.requests['ephemeral-storage']).toBe('8Mi');
    expect(s.container.resources.limits['ephemeral-storage']).toBe('32Mi');
    expect(synth().container.resources.limits['ephemeral-storage']).toBe('128Mi');
  });

  test('terminationGracePeriodSeconds is worker_shutdown_timeout + 10', () => {
    expect(synth().podSpec.terminationGracePeriodSeconds).toBe(30);
    const s = synth({ config: { workerShutdownTimeoutSeconds: 50 } });
    expect(s.podSpec.terminationGracePeriodSeconds).toBe(60);
  });

  test('HorizontalPodAutoscaler from replicas to maxReplicas', () => {
    const s = synth({ options: { replicas: 3, autoscaling: { maxReplicas: 10, cpuUtilizationPercent: 60 } } });
    const hpa = only(s.manifests, 'HorizontalPodAutoscaler');
    expect(hpa.spec).toMatchObject({ minReplicas: 3, maxReplicas: 10, scaleTargetRef: { kind: 'Deployment', name: s.deployment.metadata.name } });
    expect(hpa.spec.metrics[0].resource.target.averageUtilization).toBe(60);
    const { chart } = workloadInChart({ options: { replicas: 3, autoscaling: { maxReplicas: 2 } } });
    expectSynthError(chart, /autoscaling.maxReplicas 2 is below replicas 3; it must be at least replicas/);
  });

  test('createNamespace: Pod Security Admission labels, restricted; needs a chart namespace', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c', { namespace: 'web' });
    new NginxWorkload(chart, 'w', { image: new NginxImage({ config: new NginxConfig() }), createNamespace: true });
    const ns = Testing.synth(chart).find(o => o.kind === 'Namespace');
    expect(ns.metadata).toEqual({ name: 'web', labels: expect.objectContaining({ 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'v1.27' }) });
    const { chart: bare } = workloadInChart({ options: { createNamespace: true } });
    expectSynthError(bare, /createNamespace needs a namespace/);
  });
});

describe('resources are checked before cdk8s-plus reads them', () => {
  test.each<[unknown, RegExp]>([
    [{ cpu: { request: 5 } }, /resources\.cpu\.request 5 is not the right kind of quantity; use kplus\.Cpu\.millis\(100\)/],
    [{ memory: { limit: '64Mi' } }, /resources\.memory\.limit "64Mi" is not the right kind of quantity; use Size\.mebibytes\(64\)/],
    [{ gpu: 1 }, /resources\.gpu 1 is not a resource this workload sets/],
    ['1 cpu', /resources "1 cpu" is a string, not an object of options/],
  ])('%j', (resources, message) => {
    const { chart } = workloadInChart({ options: { resources: resources as never } });
    expectSynthError(chart, message);
  });
});

describe('ingress peers: CIDR blocks as the Kubernetes API reads them', () => {
  test.each(['1.2.3/8', '10.0.0.0/33', '256.0.0.0/8', ':::::/8', '::1.2.3.4.5/64', 'fd00::/08', '010.0.0.0/8', '10.0.0.0'])('%j is refused', (cidr) => {
    const { chart } = workloadInChart({ options: { ingressPeers: [{ cidr }] } });
    expectSynthError(chart, /ingressPeers\[0\]\.cidr .* is not an address block in CIDR notation/);
  });

  test.each(['10.0.0.0/8', '0.0.0.0/0', 'fd00::/8', '2001:db8::/32'])('%j is accepted', (cidr) => {
    const { chart } = workloadInChart({ options: { ingressPeers: [{ cidr }] } });
    expect(() => Testing.synth(chart)).not.toThrow();
  });
});
