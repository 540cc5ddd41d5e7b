import { Directive } from '../directive';
import { ConfigFinding, Severity, describeWhere } from '../findings';
import { SecurityRule } from './rule';
import { finding, show, walk } from './tree';

function checkVersionDisclosure(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  walk(tree, (d, parents) => {
    if (d.name === 'server_tokens' && ['on', 'build'].includes(d.args[0]?.toLowerCase() ?? '')) {
      findings.push(finding('version-disclosure', Severity.ERROR, describeWhere(parents),
        `'${show(d)}' sends the exact nginx version${d.args[0].toLowerCase() === 'build' ? ' and build name' : ''} in the Server header `
        + 'and on error pages, which tells attackers which known vulnerabilities apply. Use \'server_tokens off;\'.'));
    }
    if (d.name === 'http' && d.block) {
      const own = d.block.find(c => c.name === 'server_tokens');
      if (own) return;
      const servers = d.block.filter(c => c.name === 'server' && c.block);
      const leaking = servers.filter(s => !s.block!.some(c => c.name === 'server_tokens'));
      if (servers.length > 0 && leaking.length === 0) return;
      const where = describeWhere(parents, d);
      findings.push(finding('version-disclosure', Severity.WARNING, where,
        `${where} has no 'server_tokens off', and nginx's default is on: ${leaking.length > 0
          ? leaking.map(s => describeWhere([], s)).join(', ')
          : 'every server'} send${leaking.length === 1 ? 's' : ''} the nginx version in the Server header and on error pages, `
        + "which tells attackers which known vulnerabilities apply. Add 'server_tokens off;' to the http block."));
    }
  });
  return findings;
}

/**
 * version-disclosure: `server_tokens on|build`, or an http block that leaves nginx's default (on) in place.
 */
export const versionDisclosure: SecurityRule = {
  ids: ['version-disclosure'],
  run: checkVersionDisclosure,
};
