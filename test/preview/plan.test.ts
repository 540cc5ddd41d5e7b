import { PreviewError, planPreview, repositoryName } from '../../src/preview/plan';
import { manifests, synthExample } from '../helpers/synth';

/** The preview plan over real synth outputs: what changes in the copy, and what must not. */
describe('planPreview on the examples', () => {
  const seed = manifests(synthExample('seed'));
  const proxy = manifests(synthExample('reverse-proxy'));
  const contexts = [{ dir: 'images/nginx-scratch' }];

  test('one replica, the local image never pulled, each container port published; the rest of the pod as committed', () => {
    const deployment = seed.find(o => o.kind === 'Deployment');
    const image = deployment.spec.template.spec.containers[0].image;
    const plan = planPreview(seed, [{ dir: `images/${repositoryName(image)}` }]);
    expect(plan.deployment).toBe(deployment.metadata.name);
    expect(plan.builds).toEqual([{ contextDir: `images/${repositoryName(image)}`, tag: `localhost/cdk8s-scratch-nginx-preview/${repositoryName(image)}:preview`, replaces: image }]);
    const copy = plan.objects[0];
    expect(copy.spec.replicas).toBe(1);
    const [container] = copy.spec.template.spec.containers;
    const [committed] = deployment.spec.template.spec.containers;
    expect(container.image).toBe(plan.builds[0].tag);
    expect(container.imagePullPolicy).toBe('Never');
    expect(container.ports).toEqual(committed.ports.map((p: any) => ({ ...p, hostPort: p.containerPort })));
    // Only image, pull policy and host ports differ: the hardening stays.
    const { image: _i, imagePullPolicy: _p, ports: _o, ...restCopy } = container;
    const { image: _j, imagePullPolicy: _q, ports: _r, ...restCommitted } = committed;
    expect(restCopy).toEqual(restCommitted);
    expect({ ...copy.spec.template.spec, containers: [] }).toEqual({ ...deployment.spec.template.spec, containers: [] });
    // The synth output itself is untouched.
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
    expect(committed.imagePullPolicy).not.toBe('Never');
    expect(plan.url).toBe(`http://localhost:${committed.ports[0].containerPort}/`);
    expect(plan.readyUrl).toBe(`http://127.0.0.1:${committed.ports[0].containerPort}${committed.readinessProbe.httpGet.path}`);
  });

  test('--port moves every published port by the same distance', () => {
    const plan = planPreview(seed, contexts, { hostPort: 18080 });
    const ports = seed.find(o => o.kind === 'Deployment').spec.template.spec.containers[0].ports;
    expect(plan.hostPorts).toEqual(ports.map((p: any) => p.containerPort - ports[0].containerPort + 18080));
    expect(plan.url).toBe('http://localhost:18080/');
    expect(() => planPreview(seed, contexts, { hostPort: 0 })).toThrow(/host port 0 must be an integer from 1 to 65535/);
    expect(() => planPreview(seed, contexts, { hostPort: 70000 })).toThrow(PreviewError);
  });

  test('the ConfigMaps the pod mounts go with it, and nothing else', () => {
    const site = manifests(synthExample('static-site'));
    const plan = planPreview(site, contexts);
    const mounted = site.find(o => o.kind === 'Deployment').spec.template.spec.volumes.filter((v: any) => v.configMap).map((v: any) => v.configMap.name).sort();
    expect(mounted.length).toBeGreaterThan(0);
    expect(plan.objects.slice(1).map(o => [o.kind, o.metadata.name]).sort()).toEqual(mounted.map((n: string) => ['ConfigMap', n]));
  });

  test('a pod that mounts a TLS Secret the output does not hold is refused, naming the Secret', () => {
    expect(() => planPreview(proxy, [{ dir: 'images/a' }])).toThrow(/mounts the Secret .*tls.*which the synth output does not hold/);
  });
});

describe('planPreview chooses, or says how to choose', () => {
  const deployment = (name: string, image: string) => ({
    kind: 'Deployment',
    metadata: { name },
    spec: { replicas: 2, template: { spec: { containers: [{ name: 'nginx', image, ports: [{ containerPort: 8080 }] }] } } },
  });

  test('several Deployments need --deployment, and a wrong name lists the right ones', () => {
    const objects = [deployment('a', 'r/a:1'), deployment('b', 'r/b:1')];
    expect(() => planPreview(objects, [{ dir: 'images/a' }])).toThrow('the synth output has 2 Deployments (a, b): choose one with --deployment <name>.');
    expect(planPreview(objects, [{ dir: 'images/a' }, { dir: 'images/b' }], { deployment: 'b' }).builds[0].contextDir).toBe('images/b');
    expect(() => planPreview(objects, [], { deployment: 'c' })).toThrow('no Deployment named "c" in the synth output; it has: a, b.');
    expect(() => planPreview([], [])).toThrow(/has no Deployment/);
  });

  test('the context is the one named after the image, the only one, or the one given', () => {
    const objects = [deployment('a', 'registry.example.com:5000/web/site:1.0@sha256:abc')];
    expect(planPreview(objects, [{ dir: 'images/other' }, { dir: 'images/site' }]).builds[0].contextDir).toBe('images/site');
    expect(planPreview(objects, [{ dir: 'custom' }]).builds[0].contextDir).toBe('custom');
    expect(() => planPreview(objects, [{ dir: 'images/x' }, { dir: 'images/y' }])).toThrow('no build context is named after the image "registry.example.com:5000/web/site:1.0@sha256:abc"; choose one of images/x, images/y with --context <folder>.');
    expect(planPreview(objects, [{ dir: 'images/x' }, { dir: 'images/y' }], { context: 'images/y' }).builds[0].contextDir).toBe('images/y');
    expect(() => planPreview(objects, [{ dir: 'images/x' }], { context: 'images/z' })).toThrow(/is not a build context/);
    expect(() => planPreview(objects, [])).toThrow(/no image build context/);
  });

  test('repositoryName drops registry, path, tag and digest', () => {
    expect(repositoryName('nginx')).toBe('nginx');
    expect(repositoryName('localhost:5000/a/b:1')).toBe('b');
    expect(repositoryName('r/site@sha256:00')).toBe('site');
  });
});
