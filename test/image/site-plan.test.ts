import { App, Chart, Testing } from 'cdk8s';
import { NginxImage } from '../../src/image/nginx-image';
import { GRACE_MARGIN_SECONDS, ListenerScheme, deriveSitePlan } from '../../src/image/site-plan';
import { NginxConfig } from '../../src/nginx/config';
import { NginxConfigProps } from '../../src/nginx/config-props';
import { Directive } from '../../src/nginx/directive';
import { NginxWorkload } from '../../src/workload/nginx-workload';

const DIGEST = `sha256:${'a'.repeat(64)}`;

function image(props: NginxConfigProps = {}, extra?: (config: NginxConfig) => void): NginxImage {
  const config = new NginxConfig(props);
  extra?.(config);
  return new NginxImage({ config, repository: 'registry.example.com/web/site', tag: '1.0.0', uid: 14242, gid: 14343 });
}

describe('SitePlan: every shared fact, derived once from the image model', () => {
  test('the default site: one plain server on 8080, Service port 80, probe on its health endpoint', () => {
    const plan = image().plan;
    expect(plan).toEqual({
      imageReference: 'registry.example.com/web/site:1.0.0',
      uid: 14242,
      gid: 14343,
      runtimeDir: '/dev/shm',
      writablePaths: expect.any(Array),
      containerPorts: [8080],
      listeners: [{ port: 8080, scheme: ListenerScheme.HTTP, server: 'default', servicePort: 80, defaultServicePort: true, serviceName: 'http' }],
      probe: { server: 'default', port: 8080, path: '/healthz', scheme: ListenerScheme.HTTP },
      tlsMounts: [],
      egressPorts: [],
      shutdownTimeoutSeconds: 20,
      gracePeriodSeconds: 20 + GRACE_MARGIN_SECONDS,
    });
    expect(plan.writablePaths.length).toBeGreaterThan(0);
    expect(plan.writablePaths.every(w => w.path.startsWith('/dev/shm/'))).toBe(true);
  });

  test('Service ports: 80 for the first plain server, 443 for the first TLS one, their own port for the rest; servicePort wins', () => {
    const plan = image({
      servers: [
        { name: 'www' },
        { name: 'secure', port: 8443, tls: { secretName: 'secure-tls' } },
        { name: 'admin', port: 8081 },
        { name: 'api', port: 8082, servicePort: 9000 },
        { name: 'secure2', port: 8444, tls: { secretName: 'other-tls', certificateDir: '/etc/tls' } },
        { name: 'same-port', port: 8081, serverNames: ['admin2.example.com'] },
      ],
    }).plan;
    expect(plan.listeners.map(l => [l.server, l.port, l.scheme, l.servicePort, l.defaultServicePort, l.serviceName])).toEqual([
      ['www', 8080, 'HTTP', 80, true, 'http'],
      ['secure', 8443, 'HTTPS', 443, false, 'https'],
      ['admin', 8081, 'HTTP', 8081, false, 'http-8081'],
      ['api', 8082, 'HTTP', 9000, false, 'http-8082'],
      ['secure2', 8444, 'HTTPS', 8444, false, 'https-8444'],
    ]);
    expect(plan.containerPorts).toEqual([8080, 8081, 8082, 8443, 8444]);
    expect(plan.tlsMounts).toEqual([
      { server: 'secure', secretName: 'secure-tls', mountPath: '/etc/nginx/tls/secure' },
      { server: 'secure2', secretName: 'other-tls', mountPath: '/etc/tls' },
    ]);
    expect(plan.probe).toEqual({ server: 'www', port: 8080, path: '/healthz', scheme: ListenerScheme.HTTP });
  });

  test('a first server with its own servicePort is not the default, and a TLS first server is probed over HTTPS', () => {
    const plan = image({ servers: [{ name: 'secure', port: 8443, servicePort: 8443, tls: { secretName: 's' }, healthPath: '/ready' }] }).plan;
    expect(plan.listeners[0]).toMatchObject({ servicePort: 8443, defaultServicePort: false, serviceName: 'https' });
    expect(plan.probe).toEqual({ server: 'secure', port: 8443, path: '/ready', scheme: ListenerScheme.HTTPS });
  });

  test('additional ports are listeners of their own; a loopback server is no listener; the probes ask the first server the kubelet reaches', () => {
    const plan = image({
      servers: [
        { name: 'local', port: 9000, address: '127.0.0.1' },
        { name: 'lb', port: 8443, listenParameters: ['proxy_protocol'] },
        { name: 'www', port: 8080, additionalPorts: [8081], healthPath: '/ready' },
      ],
    }).plan;
    expect(plan.listeners.map(l => [l.server, l.port, l.servicePort, l.serviceName])).toEqual([
      ['lb', 8443, 80, 'http'],
      ['www', 8080, 8080, 'http-8080'],
      ['www', 8081, 8081, 'http-8081'],
    ]);
    expect(plan.containerPorts).toEqual([8080, 8081, 8443]);
    expect(plan.probe).toEqual({ server: 'www', port: 8080, path: '/ready', scheme: ListenerScheme.HTTP });
  });

  test('a listen added by hand is a container port but no Service port; one on a loopback address is neither', () => {
    const plan = image({}, c => c.servers[0].addDirective(Directive.of('listen', '9901')).addDirective(Directive.of('listen', '127.0.0.1:9902'))).plan;
    expect(plan.containerPorts).toEqual([8080, 9901]);
    expect(plan.listeners.map(l => l.port)).toEqual([8080]);
  });

  test('egress: the upstreams\' ports, once each, sorted; a shutdown timeout sets the grace period', () => {
    const plan = image({
      workerShutdownTimeoutSeconds: 25,
      upstreams: [
        { name: 'api', servers: ['api.shop.svc.cluster.local:8080', '10.0.0.7:9000'] },
        { name: 'auth', servers: ['auth:443', '[fd00::1]:8080'] },
      ],
    }).plan;
    expect(plan.egressPorts).toEqual([443, 8080, 9000]);
    expect(plan.shutdownTimeoutSeconds).toBe(25);
    expect(plan.gracePeriodSeconds).toBe(25 + GRACE_MARGIN_SECONDS);
  });

  test('a digest pins the reference', () => {
    const img = new NginxImage({ config: new NginxConfig(), repository: 'site', tag: '1.0.0', digest: DIGEST });
    expect(img.plan.imageReference).toBe(`site@${DIGEST}`);
  });

  test('a configuration without a server has no probe and no listener', () => {
    const plan = image({ servers: [] }).plan;
    expect(plan.probe).toBeUndefined();
    expect(plan.listeners).toEqual([]);
  });

  test('the plan is computed once, deeply frozen, and equal for equal models', () => {
    const img = image({ upstreams: [{ name: 'api', servers: ['api:8080'] }] });
    expect(img.plan).toBe(img.plan);
    expect(Object.isFrozen(img.plan)).toBe(true);
    expect(Object.isFrozen(img.plan.listeners[0])).toBe(true);
    expect(Object.isFrozen(img.plan.writablePaths[0])).toBe(true);
    expect(() => (img.plan.containerPorts as number[]).push(1)).toThrow(TypeError);
    expect(deriveSitePlan(img)).toEqual(img.plan);
    expect(image({ upstreams: [{ name: 'api', servers: ['api:8080'] }] }).plan).toEqual(img.plan);
  });

  test('the image seals its configuration: nothing can change the plan afterwards', () => {
    const config = new NginxConfig();
    const img = new NginxImage({ config, repository: 'site', tag: '1.0.0' });
    expect(config.isSealed).toBe(true);
    expect(() => config.addServer({ name: 'late', port: 9090 })).toThrow(/sealed/);
    expect(img.plan.containerPorts).toEqual([8080]);
  });
});

