#!/usr/bin/env bash
# Decoding and packed sequences on the GPU machine, in one call: the
# PyTorch operator's tests (bench/run_torch_gpu.sh: KVCache and
# attention_with_kv_cache included), the decode benchmark
# (bench/perf_decode.py) and the packed-against-padded benchmark with its
# training step (bench/perf_packed.py). Writes under $OUT:
#   torch-gpu.log, torch-gpu.xml       the tests
#   perf-decode.json, perf-decode.log  B in {1, 16, 64}, S in {4096, 32768, 131072}, ...
#   moda-run-paged-*.json, sanitizer-<tool>-paged-*.log
#                                      paged split-KV kernels checked, and
#                                      under compute-sanitizer's four tools
#   perf-packed.json, perf-packed.log
# About 5 minutes on an H100.
#
# Runs over a copy of this tree that carries (ignored paths, prepared here):
#   build-rt/lib, build-rt/bin  the runtime library (moda.locate finds it), moda-run
#   build/torch-bundle/      PYTHONPATH=python python3 -m moda.bundle --out build/torch-bundle bench/torch-op-variants.json
#   bench/decode-artifacts/  python3 bench/perf_decode.py compile
#   bench/packed-perf-artifacts/  python3 bench/perf_packed.py compile
# Set MODA_COMMIT to the tree's commit (the copy has no git history).
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/moda-out}
mkdir -p "$OUT"
status=0
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader

OUT=$OUT bash bench/run_torch_gpu.sh > "$OUT/torch-gpu-run.log" 2>&1 || status=1
grep -E "kv_cache|FAILED|ERROR|passed|failed" "$OUT/torch-gpu-run.log" | tail -30

echo "== decode benchmark"
python3 bench/perf_decode.py run --json "$OUT/perf-decode.json" > "$OUT/perf-decode.log" 2>&1 \
  || status=1
tail -40 "$OUT/perf-decode.log"

echo "== moda-run and compute-sanitizer on paged split-KV kernels"
# A cache of 4001 keys (a last page partly filled), the kernels of two
# decode benchmark shapes (B = 1: 16 shares; B = 16: none), each checked
# against float64 by moda-run, then under each sanitizer tool.
sanitizer=$(command -v compute-sanitizer || echo /usr/local/cuda/bin/compute-sanitizer)
for shape in b1_s4096_d64_g4 b16_s4096_d128_g8; do
  manifest=bench/decode-artifacts/$shape/paged/moda_attention_0.json
  build-rt/bin/moda-run "$manifest" --S 4001 --L 32 --json "$OUT/moda-run-paged-$shape.json" \
    > "$OUT/moda-run-paged-$shape.log" 2>&1 || status=1
  grep -E "check|result" "$OUT/moda-run-paged-$shape.log"
  for tool in memcheck racecheck synccheck initcheck; do
    timeout 300 "$sanitizer" --tool "$tool" --error-exitcode 9 build-rt/bin/moda-run "$manifest" \
      --S 4001 --L 32 --iters 1 --warmup 0 > "$OUT/sanitizer-$tool-paged-$shape.log" 2>&1
    rc=$?
    echo "sanitizer $tool $shape exit $rc: $(grep -E 'ERROR SUMMARY|result' \
      "$OUT/sanitizer-$tool-paged-$shape.log" | tr '\n' ' ')"
    [ $rc -eq 0 ] || status=1
  done
done

echo "== packed against padded, forward and training step"
python3 bench/perf_packed.py run --json "$OUT/perf-packed.json" > "$OUT/perf-packed.log" 2>&1 \
  || status=1
tail -6 "$OUT/perf-packed.log"
exit $status
