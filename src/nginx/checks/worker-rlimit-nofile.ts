import { Directive } from '../directive';
import { ConfigFinding, Severity, describeWhere } from '../findings';
import { SecurityRule } from './rule';
import { finding, show } from './tree';

function checkWorkerRlimitNofile(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  const rlimit = tree.find(d => d.name === 'worker_rlimit_nofile');
  if (!rlimit || !/^\d+$/.test(rlimit.args[0] ?? '')) return findings;
  const events = tree.find(d => d.name === 'events' && d.block);
  const wc = events?.block?.find(d => d.name === 'worker_connections');
  const connections = wc && /^\d+$/.test(wc.args[0] ?? '') ? Number(wc.args[0]) : 512;
  const limit = Number(rlimit.args[0]);
  if (limit >= 2 * connections) return findings;
  findings.push(finding('worker-rlimit-nofile', Severity.WARNING, describeWhere([]),
    `'${show(rlimit)}' is below twice worker_connections (${connections}${wc ? '' : ', the default'}): a proxied request holds two file `
    + 'descriptors (client and upstream), plus open files and logs, so workers hit "Too many open files" and drop connections before '
    + `reaching worker_connections. Set worker_rlimit_nofile to at least ${2 * connections}, or lower worker_connections.`));
  return findings;
}

/**
 * worker-rlimit-nofile: `worker_rlimit_nofile` below twice `worker_connections`.
 */
export const workerRlimitNofile: SecurityRule = {
  ids: ['worker-rlimit-nofile'],
  run: checkWorkerRlimitNofile,
};
