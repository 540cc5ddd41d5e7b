import { NginxConfig } from '../../src/nginx/config';
import { Directive } from '../../src/nginx/directive';

/** One base for every site and environment, with only the differences written down. */
describe('NginxConfig.derive: a base plus per-site and per-environment changes', () => {
  const base = new NginxConfig({
    rateLimit: { requestsPerSecond: 10 },
    upstreams: [{ name: 'api', servers: ['api.shop.svc.cluster.local:8080'] }],
    servers: [{ name: 'www', serverNames: ['www.example.com'] }],
  });
  base.servers[0].addProxy('/api/', 'api');
  base.addHttpDirective(Directive.of('map_hash_bucket_size', '128'));

  test('props are replaced, the rest comes along, the base does not change', () => {
    const staging = base.derive({ errorLogLevel: 'info', rateLimit: { requestsPerSecond: 100 } }, [{ name: 'www', serverNames: ['www.staging.example.com'] }]);
    expect(staging.errorLogLevel).toBe('info');
    expect(staging.rateLimit?.requestsPerSecond).toBe(100);
    expect(staging.servers[0].serverNames).toEqual(['www.staging.example.com']);
    expect(staging.servers[0].proxiedUpstreams).toEqual(['api']);
    expect(staging.upstreams.map(u => u.name)).toEqual(['api']);
    const text = staging.files().map(f => f.content).join('\n');
    expect(text).toContain('map_hash_bucket_size 128;');
    expect(text).toContain('location /api/ {');
    expect(text).toContain('rate=100r/s');
    expect(staging.validate()).toEqual([]);
    expect(base.errorLogLevel).toBe('warn');
    expect(base.servers[0].serverNames).toEqual(['www.example.com']);
    expect(base.files().map(f => f.content).join('\n')).toContain('rate=10r/s');
  });

  test('servers are added by name; changes to a derived config do not reach the base', () => {
    const site = base.derive({}, [{ name: 'admin', port: 8081, serverNames: ['admin.example.com'] }]);
    site.servers[0].addRedirect('/old', '/new');
    expect(site.servers.map(s => s.name)).toEqual(['www', 'admin']);
    expect(base.servers.map(s => s.name)).toEqual(['www']);
    expect(base.files()[1].content).not.toContain('location = /old');
    expect(site.files()[1].content).toContain('location = /old');
  });

  test('deriving with nothing gives the same files', () => {
    expect(base.derive().files()).toEqual(base.files());
  });
});

describe('a configuration is a value once read: every add* call comes before, derive() gives a changed copy', () => {
  const changes: Array<[string, (config: NginxConfig) => unknown]> = [
    ['addMainDirective', c => c.addMainDirective(Directive.of('worker_rlimit_nofile', '4096'))],
    ['addEventsDirective', c => c.addEventsDirective(Directive.of('multi_accept', 'on'))],
    ['addHttpDirective', c => c.addHttpDirective(Directive.of('map_hash_bucket_size', '128'))],
    ['addUpstream', c => c.addUpstream({ name: 'api', servers: ['127.0.0.1:9000'] })],
    ['addServer', c => c.addServer({ name: 'second', port: 8081 })],
    ['addProxy', c => c.servers[0].addProxy('/api/', 'www')],
    ['addRedirect', c => c.servers[0].addRedirect('/a', '/b')],
    ['addLocation', c => c.servers[0].addLocation('/x')],
    ['addDirective', c => c.servers[0].addDirective(Directive.of('add_header', 'X-A', 'b'))],
  ];

  test('each kind of addition made before the first read shows in files()', () => {
    const make = () => new NginxConfig({ upstreams: [{ name: 'www', servers: ['127.0.0.1:9000'] }] });
    const seen = new Set([JSON.stringify(make().files())]);
    for (const [, change] of changes) {
      const config = make();
      change(config);
      const files = JSON.stringify(config.files());
      expect(seen.has(files)).toBe(false);
      seen.add(files);
    }
  });

  test.each(changes)('%s after files() throws, names the fix, and changes nothing', (method, change) => {
    const config = new NginxConfig({ upstreams: [{ name: 'www', servers: ['127.0.0.1:9000'] }] });
    const before = JSON.stringify(config.files());
    expect(config.isSealed).toBe(true);
    expect(() => change(config)).toThrow(new RegExp(`\\.${method}: the configuration is sealed\\..*call derive\\(\\) on the NginxConfig for a changed copy`));
    expect(JSON.stringify(config.files())).toBe(before);
  });

  test.each<[string, (config: NginxConfig) => unknown]>([
    ['validate()', c => c.validate()],
    ['effectiveTree()', c => c.effectiveTree()],
    ['listenPorts()', c => c.listenPorts()],
    ['writablePaths()', c => c.writablePaths()],
  ])('reading %s seals it too', (_what, read) => {
    const config = new NginxConfig();
    expect(config.isSealed).toBe(false);
    read(config);
    expect(config.isSealed).toBe(true);
    expect(() => config.addServer({ name: 'late', port: 8082 })).toThrow(/sealed/);
  });

  test('derive() of a sealed configuration is open, and its changes do not reach the original', () => {
    const config = new NginxConfig();
    const before = config.files();
    const next = config.derive();
    expect(next.isSealed).toBe(false);
    next.addServer({ name: 'second', port: 8081 });
    next.servers[0].addRedirect('/a', '/b');
    expect(next.files()).toHaveLength(before.length + 1);
    expect(config.files()).toEqual(before);
  });

  test('results are computed once and handed out as copies', () => {
    const config = new NginxConfig();
    const files = config.files();
    files.pop();
    expect(config.files()).toHaveLength(files.length + 1);
    expect(config.listenPorts()).toEqual([8080]);
  });
});
