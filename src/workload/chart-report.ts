import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { AppOutputs, FilesOutput } from '../output/app-outputs';
import { WorkloadPolicyResults, renderPolicyReport } from '../policy/report';

/** The id of a chart's report construct. */
const REPORT_ID = 'cdk8s-scratch-nginx-report';

/** A workload whose policy results go into its chart's report. */
export interface ReportedWorkload extends IConstruct {
  /** Its results, or undefined while it does not pass. */
  _policyResults(): WorkloadPolicyResults | undefined;
  /** The declared SBOM of the image it runs (CycloneDX JSON). */
  _declaredSbom(): string;
}

/**
 * The hardening report of one chart: `<outdir>/reports/<chart>.md` and `.json`, next to the chart's
 * manifest, with the policy results of every workload in the chart, and the declared SBOM of each workload's
 * image, `<chart>.<workload path in the chart>.sbom.cdx.json`.
 *
 * It renders nothing and writes nothing itself: it gives the app's one writer (`AppOutputs`) the report's
 * files once every workload of the chart passes, and the writer writes them when their content changed.
 * It is a construct under its chart, found by its id (nothing is stashed on the Chart).
 *
 * Internal: not exported from the package.
 */
export class ChartReport extends Construct {
  /** The report of the chart `scope` is in, created on first use. */
  public static of(scope: IConstruct): ChartReport {
    const chart = Chart.of(scope);
    const found = chart.node.tryFindChild(REPORT_ID);
    if (found instanceof ChartReport) return found;
    if (found !== undefined) {
      throw new Error(`the construct id '${REPORT_ID}' in a chart is reserved for cdk8s-scratch-nginx; rename the construct ${found.node.path}.`);
    }
    return new ChartReport(chart);
  }

  private readonly workloads: ReportedWorkload[] = [];
  private last?: { results: ReadonlyArray<WorkloadPolicyResults>; output: FilesOutput };

  private constructor(private readonly chart: Chart) {
    super(chart, REPORT_ID);
    AppOutputs.of(chart).addOutput(this, () => this.output());
  }

  /** Adds a workload to the report. */
  public register(workload: ReportedWorkload): void {
    if (!this.workloads.includes(workload)) this.workloads.push(workload);
  }

  /** The report's file path without extension, relative to the app's output folder. */
  public get relativePath(): string {
    return `reports/${this.chart.node.path.replace(/[^A-Za-z0-9._-]+/g, '-') || 'chart'}`;
  }

  /** The report's files, or undefined while a workload of the chart does not pass (nothing is written). */
  private output(): FilesOutput | undefined {
    const outdir: string | undefined = (App.of(this.chart) as Partial<App>).outdir;
    if (outdir === undefined || this.workloads.length === 0) return undefined;
    const results: WorkloadPolicyResults[] = [];
    for (const w of this.workloads) {
      const r = w._policyResults();
      if (r === undefined) return undefined;
      results.push(r);
    }
    // Unchanged results give the same output object: the writer skips it without comparing contents.
    if (this.last !== undefined && this.last.results.length === results.length && this.last.results.every((r, i) => r === results[i])) {
      return this.last.output;
    }
    const report = renderPolicyReport(this.chart.node.path, results);
    const base = path.join(outdir, this.relativePath);
    const sboms = this.workloads.map(w => ({
      path: `${base}.${path.posix.relative(this.chart.node.path, w.node.path).replace(/[^A-Za-z0-9._-]+/g, '-')}.sbom.cdx.json`,
      content: w._declaredSbom(),
    }));
    const output = { files: [{ path: `${base}.md`, content: report.markdown }, { path: `${base}.json`, content: report.json }, ...sboms] };
    this.last = { results, output };
    return output;
  }
}
