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

describe('derived results are cached per state of the model, and follow every change', () => {
  test('files() changes after each kind of addition, and equal states give equal results', () => {
    const config = new NginxConfig();
    const seen = new Set<string>();
    const snapshot = () => JSON.stringify(config.files());
    seen.add(snapshot());
    expect(snapshot()).toBe([...seen][0]);
    const changes: Array<() => void> = [
      () => config.addMainDirective(Directive.of('worker_rlimit_nofile', '4096')),
      () => config.addEventsDirective(Directive.of('multi_accept', 'on')),
      () => config.addHttpDirective(Directive.of('map_hash_bucket_size', '128')),
      () => config.addUpstream({ name: 'api', servers: ['127.0.0.1:9000'] }),
      () => config.servers[0].addProxy('/api/', 'api'),
      () => config.servers[0].addRedirect('/a', '/b'),
      () => config.servers[0].addLocation('/x'),
      () => config.servers[0].addDirective(Directive.of('add_header', 'X-A', 'b')),
      () => config.addServer({ name: 'second', port: 8081 }),
    ];
    for (const change of changes) {
      change();
      const now = snapshot();
      expect(seen.has(now)).toBe(false);
      seen.add(now);
    }
    // Cached arrays are copies: changing one does not change the next result.
    const files = config.files();
    files.pop();
    expect(config.files()).toHaveLength(3);
  });
});
