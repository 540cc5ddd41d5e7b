import * as path from 'path';
import { App } from 'cdk8s';
import { Construct } from 'constructs';
import { AppState } from './app-state';
import { writeBuildContext } from './build-context';
import { NginxImage, htmlDirProblems, requireNginxImage } from './nginx-image';
import { describeValue } from '../input/describe';
import { characterProblem } from '../input/reader';

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
 * Writes the build context of a FROM-scratch nginx image (Dockerfile, nginx.conf, conf.d/*.conf, html,
 * collect-rootfs.sh, .dockerignore) into the cdk8s app's output folder when the app synthesises.
 *
 * cdk8s 2.x calls no hook on constructs after the tree is complete except validation, which
 * `App.synth()` runs first. So the context is written by a validation of this construct: it validates the
 * image model, and only when that passes writes the folder. `cdk8s synth` (or `app.synth()`) therefore
 * writes manifests and build contexts in one run, with no second call.
 */
export class ScratchImage extends Construct {
  /** The image model. */
  public readonly image: NginxImage;
  /** Absolute path of the build-context folder. */
  public readonly contextPath: string;
  private warned = false;
  private written = false;

  constructor(scope: Construct, id: string, props: ScratchImageProps) {
    super(scope, id);
    this.image = requireNginxImage(props, this.node.path);
    const app = App.of(this);
    const relative: unknown = props.contextDir ?? path.posix.join('images', this.image.repository.split('/').pop() ?? id);
    // A contextDir that is not a plain relative path is reported by the validation, and nothing is written.
    this.contextPath = typeof relative === 'string' && !characterProblem(relative) ? path.resolve(app.outdir, relative) : path.resolve(app.outdir, 'images', id);

    const state = AppState.of(this);
    const taken = state.claimContextDir(this, this.contextPath);
    const checksImage = state.claimImageValidation(this, this.image);
    this.node.addValidation({
      validate: () => {
        if (taken !== undefined) {
          return [`the build context folder ${relative} is already used by ${taken}; give this image another repository or set contextDir.`];
        }
        if (typeof relative !== 'string' || characterProblem(relative) || relative === '' || path.isAbsolute(relative)
          || relative.split(/[\\/]/).some(seg => seg === '..' || seg.length > 255)) {
          return [`contextDir ${describeValue(relative)} must be a relative path inside the app's output folder, such as 'images/site'.`];
        }
        // Never copy the output folder into itself, nor the host's kernel filesystems into an image.
        const html = this.image.htmlDir === undefined ? [] : htmlDirProblems(this.image.htmlDir, [app.outdir, this.contextPath]);
        if (html.length > 0) return html;
        // Never write a context from an invalid model; the first construct using the image reports why.
        const problems = this.image.validate();
        // cdk8s validates the whole app once per chart; the image's config is sealed, so write it once.
        if (problems.length === 0 && !this.written) {
          this.written = true;
          writeBuildContext(this.contextPath, this.image.buildContext());
          if (checksImage && !this.warned) {
            this.warned = true;
            // cdk8s has no warning channel: warnings go to stderr, errors fail the synth.
            for (const w of this.image.config.warnings()) process.stderr.write(`[${this.node.path}] warning: ${w}\n`);
          }
        }
        return checksImage ? problems : [];
      },
    });
  }
}
