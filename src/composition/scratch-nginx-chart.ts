import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { NginxImage } from '../image/nginx-image';
import { NginxWorkload } from '../workload/nginx-workload';
import { NginxWorkloadOptions } from '../workload/options';

/** Properties of `ScratchNginxChart`. */
export interface ScratchNginxChartProps extends ChartProps, NginxWorkloadOptions {
  /** The image model (config, uid/gid); the image itself is built elsewhere, for example by `ScratchImageAsset`. */
  readonly image: NginxImage;
}

/**
 * A cdk8s Chart holding the hardened nginx workload, for `eks.Cluster.addCdk8sChart`: pass the asset's
 * `imageUri` as `imageReference`. Its synth-time checks (PSS, policy controls, config) run when the cluster
 * renders the chart.
 */
export class ScratchNginxChart extends Chart {
  /** The workload. */
  public readonly workload: NginxWorkload;

  constructor(scope: Construct, id: string, props: ScratchNginxChartProps) {
    super(scope, id, props);
    this.workload = new NginxWorkload(this, 'Nginx', props);
  }
}
