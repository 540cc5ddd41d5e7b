import { ControlSource } from '../../src/policy/control';
import { ControlResult, ControlStatus } from '../../src/policy/engine';
import { renderPolicyReport } from '../../src/policy/report';

/** renderPolicyReport on hand-made results: the whole output, byte for byte. */

const RESULTS: ControlResult[] = [
  {
    control: 'zeta',
    title: 'Zeta | with a pipe\nand a line break',
    references: [],
    status: ControlStatus.FAIL,
    violations: [
      { control: 'zeta', object: 'Service/b', path: '/spec/type', message: 'second\r\nline | pipe' },
      { control: 'zeta', object: 'Deployment/a', path: '/spec/z', message: 'z' },
      { control: 'zeta', object: 'Deployment/a', path: '/spec/a', message: 'y' },
      { control: 'zeta', object: 'Deployment/a', path: '/spec/a', message: 'x' },
    ],
  },
  {
    control: 'alpha',
    title: 'Alpha',
    references: [{ source: ControlSource.KUBE_SCORE, check: 'a-check' }, { source: ControlSource.POLARIS, check: 'aCheck' }],
    status: ControlStatus.OPTED_OUT,
    reason: 'because',
    violations: [],
  },
  { control: 'mid', title: 'Mid', references: [{ source: ControlSource.NSA, check: 'Namespaces' }], status: ControlStatus.WARN, violations: [] },
  { control: 'beta', title: 'Beta', references: [], status: ControlStatus.PASS, violations: [] },
];

const OTHER: ControlResult[] = [
  { control: 'beta', title: 'Beta (other title, ignored: the first workload in name order names it)', references: [], status: ControlStatus.FAIL, violations: [] },
];

const MARKDOWN = [
  '# Policy report: my chart',
  '',
  '2 workload(s), 5 control results: 1 passed, 2 failed, 1 warned, 1 opted out.',
  '',
  '## Controls',
  '',
  '| Control | Sources |',
  '| --- | --- |',
  '| `alpha`: Alpha | kube-score: `a-check`<br>Polaris: `aCheck` |',
  '| `beta`: Beta | this library |',
  '| `mid`: Mid | NSA/CISA: `Namespaces` |',
  '| `zeta`: Zeta \\| with a pipe and a line break | this library |',
  '',
  '## Workload: app/a',
  '',
  '4 controls: 1 passed, 1 failed, 1 warned, 1 opted out.',
  '',
  '### Facts',
  '',
  '| Fact | Value |',
  '| --- | --- |',
  '| a \\| b | line one line two |',
  '| uid | 65532 |',
  '',
  '### Results',
  '',
  '| Control | Status | Reason / violations |',
  '| --- | --- | --- |',
  '| `alpha` | OPTED_OUT | Opted out: because |',
  '| `beta` | PASS |  |',
  '| `mid` | WARN |  |',
  '| `zeta` | FAIL | `Deployment/a` `/spec/a`: x<br>`Deployment/a` `/spec/a`: y<br>`Deployment/a` `/spec/z`: z<br>`Service/b` `/spec/type`: second line \\| pipe |',
  '',
  '## Workload: app/b',
  '',
  '1 controls: 0 passed, 1 failed, 0 warned, 0 opted out.',
  '',
  '### Facts',
  '',
  '(none)',
  '',
  '### Results',
  '',
  '| Control | Status | Reason / violations |',
  '| --- | --- | --- |',
  '| `beta` | FAIL |  |',
  '',
].join('\n');

function render() {
  return renderPolicyReport('my chart', [
    { workload: 'app/b', results: OTHER },
    { workload: 'app/a', results: RESULTS, facts: { 'uid': '65532', 'a | b': 'line one\nline two' } },
  ]);
}

