import { App } from 'cdk8s';
import { Construct } from 'constructs';
import { NginxImage } from './nginx-image';

const OWNERS = Symbol.for('cdk8s-scratch-nginx.imageValidationOwners');

/**
 * Whether `construct` is the first in its app to use `image`, and so reports the image's problems.
 * An image shared by a ScratchImage and a workload is checked once, not once per construct.
 */
export function claimImageValidation(construct: Construct, image: NginxImage): boolean {
  const app: any = App.of(construct);
  const owners: Map<NginxImage, string> = (app[OWNERS] ??= new Map<NginxImage, string>());
  const owner = owners.get(image);
  if (owner === undefined) {
    owners.set(image, construct.node.path);
    return true;
  }
  return owner === construct.node.path;
}