describe('every output reads the plan: Dockerfile, Deployment, Service and NetworkPolicy agree with it', () => {
  const img = image({
    servers: [{ name: 'www' }, { name: 'secure', port: 8443, tls: { secretName: 'secure-tls' } }, { name: 'admin', port: 8081, servicePort: 81 }],
    upstreams: [{ name: 'api', servers: ['api:9000'] }],
    workerShutdownTimeoutSeconds: 20,
  }, c => c.servers[0].addDirective(Directive.of('listen', '9901')));
  const plan = img.plan;
  const chart = new Chart(Testing.app() as App, 'site', { namespace: 'web' });
  new NginxWorkload(chart, 'web', { image: img });
  const objects = Testing.synth(chart);
  const deployment = objects.find(o => o.kind === 'Deployment');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];

  test('EXPOSE, USER and VOLUME in the Dockerfile', () => {
    const dockerfile = img.dockerfile();
    expect(dockerfile).toContain(`\nEXPOSE ${plan.containerPorts.map(p => `${p}/tcp`).join(' ')}\n`);
    expect(dockerfile).toContain(`\nUSER ${plan.uid}:${plan.gid}\n`);
    expect(dockerfile).toContain(`\nVOLUME ["${plan.runtimeDir}"]\n`);
  });

  test('container ports, user, probes, grace period, image and mounts', () => {
    expect(container.ports.map((p: any) => p.containerPort)).toEqual(plan.containerPorts);
    expect([container.securityContext.runAsUser, container.securityContext.runAsGroup]).toEqual([plan.uid, plan.gid]);
    expect(container.image).toBe(plan.imageReference);
    expect(pod.terminationGracePeriodSeconds).toBe(plan.gracePeriodSeconds);
    for (const probe of [container.readinessProbe, container.startupProbe]) {
      expect(probe.httpGet).toEqual({ path: plan.probe!.path, port: plan.probe!.port, scheme: 'HTTP' });
    }
    expect(container.livenessProbe.tcpSocket.port).toBe(plan.probe!.port);
    const mounts = container.volumeMounts.map((m: any) => m.mountPath);
    expect(mounts).toEqual(expect.arrayContaining([plan.runtimeDir, ...plan.tlsMounts.map(t => t.mountPath)]));
  });

  test('Service ports are the listeners', () => {
    const service = objects.find(o => o.kind === 'Service');
    expect(service.spec.ports.map((p: any) => [p.name, p.port, p.targetPort])).toEqual(
      plan.listeners.map(l => [l.serviceName, l.servicePort, l.port]));
  });

  test('NetworkPolicy: ingress on every container port, egress to the upstream ports', () => {
    const policy = objects.find(o => o.kind === 'NetworkPolicy');
    const ingress = policy.spec.ingress.flatMap((r: any) => r.ports.map((p: any) => p.port));
    expect(ingress).toEqual(plan.containerPorts);
    const egress = policy.spec.egress.flatMap((r: any) => (r.ports ?? []).map((p: any) => p.port));
    expect(egress).toEqual(expect.arrayContaining(plan.egressPorts));
  });
});

describe('SitePlan edge cases', () => {
  test('a first plain server with its own servicePort is not on the default Service port', () => {
    const own = image({ servers: [{ name: 'www', servicePort: 8081 }] }).plan.listeners[0];
    expect([own.servicePort, own.defaultServicePort]).toEqual([8081, false]);
    const byDefault = image({ servers: [{ name: 'www' }] }).plan.listeners[0];
    expect([byDefault.servicePort, byDefault.defaultServicePort]).toEqual([80, true]);
  });

  test('an upstream server without a port adds no egress port (its validation refuses it)', () => {
    const img = image({ upstreams: [{ name: 'api', servers: ['api', 'db:5432'] }] });
    expect(img.plan.egressPorts).toEqual([5432]);
    expect(img.validate().join('\n')).toMatch(/server "api" must be 'host:port'/);
  });
});
