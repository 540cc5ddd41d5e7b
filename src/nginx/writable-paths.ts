import { WritablePath } from './config-props';
import { Directive, walkDirectives } from './directive';

/** The five temp paths nginx writes request and upstream bodies to. */
export const TEMP_PATHS: ReadonlyArray<[string, string]> = [
  ['client_body_temp_path', 'client_temp'],
  ['proxy_temp_path', 'proxy_temp'],
  ['fastcgi_temp_path', 'fastcgi_temp'],
  ['uwsgi_temp_path', 'uwsgi_temp'],
  ['scgi_temp_path', 'scgi_temp'],
];

/** Directives whose first argument is a path nginx writes to at run time. */
const WRITING_DIRECTIVES = new Set([
  'pid', 'lock_file',
  ...TEMP_PATHS.map(([d]) => d),
  'proxy_cache_path', 'fastcgi_cache_path', 'uwsgi_cache_path', 'scgi_cache_path',
  'access_log', 'error_log',
]);

/** Log targets that are not files on the container's filesystem. */
const STREAM_LOG_TARGETS = new Set(['/dev/stdout', '/dev/stderr', '/dev/null']);

/** Whether a log directive's target is a stream, not a file (`stderr` and `memory:` are special for error_log only). */
function isStreamLogTarget(directive: string, target: string): boolean {
  if (STREAM_LOG_TARGETS.has(target) || target.startsWith('syslog:')) return true;
  if (directive === 'access_log') return target === 'off';
  return target === 'stderr' || target.startsWith('memory:');
}

/** Every path the tree makes nginx write to (temp paths, pid, caches, log files, unix sockets). */
export function findWritablePaths(tree: readonly Directive[]): WritablePath[] {
  const found: WritablePath[] = [];
  walkDirectives(tree, d => {
    const target = d.args[0];
    // Arguments that are not strings never render (the structure check refuses them).
    if (typeof target !== 'string') return;
    if (WRITING_DIRECTIVES.has(d.name)) {
      if ((d.name === 'access_log' || d.name === 'error_log') && isStreamLogTarget(d.name, target)) return;
      found.push({ path: target, directive: d.name });
    }
    if (d.name === 'listen' && target?.startsWith('unix:')) {
      found.push({ path: target.slice('unix:'.length), directive: 'listen' });
    }
  });
  return found;
}
