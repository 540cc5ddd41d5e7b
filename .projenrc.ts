import { cdk8s, javascript } from 'projen';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-scratch-nginx',
  packageName: 'cdk8s-scratch-nginx',
  description: 'Typed constructs for NGINX in a FROM-scratch image and a hardened Kubernetes pod: one model synthesises the Dockerfile, nginx.conf and the manifests.',
  author: 'Seed 74814031 maintainers',
  authorAddress: 'maintainers@users.noreply.r-seed-74814031.example',
  repositoryUrl: 'https://github.com/maintainers/main.git',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  release: false,
  minNodeVersion: '20.0.0',
  github: false,

  cdk8sVersion: '2.70.106',
  constructsVersion: '10.8.1',
  jsiiVersion: '~6.0.0',
  keywords: ['cdk8s', 'nginx', 'scratch', 'distroless', 'kubernetes', 'security', 'hardening'],

  peerDeps: ['cdk8s-plus-27@^2.9.5', 'aws-cdk-lib@^2.200.0'],
  devDeps: [
    'cdk8s-plus-27@2.9.5',
    'aws-cdk-lib@2.276.0',
    'cdk8s-cli@2.207.60',
    'dockerfile-ast@0.7.1',
    'dockerfile-utils@0.16.3',
    'yaml@^2',
    '@nginx/reference-lib@1.1.41',
    'fast-check@^4',
    'kubernetes-models@4.5.1',
    // JSON Schema validation of the Gateway API HTTPRoute (its CRD schema is a test fixture).
    'ajv@^8',
    'typescript@~6.0',
    // Mutation testing (`npx projen mutation`); 9.x is the last line that runs on Node 20.
    '@stryker-mutator/core@9.6.1',
    '@stryker-mutator/jest-runner@9.6.1',
  ],

  tsconfigDevFile: 'tsconfig.dev.json',
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'projenrc', 'examples'],
    tsconfigPath: './tsconfig.dev.json',
    projectService: false,
  } as any,
  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testPathIgnorePatterns: ['/node_modules/', '/examples/.*/out/'],
      coverageReporters: ['text-summary'],
    },
  },
  gitignore: ['/examples/*/out/', '/.work/'],
});

// The builder stage's shell scripts ship next to the compiled code that reads them.
project.compileTask.exec('cp src/image/collect-rootfs.sh src/image/record-packages.sh lib/image/');
project.npmignore?.include('/lib/**/*.sh');
// aws-cdk-lib is an optional peer: only the second entry point `cdk8s-scratch-nginx/aws` (aws.js/aws.d.ts at the
// package root, for every moduleResolution) imports it, so a cdk8s-only app installs and type-checks without it.
project.package.addField('peerDependenciesMeta', { 'aws-cdk-lib': { optional: true } });
project.npmignore?.include('/aws.js', '/aws.d.ts');
// `npx cdk8s-scratch-nginx preview`: build and run a synth output locally (src/preview/).
project.addBins({ 'cdk8s-scratch-nginx': 'lib/preview/cli.js' });
project.npmignore?.exclude('/examples/', '/bench/', '/.work/', '/.ci/', '/scripts/');
project.tsconfigDev.addInclude('.projenrc.ts');
project.tsconfigDev.addInclude('examples/**/*.ts');

// Tests run through ts-jest with isolatedModules, which does not type-check: do it here.
project.testTask.prependExec('tsc -p tsconfig.dev.json --noEmit');

// Examples: each folder under examples/ is a cdk8s app (cdk8s.yaml) that writes into its own out/.
const example = project.addTask('example', {
  description: 'Synthesise every example under examples/ with the cdk8s CLI (manifests and image build contexts).',
});
example.exec('sh examples/synth-all.sh');

// Benchmarks (not tests): image against its limit, synth cost, nginx throughput, cold start.
project.addTask('bench', {
  description: 'Run the benchmarks in bench/ and write bench/results.md (needs buildah, podman, nginx-light, wrk).',
  exec: 'ts-node --transpile-only bench/run.ts',
});

// Mutation testing: Stryker over src/ with the jest runner, reports under .work/mutation/ (git-ignored).
// Not part of the build (a whole run takes about an hour on 2 cores): see README "Commands".
project.addTask('mutation', {
  description: 'Mutation-test src/ with Stryker (reports in .work/mutation/). Arguments: folders or files to mutate, or --since <git ref> for the files changed since then.',
  exec: 'node scripts/mutation.mjs',
  receiveArgs: true,
});
project.npmignore?.exclude('/stryker.config.json');

project.synth();
