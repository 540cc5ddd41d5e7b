import { ControlReference } from './control';
import { ControlResult, ControlStatus } from './engine';

/** A policy report in two forms with the same content. */
export interface PolicyReport {
  /** Markdown: a summary, the controls with their sources, and per workload its facts and results. */
  readonly markdown: string;
  /** The same as pretty-printed JSON (two-space indent, trailing newline). */
  readonly json: string;
}

/** The policy results of one workload, for `renderPolicyReport`. */
export interface WorkloadPolicyResults {
  /** The workload's name in the report, for example its construct path. */
  readonly workload: string;
  /** The results of `evaluatePolicy` for the workload's objects. */
  readonly results: ControlResult[];
  /**
   * Facts shown beside the results (for example uid, image, file count), key to value.
   * @default - none
   */
  readonly facts?: { [key: string]: string };
}

function byString(a: string, b: string): number {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: Array.prototype.sort only asks whether the result is below 0, so 0 and 1 sort alike, and equal keys are equal rows.
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A Markdown table cell: no line breaks, pipes escaped. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

function sourcesText(refs: ControlReference[]): string {
  if (refs.length === 0) return 'this library';
  return refs.map(x => `${x.source}: \`${x.check}\``).join('<br>');
}

interface Summary { controls: number; passed: number; failed: number; warned: number; optedOut: number }

function summarise(statuses: ControlStatus[]): Summary {
  const count = (s: ControlStatus) => statuses.filter(x => x === s).length;
  return {
    controls: statuses.length,
    passed: count(ControlStatus.PASS),
    failed: count(ControlStatus.FAIL),
    warned: count(ControlStatus.WARN),
    optedOut: count(ControlStatus.OPTED_OUT),
  };
}

function summaryText(s: Summary): string {
  return `${s.passed} passed, ${s.failed} failed, ${s.warned} warned, ${s.optedOut} opted out.`;
}

/**
 * Renders the policy results of one or more workloads (for example every workload of a chart) as Markdown
 * and JSON. Each control and its sources are listed once; then, per workload, its facts and the status of
 * every control with the opt-out reason or the violations. The output depends only on the arguments, not on
 * their order or the time: workloads are sorted by name, controls by ID, violations by object, path and
 * message, facts by key; there are no timestamps. Same input, same bytes.
 *
 * @param title what was checked, for the title (for example the chart's path).
 * @param workloads the results of each workload.
 */
export function renderPolicyReport(title: string, workloads: WorkloadPolicyResults[]): PolicyReport {
  const controlInfo = new Map<string, { control: string; title: string; references: ControlReference[] }>();
  const sections = [...workloads].sort((a, b) => byString(a.workload, b.workload)).map(w => {
    const results = [...w.results].sort((a, b) => byString(a.control, b.control)).map(res => {
      if (!controlInfo.has(res.control)) {
        const references = res.references.map(x => ({ source: x.source, check: x.check }));
        controlInfo.set(res.control, { control: res.control, title: res.title, references });
      }
      return {
        control: res.control,
        status: res.status,
        // JSON leaves an undefined reason out.
        reason: res.reason,
        violations: [...res.violations]
          .sort((a, b) => byString(a.object, b.object) || byString(a.path, b.path) || byString(a.message, b.message))
          .map(v => ({ object: v.object, path: v.path, message: v.message })),
      };
    });
    const facts: { [k: string]: string } = {};
    for (const k of Object.keys(w.facts ?? {}).sort(byString)) facts[k] = String(w.facts![k]);
    return { workload: w.workload, summary: summarise(results.map(r => r.status)), facts, results };
  });
  const controls = [...controlInfo.values()].sort((a, b) => byString(a.control, b.control));
  const summary = { workloads: sections.length, ...summarise(sections.flatMap(s => s.results.map(r => r.status))) };

  const lines: string[] = [
    `# Policy report: ${title}`,
    '',
    `${summary.workloads} workload(s), ${summary.controls} control results: ${summaryText(summary)}`,
    '',
    '## Controls',
    '',
    '| Control | Sources |',
    '| --- | --- |',
    ...controls.map(c => `| \`${c.control}\`: ${cell(c.title)} | ${cell(sourcesText(c.references))} |`),
  ];
  for (const s of sections) {
    lines.push('', `## Workload: ${s.workload}`, '', `${s.summary.controls} controls: ${summaryText(s.summary)}`, '', '### Facts', '');
    const facts = Object.entries(s.facts);
    if (facts.length === 0) {
      lines.push('(none)');
    } else {
      lines.push('| Fact | Value |', '| --- | --- |', ...facts.map(([k, v]) => `| ${cell(k)} | ${cell(v)} |`));
    }
    lines.push('', '### Results', '', '| Control | Status | Reason / violations |', '| --- | --- | --- |');
    for (const r of s.results) {
      const notes: string[] = [];
      if (r.reason !== undefined) notes.push(`Opted out: ${r.reason}`);
      for (const v of r.violations) notes.push(`\`${v.object}\` \`${v.path}\`: ${v.message}`);
      lines.push(`| \`${r.control}\` | ${r.status} | ${cell(notes.join('<br>'))} |`);
    }
  }
  lines.push('');
  const json = `${JSON.stringify({ title, summary, controls, workloads: sections }, null, 2)}\n`;
  return { markdown: lines.join('\n'), json };
}
