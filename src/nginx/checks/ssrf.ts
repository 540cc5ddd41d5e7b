import { Directive } from '../directive';
import { ConfigFinding, Severity, describeWhere } from '../findings';
import { SecurityRule } from './rule';
import { ScopeEntry, SetEntry, scopeChain } from './scope';
import { requestControlled } from './taint';
import { finding, show, variablesIn, walk } from './tree';
import { PASS_DIRECTIVES, passTarget } from './upstream-address';

const MAX_EXPANSIONS = 32;

/**
 * The values `value` can take once each variable set by `set` (or a map) is replaced by what it was set to:
 * `set $target "http://api.internal$request_uri"; proxy_pass $target;` has the fixed host api.internal. A
 * variable with several values gives several expansions; one that is never set stays as it is.
 */
function expansions(value: string, chain: readonly ScopeEntry[], depth = 0): string[] {
  const refs = variablesIn(value);
  const ref = refs.find(r => chain.some(e => e.kind === 'set' && e.name === r.name));
  if (ref === undefined || depth > 8) return [value];
  const values = [...new Set(chain.filter((e): e is SetEntry => e.kind === 'set' && e.name === ref.name).map(e => e.value))];
  const out: string[] = [];
  for (const v of values) {
    for (const x of expansions(value.slice(0, ref.start) + v + value.slice(ref.end), chain, depth + 1)) {
      if (out.length < MAX_EXPANSIONS) out.push(x);
    }
  }
  return out;
}

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
