import { findControl } from '../../src/policy/controls';

/**
 * Label selectors, as the policy engine reads them to decide whether a NetworkPolicy, a PodDisruptionBudget,
 * a topology spread constraint or a pod anti-affinity term selects a workload's pods. The expected outcomes
 * follow Kubernetes' LabelSelector (k8s.io/apimachinery metav1.LabelSelector):
 *
 * - `matchLabels` and `matchExpressions` are ANDed; every requirement must hold.
 * - `In`: the key is present and its value is in `values`. `NotIn`: the key is absent, or its value is not in
 *   `values`. `Exists`: the key is present (any value, even ""). `DoesNotExist`: the key is absent.
 * - An unknown operator makes the selector invalid; the engine treats it as selecting nothing.
 * - An empty selector (`{}`) selects every pod; a missing (null) one selects none: a PodDisruptionBudget in
 *   policy/v1 and a pod anti-affinity term. A NetworkPolicy's podSelector is not a pointer in the API, so a
 *   missing one is the empty selector and selects every pod of its namespace.
 * - A NetworkPolicy and a PodDisruptionBudget select only pods of their own namespace.
 */

type Labels = { [key: string]: string };

const NS = 'web';
const APP = { app: 'web', tier: 'front' };

/** A bare Pod with these labels (Pods are the simplest kind every pod control reads). */
function pod(labels: Labels | undefined, namespace: string | null = NS): any {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', ...(namespace === null ? {} : { namespace }), ...(labels === undefined ? {} : { labels }) },
    spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] },
  };
}

/** A NetworkPolicy with both policy types; `podSelector` left out when undefined. */
function networkPolicy(podSelector: any, namespace: string | null = NS): any {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'np', ...(namespace === null ? {} : { namespace }) },
    spec: { ...(podSelector === undefined ? {} : { podSelector }), policyTypes: ['Ingress', 'Egress'] },
  };
}

/** A Deployment of 3 replicas whose pod template has these labels, spread over nodes. */
function deployment(labels: Labels | undefined, namespace: string | null = NS, spread?: any): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', ...(namespace === null ? {} : { namespace }) },
    spec: {
      replicas: 3,
      template: {
        ...(labels === undefined ? {} : { metadata: { labels } }),
        spec: { ...spread, containers: [{ name: 'c', image: 'nginx:1.27' }] },
      },
    },
  };
}

/** A policy/v1 PodDisruptionBudget allowing one eviction; `selector` left out when undefined. */
function pdb(selector: any, namespace: string | null = NS, apiVersion = 'policy/v1'): any {
  return {
    apiVersion,
    kind: 'PodDisruptionBudget',
    metadata: { name: 'b', ...(namespace === null ? {} : { namespace }) },
    spec: { maxUnavailable: 1, ...(selector === undefined ? {} : { selector }) },
  };
}

/**
 * Whether the NetworkPolicy selects the Pod. Exactly two outcomes are possible, and both are pinned: no
 * violation, or the Pod uncovered and the NetworkPolicy selecting nothing.
 */
function npSelects(podSelector: any, labels: Labels | undefined, nsPod: string | null = NS, nsPolicy: string | null = NS): boolean {
  const v = findControl('network-policy')!.check([pod(labels, nsPod), networkPolicy(podSelector, nsPolicy)]);
  if (v.length === 0) return true;
  expect(v.map(x => [x.object, x.path])).toEqual([['Pod/p', '/metadata/labels'], ['NetworkPolicy/np', '/spec/podSelector']]);
  return false;
}

/** Whether the PodDisruptionBudget selects the Deployment's pods; when not, the one violation is pinned. */
function pdbSelects(selector: any, labels: Labels | undefined, nsWorkload: string | null = NS, nsBudget: string | null = NS): boolean {
  const v = findControl('pod-disruption-budget')!.check([deployment(labels, nsWorkload), pdb(selector, nsBudget)]);
  if (v.length === 0) return true;
  expect(v.map(x => [x.object, x.path])).toEqual([['Deployment/d', '/spec/template/metadata/labels']]);
  expect(v[0].message).toContain('no PodDisruptionBudget in namespace');
  return false;
}

