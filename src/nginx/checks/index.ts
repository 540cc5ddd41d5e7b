import { Directive } from '../directive';
import { ConfigFinding } from '../findings';
import { addHeaderContentType } from './add-header-content-type';
import { addHeaderMultiline } from './add-header-multiline';
import { addHeaderRedefinition } from './add-header-redefinition';
import { aliasTraversal } from './alias-traversal';
import { allowWithoutDeny } from './allow-without-deny';
import { defaultServer } from './default-server';
import { hashWithoutDefault } from './hash-without-default';
import { hostFromHttpHost } from './host-from-http-host';
import { httpSplitting } from './http-splitting';
import { http2MisdirectedRequest } from './http2-misdirected-request';
import { ifInLocation } from './if-in-location';
import { invalidRegex } from './invalid-regex';
import { keepaliveRequests } from './keepalive-requests';
import { logTargets } from './log-targets';
import { mergeSlashes } from './merge-slashes';
import { ocspStaplingWithoutResolver } from './ocsp-stapling-without-resolver';
import { origins } from './origins';
import { proxyBufferingOff } from './proxy-buffering-off';
import { proxyPassNormalized } from './proxy-pass-normalized';
import { proxySetHeaderRedefinition } from './proxy-set-header-redefinition';
import { regexRedos } from './regex-redos';
import { resolverExternal } from './resolver-external';
import { returnBypassesAllowDeny } from './return-bypasses-allow-deny';
import { rootSlash } from './root-slash';
import { checkContext, SecurityRule } from './rule';
import { ssrf } from './ssrf';
import { staleDns } from './stale-dns';
import { stubStatusExposed } from './stub-status-exposed';
import { tryFilesUncached } from './try-files-uncached';
import { unanchoredRegex } from './unanchored-regex';
import { validReferers } from './valid-referers';
import { variableCase } from './variable-case';
import { versionDisclosure } from './version-disclosure';
import { weakEcdhCurve } from './weak-ecdh-curve';
import { workerProcesses } from './worker-processes';
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
 * `taint.ts` (newlines and request-controlled values), `upstream-address.ts` (`*_pass` targets) and
 * `listen.ts` (listen sockets and their default servers); `inheritance.ts` has the all-or-nothing inheritance of
 * list directives (`add_header`, `proxy_set_header`, `fastcgi_param`...).
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
  staleDns,
  allowWithoutDeny,
  logTargets,
  addHeaderContentType,
  addHeaderMultiline,
  defaultServer,
  hashWithoutDefault,
  mergeSlashes,
  workerProcesses,
  proxyBufferingOff,
  stubStatusExposed,
  resolverExternal,
  ocspStaplingWithoutResolver,
  weakEcdhCurve,
  http2MisdirectedRequest,
  returnBypassesAllowDeny,
  tryFilesUncached,
  proxySetHeaderRedefinition,
  proxyPassNormalized,
  invalidRegex,
  regexRedos,
  origins,
  validReferers,
  variableCase,
];

/**
 * Runs every check over a directive tree (for example `NginxConfig.effectiveTree()`) and returns the
 * findings, grouped by check, in tree order.
 *
 * Check ids: add-header-redefinition, host-from-http-host, alias-traversal, http-splitting, ssrf,
 * version-disclosure, if-in-location, root-slash, keepalive-requests, worker-rlimit-nofile,
 * unanchored-regex, stale-dns, allow-without-deny, error-log-off, log-file,
 * add-header-content-type, add-header-multiline, default-server, hash-without-default, merge-slashes,
 * worker-processes, proxy-buffering-off, stub-status-exposed, resolver-external, ocsp-stapling-without-resolver,
 * weak-ecdh-curve, http2-misdirected-request, return-bypasses-allow-deny, try-files-uncached,
 * proxy-set-header-redefinition, proxy-pass-normalized, invalid-regex, regex-redos, origins, valid-referers,
 * variable-case.
 */
export function checkSecurity(tree: readonly Directive[]): ConfigFinding[] {
  const context = checkContext(tree);
  return SECURITY_RULES.flatMap(rule => rule.run(tree, context));
}