describe('renderPolicyReport', () => {
  test('markdown, exactly', () => {
    expect(render().markdown).toBe(MARKDOWN);
  });

  test('json, exactly', () => {
    const json = render().json;
    expect(json.endsWith('\n')).toBe(true);
    expect(json).toBe(`${JSON.stringify(JSON.parse(json), null, 2)}\n`);
    expect(JSON.parse(json)).toEqual({
      title: 'my chart',
      summary: { workloads: 2, controls: 5, passed: 1, failed: 2, warned: 1, optedOut: 1 },
      controls: [
        { control: 'alpha', title: 'Alpha', references: [{ source: 'kube-score', check: 'a-check' }, { source: 'Polaris', check: 'aCheck' }] },
        { control: 'beta', title: 'Beta', references: [] },
        { control: 'mid', title: 'Mid', references: [{ source: 'NSA/CISA', check: 'Namespaces' }] },
        { control: 'zeta', title: 'Zeta | with a pipe\nand a line break', references: [] },
      ],
      workloads: [
        {
          workload: 'app/a',
          summary: { controls: 4, passed: 1, failed: 1, warned: 1, optedOut: 1 },
          facts: { 'a | b': 'line one\nline two', 'uid': '65532' },
          results: [
            { control: 'alpha', status: 'OPTED_OUT', reason: 'because', violations: [] },
            { control: 'beta', status: 'PASS', violations: [] },
            { control: 'mid', status: 'WARN', violations: [] },
            {
              control: 'zeta',
              status: 'FAIL',
              violations: [
                { object: 'Deployment/a', path: '/spec/a', message: 'x' },
                { object: 'Deployment/a', path: '/spec/a', message: 'y' },
                { object: 'Deployment/a', path: '/spec/z', message: 'z' },
                { object: 'Service/b', path: '/spec/type', message: 'second\r\nline | pipe' },
              ],
            },
          ],
        },
        {
          workload: 'app/b',
          summary: { controls: 1, passed: 0, failed: 1, warned: 0, optedOut: 0 },
          facts: {},
          results: [{ control: 'beta', status: 'FAIL', violations: [] }],
        },
      ],
    });
  });

  test('keys of the json come in a fixed order', () => {
    const doc = JSON.parse(render().json);
    expect(Object.keys(doc)).toEqual(['title', 'summary', 'controls', 'workloads']);
    expect(Object.keys(doc.workloads[0])).toEqual(['workload', 'summary', 'facts', 'results']);
    expect(Object.keys(doc.workloads[0].results[0])).toEqual(['control', 'status', 'reason', 'violations']);
    expect(Object.keys(doc.workloads[0].results[1])).toEqual(['control', 'status', 'violations']);
    expect(Object.keys(doc.workloads[0].facts)).toEqual(['a | b', 'uid']);
  });

  test('does not change its input', () => {
    const before = JSON.stringify(RESULTS);
    render();
    expect(JSON.stringify(RESULTS)).toBe(before);
  });

  test('facts that are not strings are written as strings', () => {
    const doc = JSON.parse(renderPolicyReport('t', [{ workload: 'w', results: [], facts: { n: 3 as unknown as string } }]).json);
    expect(doc.workloads[0].facts).toEqual({ n: '3' });
  });

  test('an empty reason is still shown as opted out', () => {
    const md = renderPolicyReport('t', [{ workload: 'w', results: [{ control: 'c', title: 'C', references: [], status: ControlStatus.OPTED_OUT, reason: '', violations: [] }] }]).markdown;
    expect(md).toContain('| `c` | OPTED_OUT | Opted out:  |');
  });

  test('workloads and controls are sorted in code-point order, not locale order', () => {
    const r = (control: string): ControlResult => ({ control, title: control, references: [], status: ControlStatus.PASS, violations: [] });
    const doc = JSON.parse(renderPolicyReport('t', [
      { workload: 'b', results: [r('b'), r('B'), r('a')] },
      { workload: 'B', results: [] },
      { workload: 'a', results: [] },
    ]).json);
    expect(doc.workloads.map((w: any) => w.workload)).toEqual(['B', 'a', 'b']);
    expect(doc.controls.map((c: any) => c.control)).toEqual(['B', 'a', 'b']);
  });
});

describe('renderPolicyReport: order and reasons', () => {
  const result = (control: string, extra: object = {}) => ({ control, title: `title of ${control}`, references: [], status: 'PASS', violations: [], ...extra }) as any;

  test('controls and workloads come sorted whatever the input order; a reason appears only where there is one', () => {
    const report = JSON.parse(renderPolicyReport('t', [
      { workload: 'w2', results: [result('c'), result('b', { status: 'OPTED_OUT', reason: 'because' }), result('a')] },
      { workload: 'w1', results: [result('b')] },
    ]).json);
    expect(report.controls.map((c: any) => c.control)).toEqual(['a', 'b', 'c']);
    expect(report.workloads.map((w: any) => w.workload)).toEqual(['w1', 'w2']);
    expect(report.workloads[1].results.map((r: any) => r.control)).toEqual(['a', 'b', 'c']);
    // The first workload names b only, the second a and c: the controls table is sorted, not in first-seen order.
    expect(renderPolicyReport('t', [
      { workload: 'w1', results: [result('b')] }, { workload: 'w2', results: [result('c'), result('a')] },
    ]).markdown.match(/^\| `[a-c]`/gm)!.slice(0, 3)).toEqual(['| `a`', '| `b`', '| `c`']);
    expect(report.workloads[1].results.map((r: any) => Object.keys(r))).toEqual([
      ['control', 'status', 'violations'], ['control', 'status', 'reason', 'violations'], ['control', 'status', 'violations'],
    ]);
  });
});
