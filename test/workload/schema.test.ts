import * as fs from 'fs';
import { Chart, Testing } from 'cdk8s';
import { NginxImage } from '../../src/image/nginx-image';
import { NginxConfig } from '../../src/nginx/config';
import { NginxWorkload } from '../../src/workload/nginx-workload';
import { ConfigDelivery } from '../../src/workload/options';
import { validateSchema } from '../helpers/schema';
import { EXAMPLES, manifests, synthExample } from '../helpers/synth';

describe('every synthesised object validates against the Kubernetes JSON schema (kubernetes-models 4.x)', () => {
  test.each(EXAMPLES)('example %s', (name) => {
    const outdir = synthExample(name);
    try {
      const objects = manifests(outdir);
      expect(objects.length).toBeGreaterThan(3);
      for (const o of objects) expect(() => validateSchema(o)).not.toThrow();
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('every option turned on: ConfigMaps, TLS Secret, HPA, Namespace, peers', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'all', { namespace: 'web' });
    const config = new NginxConfig({
      upstreams: [{ name: 'api', servers: ['api:8080'] }],
      servers: [{ name: 'www' }, { name: 'secure', port: 8443, tls: { secretName: 'secure-tls' } }],
    });
    config.servers[0].addProxy('/api/', 'api');
    new NginxWorkload(chart, 'w', {
      image: new NginxImage({ config }),
      configDelivery: ConfigDelivery.CONFIG_MAP,
      autoscaling: { maxReplicas: 6 },
      createNamespace: true,
      ingressPeers: [{ podLabels: { app: 'ingress' }, namespaceLabels: { team: 'edge' } }, { cidr: '10.0.0.0/8' }],
    });
    const objects = Testing.synth(chart);
    expect(objects.map(o => o.kind).sort()).toEqual(['ConfigMap', 'ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'Namespace', 'NetworkPolicy', 'PodDisruptionBudget', 'Service', 'ServiceAccount']);
    for (const o of objects) expect(() => validateSchema(o)).not.toThrow();
  });

  test('the validator rejects a broken object', () => {
    const bad = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { selector: {}, template: { spec: { containers: [{ name: 'a', image: 'b', ports: [{ containerPort: '8080' }] }] } } } };
    expect(() => validateSchema(bad)).toThrow(/containerPort must be integer/);
    expect(() => validateSchema({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'x' }, spec: { maxUnavailable: [] } })).toThrow();
  });
});
