#!/bin/sh
# Synthesises every example: cdk8s apps (a folder with a cdk8s.yaml) with the cdk8s CLI, AWS CDK apps (a folder
# with a main.ts and no cdk8s.yaml) with ts-node. Manifests, build contexts, reports and cloud assemblies land in
# examples/<name>/out/.
set -eu
cd "$(dirname "$0")"
for dir in */; do
  if [ -f "$dir/cdk8s.yaml" ]; then
    echo "== examples/$dir (cdk8s)"
    (cd "$dir" && cdk8s synth --no-check-upgrade)
  elif [ -f "$dir/main.ts" ]; then
    echo "== examples/$dir (AWS CDK)"
    (cd "$dir" && rm -rf out && ts-node --transpile-only main.ts && echo "  - out/ (cloud assembly)")
  fi
done
