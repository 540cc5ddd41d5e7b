import { Construct } from 'constructs';
import { NginxImage } from '../image/nginx-image';
import { NginxImageProps } from '../image/nginx-image-props';
import { ScratchImage } from '../image/scratch-image';
import { NginxWorkload } from '../workload/nginx-workload';
import { NginxWorkloadOptions } from '../workload/options';

/** Properties of `ScratchNginx`: the image (with its nginx config) and the workload. */
export interface ScratchNginxProps extends NginxImageProps, NginxWorkloadOptions {
  /**
   * Folder of the image's build context, relative to the app's output folder.
   * @default 'images/<last segment of the image repository>'
   */
  readonly contextDir?: string;
}

/**
 * nginx from one typed config: the FROM-scratch image's build context and the hardened Deployment and
 * Service that run it. Port, uid/gid, writable paths and the image reference come from the same model, so
 * the Dockerfile, nginx.conf and the manifests agree by construction.
 */
export class ScratchNginx extends Construct {
  /** The image model (config, uid/gid, reference). */
  public readonly model: NginxImage;
  /** The construct that writes the build context. */
  public readonly image: ScratchImage;
  /** The Deployment and Service. */
  public readonly workload: NginxWorkload;

  constructor(scope: Construct, id: string, props: ScratchNginxProps) {
    super(scope, id);
    this.model = new NginxImage(props);
    this.image = new ScratchImage(this, 'Image', { image: this.model, contextDir: props.contextDir });
    this.workload = new NginxWorkload(this, 'Workload', { ...props, image: this.model });
  }
}
