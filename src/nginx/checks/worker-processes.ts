import { Directive, walkDirectives } from '../directive';
import { ConfigFinding, Severity, describeWhere } from '../findings';
import { SecurityRule } from './rule';
import { finding } from './tree';

function checkWorkerProcesses(tree: readonly Directive[]): ConfigFinding[] {
  // Only a whole main configuration can be judged: nginx refuses one without an events block, so a tree
  // without it is a fragment (a conf.d file, a server) whose main file may well set worker_processes.
  if (!tree.some(d => d.name === 'events' && d.block)) return [];
  let set = false;
  walkDirectives(tree, d => {
    if (d.name === 'worker_processes') set = true;
  });
  if (set) return [];
  return [finding('worker-processes', Severity.WARNING, describeWhere([]),
    "The main configuration has no 'worker_processes', so nginx runs a single worker process: one CPU core accepts and serves every "
    + 'connection (TLS handshakes, compression, regex work), the other cores stay idle, and under load latency climbs and a burst of '
    + "clients saturates the one worker. Add 'worker_processes auto;' at the top level (one worker per available core), or a number "
    + "on purpose ('worker_processes 1;' on a single-core host).")];
}

/**
 * worker-processes: a complete main configuration (it has an `events` block) without `worker_processes`.
 */
export const workerProcesses: SecurityRule = {
  ids: ['worker-processes'],
  run: checkWorkerProcesses,
};
