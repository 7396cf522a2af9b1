#!/usr/bin/env bash
# Configures (once) and builds the sanitized build that utils/run-sanitized.sh
# and utils/run-fuzz.sh share: clang-22, RelWithDebInfo at -O1 with line
# tables and assertions on, every target of ours built with ASan + UBSan
# (-fno-sanitize-recover=all) and libFuzzer's coverage (-DMODA_FUZZ=ON), in
# build-asan/ (or $MODA_SANITIZED_BUILD_DIR). Debian's LLVM/MLIR libraries
# are not instrumented; our code is.
#
#   utils/build-sanitized.sh [ninja targets]    MODA_SANITIZED_JOBS=n: ninja -j n
#
# MODA_RUNTIME_ONLY=1 builds the runtime alone (a machine without MLIR), in
# build-fuzz/ by default: only the runtime's fuzz targets and unit tests.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ "${MODA_RUNTIME_ONLY:-0}" = 1 ]; then
  build=${MODA_SANITIZED_BUILD_DIR:-$root/build-fuzz}
  extra=(-DMODA_RUNTIME_ONLY=ON)
else
  build=${MODA_SANITIZED_BUILD_DIR:-$root/build-asan}
  extra=(-DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir
         -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit)
fi
"$root/utils/install-deps.sh" || exit 1

if [ ! -f "$build/build.ninja" ]; then
  # -O1: a third faster to build than -O2 and what the sanitizers' docs
  # recommend; no -DNDEBUG: assertions (ours and the LLVM headers') catch
  # misuse that would otherwise be silent.
  cmake -G Ninja -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
    -DMODA_FUZZ=ON "${extra[@]}" >"$build.configure.log" 2>&1 ||
    { tail -30 "$build.configure.log"; exit 1; }
  rm -f "$build.configure.log"
fi
if ! ninja -C "$build" ${MODA_SANITIZED_JOBS:+-j "$MODA_SANITIZED_JOBS"} "$@" \
     >"$build/ninja.log" 2>&1; then
  grep -aE 'error|FAILED' "$build/ninja.log" | head -30
  exit 1
fi
