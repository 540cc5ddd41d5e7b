import { Construct, IConstruct } from 'constructs';
import type { NginxImage } from './nginx-image';

/** The id of the per-app state under the construct tree's root. */
const STATE_ID = 'cdk8s-scratch-nginx';

/**
 * What this library keeps per app: which construct reports each image's problems, and which construct
 * writes each build-context folder. It is a construct found by its id under the tree's root, so nothing is
 * stashed on the App itself; it renders nothing.
 *
 * Internal: not exported from the package.
 */
export class AppState extends Construct {
  /** The state of the app `scope` is in, created on first use. */
  public static of(scope: IConstruct): AppState {
    const root = scope.node.root;
    const found = root.node.tryFindChild(STATE_ID);
    if (found instanceof AppState) return found;
    if (found !== undefined) {
      throw new Error(`the construct id '${STATE_ID}' at the root of the app is reserved for cdk8s-scratch-nginx; rename the construct ${found.node.path}.`);
    }
    return new AppState(root as Construct, STATE_ID);
  }

  private readonly imageOwners = new Map<NginxImage, string>();
  private readonly contextDirs = new Map<string, string>();

  private constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  /**
   * Whether `construct` is the first in its app to use `image`, and so reports the image's problems.
   * An image shared by a ScratchImage and a workload is checked once, not once per construct.
   */
  public claimImageValidation(construct: IConstruct, image: NginxImage): boolean {
    const owner = this.imageOwners.get(image);
    if (owner === undefined) {
      this.imageOwners.set(image, construct.node.path);
      return true;
    }
    return owner === construct.node.path;
  }

  /**
   * Claims the build-context folder `dir` for `construct`. Returns the path of the construct that claimed it
   * first, when that is another one.
   */
  public claimContextDir(construct: IConstruct, dir: string): string | undefined {
    const owner = this.contextDirs.get(dir);
    if (owner === undefined) {
      this.contextDirs.set(dir, construct.node.path);
      return undefined;
    }
    return owner === construct.node.path ? undefined : owner;
  }
}
