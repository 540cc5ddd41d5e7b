import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { Testing } from 'cdk8s';
import { NginxImage } from '../../src/image/nginx-image';
import { NginxConfig } from '../../src/nginx/config';
import { NginxConfigProps } from '../../src/nginx/config-props';
import { Directive } from '../../src/nginx/directive';
import { LocationModifier } from '../../src/nginx/server-options';
import { evaluatePolicy } from '../../src/policy/engine';
import { NginxWorkload } from '../../src/workload/nginx-workload';
import { NginxWorkloadOptions } from '../../src/workload/options';
import { validateSchema } from '../helpers/schema';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
const schema = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures/gateway-api/httproute-v1.schema.json'), 'utf8'));
// The CRD's structural schema; its CEL rules (x-kubernetes-validations) are not evaluated here.
const validateHttpRoute = new Ajv({ strict: false, validateFormats: false, allErrors: true }).compile(schema);

function build(config: NginxConfigProps | NginxConfig, options: NginxWorkloadOptions) {
  const chart = Testing.chart();
  const image = new NginxImage({ config: config instanceof NginxConfig ? config : new NginxConfig(config), repository: 'r/site', digest: DIGEST });
  const workload = new NginxWorkload(chart, 'web', { ...options, image });
  return { chart, workload };
}

function synth(config: NginxConfigProps | NginxConfig, options: NginxWorkloadOptions) {
  const { chart, workload } = build(config, options);
  const objects = Testing.synth(chart);
  return { workload, objects, service: objects.find(o => o.kind === 'Service'), of: (kind: string) => objects.filter(o => o.kind === kind) };
}

function problems(config: NginxConfigProps | NginxConfig, options: NginxWorkloadOptions): string[] {
  const { workload } = build(config, options);
  return workload.node.validate();
}

const TWO_SERVERS: NginxConfigProps = {
  servers: [
    { name: 'www', serverNames: ['www.example.com', 'Example.com'], defaultServer: true },
    { name: 'secure', port: 8443, serverNames: ['*.shop.example.com', '.api.example.com'], tls: { secretName: 'shop-tls' } },
  ],
};

