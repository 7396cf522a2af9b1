#!/usr/bin/env bash
# The main job: builds moda if needed, then for each bundled example
# (examples/*.mlir): prints the verified IR after moda's tensor-level passes,
# compiles its kernels to PTX/cubin + manifests with moda-compile, and runs
# every kernel on fresh random inputs against the float64 reference: on the
# GPU (moda-run) when one is present, else on the CPU path (the same tiled
# kernel compiled for the host, moda-cpu-check: each attention on its own
# where its shapes are static, and the graph whole, depth streams included,
# against a float64 interpretation of it).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${MODA_BUILD_DIR:-$root/build}

"$root/utils/build.sh" moda-opt moda-compile moda-cpu-check moda-run >/dev/null

if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then
  device=gpu
else
  device=cpu
fi

status=0
for example in "$root"/examples/*.mlir; do
  name=$(basename "$example" .mlir)
  echo "== $name: canonicalized, kernel configurations selected, verified"
  "$build/bin/moda-opt" "$example" \
    --pass-pipeline='builtin.module(canonicalize,moda-select-kernel-config)' \
    --verify-each

  artifacts="$build/examples/$name"
  echo "== $name: kernels (PTX for sm_90a through NVVM/NVPTX, cubin, manifest) in $artifacts"
  "$build/bin/moda-compile" "$example" -o "$artifacts"

  if [ "$device" = gpu ]; then
    echo "== $name: run on the GPU against the float64 reference"
    for manifest in "$artifacts"/*.json; do
      # A loop's attention reads the stream's entries: L is a runtime size
      # there (at most the stream's capacity, 4 in model_loop.mlir).
      depth=()
      grep -q '"L": null' "$manifest" && depth=(--L 4)
      "$build/bin/moda-run" "$manifest" "${depth[@]}" || status=1
    done
  else
    echo "== $name: no GPU here; run on the CPU path against the float64 reference"
    "$build/bin/moda-opt" "$example" -canonicalize -o "$artifacts/canonical.mlir"
    # Each attention alone needs static shapes; a loop's reads of its
    # stream have a runtime L.
    if ! grep -q 'scf.for' "$example"; then
      "$build/bin/moda-cpu-check" --input "$artifacts/canonical.mlir" || status=1
    fi
    echo "== $name: the whole graph on the CPU path against its float64 interpretation"
    "$build/bin/moda-cpu-check" --input "$example" --whole-graph || status=1
  fi
done
exit $status
