import { nginxConfigFindings } from '../../src/policy/nginx-configs';

/** The nginx configurations of any cdk8s app's manifests, found in ConfigMaps and checked like the typed ones. */

const configMap = (name: string, data: { [key: string]: string }) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });

function deployment(mounts: Array<{ configMap: string; mountPath: string; subPath?: string; items?: Array<{ key: string; path: string }> }>) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      template: {
        spec: {
          containers: [{ name: 'nginx', image: 'nginx', volumeMounts: mounts.map((m, i) => ({ name: `v${i}`, mountPath: m.mountPath, subPath: m.subPath })) }],
          volumes: mounts.map((m, i) => ({ name: `v${i}`, configMap: { name: m.configMap, items: m.items } })),
        },
      },
    },
  };
}

const MAIN = 'worker_processes auto;\nevents {}\nhttp {\n  include /etc/nginx/conf.d/*.conf;\n}\n';
const TRAVERSAL = 'server {\n  listen 8080;\n  location /static {\n    alias /srv/static/;\n  }\n}\n';
const SAFE = 'server {\n  listen 8080;\n  server_tokens off;\n  location /static/ {\n    alias /srv/static/;\n  }\n}\n';

describe('nginx configurations in ConfigMaps', () => {
  test('a mounted nginx.conf is read with the files it includes from another mounted ConfigMap', () => {
    const found = nginxConfigFindings([
      configMap('main', { 'nginx.conf': MAIN.replace('http {', 'http {\n  server_tokens off;') }),
      configMap('sites', { 'site.conf': TRAVERSAL }),
      deployment([{ configMap: 'main', mountPath: '/etc/nginx/nginx.conf', subPath: 'nginx.conf' }, { configMap: 'sites', mountPath: '/etc/nginx/conf.d' }]),
    ]);
    expect(found.map(f => [f.object, f.file, f.finding.check, f.finding.severity, f.finding.where])).toEqual([
      ['ConfigMap/main', '/etc/nginx/nginx.conf', 'alias-traversal', 'ERROR', 'http > server > location /static'],
    ]);
  });

  test('items rename keys; a file nothing includes is checked alone', () => {
    const found = nginxConfigFindings([
      configMap('main', { main: 'worker_processes auto;\nevents {}\nhttp {\n  server_tokens off;\n}\n' }),
      configMap('loose', { 'loose.conf': TRAVERSAL.replace('listen 8080;', 'listen 8080;\n  server_tokens off;') }),
      deployment([{ configMap: 'main', mountPath: '/etc/nginx', items: [{ key: 'main', path: 'nginx.conf' }] }]),
    ]);
    expect(found.map(f => [f.object, f.file, f.finding.check, f.finding.where])).toEqual([
      ['ConfigMap/loose', 'loose.conf', 'alias-traversal', 'server > location /static'],
    ]);
  });

  test('a safe configuration, a .conf file that is not nginx text, and other keys give nothing', () => {
    expect(nginxConfigFindings([
      configMap('site', { 'site.conf': SAFE, 'app.conf': '[section]\nkey = value\n', 'redis.conf': 'maxmemory 2mb\nappendonly yes\n', 'x.txt': TRAVERSAL }),
    ])).toEqual([]);
  });

  test('a hostile object shape is ignored, not thrown on', () => {
    expect(nginxConfigFindings([null, 1, { kind: 'ConfigMap' }, { kind: 'ConfigMap', metadata: { name: 'x' }, data: { 'a.conf': 5 } },
      { kind: 'Deployment', spec: { template: { spec: { containers: [{ volumeMounts: [{ name: 'v', mountPath: 7 }] }], volumes: 'no' } } } }])).toEqual([]);
  });
});
