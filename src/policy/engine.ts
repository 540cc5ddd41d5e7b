import { ControlReference, ControlViolation } from './control';
import { CONTROLS } from './controls';

/** A decision not to meet one control, with the reason recorded in the report. */
export interface PolicyOptOut {
  /** The control's ID, for example `image-pull-policy`. Pod Security Standards controls (`pss-*`) cannot be opted out of. */
  readonly control: string;
  /** Why the workload does not meet it, for the report (for example "node-local image, no registry"). */
  readonly reason: string;
}

/** The outcome of one control. */
export enum ControlStatus {
  /** No violations. */
  PASS = 'PASS',
  /** At least one violation, and no opt-out. */
  FAIL = 'FAIL',
  /** Opted out with a reason; the violations, if any, are still listed. */
  OPTED_OUT = 'OPTED_OUT',
  /** A recommendation is not met (for example an image pinned by tag, not digest): reported, not failing. */
  WARN = 'WARN',
}

/** One control's result over a set of synthesised objects. */
export interface ControlResult {
  /** The control's ID. */
  readonly control: string;
  /** What the control asks for. */
  readonly title: string;
  /** The tools and standards that ask for it, with their own check names. */
  readonly references: ControlReference[];
  /** PASS, FAIL, WARN or OPTED_OUT. */
  readonly status: ControlStatus;
  /** The opt-out's reason, when opted out. */
  readonly reason?: string;
  /** Every violation, sorted by object, path and message; also listed when opted out. */
  readonly violations: ControlViolation[];
}

function byString(a: string, b: string): number {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: Array.prototype.sort only asks whether the result is below 0, so 0 and 1 sort alike, and equal keys are equal rows.
  return a < b ? -1 : a > b ? 1 : 0;
}

/** By object, path, message: code-point order, the same on every machine. */
function compareViolations(a: ControlViolation, b: ControlViolation): number {
  return byString(a.object, b.object) || byString(a.path, b.path) || byString(a.message, b.message);
}

/** Checks the opt-outs and returns them by control ID; throws with the fix on a bad one. */
function validateOptOuts(optOuts: PolicyOptOut[]): Map<string, PolicyOptOut> {
  const byId = new Map<string, PolicyOptOut>();
  for (const o of optOuts) {
    const control = CONTROLS.find(c => c.id === o?.control);
    if (!control) {
      throw new Error(`Policy opt-out names unknown control '${o?.control}'; use one of: ${CONTROLS.filter(c => !c.pss).map(c => c.id).join(', ')}.`);
    }
    if (control.pss) {
      throw new Error(`Policy opt-out of '${control.id}' is not allowed: it is a Pod Security Standards "restricted" control, which the API server enforces in a restricted namespace. Fix the manifest instead (${control.title}).`);
    }
    if (typeof o.reason !== 'string' || o.reason.trim() === '') {
      throw new Error(`Policy opt-out of '${control.id}' has an empty reason; say why the workload does not meet "${control.title}", for the report.`);
    }
    if (byId.has(control.id)) {
      throw new Error(`Policy opt-out of '${control.id}' is listed twice; keep one, with one reason.`);
    }
    byId.set(control.id, o);
  }
  return byId;
}

/**
 * Runs every control over synthesised Kubernetes objects (the array `Chart.toJson()` or `Testing.synth`
 * gives) and returns one result per control, in the order of `CONTROLS`.
 *
 * An opted-out control gets status OPTED_OUT and the reason, whether or not it has violations; its
 * violations are still listed. Opting out of a Pod Security Standards control, of an unknown control, twice,
 * or with an empty reason throws an Error that says how to fix it.
 *
 * @param objects the synthesised objects; entries that are not objects are ignored.
 * @param optOuts the controls the workload deliberately does not meet, with reasons.
 */
export function evaluatePolicy(objects: any[], optOuts: PolicyOptOut[] = []): ControlResult[] {
  const byId = validateOptOuts(optOuts);
  // Every control ignores entries that are not objects itself (test/policy/details.test.ts checks each one).
  const manifests = Array.isArray(objects) ? objects : [];
  return CONTROLS.map(c => {
    const violations = [...c.check(manifests)].sort(compareViolations);
    const optOut = byId.get(c.id);
    const status = optOut ? ControlStatus.OPTED_OUT
      : violations.length === 0 ? ControlStatus.PASS
        : c.advisory ? ControlStatus.WARN : ControlStatus.FAIL;
    return {
      control: c.id,
      title: c.title,
      references: c.references.map(x => ({ ...x })),
      status,
      ...(optOut ? { reason: optOut.reason.trim() } : {}),
      violations,
    };
  });
}
