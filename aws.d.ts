// The `cdk8s-scratch-nginx/aws` entry point (needs the optional peer aws-cdk-lib): see src/aws/index.ts.
export * from './lib/aws';
