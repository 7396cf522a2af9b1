#!/usr/bin/env bash
# The GPU tests of the PyTorch operator (moda.attention, moda::attention_fwd
# and _bwd; padded and packed sequences), torch.compile / torch.export,
# DDP / FSDP2, moda.DepthStream and decoding with moda.KVCache, and the
# operator's tests that need PyTorch but no GPU (test_op_packed.py,
# test_kv_cache.py).
# Runs on the GPU machine (device tool) over a copy of this tree that carries
#   the runtime library: build/lib/libmoda_runtime.so (it links only the C++
#                        runtime) or build-rt/ (docs/runtime.md), found by
#                        moda.locate, or named by $MODA_RUNTIME_LIBRARY;
#   build/torch-bundle/  the kernels, compiled here (the GPU machine has no
#                        MLIR) with:
#     PYTHONPATH=python python3 -m moda.bundle --out build/torch-bundle bench/torch-op-variants.json
# Writes pytest's log and a JUnit XML under $OUT.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/moda-out}
mkdir -p "$OUT"
export MODA_BUNDLE_DIR=${MODA_BUNDLE_DIR:-$PWD/build/torch-bundle}
export MODA_CACHE_DIR=${MODA_CACHE_DIR:-$OUT/moda-cache}
export PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
python3 -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda)"
PYTHONPATH=python python3 -c "import moda.locate as l; print('runtime:', l.find_runtime_library())"
echo "bundle: $(ls "$MODA_BUNDLE_DIR" | grep -c sm_) variants in $MODA_BUNDLE_DIR"

echo "== pytest: operator (padded, packed), compile/export, DDP/FSDP2, DepthStream, KVCache"
python3 -m pytest -v -p no:cacheprovider -rs --junitxml="$OUT/torch-gpu.xml" -s \
  python/tests/gpu/test_op_gpu.py python/tests/gpu/test_op_packed_gpu.py \
  python/tests/test_op_packed.py python/tests/test_depth_stream.py \
  python/tests/gpu/test_depth_stream_gpu.py \
  python/tests/gpu/test_compile_export_gpu.py python/tests/gpu/test_distributed_gpu.py \
  python/tests/test_kv_cache.py python/tests/gpu/test_kv_cache_gpu.py \
  > "$OUT/torch-gpu.log" 2>&1
status=$?
grep -E "PASSED|FAILED|ERROR|SKIPPED|passed|failed" "$OUT/torch-gpu.log" | tail -60
if [ "$status" -ne 0 ]; then
  echo "== failures (full log: torch-gpu.log)"
  grep -E "^E |^(FAILED|ERROR) " "$OUT/torch-gpu.log" | head -80
fi
echo "pytest exit $status"
exit $status
