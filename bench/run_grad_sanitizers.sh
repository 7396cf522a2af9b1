#!/usr/bin/env bash
# compute-sanitizer's memcheck, racecheck, synccheck and initcheck on the
# backward's kernels (each family: warpgroup-MMA dq/dkv at D = 64, SIMT at
# D = 128, chunk and depth-only variants), run by the gradient suite on its
# ragged cases. Only moda's kernels are instrumented (--kernel-name), not
# PyTorch's reference. Runs on the GPU machine over a copy carrying build-rt/
# and bench/grad-artifacts/ (bench/grad_check_suite.py compile); writes one
# log per run and a summary under $OUT.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/moda-out}
mkdir -p "$OUT"
export MODA_RUNTIME_LIB=$PWD/build-rt/lib/libmoda_runtime.so PYTHONUNBUFFERED=1
sanitizer=$(command -v compute-sanitizer || echo /usr/local/cuda/bin/compute-sanitizer)
failures=0
for kernel in per_position_bf16_d64_g4_causal per_position_f16_d128_g2_full \
              chunk_bf16_d64_g8_causal depth_only_f16_d64_g2_full; do
  for tool in memcheck racecheck synccheck initcheck; do
    log="$OUT/grad-$tool-$kernel.log"
    if "$sanitizer" --tool $tool --error-exitcode 3 --kernel-name kns=moda_attention \
         python3 bench/grad_check_suite.py run --only "$kernel" --json "$OUT/grad-$tool-$kernel.json" \
         > "$log" 2>&1; then
      echo "$tool clean (backward): $kernel $(grep -o 'grad-check: .*' "$log" | tail -1)"
    else
      echo "$tool FAILED (backward): $kernel"; tail -5 "$log"; failures=$((failures + 1))
    fi
  done
done
echo "backward sanitizer failures $failures"
