import { Directive } from '../directive';
import { ConfigFinding, Severity, describeWhere } from '../findings';
import { SecurityRule } from './rule';
import { finding, show, walk } from './tree';

/**
 * The `open_file_cache` line in force for a directive: the innermost one of its block and the enclosing blocks
 * (http, server, location; the top of a fragment counts as the outermost level).
 */
function openFileCache(parents: readonly Directive[], tree: readonly Directive[]): Directive | undefined {
  for (const block of [...parents.map(p => p.block ?? []).reverse(), tree]) {
    const line = block.find(c => c.name === 'open_file_cache' && c.args[0] !== undefined);
    if (line) return line;
  }
  return undefined;
}

function checkTryFilesUncached(tree: readonly Directive[]): ConfigFinding[] {
  const findings: ConfigFinding[] = [];
  walk(tree, (d, parents) => {
    if (d.name !== 'try_files' || d.args.length < 2) return;
    // Every argument but the last is looked up in the file system, on every request; the last is the fallback.
    // Only lookups of request paths ($uri, $uri/, $1.html) make that cost per request grow with what clients ask
    // for; fixed paths (the `try_files "" @named` idiom) stay in the kernel's cache.
    const tested = d.args.slice(0, -1);
    if (!tested.some(a => a.includes('$'))) return;
    const cache = openFileCache(parents, tree);
    if (cache && cache.args[0].toLowerCase() !== 'off') return;
    const where = describeWhere(parents);
    findings.push(finding('try-files-uncached', Severity.WARNING, where,
      `'${show(d)}' looks up ${tested.length === 1 ? 'its path' : `its ${tested.length} candidate paths`} in the file system on every request `
      + `(a stat() or open() each, for paths the client chooses), and ${cache ? `'${show(cache)}' turns the open file cache off` : 'no open_file_cache is set'} `
      + 'for this block, so nothing caches the answers: under load, and for floods of requests for missing files, these system calls '
      + "become a hot spot. Enable the cache in http (or this server): 'open_file_cache max=10000 inactive=60s; open_file_cache_valid 60s; "
      + "open_file_cache_errors on;' (the errors line caches misses too)."));
  });
  return findings;
}

/**
 * try-files-uncached: `try_files` looks up request paths without an `open_file_cache` in force.
 */
export const tryFilesUncached: SecurityRule = {
  ids: ['try-files-uncached'],
  run: checkTryFilesUncached,
};
