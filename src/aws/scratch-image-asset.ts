import { createHash } from 'crypto';
import * as os from 'os';
import * as path from 'path';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import { Construct } from 'constructs';
import { htmlDirProblems } from '../image/html-dir';
import { NginxImage, requireNginxImage } from '../image/nginx-image';
import { PropReader } from '../input/reader';
import { writeBuildContext } from '../output/folder';

/** Properties of `ScratchImageAsset`. */
export interface ScratchImageAssetProps {
  /** The image model (config, base image, uid/gid, html). */
  readonly image: NginxImage;
  /**
   * Platform to build for.
   * @default - the platform of the machine that builds (DockerImageAsset's default)
   */
  readonly platform?: Platform;
  /**
   * Build arguments.
   * @default - none
   */
  readonly buildArgs?: { [key: string]: string };
  /**
   * Build stage to stop at.
   * @default - the last stage (the scratch image)
   */
  readonly target?: string;
}

/**
 * The FROM-scratch nginx image as an AWS CDK image asset: the build context is rendered from the same model
 * at construction, into a folder named by its content hash, and handed to `DockerImageAsset`, which builds
 * and pushes it at deploy time (`cdk deploy`), never at synth. `imageUri` is a token.
 */
export class ScratchImageAsset extends Construct {
  /** The image model. */
  public readonly image: NginxImage;
  /** The wrapped DockerImageAsset. */
  public readonly asset: ecrAssets.DockerImageAsset;
  /** The image URI in ECR (a token; its tag is the asset hash). */
  public readonly imageUri: string;
  /** The folder the build context was written to. */
  public readonly contextPath: string;

  constructor(scope: Construct, id: string, props: ScratchImageAssetProps) {
    super(scope, id);
    this.image = requireNginxImage(props, this.node.path);
    const assets = path.join(os.tmpdir(), 'cdk8s-scratch-nginx-assets');
    const reader = new PropReader();
    const buildArgs = props.buildArgs === undefined ? undefined : reader.stringMap('buildArgs', props.buildArgs,
      { pattern: /^[A-Za-z_][A-Za-z0-9_]*$/, maxLength: 128, example: 'NGINX_VERSION', expected: 'a build argument name' },
      { allowEmpty: true, maxLength: 4096, example: '1.30.6', expected: 'a value on one line' });
    const target = reader.optionalString('target', props.target, { pattern: /^[A-Za-z0-9][A-Za-z0-9_.-]*$/, maxLength: 128, example: 'builder', expected: 'a build stage name' });
    const html = this.image.htmlDir === undefined ? [] : htmlDirProblems(this.image.htmlDir, [assets]);
    const problems = [...reader.problems, ...this.image.validate(), ...html];
    if (problems.length > 0) {
      throw new Error(`[${this.node.path}] the image is not valid:\n  ${problems.join('\n  ')}`);
    }
    const files = this.image.buildContext();
    const hash = createHash('sha256').update(JSON.stringify(files)).digest('hex').slice(0, 16);
    this.contextPath = path.join(assets, hash);
    writeBuildContext(this.contextPath, files);
    this.asset = new ecrAssets.DockerImageAsset(this, 'Asset', {
      directory: this.contextPath,
      platform: props.platform,
      buildArgs,
      target,
    });
    this.imageUri = this.asset.imageUri;
  }
}
