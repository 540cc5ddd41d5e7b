#!/bin/sh
# Synthesises every example (a folder with a cdk8s.yaml) with the cdk8s CLI: manifests and image build
# contexts land in examples/<name>/out/.
set -eu
cd "$(dirname "$0")"
for dir in */; do
  [ -f "$dir/cdk8s.yaml" ] || continue
  echo "== examples/$dir"
  (cd "$dir" && cdk8s synth --no-check-upgrade)
done
