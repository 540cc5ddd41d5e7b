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

/**
 * What an add* call on a sealed model says: why models are sealed, and the way to a changed copy.
 * @internal
 */
export function sealedMessage(what: string, method: string): string {
  return `${what}.${method}: the configuration is sealed. It was sealed when an NginxImage took it or when `
    + 'something read what it derives (files(), validate(), effectiveTree(), the ports), so that the Dockerfile, '
    + 'nginx.conf and the manifests all describe one configuration. Make every add* call before that, or call '
    + 'derive() on the NginxConfig for a changed copy.';
}
