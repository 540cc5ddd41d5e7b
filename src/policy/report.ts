import { ControlReference } from './controls';
import { ControlResult, ControlStatus } from './engine';

/** A policy report in two forms with the same content. */
export interface PolicyReport {
  /** Markdown: a summary, a facts table and a controls table. */
  readonly markdown: string;
  /** The same as pretty-printed JSON (two-space indent, trailing newline). */
  readonly json: string;
}

function byString(a: string, b: string): number {
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

function sortedFacts(facts: { [k: string]: string }): Array<[string, string]> {
  return Object.keys(facts ?? {}).sort(byString).map(k => [k, String(facts[k])]);
}

/**
 * Renders policy results as Markdown and JSON. The output depends only on the arguments, not on their order
 * or the time: controls are sorted by ID, violations by object, path and message, facts by key; there are no
 * timestamps. Same input, same bytes.
 *
 * @param workload the name of what was checked, for the title (for example the chart or workload name).
 * @param results the results of `evaluatePolicy`.
 * @param facts facts to show beside the results (for example uid, image, file count), key to value.
 */
export function renderPolicyReport(workload: string, results: ControlResult[], facts: { [k: string]: string } = {}): PolicyReport {
  const controls = [...results].sort((a, b) => byString(a.control, b.control)).map(res => ({
    control: res.control,
    title: res.title,
    status: res.status,
    ...(res.reason !== undefined ? { reason: res.reason } : {}),
    references: res.references.map(x => ({ source: x.source, check: x.check })),
    violations: [...res.violations]
      .sort((a, b) => byString(a.object, b.object) || byString(a.path, b.path) || byString(a.message, b.message))
      .map(v => ({ object: v.object, path: v.path, message: v.message })),
  }));
  const count = (s: ControlStatus) => controls.filter(c => c.status === s).length;
  const summary = {
    controls: controls.length,
    passed: count(ControlStatus.PASS),
    failed: count(ControlStatus.FAIL),
    optedOut: count(ControlStatus.OPTED_OUT),
    warned: count(ControlStatus.WARN),
  };
  const factList = sortedFacts(facts);

  const lines: string[] = [
    `# Policy report: ${workload}`,
    '',
    `${summary.controls} controls: ${summary.passed} passed, ${summary.failed} failed, ${summary.warned} warned, ${summary.optedOut} opted out.`,
    '',
    '## Facts',
    '',
  ];
  if (factList.length === 0) {
    lines.push('(none)');
  } else {
    lines.push('| Fact | Value |', '| --- | --- |');
    for (const [k, v] of factList) lines.push(`| ${cell(k)} | ${cell(v)} |`);
  }
  lines.push('', '## Controls', '', '| Control | Sources | Status | Reason / violations |', '| --- | --- | --- | --- |');
  for (const c of controls) {
    const notes: string[] = [];
    if (c.reason !== undefined) notes.push(`Opted out: ${c.reason}`);
    for (const v of c.violations) notes.push(`\`${v.object}\` \`${v.path}\`: ${v.message}`);
    lines.push(`| \`${c.control}\`: ${cell(c.title)} | ${cell(sourcesText(c.references))} | ${c.status} | ${cell(notes.join('<br>'))} |`);
  }
  lines.push('');

  const factObject: { [k: string]: string } = {};
  for (const [k, v] of factList) factObject[k] = v;
  const json = `${JSON.stringify({ workload, summary, facts: factObject, controls }, null, 2)}\n`;
  return { markdown: lines.join('\n'), json };
}
