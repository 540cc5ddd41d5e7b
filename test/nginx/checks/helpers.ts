import { checkSecurity } from '../../../src/nginx/checks';
import { Directive } from '../../../src/nginx/directive';
import { ConfigFinding, Severity } from '../../../src/nginx/findings';

/** Tree builders and assertions shared by the tests of the nginx security checks (one test file per rule). */

export const d = Directive.of;
export const block = Directive.withBlock;

export function location(args: string | string[], ...children: Directive[]): Directive {
  return block('location', typeof args === 'string' ? [args] : args, children);
}

export function server(...children: Directive[]): Directive {
  return block('server', [], [d('listen', '8080'), d('server_name', 'www'), ...children]);
}

/** An http block that already hides the version, so only the check under test fires. */
export function http(...children: Directive[]): Directive[] {
  return [block('http', [], [d('server_tokens', 'off'), ...children])];
}

export function ifBlock(condition: string[], ...children: Directive[]): Directive {
  return block('if', condition, children);
}

export const upstreamBackend = block('upstream', ['backend'], [d('server', '10.0.0.1:8080')]);
export const SERVER = 'http > server (www)';

/** Asserts the tree gives exactly one finding, of this check, severity and place, and returns its message. */
export function expectOnly(tree: Directive[], check: string, severity: Severity, where: string): string {
  const findings = checkSecurity(tree);
  expect(findings.map(f => [f.check, f.severity, f.where])).toEqual([[check, severity, where]]);
  // Every message says what is wrong, why, and what to write instead.
  expect(findings[0].message.length).toBeGreaterThan(120);
  return findings[0].message;
}

export function expectNone(tree: Directive[]): void {
  expect(checkSecurity(tree)).toEqual([]);
}

export function byCheck(findings: ConfigFinding[], check: string): ConfigFinding[] {
  return findings.filter(f => f.check === check);
}
