import { Directive } from '../directive';
import { ConfigFinding, Severity, describeWhere } from '../findings';
import { SecurityRule } from './rule';
import { scopeChain, substitute } from './scope';
import { finding, show, walk } from './tree';
import { hostOf, needsNoDns, PASS_DIRECTIVES, passTarget } from './upstream-address';

function checkProxyPassHostname(tree: readonly Directive[], upstreams: ReadonlySet<string>): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  walk(tree, (d, parents) => {
    if (!PASS_DIRECTIVES.has(d.name) || d.args[0] === undefined) return;
    const value = d.args[0];
    const target = passTarget(value);
    const where = describeWhere(parents);
    if (!value.includes('$')) {
      const host = hostOf(target.address);
      if (host === '' || needsNoDns(host, upstreams)) return;
      findings.push(finding('proxy-pass-hostname', Severity.WARNING, where,
        `'${show(d)}' names the host ${host}, which is neither an IP address, a unix: socket nor an upstream block: nginx resolves it `
        + 'once, at start-up, and keeps those addresses until it is restarted (a resolver directive does not change that for a fixed '
        + 'name), so when the DNS record changes (a re-created Service, a rescheduled pod) requests go to a stale or foreign address; '
        + "and if the name does not resolve at start-up nginx refuses to start. Define 'upstream' with the address, or add a resolver and "
        + `put the name in a variable ('resolver kube-dns.kube-system.svc.cluster.local valid=10s; set $backend ${host}; ${d.name} ...$backend...') `
        + 'so nginx re-resolves it at run time.'));
      return;
    }
    // With variables nginx resolves at run time: an upstream name or an IP needs no resolver, anything else does.
    const chain = scopeChain(d, parents);
    let host: string;
    if (!target.address.includes('$')) {
      host = hostOf(target.address);
    } else {
      const resolved = substitute(value, chain);
      if (resolved === undefined) return; // the host is only known at run time
      host = hostOf(passTarget(resolved).address);
    }
    if (host === '' || needsNoDns(host, upstreams)) return;
    if (parents.some(p => p.block?.some(c => c.name === 'resolver'))) return;
    findings.push(finding('proxy-pass-hostname', Severity.WARNING, where,
      `'${show(d)}' contains variables, so nginx resolves the host ${host} at run time, but no resolver is configured in this block `
      + 'or any enclosing one: every request fails with 502 and "no resolver defined to resolve" in the error log. Add a resolver '
      + "('resolver kube-dns.kube-system.svc.cluster.local valid=10s;' in http or server), or proxy to an upstream block."));
  });
  return findings;
}

/**
 * proxy-pass-hostname: a `*_pass` host name resolved once at start-up, or at run time without a resolver.
 */
export const proxyPassHostname: SecurityRule = {
  ids: ['proxy-pass-hostname'],
  run: (tree, context) => checkProxyPassHostname(tree, context.upstreams),
};
