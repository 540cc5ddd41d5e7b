import { ControlViolation } from '../../src/policy/control';
import { findControl } from '../../src/policy/controls';

/**
 * PodDisruptionBudget arithmetic, as Kubernetes does it:
 *
 * - minAvailable and maxUnavailable take a non-negative integer or a percentage string up to "100%"; the API
 *   server rejects a number written as a string ("1": "a valid percent string must be a numeric string
 *   followed by an ending '%'"), and a budget that sets both.
 * - The disruption controller scales a percentage to the expected pod count and rounds up, for minAvailable
 *   and for maxUnavailable (intstr.GetScaledValueFromIntOrPercent(..., roundUp=true)).
 * - No eviction is possible when maxUnavailable comes to 0 or minAvailable to the pod count or more.
 *
 * The pod count is the HorizontalPodAutoscaler's minReplicas when one scales the workload, else
 * spec.replicas (default 1).
 */

const LABELS = { app: 'web' };

function deployment(replicas: number | undefined): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'web' },
    spec: { ...(replicas === undefined ? {} : { replicas }), template: { metadata: { labels: LABELS }, spec: { containers: [{ name: 'c' }] } } },
  };
}

function budget(spec: any, name = 'web', apiVersion = 'policy/v1'): any {
  return { apiVersion, kind: 'PodDisruptionBudget', metadata: { name, namespace: 'web' }, spec: { selector: { matchLabels: LABELS }, ...spec } };
}

function check(spec: any, replicas: number | undefined, ...more: any[]): ControlViolation[] {
  return findControl('pod-disruption-budget')!.check([deployment(replicas), budget(spec), ...more]);
}

/** [budget spec, replicas, expected violation: path and message, or null when the budget passes]. */
type Case = [any, number | undefined, [string, string] | null];

const BLOCKS_MAX = (v: string) => `PodDisruptionBudget/web has maxUnavailable ${v}: no pod of Deployment/web can ever be evicted, so node drains hang; set maxUnavailable: 1.`;
const BLOCKS_MIN = (v: string, n: number) => `PodDisruptionBudget/web has minAvailable ${v} with ${n} replicas: no pod of Deployment/web can be evicted, so node drains hang; use maxUnavailable: 1 (or minAvailable below the replica count).`;
const INVALID = (field: string, v: string) => `PodDisruptionBudget/web has ${field} ${v}, which the API server rejects; use a non-negative integer (1, not "1") or a percentage up to 100% (such as "50%").`;

const MAX_UNAVAILABLE: Case[] = [
  [{ maxUnavailable: 1 }, 1, null],
  [{ maxUnavailable: 1 }, 3, null],
  [{ maxUnavailable: 2 }, 3, null],
  [{ maxUnavailable: 0 }, 3, ['/spec/maxUnavailable', BLOCKS_MAX('0')]],
  [{ maxUnavailable: '0%' }, 3, ['/spec/maxUnavailable', BLOCKS_MAX('"0%"')]],
  // Rounded up: 1% of 2 pods is 0.02, which allows one eviction.
  [{ maxUnavailable: '1%' }, 2, null],
  [{ maxUnavailable: '10%' }, undefined, null],
  [{ maxUnavailable: '50%' }, 3, null],
  [{ maxUnavailable: '100%' }, 2, null],
  [{ maxUnavailable: '0%' }, undefined, ['/spec/maxUnavailable', BLOCKS_MAX('"0%"')]],
  // Not what the API server accepts.
  [{ maxUnavailable: '1' }, 3, ['/spec/maxUnavailable', INVALID('maxUnavailable', '"1"')]],
  [{ maxUnavailable: '0' }, 3, ['/spec/maxUnavailable', INVALID('maxUnavailable', '"0"')]],
  [{ maxUnavailable: '101%' }, 3, ['/spec/maxUnavailable', INVALID('maxUnavailable', '"101%"')]],
  [{ maxUnavailable: '50.5%' }, 3, ['/spec/maxUnavailable', INVALID('maxUnavailable', '"50.5%"')]],
  [{ maxUnavailable: ' 50%' }, 3, ['/spec/maxUnavailable', INVALID('maxUnavailable', '" 50%"')]],
  [{ maxUnavailable: '50%x' }, 3, ['/spec/maxUnavailable', INVALID('maxUnavailable', '"50%x"')]],
  [{ maxUnavailable: '%' }, 3, ['/spec/maxUnavailable', INVALID('maxUnavailable', '"%"')]],
  [{ maxUnavailable: 'one' }, 3, ['/spec/maxUnavailable', INVALID('maxUnavailable', '"one"')]],
  [{ maxUnavailable: -1 }, 3, ['/spec/maxUnavailable', INVALID('maxUnavailable', '-1')]],
  [{ maxUnavailable: 0.5 }, 3, ['/spec/maxUnavailable', INVALID('maxUnavailable', '0.5')]],
  [{ maxUnavailable: true }, 3, ['/spec/maxUnavailable', INVALID('maxUnavailable', 'true')]],
];

