import * as fs from 'fs';
import * as path from 'path';
import { BuildContextFile } from './nginx-image';

/** File name of the list of files a build-context folder was written with. */
export const CONTEXT_MARKER = '.cdk8s-scratch-nginx';

/**
 * Writes a build context into `dir`, replacing what an earlier synth wrote there.
 *
 * Only a folder that is empty or carries the marker of an earlier write is replaced, so a wrong path can
 * never wipe a user's files. Files are written in sorted order with fixed content: two synths of the same
 * model give byte-identical folders.
 */
export function writeBuildContext(dir: string, files: readonly BuildContextFile[]): void {
  if (fs.existsSync(dir)) {
    const entries = fs.readdirSync(dir);
    if (entries.length > 0 && !entries.includes(CONTEXT_MARKER)) {
      throw new Error(`refusing to write the image build context into ${dir}: the folder holds files this library did not write. Empty it, or choose another contextDir.`);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
  fs.mkdirSync(dir, { recursive: true });
  for (const f of files) {
    const target = path.join(dir, ...f.path.split('/'));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (f.sourcePath !== undefined) {
      fs.copyFileSync(f.sourcePath, target);
    } else {
      fs.writeFileSync(target, f.content);
    }
    if (f.path.endsWith('.sh')) fs.chmodSync(target, 0o755);
  }
  fs.writeFileSync(path.join(dir, CONTEXT_MARKER), `${files.map(f => f.path).join('\n')}\n`);
}
