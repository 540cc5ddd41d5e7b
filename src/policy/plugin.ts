import { PolicyOptOut, ControlStatus, evaluatePolicy } from './engine';

/** Properties of the cdk8s CLI validation plugin (the `properties` of its entry in cdk8s.yaml). */
export interface ScratchNginxValidationProps {
  /**
   * Controls the synthesised objects do not meet on purpose, each with the reason.
   * @default - none
   */
  readonly optOuts?: PolicyOptOut[];
}

/**
 * The policy engine as a cdk8s CLI validation plugin, for any cdk8s app, not only this library's charts.
 * In cdk8s.yaml:
 *
 * ```yaml
 * validations:
 *   - package: cdk8s-scratch-nginx
 *     version: <version>
 *     class: ScratchNginxValidation
 *     properties:
 *       optOuts:
 *         - control: image-pull-policy
 *           reason: images are pinned by digest and pulled once per node
 * ```
 *
 * `cdk8s synth` then fails when a control fails, listing each violating object and how to fix it.
 */
export class ScratchNginxValidation {
  private readonly optOuts: PolicyOptOut[];

  constructor(props: ScratchNginxValidationProps = {}) {
    this.optOuts = [...(props.optOuts ?? [])];
  }

  /**
   * Checks every object of every synthesised manifest and submits the report (the cdk8s CLI calls this).
   *
   * @param context the cdk8s CLI `ValidationContext`.
   */
  public async validate(context: any): Promise<void> {
    const objects: any[] = [];
    const manifestOf = new Map<string, string>();
    for (const manifest of context.manifests as string[]) {
      for (const obj of context.parseManifest(manifest) as any[]) {
        if (!obj) continue;
        objects.push(obj);
        // The key is the violations' `Kind/name`.
        manifestOf.set(`${obj.kind}/${obj.metadata?.name ?? '(unnamed)'}`, manifest);
      }
    }
    let results;
    try {
      results = evaluatePolicy(objects, this.optOuts);
    } catch (e) {
      context.report.addViolation({
        ruleName: 'opt-outs',
        recommendation: (e as Error).message,
        fix: 'Correct the optOuts in the properties of this validation in cdk8s.yaml.',
        violatingResources: [],
      });
      context.report.submit('failure');
      return;
    }
    for (const r of results.filter(x => x.status === ControlStatus.FAIL)) {
      context.report.addViolation({
        ruleName: r.control,
        recommendation: `${r.title} (${r.references.map(x => `${x.source}: ${x.check}`).join(', ') || 'cdk8s-scratch-nginx'})`,
        fix: `${r.violations[0]?.message ?? ''} Or opt out: add { control: ${r.control}, reason: ... } to optOuts.`,
        violatingResources: r.violations.map(v => ({ resourceName: v.object, locations: [v.path], manifestPath: manifestOf.get(v.object) ?? '' })),
      });
    }
    const count = (s: ControlStatus) => String(results.filter(x => x.status === s).length);
    context.report.submit(results.some(x => x.status === ControlStatus.FAIL) ? 'failure' : 'success', {
      controls: String(results.length),
      passed: count(ControlStatus.PASS),
      failed: count(ControlStatus.FAIL),
      warned: count(ControlStatus.WARN),
      optedOut: count(ControlStatus.OPTED_OUT),
    });
  }
}
