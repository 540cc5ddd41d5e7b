/**
 * The AWS CDK constructs, a second entry point: `import { ScratchImageAsset } from 'cdk8s-scratch-nginx/aws'`.
 *
 * They are kept out of the main entry so that a cdk8s-only app installs and type-checks without aws-cdk-lib
 * (an optional peer): nothing reachable from `cdk8s-scratch-nginx` imports it.
 */
export * from './scratch-image-asset';
export * from './scratch-nginx-fargate';
