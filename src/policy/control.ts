/** A tool or standard that asks for a control. */
export enum ControlSource {
  /** Kubernetes Pod Security Standards, "restricted" profile (enforced by the API server). */
  PSS = 'PSS',
  /** kube-score (zegl/kube-score), by its check ID. */
  KUBE_SCORE = 'kube-score',
  /** Fairwinds Polaris, by its check key. */
  POLARIS = 'Polaris',
  /** kubesec.io (controlplaneio/kubesec), by its rule ID. */
  KUBESEC = 'kubesec',
  /** NSA/CISA Kubernetes Hardening Guidance, by the section (control) it asks in. */
  NSA = 'NSA/CISA',
}

/** Where a control comes from: one tool's or standard's own name for the same check. */
export interface ControlReference {
  /** The tool or standard. */
  readonly source: ControlSource;
  /** The check's name in that tool, for example `container-resources` (kube-score) or `cpuRequestsMissing` (Polaris). */
  readonly check: string;
}

/** One place where the synthesised objects break a control. */
export interface ControlViolation {
  /** The control's ID, for example `read-only-root-filesystem`. */
  readonly control: string;
  /** The object, as `Kind/name`. */
  readonly object: string;
  /** The field that is wrong or missing, as a JSON pointer into that object. */
  readonly path: string;
  /** What is wrong and how to fix it. */
  readonly message: string;
}

/**
 * One check over a set of synthesised Kubernetes objects (the JSON of a chart: `Chart.toJson()`).
 *
 * @jsii ignore
 */
export interface Control {
  /** Kebab-case ID, used in opt-outs and reports. */
  readonly id: string;
  /** One line saying what the control asks for. */
  readonly title: string;
  /** The tools and standards that ask for it, with their own check names (empty: asked by this library only). */
  readonly references: ControlReference[];
  /** A Pod Security Standards control: the API server enforces it, so it cannot be opted out of. */
  readonly pss: boolean;
  /** A recommendation: a violation is a warning (status WARN), not a failure. */
  readonly advisory?: boolean;
  /** Every violation in the objects; empty when they pass. */
  check(objects: any[]): ControlViolation[];
}
