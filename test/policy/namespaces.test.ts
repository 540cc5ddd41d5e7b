import { findControl } from '../../src/policy/controls';
import { ControlStatus, evaluatePolicy } from '../../src/policy/engine';

/**
 * The namespace rules. `namespace`: no object in `default` or a namespace Kubernetes reserves for itself
 * (prefix `kube-`: kube-system, kube-public, kube-node-lease). `namespace-set` (advisory): every namespaced
 * object sets metadata.namespace, since an unset one lands wherever it is applied, usually `default`.
 * Cluster-scoped kinds have no namespace and are left alone by both.
 */

/** Every cluster-scoped kind the engine knows. */
const CLUSTER_SCOPED = [
  'Namespace', 'Node', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'StorageClass', 'PriorityClass',
  'CustomResourceDefinition', 'APIService', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'IngressClass', 'RuntimeClass', 'CSIDriver',
  'CSINode', 'VolumeAttachment', 'CertificateSigningRequest', 'FlowSchema', 'PriorityLevelConfiguration',
];

/** Namespaced kinds, workloads and others. */
const NAMESPACED = ['ConfigMap', 'Secret', 'Service', 'ServiceAccount', 'Role', 'RoleBinding', 'PersistentVolumeClaim', 'Ingress', 'NetworkPolicy', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'Example'];

function object(kind: string, namespace?: any): any {
  return { apiVersion: 'v1', kind, metadata: { name: 'x', ...(namespace === undefined ? {} : { namespace }) } };
}

function paths(id: string, objects: any[]): Array<[string, string]> {
  return findControl(id)!.check(objects).map(v => [v.object, v.path]);
}

describe('namespace', () => {
  test.each(['default', 'kube-system', 'kube-public', 'kube-node-lease', 'kube-flannel'])("an object in '%s' fails", ns => {
    const v = findControl('namespace')!.check([object('ConfigMap', ns)]);
    expect(v.map(x => [x.object, x.path])).toEqual([['ConfigMap/x', '/metadata/namespace']]);
    expect(v[0].message).toBe(`the object is in namespace '${ns}', shared with everything else; use a namespace of its own, with its own NetworkPolicies, quotas and Pod Security level.`);
  });

  test.each(['web', 'shop-prod', 'kube', 'kubesystem', 'my-kube-system', 'defaults', 'Default', 'kube_system'])("an object in '%s' passes", ns => {
    expect(findControl('namespace')!.check([object('ConfigMap', ns)])).toEqual([]);
  });

  test('an unset or empty namespace is not this control\'s business (namespace-set warns)', () => {
    expect(findControl('namespace')!.check([object('ConfigMap'), object('Secret', ''), object('Service', null)])).toEqual([]);
  });

  test.each(NAMESPACED)('every namespaced object is checked: %s', kind => {
    expect(paths('namespace', [object(kind, 'kube-system')])).toEqual([[`${kind}/x`, '/metadata/namespace']]);
  });

  test.each(CLUSTER_SCOPED)('a cluster-scoped %s is not checked, whatever its metadata says', kind => {
    expect(findControl('namespace')!.check([object(kind, 'default')])).toEqual([]);
  });

  test('objects without kind are ignored', () => {
    expect(findControl('namespace')!.check([{ metadata: { namespace: 'default' } }, null, undefined, 'text'])).toEqual([]);
  });

  test('every offending object is listed', () => {
    expect(paths('namespace', [object('ConfigMap', 'default'), object('Secret', 'web'), object('Service', 'kube-public')]))
      .toEqual([['ConfigMap/x', '/metadata/namespace'], ['Service/x', '/metadata/namespace']]);
  });
});

describe('namespace-set', () => {
  const MESSAGE = 'metadata.namespace is unset, so the object lands in whatever namespace it is applied to (often default); set the namespace of the cdk8s Chart (or metadata.namespace) to a namespace used only by this application.';

  test.each([
    ['no namespace', undefined],
    ['an empty namespace', ''],
    ['a null namespace', null],
  ])('%s warns', (_what, ns) => {
    const v = findControl('namespace-set')!.check([object('ConfigMap', ns)]);
    expect(v).toEqual([{ control: 'namespace-set', object: 'ConfigMap/x', path: '/metadata/namespace', message: MESSAGE }]);
    const result = evaluatePolicy([object('ConfigMap', ns)]).find(r => r.control === 'namespace-set')!;
    expect(result.status).toBe(ControlStatus.WARN);
  });

  test('an object without metadata warns', () => {
    expect(paths('namespace-set', [{ apiVersion: 'v1', kind: 'ConfigMap' }])).toEqual([['ConfigMap/(unnamed)', '/metadata/namespace']]);
  });

  test.each(['web', 'default', 'kube-system'])("namespace '%s' is set", ns => {
    expect(findControl('namespace-set')!.check([object('ConfigMap', ns)])).toEqual([]);
  });

  test.each(NAMESPACED)('every namespaced object is checked: %s', kind => {
    expect(paths('namespace-set', [object(kind)])).toEqual([[`${kind}/x`, '/metadata/namespace']]);
  });

  test.each(CLUSTER_SCOPED)('a cluster-scoped %s needs no namespace', kind => {
    expect(findControl('namespace-set')!.check([object(kind)])).toEqual([]);
    expect(evaluatePolicy([object(kind)]).filter(r => r.status !== ControlStatus.PASS).map(r => r.control)).toEqual([]);
  });

  test('objects without kind are ignored', () => {
    expect(findControl('namespace-set')!.check([{ metadata: { name: 'x' } }, null, undefined, 3])).toEqual([]);
  });

  test('a workload without namespace is matched with policies in default: namespace-set warns, nothing fails', () => {
    const labels = { app: 'a' };
    const objects = [
      { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'ds' }, spec: { template: { metadata: { labels }, spec: { serviceAccountName: 'sa', containers: [] } } } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa', namespace: 'default' }, automountServiceAccountToken: false },
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'np', namespace: 'default' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } },
    ];
    const results = evaluatePolicy(objects);
    const notPassing = results.filter(r => r.status !== ControlStatus.PASS).map(r => [r.control, r.status]);
    // The ServiceAccount and NetworkPolicy sit in 'default' explicitly: that fails `namespace`.
    expect(notPassing).toEqual([
      ['namespace', ControlStatus.FAIL],
      ['namespace-set', ControlStatus.WARN],
      ['termination-grace-period', ControlStatus.FAIL],
    ]);
    expect(results.find(r => r.control === 'namespace')!.violations.map(v => v.object)).toEqual(['NetworkPolicy/np', 'ServiceAccount/sa']);
    expect(results.find(r => r.control === 'namespace-set')!.violations.map(v => v.object)).toEqual(['DaemonSet/ds']);
  });
});