const MIN_AVAILABLE: Case[] = [
  [{ minAvailable: 0 }, 1, null],
  [{ minAvailable: 1 }, 2, null],
  [{ minAvailable: 2 }, 3, null],
  [{ minAvailable: 1 }, 1, ['/spec/minAvailable', BLOCKS_MIN('1', 1)]],
  [{ minAvailable: 1 }, undefined, ['/spec/minAvailable', BLOCKS_MIN('1', 1)]],
  [{ minAvailable: 2 }, 2, ['/spec/minAvailable', BLOCKS_MIN('2', 2)]],
  [{ minAvailable: 5 }, 2, ['/spec/minAvailable', BLOCKS_MIN('5', 2)]],
  [{ minAvailable: '0%' }, 3, null],
  // 50% of 3 pods is 1.5, rounded up to 2: one of 3 may go.
  [{ minAvailable: '50%' }, 3, null],
  [{ minAvailable: '50%' }, 2, null],
  [{ minAvailable: '66%' }, 3, null],
  // 67% of 3 pods is 2.01, rounded up to 3: none may go.
  [{ minAvailable: '67%' }, 3, ['/spec/minAvailable', BLOCKS_MIN('"67%"', 3)]],
  // 51% of 2 pods is 1.02, rounded up to 2: none may go.
  [{ minAvailable: '51%' }, 2, ['/spec/minAvailable', BLOCKS_MIN('"51%"', 2)]],
  [{ minAvailable: '50%' }, 1, ['/spec/minAvailable', BLOCKS_MIN('"50%"', 1)]],
  [{ minAvailable: '90%' }, 10, null],
  [{ minAvailable: '91%' }, 10, ['/spec/minAvailable', BLOCKS_MIN('"91%"', 10)]],
  [{ minAvailable: '100%' }, 2, ['/spec/minAvailable', BLOCKS_MIN('"100%"', 2)]],
  // Not what the API server accepts.
  [{ minAvailable: '1' }, 3, ['/spec/minAvailable', INVALID('minAvailable', '"1"')]],
  [{ minAvailable: '2' }, 2, ['/spec/minAvailable', INVALID('minAvailable', '"2"')]],
  [{ minAvailable: '150%' }, 3, ['/spec/minAvailable', INVALID('minAvailable', '"150%"')]],
  [{ minAvailable: -1 }, 3, ['/spec/minAvailable', INVALID('minAvailable', '-1')]],
  [{ minAvailable: 1.5 }, 3, ['/spec/minAvailable', INVALID('minAvailable', '1.5')]],
];

const BOTH_OR_NEITHER: Case[] = [
  [{}, 2, ['/spec', 'PodDisruptionBudget/web sets neither minAvailable nor maxUnavailable; set maxUnavailable: 1.']],
  [{ maxUnavailable: null, minAvailable: null }, 2, ['/spec', 'PodDisruptionBudget/web sets neither minAvailable nor maxUnavailable; set maxUnavailable: 1.']],
  [{ maxUnavailable: null, minAvailable: 1 }, 2, null],
  [{ maxUnavailable: 1, minAvailable: null }, 2, null],
  [{ maxUnavailable: 1, minAvailable: 1 }, 3, ['/spec', 'PodDisruptionBudget/web sets both minAvailable and maxUnavailable, which the API server rejects; keep only maxUnavailable: 1.']],
  [{ maxUnavailable: '1', minAvailable: 0 }, 3, ['/spec', 'PodDisruptionBudget/web sets both minAvailable and maxUnavailable, which the API server rejects; keep only maxUnavailable: 1.']],
];

function outcome(v: ControlViolation[]): [string, string] | null {
  expect(v.length).toBeLessThanOrEqual(1);
  for (const x of v) expect([x.control, x.object]).toEqual(['pod-disruption-budget', 'PodDisruptionBudget/web']);
  return v.length === 0 ? null : [v[0].path, v[0].message];
}

