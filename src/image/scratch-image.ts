import * as path from 'path';
import { App } from 'cdk8s';
import { Construct } from 'constructs';
import { htmlDirProblems } from './html-dir';
import { NginxImage, requireNginxImage } from './nginx-image';
import { describeValue } from '../input/describe';
import { characterProblem } from '../input/reader';
import { AppOutputs } from '../output/app-outputs';

/** Properties of `ScratchImage`. */
export interface ScratchImageProps {
  /** The image model: base image, user, config and html. */
  readonly image: NginxImage;
  /**
   * Folder of the build context, relative to the app's output folder (`App.outdir`).
   * @default 'images/<last segment of the image repository>'
   */
  readonly contextDir?: string;
}

/**
 * The build context of a FROM-scratch nginx image (Dockerfile, nginx.conf, conf.d/*.conf, html,
 * collect-rootfs.sh, .dockerignore), written into the cdk8s app's output folder when the app synthesises.
 *
 * The construct validates the image model and its folder; the library's one writer per app writes the folder
 * during the same synthesis once they pass (never from an invalid model). `cdk8s synth` (or `app.synth()`)
 * therefore writes manifests and build contexts in one run, with no second call.
 */
export class ScratchImage extends Construct {
  /** The image model. */
  public readonly image: NginxImage;
  /** Absolute path of the build-context folder. */
  public readonly contextPath: string;
  private warned = false;

  constructor(scope: Construct, id: string, props: ScratchImageProps) {
    super(scope, id);
    this.image = requireNginxImage(props, this.node.path);
    const app = App.of(this);
    const relative: unknown = props.contextDir ?? path.posix.join('images', this.image.repository.split('/').pop() ?? id);
    // A contextDir that is not a plain relative path is reported by the validation, and nothing is written.
    this.contextPath = typeof relative === 'string' && !characterProblem(relative) ? path.resolve(app.outdir, relative) : path.resolve(app.outdir, 'images', id);

    const outputs = AppOutputs.of(this);
    const taken = outputs.claimFolder(this, this.contextPath);
    const checksImage = outputs.claimImageValidation(this, this.image);
    // The folder's own problems: always this construct's to report. They read the filesystem (htmlDir): the
    // validation looks afresh, and the writer reuses what it found in the same validation pass.
    let checkedIn: { pass: number; problems: string[] } | undefined;
    const folderProblems = (fresh: boolean): string[] => {
      // Stryker disable next-line ConditionalExpression: looking again within a pass finds the same folder (it saves only the file system calls).
      if (fresh || checkedIn?.pass !== outputs.pass) checkedIn = { pass: outputs.pass, problems: findFolderProblems() };
      return checkedIn.problems;
    };
    const findFolderProblems = (): string[] => {
      if (taken !== undefined) {
        return [`the build context folder ${relative} is already used by ${taken}; give this image another repository or set contextDir.`];
      }
      if (typeof relative !== 'string' || characterProblem(relative) || relative === '' || path.isAbsolute(relative)
        || relative.split(/[\\/]/).some(seg => seg === '..' || seg.length > 255)) {
        return [`contextDir ${describeValue(relative)} must be a relative path inside the app's output folder, such as 'images/site'.`];
      }
      // Never copy the output folder into itself, nor the host's kernel filesystems into an image.
      return this.image.htmlDir === undefined ? [] : htmlDirProblems(this.image.htmlDir, [app.outdir, this.contextPath]);
    };
    // Never written from an invalid model or folder (the image's own problems are reported by the first
    // construct using it).
    // Stryker disable next-line BooleanLiteral: looking afresh in the writer too finds the same folder (it saves only the file system calls).
    outputs.addOutput(this, () => folderProblems(false).length === 0 && this.image.validate().length === 0
      ? { folder: this.contextPath, files: this.image.buildContext() }
      : undefined);
    this.node.addValidation({
      validate: () => {
        const folder = folderProblems(true);
        if (folder.length > 0) return folder;
        const problems = this.image.validate();
        if (problems.length === 0 && checksImage && !this.warned) {
          this.warned = true;
          // cdk8s has no warning channel: warnings go to stderr, errors fail the synth.
          for (const w of this.image.warnings()) process.stderr.write(`[${this.node.path}] warning: ${w}\n`);
        }
        return checksImage ? problems : [];
      },
    });
  }
}