/** Whether a hostname topology spread constraint with this labelSelector counts the Deployment's pods. */
function spreadSelects(labelSelector: any, labels: Labels | undefined): boolean {
  const constraint = { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector };
  const v = findControl('spread')!.check([deployment(labels, NS, { topologySpreadConstraints: [constraint] })]);
  if (v.length === 0) return true;
  expect(v.map(x => x.path)).toEqual(['/spec/template/spec/topologySpreadConstraints']);
  return false;
}

/** Whether a required host pod anti-affinity term with this labelSelector selects the Deployment's pods. */
function antiAffinitySelects(labelSelector: any, labels: Labels | undefined): boolean {
  const term = { topologyKey: 'kubernetes.io/hostname', ...(labelSelector === undefined ? {} : { labelSelector }) };
  const affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } };
  const v = findControl('spread')!.check([deployment(labels, NS, { affinity })]);
  if (v.length === 0) return true;
  expect(v.map(x => x.path)).toEqual(['/spec/template/spec/topologySpreadConstraints']);
  return false;
}

const expr = (key: string, operator: string, values?: string[]) => ({ key, operator, ...(values === undefined ? {} : { values }) });

/** [what, selector, pod labels, selected]: the same semantics for every kind of selector. */
const CASES: Array<[string, any, Labels, boolean]> = [
  // Empty selectors.
  ['{} selects a labelled pod', {}, APP, true],
  ['{} selects a pod without labels', {}, {}, true],
  ['empty matchLabels and matchExpressions select everything', { matchLabels: {}, matchExpressions: [] }, APP, true],
  // matchLabels.
  ['matchLabels equal to the labels', { matchLabels: APP }, APP, true],
  ['matchLabels a subset of the labels', { matchLabels: { app: 'web' } }, APP, true],
  ['matchLabels with another value', { matchLabels: { app: 'api' } }, APP, false],
  ['matchLabels with a key the pod lacks', { matchLabels: { app: 'web', env: 'prod' } }, APP, false],
  ['matchLabels against a pod without labels', { matchLabels: { app: 'web' } }, {}, false],
  ['matchLabels value "" against a pod without the key', { matchLabels: { env: '' } }, APP, false],
  // In.
  ['In: the value is listed', { matchExpressions: [expr('app', 'In', ['api', 'web'])] }, APP, true],
  ['In: the value is not listed', { matchExpressions: [expr('app', 'In', ['api'])] }, APP, false],
  ['In: the key is absent', { matchExpressions: [expr('env', 'In', ['prod'])] }, APP, false],
  ['In: no values', { matchExpressions: [expr('app', 'In')] }, APP, false],
  ['In: an empty value listed, the key absent', { matchExpressions: [expr('env', 'In', [''])] }, APP, false],
  ['In: an empty value listed and set', { matchExpressions: [expr('env', 'In', [''])] }, { ...APP, env: '' }, true],
  // NotIn.
  ['NotIn: the value is listed', { matchExpressions: [expr('app', 'NotIn', ['api', 'web'])] }, APP, false],
  ['NotIn: the value is not listed', { matchExpressions: [expr('app', 'NotIn', ['api'])] }, APP, true],
  ['NotIn: the key is absent (Kubernetes: matches)', { matchExpressions: [expr('env', 'NotIn', ['prod'])] }, APP, true],
  ['NotIn: no values', { matchExpressions: [expr('app', 'NotIn')] }, APP, true],
  // Exists.
  ['Exists: the key is present', { matchExpressions: [expr('tier', 'Exists')] }, APP, true],
  ['Exists: the key is present with an empty value', { matchExpressions: [expr('env', 'Exists')] }, { ...APP, env: '' }, true],
  ['Exists: the key is absent', { matchExpressions: [expr('env', 'Exists')] }, APP, false],
  ['Exists: an inherited property name is not a label', { matchExpressions: [expr('constructor', 'Exists')] }, APP, false],
  // DoesNotExist.
  ['DoesNotExist: the key is absent', { matchExpressions: [expr('env', 'DoesNotExist')] }, APP, true],
  ['DoesNotExist: the key is present', { matchExpressions: [expr('tier', 'DoesNotExist')] }, APP, false],
  ['DoesNotExist: the key is present with an empty value', { matchExpressions: [expr('env', 'DoesNotExist')] }, { ...APP, env: '' }, false],
  ['DoesNotExist: an inherited property name is not a label', { matchExpressions: [expr('toString', 'DoesNotExist')] }, APP, true],
  // Invalid operators select nothing.
  ['an unknown operator', { matchExpressions: [expr('app', 'Equals', ['web'])] }, APP, false],
  ['an operator in the wrong case', { matchExpressions: [expr('app', 'in', ['web'])] }, APP, false],
  ['a missing operator', { matchExpressions: [{ key: 'app', values: ['web'] }] }, APP, false],
  // AND of everything.
  ['matchLabels and matchExpressions both hold', { matchLabels: { app: 'web' }, matchExpressions: [expr('tier', 'In', ['front'])] }, APP, true],
  ['matchLabels hold, matchExpressions do not', { matchLabels: { app: 'web' }, matchExpressions: [expr('tier', 'In', ['back'])] }, APP, false],
  ['matchExpressions hold, matchLabels do not', { matchLabels: { app: 'api' }, matchExpressions: [expr('tier', 'In', ['front'])] }, APP, false],
  ['every expression holds', { matchExpressions: [expr('app', 'In', ['web']), expr('tier', 'NotIn', ['back']), expr('tier', 'Exists'), expr('env', 'DoesNotExist')] }, APP, true],
  ['the first expression holds, the last does not', { matchExpressions: [expr('app', 'In', ['web']), expr('tier', 'Exists'), expr('app', 'DoesNotExist')] }, APP, false],
  ['the last expression holds, the first does not', { matchExpressions: [expr('app', 'NotIn', ['web']), expr('tier', 'Exists')] }, APP, false],
  ['NotIn and Exists together require the key', { matchExpressions: [expr('env', 'Exists'), expr('env', 'NotIn', ['prod'])] }, APP, false],
];

