/**
 * Errors of the nginx model. Not part of the jsii API (jsii cannot export a subclass of Error): callers in
 * any language see the message, which lists every problem with its fix.
 */

/** Thrown by `NginxConfig.files()` for a configuration whose `validate()` finds problems. */
export class NginxConfigError extends Error {
  /** Every problem, each with how to fix it. */
  public readonly problems: string[];

  constructor(problems: string[]) {
    super(`the nginx configuration is not valid:\n  ${problems.join('\n  ')}`);
    this.name = 'NginxConfigError';
    this.problems = problems;
  }
}
