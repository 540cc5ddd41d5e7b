import { CONTROLS } from './controls';
import { PolicyOptOut, ControlStatus, evaluatePolicy } from './engine';
import { nginxConfigFindings } from './nginx-configs';
import { Severity } from '../nginx/findings';

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
 *   - package: ./node_modules/cdk8s-scratch-nginx
 *     class: ScratchNginxValidation
 *     properties:
 *       optOuts:
 *         - control: image-pull-policy
 *           reason: images are pinned by digest and pulled once per node
 * ```
 *
 * `cdk8s synth` then fails when a control fails, listing each violating object (its construct path, manifest,
 * name, kind and field) and how to fix it; the summary names the controls that warn.
 *
 * nginx configurations the manifests deliver in ConfigMaps (an `nginx.conf` a pod mounts, with the files it
 * includes, or any `.conf` key holding nginx blocks) get the library's security checks too: an error fails the
 * synth as a `nginx/<check>` violation, warnings are listed in the summary.
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
      // Pod Security Standards controls cannot be opted out of: their fix is the manifest's.
      const optOut = CONTROLS.find(c => c.id === r.control)?.pss ? '' : ` Or opt out: add { control: ${r.control}, reason: ... } to optOuts.`;
      context.report.addViolation({
        ruleName: r.control,
        recommendation: `${r.title} (${r.references.map(x => `${x.source}: ${x.check}`).join(', ') || 'cdk8s-scratch-nginx'})`,
        fix: `${r.violations[0]?.message ?? ''}${optOut}`,
        // The CLI finds the construct path by the object's name (construct-metadata.json); the kind goes with the field.
        violatingResources: r.violations.map(v => {
          const slash = v.object.indexOf('/');
          return {
            resourceName: slash < 0 ? v.object : v.object.slice(slash + 1),
            locations: [`${slash < 0 ? '' : `${v.object.slice(0, slash)} `}${v.path}`],
            manifestPath: manifestOf.get(v.object) ?? '',
          };
        }),
      });
    }
    // The nginx configurations the manifests deliver in ConfigMaps get the library's security checks.
    const nginx = nginxConfigFindings(objects);
    const nginxErrors = nginx.filter(n => n.finding.severity === Severity.ERROR);
    for (const n of nginxErrors) {
      const slash = n.object.indexOf('/');
      context.report.addViolation({
        ruleName: `nginx/${n.finding.check}`,
        recommendation: `${n.finding.where} in ${n.file}: ${n.finding.message}`,
        fix: `Change ${n.file} in ${n.object} as the recommendation says.`,
        violatingResources: [{
          resourceName: n.object.slice(slash + 1),
          locations: [`ConfigMap data.${n.file.includes('/') ? n.file.slice(n.file.lastIndexOf('/') + 1) : n.file}`],
          manifestPath: manifestOf.get(n.object) ?? '',
        }],
      });
    }
    const nginxWarnings = nginx.filter(n => n.finding.severity === Severity.WARNING);
    const count = (s: ControlStatus) => String(results.filter(x => x.status === s).length);
    const warned = results.filter(x => x.status === ControlStatus.WARN);
    context.report.submit(results.some(x => x.status === ControlStatus.FAIL) || nginxErrors.length > 0 ? 'failure' : 'success', {
      controls: String(results.length),
      passed: count(ControlStatus.PASS),
      failed: count(ControlStatus.FAIL),
      warned: count(ControlStatus.WARN),
      ...(warned.length > 0 ? { warnings: warned.map(r => `${r.control} (${[...new Set(r.violations.map(v => v.object))].join(', ')})`).join('; ') } : {}),
      optedOut: count(ControlStatus.OPTED_OUT),
      ...(nginxErrors.length > 0 ? { nginxConfigErrors: String(nginxErrors.length) } : {}),
      ...(nginxWarnings.length > 0
        ? { nginxConfigWarnings: nginxWarnings.map(n => `${n.object} ${n.file}: ${n.finding.where}: ${n.finding.message} [${n.finding.check}]`).join('\n') }
        : {}),
    });
  }
}
