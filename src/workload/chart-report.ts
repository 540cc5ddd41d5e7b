import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { WorkloadPolicyResults, renderPolicyReport } from '../policy/report';

/** The id of a chart's report construct. */
const REPORT_ID = 'cdk8s-scratch-nginx-report';

/**
 * The hardening report of one chart: `<outdir>/reports/<chart>.md` and `.json`, next to the chart's
 * manifest, with the policy results of every workload in the chart.
 *
 * cdk8s has no hook after validation, so each workload records its outcome when it validates, and the
 * outcome that completes the set (every workload of the chart checked and passing) writes the files.
 * A later validation pass with unchanged outcomes (cdk8s validates the whole app once per chart) writes
 * nothing; a changed outcome writes the report again once the set is complete and passing.
 *
 * It is a construct under its chart, found by its id (nothing is stashed on the Chart); it renders nothing.
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

  private readonly outcomes = new Map<IConstruct, WorkloadPolicyResults | undefined>();
  private notPassing = 0;
  private version = 0;
  private writtenVersion = -1;

  private constructor(private readonly chart: Chart) {
    super(chart, REPORT_ID);
  }

  /** Adds a workload whose outcome is not known yet. */
  public register(workload: IConstruct): void {
    if (this.outcomes.has(workload)) return;
    this.outcomes.set(workload, undefined);
    this.notPassing++;
    this.version++;
  }

  /**
   * Records a workload's outcome: its results when it passes, undefined when it fails. Writes the report
   * when this completes a passing set that was not written yet.
   */
  public record(workload: IConstruct, passed: WorkloadPolicyResults | undefined): void {
    const previous = this.outcomes.get(workload);
    if (previous === passed) return;
    this.notPassing += (passed === undefined ? 1 : 0) - (previous === undefined ? 1 : 0);
    this.outcomes.set(workload, passed);
    this.version++;
    if (this.notPassing === 0 && this.version !== this.writtenVersion) {
      this.writtenVersion = this.version;
      this.write();
    }
  }

  /** The report's file path without extension, relative to the app's output folder. */
  public get relativePath(): string {
    return `reports/${this.chart.node.path.replace(/[^A-Za-z0-9._-]+/g, '-') || 'chart'}`;
  }

  private write(): void {
    const outdir: string | undefined = (App.of(this.chart) as Partial<App>).outdir;
    if (outdir === undefined) return;
    const report = renderPolicyReport(this.chart.node.path, [...this.outcomes.values()] as WorkloadPolicyResults[]);
    const base = path.join(outdir, this.relativePath);
    fs.mkdirSync(path.dirname(base), { recursive: true });
    fs.writeFileSync(`${base}.md`, report.markdown);
    fs.writeFileSync(`${base}.json`, report.json);
  }
}
