import { Directive } from '../directive';
import { ConfigFinding, Severity, describeWhere } from '../findings';
import { SecurityRule } from './rule';
import { finding, show, walk } from './tree';

function isStreamTarget(directive: string, target: string): boolean {
  if (target === '/dev/stdout' || target === '/dev/stderr' || target === '/dev/null' || target.startsWith('syslog:')) return true;
  if (directive === 'access_log') return target === 'off';
  // error_log: 'stderr' and 'memory:' are keywords of error_log only.
  return target === 'stderr' || target.startsWith('memory:');
}

function checkLogTargets(tree: readonly Directive[]): ConfigFinding[] {
  const errorLogOff: ConfigFinding[] = [];
  const logFile: ConfigFinding[] = [];
  walk(tree, (d, parents) => {
    if (d.name !== 'access_log' && d.name !== 'error_log') return;
    const target = d.args[0];
    if (target === undefined) return;
    const where = describeWhere(parents);
    if (d.name === 'error_log' && target === 'off') {
      errorLogOff.push(finding('error-log-off', Severity.ERROR, where,
        `'${show(d)}' does not turn the error log off: error_log has no 'off' value, so nginx writes errors to a file named "off" under `
        + 'its prefix (for example /etc/nginx/off), which fails on a read-only root filesystem or fills the disk. '
        + "Log to stderr at a high level instead: 'error_log stderr crit;'."));
      return;
    }
    if (isStreamTarget(d.name, target)) return;
    const hint = d.name === 'access_log' && (target === 'stderr' || target.startsWith('memory:'))
      ? ` ('${target}' is a keyword of error_log only: access_log treats it as a file name relative to nginx's prefix)`
      : '';
    logFile.push(finding('log-file', Severity.ERROR, where,
      `'${show(d)}' writes to a file${hint}. On a read-only root filesystem nginx cannot open it (start-up fails with "Read-only file `
      + 'system"), and a log file under the memory-backed emptyDir grows until it exhausts the pod\'s memory limit and the pod is killed; '
      + `the log is also invisible to 'kubectl logs'. Log to ${d.name === 'access_log' ? "/dev/stdout ('access_log /dev/stdout main;')" : "stderr ('error_log stderr warn;')"}, `
      + 'or to syslog:, and let the container runtime collect it.'));
  });
  return [...errorLogOff, ...logFile];
}

/**
 * error-log-off and log-file: `error_log off` (which writes a file named "off"), and logs written to files
 * instead of a stream. All error-log-off findings come before all log-file findings.
 */
export const logTargets: SecurityRule = {
  ids: ['error-log-off', 'log-file'],
  run: checkLogTargets,
};