describe('Ingress from the servers', () => {
  test('hosts are the server names (lowercased, nginx\'s .name is the name and its subdomains), TLS from the server\'s Secret, backends the Service ports', () => {
    const s = synth(TWO_SERVERS, { ingress: { className: 'nginx', annotations: { 'nginx.ingress.kubernetes.io/backend-protocol': 'HTTPS' } } });
    const [ingress] = s.of('Ingress');
    validateSchema(ingress);
    expect(ingress.metadata.annotations).toEqual({ 'nginx.ingress.kubernetes.io/backend-protocol': 'HTTPS' });
    const ports = Object.fromEntries(s.service.spec.ports.map((p: any) => [p.targetPort, p.port]));
    const backend = (port: number) => ({ service: { name: s.service.metadata.name, port: { number: port } } });
    const root = (port: number) => ({ paths: [{ path: '/', pathType: 'Prefix', backend: backend(port) }] });
    expect(ingress.spec).toEqual({
      ingressClassName: 'nginx',
      rules: [
        { host: 'www.example.com', http: root(ports[8080]) },
        { host: 'example.com', http: root(ports[8080]) },
        { host: '*.shop.example.com', http: root(ports[8443]) },
        { host: 'api.example.com', http: root(ports[8443]) },
        { host: '*.api.example.com', http: root(ports[8443]) },
      ],
      tls: [{ hosts: ['*.shop.example.com', 'api.example.com', '*.api.example.com'], secretName: 'shop-tls' }],
    });
    expect(ports[8080]).toBe(80);
    expect(ports[8443]).toBe(443);
    expect(s.workload.ingress).toBeDefined();
  });

  test('the workload\'s servicePort is the backend of the first plain server', () => {
    const s = synth(TWO_SERVERS, { ingress: { servers: ['www'] }, servicePort: 8000 });
    const [ingress] = s.of('Ingress');
    expect(ingress.spec.rules.map((r: any) => r.http.paths[0].backend.service.port.number)).toEqual([8000, 8000]);
    expect(ingress.spec.tls).toBeUndefined();
    expect(s.service.spec.ports.find((p: any) => p.targetPort === 8080).port).toBe(8000);
  });

  test('a catch-all server (\'_\') gets a host-less rule; a named one never does', () => {
    const s = synth({ servers: [{ name: 'any', serverNames: ['_'], defaultServer: true }] }, { ingress: {} });
    expect(s.of('Ingress')[0].spec.rules).toEqual([{ http: { paths: [expect.objectContaining({ path: '/' })] } }]);
    const named = synth(TWO_SERVERS, { ingress: {} });
    expect(named.of('Ingress')[0].spec.rules.every((r: any) => typeof r.host === 'string' && r.host.length > 0)).toBe(true);
  });

  test('locationsOnly: prefix locations become Prefix paths, exact ones Exact; a regex location is refused', () => {
    const config = new NginxConfig({ servers: [{ name: 'www', serverNames: ['www.example.com'], defaultServer: true }] });
    config.servers[0].addLocation('/docs/').addLocation('/status', { modifier: LocationModifier.EXACT }).addLocation('/static/', { modifier: LocationModifier.PREFERRED_PREFIX });
    const s = synth(config, { ingress: { locationsOnly: true } });
    expect(s.of('Ingress')[0].spec.rules[0].http.paths.map((p: any) => [p.path, p.pathType])).toEqual([['/docs/', 'Prefix'], ['/status', 'Exact'], ['/static/', 'Prefix']]);
    validateSchema(s.of('Ingress')[0]);
    const regex = new NginxConfig({ servers: [{ name: 'www', serverNames: ['www.example.com'], defaultServer: true }] });
    regex.servers[0].addLocation('\\.php$', { modifier: LocationModifier.REGEX });
    expect(problems(regex, { ingress: { locationsOnly: true } })).toEqual([expect.stringMatching(/ingress: server www's regex location "\\\\.php\$" cannot be an Ingress or HTTPRoute path/)]);
  });

  test.each([
    ['the library default localhost', ['localhost'], /answers to "localhost", which is not a public host name; set its serverNames/],
    ['a trailing wildcard', ['www.example.*'], /trailing wildcard/],
    ['an address', ['10.0.0.1'], /not a public host name/],
    ['a name with an underscore', ['my_host.example.com'], /is not a host name an Ingress or HTTPRoute accepts/],
  ])('a server name that is no host fails at synth: %s', (_title, serverNames, message) => {
    const found = problems({ servers: [{ name: 'www', serverNames, defaultServer: true }] }, { ingress: {} });
    expect(found).toEqual([expect.stringMatching(message)]);
    expect(() => synth({ servers: [{ name: 'www', serverNames, defaultServer: true }] }, { ingress: {} })).toThrow(message);
  });

  test('a server_name added by hand joins the typed names: its hosts are routed, and a regex one fails', () => {
    const config = new NginxConfig({ servers: [{ name: 'www', serverNames: ['www.example.com'], defaultServer: true }] });
    config.servers[0].addDirective(Directive.of('server_name', 'old.example.com'));
    expect(synth(config, { ingress: {} }).of('Ingress')[0].spec.rules.map((r: any) => r.host)).toEqual(['www.example.com', 'old.example.com']);
    const regex = new NginxConfig({ servers: [{ name: 'www', serverNames: ['www.example.com'], defaultServer: true }] });
    regex.servers[0].addDirective(Directive.of('server_name', '~^www[0-9]+[.]example[.]com$'));
    expect(problems(regex, { ingress: {} })).toEqual([expect.stringMatching(/ingress: server www has the regex server name "~\^www.*", which an Ingress or HTTPRoute host cannot express/)]);
  });

  test('two servers with the same host, an unknown server, and bad option values fail with the prop', () => {
    expect(problems({ servers: [{ name: 'a', serverNames: ['x.example.com'], defaultServer: true }, { name: 'b', port: 8081, serverNames: ['x.example.com'] }] }, { ingress: {} }))
      .toEqual([expect.stringContaining('ingress: servers a and b both answer to x.example.com')]);
    expect(problems(TWO_SERVERS, { ingress: { servers: ['nope'] } })).toEqual([expect.stringContaining('ingress.servers: "nope" is not a server reached from outside the pod; choose from www, secure.')]);
    expect(problems(TWO_SERVERS, { ingress: { className: 'Bad Class' } }).join('\n')).toMatch(/ingress\.className/);
    expect(problems(TWO_SERVERS, { ingress: { annotations: { 'bad key!': 'x' } } }).join('\n')).toMatch(/ingress\.annotations/);
    expect(problems(TWO_SERVERS, { ingress: 'yes' as any }).join('\n')).toMatch(/ingress/);
  });
});

describe('HTTPRoute from the servers', () => {
  test('one route per server, attached to the Gateway, hostnames from the server names, the Service port as backend; valid against the CRD schema', () => {
    const s = synth(TWO_SERVERS, { httpRoute: { gatewayName: 'public', gatewayNamespace: 'gateway-system', sectionName: 'https' } });
    const routes = s.of('HTTPRoute');
    expect(routes.length).toBe(2);
    for (const r of routes) {
      expect([r.metadata.name, validateHttpRoute(r), validateHttpRoute.errors ?? []]).toEqual([r.metadata.name, true, []]);
    }
    expect(routes.map(r => r.spec.hostnames)).toEqual([['www.example.com', 'example.com'], ['*.shop.example.com', 'api.example.com', '*.api.example.com']]);
    expect(routes[0].spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public', namespace: 'gateway-system', sectionName: 'https' }]);
    expect(routes.map(r => r.spec.rules[0].backendRefs)).toEqual([
      [{ group: '', kind: 'Service', name: s.service.metadata.name, port: 80 }],
      [{ group: '', kind: 'Service', name: s.service.metadata.name, port: 443 }],
    ]);
    expect(routes[0].spec.rules[0].matches).toEqual([{ path: { type: 'PathPrefix', value: '/' } }]);
    expect(s.workload.httpRoutes.length).toBe(2);
  });

  test('the schema check can fail: a route without parentRefs, or with a bad hostname, is refused', () => {
    const s = synth(TWO_SERVERS, { httpRoute: { gatewayName: 'public' } });
    const route = s.of('HTTPRoute')[0];
    expect(validateHttpRoute({ ...route, spec: { ...route.spec, hostnames: ['Bad_Host'] } })).toBe(false);
    expect(validateHttpRoute({ ...route, spec: { ...route.spec, rules: [{ backendRefs: [{ name: 'x', port: 70000 }] }] } })).toBe(false);
  });

  test('a gatewayName is required', () => {
    expect(problems(TWO_SERVERS, { httpRoute: {} as any }).join('\n')).toMatch(/httpRoute\.gatewayName/);
  });
});

describe('the controller\'s namespace joins the NetworkPolicy\'s ingress peers', () => {
  test('controllerNamespace adds a namespace peer beside the given ones; both kinds share one peer', () => {
    const s = synth(TWO_SERVERS, {
      ingressPeers: [{ cidr: '10.0.0.0/8' }],
      ingress: { controllerNamespace: 'ingress-nginx' },
      httpRoute: { gatewayName: 'public', controllerNamespace: 'ingress-nginx' },
    });
    const [policy] = s.of('NetworkPolicy');
    expect(policy.spec.ingress[0].from).toEqual([
      { ipBlock: { cidr: '10.0.0.0/8' } },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } },
    ]);
    // Still every control passes (the exposure is an Ingress or a route, never a NodePort or LoadBalancer).
    expect(evaluatePolicy(s.objects).filter(r => r.status === 'FAIL')).toEqual([]);
  });

  test('without controllerNamespace the peers are as given', () => {
    const s = synth(TWO_SERVERS, { ingress: {} });
    expect(s.of('NetworkPolicy')[0].spec.ingress[0].from).toBeUndefined();
  });
});
