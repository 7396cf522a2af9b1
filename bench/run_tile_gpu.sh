#!/usr/bin/env bash
# The tile programs' measurements in one GPU call, over the kernels
# bench/compile_tile_gpu.sh compiled (carry build-rt/lib, build-rt/bin,
# bench and .commit), most wanted first (a call cut short keeps what it
# measured): the correctness suite on the forward pinned to each layout
# (wgmma, mma_sync, fma; a quarter of its cases on views); the gradient
# suite on the wgmma backward (D = 64 and both D = 128 configurations); the
# training benchmark (medians of 20 steps, peers in one process) of the
# kernels pinned to 128x64x64 at D = 128 against the default (128x32x32
# there); the per-kernel times at T = 16384, G = 8, D = 64, L = 64 of both;
# compute-sanitizer's memcheck on two forward variants (views included);
# compute-sanitizer's four tools on two backward variants of each D = 128
# configuration (128x64x64 with one D = 64 variant, 128x32x32). Each part
# has a time limit; each writes JSON under $OUT, its log into
# $OUT/logs.tgz.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/moda-out}
mkdir -p "$OUT"
export MODA_COMMIT=${MODA_COMMIT:-$(cat .commit 2>/dev/null || echo unknown)}
export PYTHONPATH=python PYTHONUNBUFFERED=1
export MODA_RUNTIME_LIB=$PWD/build-rt/lib/libmoda_runtime.so
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
part() { echo "== $1 ($(date +%T))"; }

for layout in wgmma mma-sync fma; do
  part "forward correctness, tile $layout (views in a quarter of the cases)"
  timeout 75 python3 bench/correctness_suite.py run --artifacts bench/tile-$layout-artifacts \
    --json "$OUT/gpu-correctness-tile-$layout.json" > "$OUT/forward-$layout.log" 2>&1
  echo "exit $?"; grep -E "FAIL|gpu-correctness:" "$OUT/forward-$layout.log" | tail -8
done

part "gradient suite, tile wgmma (128x64x64 at D = 128)"
timeout 120 python3 bench/grad_check_suite.py run --artifacts bench/grad-tile-wgmma-artifacts \
  --json "$OUT/grad-check-tile-wgmma.json" > "$OUT/grad.log" 2>&1
echo "exit $?"; grep -E "FAIL|grad-check:" "$OUT/grad.log" | tail -10

part "gradient suite, tile wgmma at D = 128 with 128x32x32 (the heuristic's)"
timeout 90 python3 bench/grad_check_suite.py run --artifacts bench/grad-tile-wgmma-n32-artifacts --only d128 \
  --json "$OUT/grad-check-tile-wgmma-d128-n32.json" > "$OUT/grad-n32.log" 2>&1
echo "exit $?"; grep -E "FAIL|grad-check:" "$OUT/grad-n32.log" | tail -10

part "training step, tile programs (128x64x64 at D = 128) against the default"
timeout 120 python3 bench/perf_training.py run --artifacts bench/training-tile-artifacts \
  --before bench/training-auto-artifacts --iters 20 --json "$OUT/perf-training-tile.json" 2>&1 | tail -10

part "per-kernel times, T = 16384, G = 8, D = 64, L = 64"
timeout 45 python3 bench/kernel_breakdown.py --T 16384 --G 8 --D 64 --L 64 \
  bench/training-tile-artifacts bench/training-auto-artifacts 2>&1 | grep -v -i warn | tail -12

part "compute-sanitizer memcheck on the tile forward, views included"
sanitizer=$(command -v compute-sanitizer || echo /usr/local/cuda/bin/compute-sanitizer)
for spec in "wgmma per_position_bf16_d64_g4_causal" "fma per_position_bf16_d64_g2_full"; do
  set -- $spec
  timeout 60 "$sanitizer" --tool memcheck --kernel-name kns=moda_attention --error-exitcode 9 \
    python3 bench/correctness_suite.py run --artifacts bench/tile-$1-artifacts --only "$2" \
    --json "$OUT/memcheck-forward.json" > "$OUT/memcheck-forward-$1.log" 2>&1
  echo "memcheck tile $1 $2: exit $?"; grep -E "ERROR SUMMARY|gpu-correctness:" "$OUT/memcheck-forward-$1.log"
done
rm -f "$OUT/memcheck-forward.json"

part "compute-sanitizer on the tile backward"
SANITIZER_TIMEOUT=40 timeout 150 bash bench/run_grad_sanitizers.sh bench/grad-tile-wgmma-artifacts \
  per_position_bf16_d64_g4_causal per_position_f16_d128_g2_full 2>&1 | grep -E "FAILED|failures"
mv "$OUT/sanitizers-backward.json" "$OUT/sanitizers-backward-tile.json" 2>/dev/null
SANITIZER_TIMEOUT=40 timeout 150 bash bench/run_grad_sanitizers.sh bench/grad-tile-wgmma-n32-artifacts \
  per_position_f16_d128_g2_full chunk_f16_d128_g8_causal 2>&1 | grep -E "FAILED|failures"
mv "$OUT/sanitizers-backward.json" "$OUT/sanitizers-backward-tile-d128-n32.json" 2>/dev/null
rm -f "$OUT"/grad-{memcheck,racecheck,synccheck,initcheck}-*.json

(cd "$OUT" && tar czf logs.tgz ./*.log && rm -f ./*.log)
part "done"
