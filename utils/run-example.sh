#!/usr/bin/env bash
# The main job: builds moda if needed, then compiles the bundled examples
# (examples/*.mlir) through moda-opt and prints the verified IR.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${MODA_BUILD_DIR:-$root/build}

"$root/utils/build.sh" moda-opt >/dev/null

for example in "$root"/examples/*.mlir; do
  echo "== $(basename "$example"): canonicalized, kernel configurations selected, verified"
  "$build/bin/moda-opt" "$example" \
    --pass-pipeline='builtin.module(canonicalize,moda-select-kernel-config)' \
    --verify-each
done
