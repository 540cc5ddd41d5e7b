import * as fs from 'fs';
import * as path from 'path';
import { isPathUnder, systemFolderOf } from '../input/reader';

/**
 * Problems with a local html folder: it must exist and be a folder, and be none of the folders whose copy
 * would leak the host or never end: `/`, a kernel filesystem (/proc, /sys, /dev), or a folder holding one of
 * `outputs` (the folders the build context is written to, which would then copy itself).
 *
 * @param htmlDir the folder as given (relative to the working directory, or absolute).
 * @param outputs absolute folders the library writes to, if any.
 */
export function htmlDirProblems(htmlDir: string, outputs?: readonly string[]): string[] {
  const shown = JSON.stringify(htmlDir);
  let real: string | undefined;
  try {
    real = fs.realpathSync(path.resolve(htmlDir));
  } catch {
    // Missing or unreachable: reported just below.
  }
  if (real === undefined || !fs.statSync(real).isDirectory()) {
    return [`htmlDir ${shown} is not a directory; point it at the folder holding index.html (relative paths are resolved from ${process.cwd()}).`];
  }
  if (real === '/') return [`htmlDir ${shown} is the whole filesystem; point it at the folder holding index.html, such as 'html'.`];
  // Both the path as given and where it leads: /proc/self/cwd leads to an ordinary folder, through /proc.
  const system = systemFolderOf(path.resolve(htmlDir)) ?? systemFolderOf(real);
  if (system) return [`htmlDir ${shown} is under ${system}, a kernel filesystem; the host's process or device data would be copied into the image. Point it at the folder holding index.html, such as 'html'.`];
  const output = outputs?.find(o => isPathUnder(path.resolve(o), real));
  if (output) return [`htmlDir ${shown} holds the output folder ${output}, so the build context would copy itself; point htmlDir at a folder of its own, such as 'html'.`];
  return [];
}
