import { Directive } from '../directive';
import { ConfigFinding, Severity, describeWhere } from '../findings';
import { urlRegexProblem } from './origins';
import { SecurityRule } from './rule';
import { finding, show, walk } from './tree';

/**
 * valid-referers: a `valid_referers` list that lets other sites through.
 *
 * - `none` accepts requests without a Referer header. Any page can make browsers drop the header
 *   (`<meta name="referrer" content="no-referrer">`, `rel="noreferrer"`, a Referrer-Policy), so `none`
 *   turns the check (hotlink protection, a crude CSRF guard) into a formality.
 * - A regular expression (`~...`) is matched, case-insensitively, against the Referer after its
 *   `http://` or `https://`: host, port, path and query together. An unanchored one such as `~\.google\.`
 *   (the example of the nginx docs) also accepts `http://evil.com/.google.`, an unescaped dot accepts
 *   other host names.
 * - A name with a trailing wildcard (`example.*`) matches any host that starts with that label:
 *   `example.evil.com` too, which the owner of evil.com can create (checked with Debian's nginx 1.22).
 *
 * `blocked` (a Referer that does not start with a scheme) is left alone: browsers always send the scheme,
 * so no other page can use it.
 */

function checkValidReferers(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  walk(tree, (d, parents) => {
    if (d.name !== 'valid_referers') return;
    const where = describeWhere(parents);
    if (d.args.includes('none')) {
      findings.push(finding('valid-referers', Severity.WARNING, where,
        `'${show(d)}' lists none, so a request without a Referer header counts as valid: any page can make browsers omit the header `
        + '(<meta name="referrer" content="no-referrer">, rel="noreferrer", a Referrer-Policy header) and so pass the check, and '
        + '$invalid_referer protects nothing against other sites. Remove none; if requests without a Referer must be served, do not '
        + 'rely on the Referer for this location.'));
    }
    for (const entry of d.args) {
      if (entry.startsWith('~')) {
        const problem = urlRegexProblem(entry.slice(1), true, 'referer-host', true);
        if (!problem || problem.kind === 'prefix') continue;
        const detail = problem.kind === 'bypass'
          ? `it also accepts the Referer 'https://${problem.example}', which a page on another domain makes browsers send`
          : `it can never match a Referer browsers send (it expects '${problem.example}' after the scheme)`;
        findings.push(finding('valid-referers', Severity.WARNING, where,
          `'${show(d)}': the regex ${entry} is matched against the whole Referer after http:// or https:// (host, port, path and `
          + `query) and ${detail}. Anchor it at the host and escape every dot, for example ~^(www\\.)?example\\.com/, or list host `
          + 'names (*.example.com) instead of a regex.'));
      } else if (/^[^*~/]+\.\*(\/|$)/.test(entry)) {
        const label = entry.slice(0, entry.indexOf('.*'));
        findings.push(finding('valid-referers', Severity.WARNING, where,
          `'${show(d)}': the name ${entry} matches every host that starts with ${label}., including ${label}.evil.com, which the owner `
          + `of evil.com can create, so any site can pass the check. List the real names instead (${label}.com, ${label}.org, or *.${label}.com).`));
      }
    }
  });
  return findings;
}

/**
 * valid-referers: `valid_referers` with `none`, a bypassable regex or a trailing wildcard.
 */
export const validReferers: SecurityRule = {
  ids: ['valid-referers'],
  run: checkValidReferers,
};
