import { Directive } from '../directive';
import { ConfigFinding, Severity, describeWhere } from '../findings';
import { SecurityRule } from './rule';
import { finding, show, walk } from './tree';

function checkRootSlash(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  walk(tree, (d, parents) => {
    if ((d.name !== 'root' && d.name !== 'alias') || !/^\/+$/.test(d.args[0] ?? '')) return;
    findings.push(finding('root-slash', Severity.ERROR, describeWhere(parents),
      `'${show(d)}' serves the whole filesystem of the container: any request path maps to a file under /, including /proc/self/environ `
      + `(secrets in environment variables) and mounted service-account tokens. Point ${d.name} at the directory that holds the site, `
      + "such as '/usr/share/nginx/html'."));
  });
  return findings;
}

/**
 * root-slash: `root /` or `alias /` serves the container's whole filesystem.
 */
export const rootSlash: SecurityRule = {
  ids: ['root-slash'],
  run: checkRootSlash,
};
