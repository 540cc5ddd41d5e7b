import { Directive } from '../directive';
import { ConfigFinding } from '../findings';
import { addHeaderRedefinition } from './add-header-redefinition';
import { aliasTraversal } from './alias-traversal';
import { allowWithoutDeny } from './allow-without-deny';
import { hostFromHttpHost } from './host-from-http-host';
import { httpSplitting } from './http-splitting';
import { ifInLocation } from './if-in-location';
import { keepaliveRequests } from './keepalive-requests';
import { logTargets } from './log-targets';
import { proxyPassHostname } from './proxy-pass-hostname';
import { rootSlash } from './root-slash';
import { checkContext, SecurityRule } from './rule';
import { ssrf } from './ssrf';
import { unanchoredRegex } from './unanchored-regex';
import { versionDisclosure } from './version-disclosure';
import { workerRlimitNofile } from './worker-rlimit-nofile';

/**
 * Security and robustness checks over an nginx directive tree, in the spirit of gixy.
 *
 * Every finding has a stable check id; its message says what is wrong, why it matters and how to fix it.
 * The checks follow nginx's own semantics (inheritance of `add_header`, `allow`/`deny` and `resolver`,
 * when regex captures are set and escaped, when a proxied host name is resolved).
 *
 * One rule per file, named after its check id; the shared analysis lives in `tree.ts` (directives,
 * locations, variables), `regex.ts` (PCRE patterns), `scope.ts` (what ran before a directive),
 * `taint.ts` (newlines and request-controlled values) and `upstream-address.ts` (`*_pass` targets).
 */

/** Every rule, in the order `checkSecurity` reports their findings. Internal: not exported from the package. */
export const SECURITY_RULES: readonly SecurityRule[] = [
  addHeaderRedefinition,
  hostFromHttpHost,
  aliasTraversal,
  httpSplitting,
  ssrf,
  versionDisclosure,
  ifInLocation,
  rootSlash,
  keepaliveRequests,
  workerRlimitNofile,
  unanchoredRegex,
  proxyPassHostname,
  allowWithoutDeny,
  logTargets,
];

/**
 * Runs every check over a directive tree (for example `NginxConfig.effectiveTree()`) and returns the
 * findings, grouped by check, in tree order.
 *
 * Check ids: add-header-redefinition, host-from-http-host, alias-traversal, http-splitting, ssrf,
 * version-disclosure, if-in-location, root-slash, keepalive-requests, worker-rlimit-nofile,
 * unanchored-regex, proxy-pass-hostname, allow-without-deny, error-log-off, log-file.
 */
export function checkSecurity(tree: readonly Directive[]): ConfigFinding[] {
  const context = checkContext(tree);
  return SECURITY_RULES.flatMap(rule => rule.run(tree, context));
}
