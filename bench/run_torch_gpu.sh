#!/usr/bin/env bash
# The GPU tests of the PyTorch operator (moda.attention, moda::attention_fwd
# and _bwd), torch.compile / torch.export, DDP / FSDP2 and moda.DepthStream.
# Runs on the GPU machine (device tool) over a copy of this tree that carries
#   build-rt/            the runtime-only build (docs/runtime.md)
#   build/torch-bundle/  the kernels, compiled here (the GPU machine has no
#                        MLIR) with:
#     python3 -m moda.bundle --out build/torch-bundle bench/torch-op-variants.json
#                        (run from python/ or with PYTHONPATH=python)
# Writes pytest's log and a JUnit XML under $OUT.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/moda-out}
mkdir -p "$OUT"
export MODA_RUNTIME_LIBRARY=${MODA_RUNTIME_LIBRARY:-$PWD/build-rt/lib/libmoda_runtime.so}
export MODA_BUNDLE_DIR=${MODA_BUNDLE_DIR:-$PWD/build/torch-bundle}
export MODA_CACHE_DIR=${MODA_CACHE_DIR:-$OUT/moda-cache}
export PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
python3 -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda)"
ls "$MODA_BUNDLE_DIR" | head -20

echo "== pytest: operator, compile/export, DDP/FSDP2, DepthStream"
python3 -m pytest -v -p no:cacheprovider -rs --junitxml="$OUT/torch-gpu.xml" -s \
  python/tests/gpu/test_op_gpu.py python/tests/gpu/test_depth_stream.py \
  python/tests/gpu/test_compile_export_gpu.py python/tests/gpu/test_distributed_gpu.py \
  > "$OUT/torch-gpu.log" 2>&1
status=$?
grep -E "PASSED|FAILED|ERROR|SKIPPED|passed|failed" "$OUT/torch-gpu.log" | tail -60
echo "pytest exit $status"
exit $status