describe('label selector semantics', () => {
  test.each(CASES)('NetworkPolicy podSelector: %s', (_what, selector, labels, selected) => {
    expect(npSelects(selector, labels)).toBe(selected);
  });

  test.each(CASES)('PodDisruptionBudget selector: %s', (_what, selector, labels, selected) => {
    expect(pdbSelects(selector, labels)).toBe(selected);
  });

  test.each(CASES)('topology spread labelSelector: %s', (_what, selector, labels, selected) => {
    expect(spreadSelects(selector, labels)).toBe(selected);
  });

  test.each(CASES)('pod anti-affinity labelSelector: %s', (_what, selector, labels, selected) => {
    expect(antiAffinitySelects(selector, labels)).toBe(selected);
  });
});

describe('missing selectors', () => {
  test('a NetworkPolicy without podSelector selects every pod of its namespace', () => {
    expect(npSelects(undefined, APP)).toBe(true);
    expect(npSelects(undefined, {})).toBe(true);
  });

  test('a NetworkPolicy with podSelector null selects every pod of its namespace', () => {
    expect(npSelects(null, APP)).toBe(true);
  });

  test('a PodDisruptionBudget without selector selects nothing', () => {
    expect(pdbSelects(undefined, APP)).toBe(false);
    expect(pdbSelects(undefined, {})).toBe(false);
  });

  test('a PodDisruptionBudget with selector null selects nothing', () => {
    expect(pdbSelects(null, APP)).toBe(false);
  });

  test('a pod anti-affinity term without labelSelector selects nothing', () => {
    expect(antiAffinitySelects(undefined, APP)).toBe(false);
    expect(antiAffinitySelects(null, APP)).toBe(false);
  });

  test('a topology spread constraint without labelSelector counts no pods, and says so', () => {
    const constraint = { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule' };
    const v = findControl('spread')!.check([deployment(APP, NS, { topologySpreadConstraints: [constraint] })]);
    expect(v.map(x => x.path)).toEqual([
      '/spec/template/spec/topologySpreadConstraints/0/labelSelector',
      '/spec/template/spec/topologySpreadConstraints',
    ]);
  });
});

describe('pods without labels', () => {
  test('a pod template without metadata has no labels: only {} selects it', () => {
    expect(npSelects({}, undefined)).toBe(true);
    expect(npSelects({ matchLabels: { app: 'web' } }, undefined)).toBe(false);
    expect(npSelects({ matchExpressions: [expr('app', 'DoesNotExist')] }, undefined)).toBe(true);
    expect(pdbSelects({}, undefined)).toBe(true);
    expect(pdbSelects({ matchLabels: { app: 'web' } }, undefined)).toBe(false);
    expect(pdbSelects({ matchExpressions: [expr('app', 'NotIn', ['web'])] }, undefined)).toBe(true);
  });

  test('the fix names the labels to select, {} when there are none', () => {
    const [v] = findControl('pod-disruption-budget')!.check([deployment(undefined)]);
    expect(v.message).toContain('selector.matchLabels {}');
    const [w] = findControl('network-policy')!.check([deployment(APP)]);
    expect(w.message).toContain(`podSelector.matchLabels ${JSON.stringify(APP)}`);
  });
});

describe('selectors apply within their own namespace', () => {
  /** [what, namespace of the workload, namespace of the policy or budget, selected] (null: unset). */
  const NAMESPACES: Array<[string, string | null, string | null, boolean]> = [
    ['same namespace', 'web', 'web', true],
    ['another namespace', 'web', 'other', false],
    ['the policy in another namespace than an unset one', null, 'other', false],
    ['the workload in another namespace than an unset one', 'other', null, false],
    ['both unset (both land in the namespace they are applied to)', null, null, true],
    ["unset and 'default' count as the same namespace", null, 'default', true],
    ["'default' and unset count as the same namespace", 'default', null, true],
    ["an empty namespace is unset: 'default'", '', 'default', true],
    ['names differing only in case are different namespaces', 'web', 'Web', false],
  ];

  test.each(NAMESPACES)('NetworkPolicy with {}: %s', (_what, nsWorkload, nsPolicy, selected) => {
    expect(npSelects({}, APP, nsWorkload, nsPolicy)).toBe(selected);
  });

  test.each(NAMESPACES)('NetworkPolicy with matching labels: %s', (_what, nsWorkload, nsPolicy, selected) => {
    expect(npSelects({ matchLabels: APP }, APP, nsWorkload, nsPolicy)).toBe(selected);
  });

  test.each(NAMESPACES)('PodDisruptionBudget with {}: %s', (_what, nsWorkload, nsBudget, selected) => {
    expect(pdbSelects({}, APP, nsWorkload, nsBudget)).toBe(selected);
  });

  test.each(NAMESPACES)('PodDisruptionBudget with matching labels: %s', (_what, nsWorkload, nsBudget, selected) => {
    expect(pdbSelects({ matchLabels: APP }, APP, nsWorkload, nsBudget)).toBe(selected);
  });

  test('the uncovered pod is reported with the namespace it lands in', () => {
    const [v] = findControl('network-policy')!.check([pod(APP, null), networkPolicy({}, 'other')]);
    expect(v.message).toMatch(/^no NetworkPolicy in namespace 'default' selects the pods of Pod\/p;/);
    const [w] = findControl('pod-disruption-budget')!.check([deployment(APP, 'web'), pdb({}, 'other')]);
    expect(w.message).toMatch(/^no PodDisruptionBudget in namespace 'web' selects the pods of Deployment\/d;/);
  });

  test('a NetworkPolicy that selects pods only in another namespace is reported as selecting nothing', () => {
    const elsewhere = { ...networkPolicy({}, 'other'), metadata: { name: 'elsewhere', namespace: 'other' } };
    const v = findControl('network-policy')!.check([pod(APP, 'web'), networkPolicy({}, 'web'), elsewhere]);
    expect(v.map(x => [x.object, x.path])).toEqual([['NetworkPolicy/elsewhere', '/spec/podSelector']]);
    expect(v[0].message).toMatch(/^NetworkPolicy\/elsewhere selects no pod of these objects;/);
  });
});
