import { Directive } from '../directive';
import { ConfigFinding, Severity, describeWhere } from '../findings';
import { SecurityRule } from './rule';
import { finding, isRegexModifier, parseLocation, show, walk } from './tree';

/** The path with '.', '..' and repeated slashes resolved, as the filesystem reads it ('/usr/..' is '/'). */
function resolved(p: string): string {
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop(); else parts.push(seg);
  }
  return `/${parts.join('/')}`;
}

function checkRootSlash(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  walk(tree, (d, parents) => {
    if ((d.name !== 'root' && d.name !== 'alias') || !(d.args[0] ?? '').startsWith('/') || d.args[0].includes('$')) return;
    if (resolved(d.args[0]) !== '/') return;
    // An alias replaces the matched part: in an exact or regex location nothing of the request is appended.
    const loc = parents[parents.length - 1]?.name === 'location' ? parseLocation(parents[parents.length - 1].args) : undefined;
    if (d.name === 'alias' && loc !== undefined && (loc.modifier === '=' || isRegexModifier(loc.modifier))) return;
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