describe('maxUnavailable', () => {
  test.each(MAX_UNAVAILABLE)('%j with %p replicas', (spec, replicas, expected) => {
    expect(outcome(check(spec, replicas))).toEqual(expected);
  });
});

describe('minAvailable', () => {
  test.each(MIN_AVAILABLE)('%j with %p replicas', (spec, replicas, expected) => {
    expect(outcome(check(spec, replicas))).toEqual(expected);
  });
});

describe('both or neither', () => {
  test.each(BOTH_OR_NEITHER)('%j with %p replicas', (spec, replicas, expected) => {
    expect(outcome(check(spec, replicas))).toEqual(expected);
  });

  test('a budget without spec selects nothing, so the workload has no budget', () => {
    const v = findControl('pod-disruption-budget')!.check([deployment(2), { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'web' } }]);
    expect(v.map(x => [x.object, x.path])).toEqual([['Deployment/web', '/spec/template/metadata/labels']]);
  });
});

describe('the pod count', () => {
  const hpa = (minReplicas: number | undefined, target = { kind: 'Deployment', name: 'web' }, namespace = 'web') => ({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'hpa', namespace },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', ...target }, ...(minReplicas === undefined ? {} : { minReplicas }), maxReplicas: 10 },
  });

  test("an HPA's minReplicas replaces spec.replicas", () => {
    expect(outcome(check({ minAvailable: 2 }, 1, hpa(3)))).toBeNull();
    expect(outcome(check({ minAvailable: 2 }, 5, hpa(2)))).toEqual(['/spec/minAvailable', BLOCKS_MIN('2', 2)]);
    expect(outcome(check({ minAvailable: '50%' }, 5, hpa(1)))).toEqual(['/spec/minAvailable', BLOCKS_MIN('"50%"', 1)]);
  });

  test('an HPA without minReplicas scales down to 1', () => {
    expect(outcome(check({ minAvailable: 1 }, 5, hpa(undefined)))).toEqual(['/spec/minAvailable', BLOCKS_MIN('1', 1)]);
  });

  test.each([
    ['another kind', { kind: 'StatefulSet', name: 'web' }, 'web'],
    ['another name', { kind: 'Deployment', name: 'api' }, 'web'],
    ['another namespace', { kind: 'Deployment', name: 'web' }, 'other'],
  ])('an HPA that targets %s does not count', (_what, target, namespace) => {
    expect(outcome(check({ minAvailable: 2 }, 3, hpa(1, target, namespace)))).toBeNull();
  });
});

describe('several budgets and old API versions', () => {
  test('every budget that selects the pods is checked', () => {
    const v = findControl('pod-disruption-budget')!.check([deployment(3), budget({ maxUnavailable: 1 }, 'good'), budget({ maxUnavailable: 0 }, 'bad')]);
    expect(v.map(x => [x.object, x.path])).toEqual([['PodDisruptionBudget/bad', '/spec/maxUnavailable']]);
  });

  test('a policy/v1beta1 budget is reported on its apiVersion, and its numbers are still checked', () => {
    const v = findControl('pod-disruption-budget')!.check([deployment(2), budget({ minAvailable: 2 }, 'web', 'policy/v1beta1')]);
    expect(v.map(x => [x.path, x.message])).toEqual([
      ['/apiVersion', 'PodDisruptionBudget/web uses policy/v1beta1; use policy/v1 (policy/v1beta1 is gone since Kubernetes 1.25).'],
      ['/spec/minAvailable', BLOCKS_MIN('2', 2)],
    ]);
  });

  test('a budget selecting a DaemonSet, Job or Pod is not checked (the control is for Deployments and StatefulSets)', () => {
    const daemonSet = { ...deployment(undefined), kind: 'DaemonSet' };
    expect(findControl('pod-disruption-budget')!.check([daemonSet, budget({ maxUnavailable: 0 })])).toEqual([]);
  });

  test('a StatefulSet is checked like a Deployment', () => {
    const statefulSet = { ...deployment(3), kind: 'StatefulSet' };
    const v = findControl('pod-disruption-budget')!.check([statefulSet, budget({ minAvailable: '100%' })]);
    expect(v.map(x => x.message)).toEqual([
      'PodDisruptionBudget/web has minAvailable "100%" with 3 replicas: no pod of StatefulSet/web can be evicted, so node drains hang; use maxUnavailable: 1 (or minAvailable below the replica count).',
    ]);
  });
});
