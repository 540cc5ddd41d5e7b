import * as fs from 'fs';
import * as path from 'path';
import { Construct, IConstruct } from 'constructs';
import { FolderFile, writeBuildContext } from './folder';

/** The id of the per-app construct under the construct tree's root. */
const STATE_ID = 'cdk8s-scratch-nginx';

/** A folder written whole and renamed into place (a build context). */
export interface FolderOutput {
  readonly folder: string;
  readonly files: readonly FolderFile[];
}

/** Text files written one by one (a report), with absolute paths. */
export interface FilesOutput {
  readonly files: ReadonlyArray<{ readonly path: string; readonly content: string }>;
}

/** What one producer asks the writer to write; undefined while its owner is invalid (nothing is written). */
export type Output = FolderOutput | FilesOutput;

interface Producer {
  readonly owner: IConstruct;
  readonly produce: () => Output | undefined;
  /** The output written last (an unchanged producer returns the same object). */
  lastOutput?: Output;
  /** What was written last: a folder's file list (from a sealed model: compared by identity) or the text files' content. */
  written?: unknown;
}

/**
 * The one part of this library that writes files at synth, and its per-app bookkeeping. It is a construct
 * found by its id (`cdk8s-scratch-nginx`) under the tree's root, so nothing is stashed on the App; it renders
 * nothing.
 *
 * How it hooks into cdk8s: cdk8s 2.x calls nothing on constructs after the tree is complete except their
 * validations, which every synthesis (`app.synth()`, `chart.toJson()`, `Testing.synth()`) runs over the whole
 * app first, then renders. So the writer is a validation of this construct. Constructs never write: each
 * registers a producer, a function that returns what to write (computed from sealed models and memoised by
 * its owner) or undefined while its owner is invalid. In each validation pass the writer asks every producer
 * and writes what changed since its last write: a build context once (its model is sealed), a report again
 * only when its content changed. Producers do not depend on the order in which cdk8s validates constructs.
 *
 * A validation on the root counts the validation passes (the root is validated first in each pass), so a
 * construct may compute a result once per pass and share it with the writer (`pass`).
 *
 * Internal: not exported from the package.
 */
export class AppOutputs extends Construct {
  /** The outputs of the app `scope` is in, created on first use. */
  public static of(scope: IConstruct): AppOutputs {
    const root = scope.node.root;
    const found = root.node.tryFindChild(STATE_ID);
    if (found instanceof AppOutputs) return found;
    if (found !== undefined) {
      throw new Error(`the construct id '${STATE_ID}' at the root of the app is reserved for cdk8s-scratch-nginx; rename the construct ${found.node.path}.`);
    }
    return new AppOutputs(root as Construct, STATE_ID);
  }

  private readonly imageOwners = new Map<object, string>();
  private readonly folders = new Map<string, string>();
  private readonly producers: Producer[] = [];
  private passes = 0;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    scope.node.addValidation({
      validate: () => {
        this.passes++;
        return [];
      },
    });
    this.node.addValidation({ validate: () => this.write() });
  }

  /**
   * The number of the current validation pass: it changes at the start of each pass over the app, so a
   * value computed in this pass may be reused until the pass ends.
   */
  public get pass(): number {
    return this.passes;
  }

  /**
   * Whether `construct` is the first in its app to use `image`, and so reports the image's problems.
   * An image shared by a ScratchImage and a workload is checked once, not once per construct.
   */
  public claimImageValidation(construct: IConstruct, image: object): boolean {
    const owner = this.imageOwners.get(image);
    if (owner === undefined) {
      this.imageOwners.set(image, construct.node.path);
      return true;
    }
    return owner === construct.node.path;
  }

  /**
   * Claims the output folder `dir` for `construct`. Returns the path of the construct that claimed it first,
   * when that is another one.
   */
  public claimFolder(construct: IConstruct, dir: string): string | undefined {
    const owner = this.folders.get(dir);
    if (owner === undefined) {
      this.folders.set(dir, construct.node.path);
      return undefined;
    }
    return owner === construct.node.path ? undefined : owner;
  }

  /** Registers what `owner` writes: `produce` is asked in every validation pass. */
  public addOutput(owner: IConstruct, produce: () => Output | undefined): void {
    this.producers.push({ owner, produce });
  }

  /** Writes every output that changed since it was last written; a failed write is a synth error. */
  private write(): string[] {
    const problems: string[] = [];
    for (const p of this.producers) {
      const output = p.produce();
      if (output === undefined || output === p.lastOutput) continue;
      const key = 'folder' in output ? output.files : JSON.stringify(output.files);
      try {
        if (key !== p.written) {
          if ('folder' in output) {
            writeBuildContext(output.folder, output.files);
          } else {
            for (const f of output.files) {
              fs.mkdirSync(path.dirname(f.path), { recursive: true });
              fs.writeFileSync(f.path, f.content);
            }
          }
          p.written = key;
        }
        p.lastOutput = output;
      } catch (e) {
        problems.push(`writing the output of ${p.owner.node.path} failed: ${(e as Error).message}`);
      }
    }
    return problems;
  }
}
