import { Directive } from '../directive';
import { ConfigFinding, Severity, describeWhere } from '../findings';
import { SecurityRule } from './rule';
import { expansions, scopeChain } from './scope';
import { requestControlled } from './taint';
import { finding, show, walk } from './tree';
import { PASS_DIRECTIVES, passTarget } from './upstream-address';

function checkSsrf(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  walk(tree, (d, parents) => {
    if (!PASS_DIRECTIVES.has(d.name) || d.args[0] === undefined || !d.args[0].includes('$')) return;
    // An internal location is reached only from nginx itself (error_page, rewrites, X-Accel-Redirect).
    if (parents.some(p => p.name === 'location' && p.block?.some(c => c.name === 'internal'))) return;
    const chain = scopeChain(d, parents);
    const controlled = [...new Set(expansions(d.args[0], chain).flatMap(value => {
      const target = passTarget(value);
      return [...requestControlled(target.scheme, chain), ...requestControlled(target.address, chain)];
    }))];
    if (controlled.length === 0) return;
    const target = passTarget(d.args[0]);
    findings.push(finding('ssrf', Severity.ERROR, describeWhere(parents),
      `'${show(d)}' takes the upstream ${target.scheme.includes('$') ? 'scheme or host' : 'host'} from ${controlled.join(', ')}, which the client `
      + 'controls: anyone can make nginx connect to any address the pod can reach (cloud metadata at 169.254.169.254, the Kubernetes API, '
      + 'internal services) and read the answer (server-side request forgery). Proxy to a fixed host or an upstream block; if the target '
      + 'must vary, map the request value to an allow-list with a map block and use only the mapped value. Request data may appear only in '
      + 'the path after the host.'));
  });
  return findings;
}

/**
 * ssrf: the client chooses the scheme or host a `*_pass` directive connects to (server-side request forgery).
 */
export const ssrf: SecurityRule = {
  ids: ['ssrf'],
  run: checkSsrf,
};
