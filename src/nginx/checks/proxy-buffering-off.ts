import { Directive } from '../directive';
import { ConfigFinding, Severity, describeWhere } from '../findings';
import { SecurityRule } from './rule';
import { finding, show, walk } from './tree';

/** nginx's default `send_timeout`, in seconds. */
const DEFAULT_SEND_TIMEOUT = 60;

/** An nginx time (`10s`, `1m30s`, `500ms`, a bare number of seconds) in seconds, or undefined. */
function seconds(value: string | undefined): number | undefined {
  if (value === undefined || !/^(\d+(ms|[smhdwMy])?)+$/.test(value)) return undefined;
  const unit: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, M: 2592000, y: 31536000 };
  let total = 0;
  for (const m of value.matchAll(/(\d+)(ms|[smhdwMy])?/g)) total += Number(m[1]) * unit[m[2] ?? 's'];
  return total;
}

/**
 * Whether slow clients are bounded where the response is streamed: a `limit_conn` (nginx inherits the list
 * of the innermost level that has one), or a `send_timeout` below the 60 s default, drops or caps the
 * connections a slow reader keeps open to the backend.
 */
function slowClientsBounded(levels: readonly Directive[]): boolean {
  if (levels.some(l => l.block?.some(c => c.name === 'limit_conn'))) return true;
  for (let i = levels.length - 1; i >= 0; i--) {
    const t = levels[i].block?.find(c => c.name === 'send_timeout');
    if (t) return (seconds(t.args[0]) ?? DEFAULT_SEND_TIMEOUT) < DEFAULT_SEND_TIMEOUT;
  }
  return false;
}

function checkProxyBufferingOff(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  const reported = new Set<Directive>();
  const lines = new Map<Directive, readonly Directive[]>();
  walk(tree, (d, parents) => {
    if (d.name === 'proxy_buffering') lines.set(d, parents);
  });
  // Each proxy_pass: the proxy_buffering line in force for it (its block's or the innermost enclosing one's).
  walk(tree, (d, parents) => {
    if (d.name !== 'proxy_pass' || parents.some(p => p.name === 'stream')) return;
    const levels = parents.filter(p => p.name !== 'if' && p.name !== 'limit_except');
    let line: Directive | undefined;
    for (let i = parents.length - 1; i >= 0 && !line; i--) line = parents[i].block?.find(c => c.name === 'proxy_buffering');
    line ??= tree.find(c => c.name === 'proxy_buffering');
    if (!line || line.args[0]?.toLowerCase() !== 'off' || reported.has(line) || slowClientsBounded(levels)) return;
    reported.add(line);
    const where = describeWhere(lines.get(line) ?? []);
    findings.push(finding('proxy-buffering-off', Severity.WARNING, where,
      `'${show(line)}' in ${where} makes nginx pass the backend's response on only as fast as the client reads it: a slow or stalled `
      + 'client keeps the backend connection (and the backend worker or thread behind it) busy for the whole response, so a few slow '
      + 'readers can exhaust the backend (slow-read denial of service), and nothing limits them here. Leave proxy_buffering on and let '
      + "the backend send 'X-Accel-Buffering: no' on the responses that must stream (server-sent events, long polling). If this location "
      + "only streams, keep it off but bound slow clients: a 'limit_conn' per client address and a short 'send_timeout' (for example 10s)."));
  });
  return findings;
}

/**
 * proxy-buffering-off: `proxy_buffering off` for a proxied location where nothing bounds slow clients.
 */
export const proxyBufferingOff: SecurityRule = {
  ids: ['proxy-buffering-off'],
  run: checkProxyBufferingOff,
};
