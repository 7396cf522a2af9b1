#!/usr/bin/env bash
# Runs on the GPU machine (device tool), over a copy of this tree that
# carries build-rt/ (runtime-only build) and bench/artifacts/ (kernels
# compiled here by bench/correctness_suite.py compile). Writes under $OUT.
# Set MODA_COMMIT to the commit of the tree (the copy has no git history).
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/moda-out}
mkdir -p "$OUT"
export MODA_RUNTIME_LIB=$PWD/build-rt/lib/libmoda_runtime.so PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader

# Each section runs on the kernels carried: the heuristics' configurations
# in bench/artifacts/, configurations pinned to each layout below (the
# 64 MiB a call carries do not always hold all of them).
suite=0
if [ -d bench/artifacts ]; then
  echo "== correctness suite (python/moda + PyTorch float64 reference)"
  python3 bench/correctness_suite.py run --json "$OUT/gpu-correctness.json" > "$OUT/suite.log" 2>&1
  suite=$?
  grep -E "FAIL|gpu-correctness:" "$OUT/suite.log" | tail -20
else
  echo "== correctness suite: bench/artifacts/ not carried, not run"
fi

echo "== pytest (GPU): kernels, the PyTorch operator, compile/export, DDP/FSDP2, DepthStream, the language model"
# The operator's kernels: bundled here (bench/run_torch_gpu.sh says how).
export MODA_BUNDLE_DIR=${MODA_BUNDLE_DIR:-$PWD/build/torch-bundle}
export MODA_CACHE_DIR=${MODA_CACHE_DIR:-$OUT/moda-cache}
python3 -m pytest -q python/tests/gpu python/tests/test_depth_stream.py \
  python/tests/test_moda_lm_model.py python/tests/test_op_packed.py python/tests/test_kv_cache.py \
  -p no:cacheprovider \
  > "$OUT/pytest-gpu.log" 2>&1
grep -E "^(FAILED|ERROR) |passed|failed" "$OUT/pytest-gpu.log" | tail -30

echo "== compute-sanitizer memcheck (moda-run)"
sanitizer=$(command -v compute-sanitizer || echo /usr/local/cuda/bin/compute-sanitizer)
memcheck_failures=0
if [ -d bench/artifacts ]; then
for spec in "per_position_bf16_d64_g1_causal 63 63 7" "per_position_bf16_d64_g4_full 200 200 1" \
            "per_position_f16_d64_g16_causal 63 200 64" "per_position_f16_d128_g2_causal 200 200 7" \
            "per_position_bf16_d128_g8_full 1 1 0" "chunk_bf16_d64_g1_causal 200 200 7" \
            "chunk_f16_d128_g8_causal 63 63 1" "depth_only_bf16_d64_g2_full 200 0 7" \
            "depth_only_f16_d128_g16_full 63 0 64" "per_position_bf16_d64_g2_causal 129 129 0"; do
  set -- $spec
  keys=(--S "$3"); [ "$3" = 0 ] && keys=()   # depth-only kernels have no S
  if "$sanitizer" --tool memcheck --error-exitcode 3 build-rt/bin/moda-run \
       bench/artifacts/$1/moda_attention_0.json --B 1 --T "$2" "${keys[@]}" --L "$4" --iters 1 --warmup 0 \
       > "$OUT/memcheck-$1.log" 2>&1; then
    echo "memcheck clean: $spec"
  else
    echo "memcheck FAILED: $spec"; tail -5 "$OUT/memcheck-$1.log"; memcheck_failures=$((memcheck_failures + 1))
  fi
done
fi

# Kernels pinned to one layout, when carried, one folder per layout
# (compiled here with `correctness_suite.py compile`):
#   bench/tile-artifacts           --config 64,32,32,2,1,fma
#   bench/tile-mma-sync-artifacts  --config 64,64,64,4,2,mma_sync (D = 64)
#                                  --config 64,32,32,4,2,mma_sync (D = 128)
#   bench/tile-wgmma-artifacts     --config 64,64,64,4,2,wgmma (D = 64)
#                                  --config 128,64,64,8,2,wgmma (D = 128)
# the same cases on the variants present, then memcheck, racecheck and
# synccheck on two of them (their shared tiles are ordered by barriers and
# cp.async waits the tile programs place).
tile_suite=0
run_tile_suite() {  # folder, layout, json
  [ -d "$1" ] || return 0
  echo "== correctness suite, tile-program kernels (convert-moda-tile-to-gpu, $2 layout)"
  python3 bench/correctness_suite.py run --artifacts "$1" --json "$OUT/$3" \
    > "$OUT/suite-tile-$2.log" 2>&1 || tile_suite=1
  grep -E "FAIL|gpu-correctness:" "$OUT/suite-tile-$2.log" | tail -20
  local folder=$1 layout=$2
  for spec in "per_position_bf16_d64_g4_causal 200 263 7" "chunk_bf16_d128_g1_causal 63 63 1"; do
    set -- $spec
    [ -f "$folder/$1/moda_attention_0.json" ] || continue
    for tool in memcheck racecheck synccheck; do
      if "$sanitizer" --tool $tool --error-exitcode 3 build-rt/bin/moda-run \
           "$folder/$1/moda_attention_0.json" --B 1 --T "$2" --S "$3" --L "$4" \
           --iters 1 --warmup 0 > "$OUT/memcheck-tile-$layout-$tool-$1.log" 2>&1; then
        echo "$tool clean (tile program, $layout): $spec"
      else
        echo "$tool FAILED (tile program, $layout): $spec"
        tail -5 "$OUT/memcheck-tile-$layout-$tool-$1.log"
        memcheck_failures=$((memcheck_failures + 1))
      fi
    done
  done
}
run_tile_suite bench/tile-artifacts fma gpu-correctness-tile.json
run_tile_suite bench/tile-mma-sync-artifacts mma_sync gpu-correctness-tile-mma-sync.json
run_tile_suite bench/tile-wgmma-artifacts wgmma gpu-correctness-tile-wgmma.json
tar czf "$OUT/memcheck-logs.tgz" "$OUT"/memcheck-*.log 2>/dev/null; rm -f "$OUT"/memcheck-*.log
echo "suite exit $suite, tile suite exit $tile_suite, memcheck failures $memcheck_failures"
