#!/usr/bin/env bash
# Runs on the GPU machine (device tool), over a copy of this tree that
# carries build-rt/ (runtime-only build), bench/grad-artifacts/ and
# bench/training-artifacts/ (compiled here by bench/grad_check_suite.py
# compile and bench/perf_training.py compile). Writes under $OUT. Set
# MODA_COMMIT to the commit of the tree (the copy has no git history).
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/moda-out}
mkdir -p "$OUT"
export MODA_RUNTIME_LIB=$PWD/build-rt/lib/libmoda_runtime.so PYTHONUNBUFFERED=1
export MODA_GRAD_ARTIFACTS=$PWD/bench/grad-artifacts
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader

echo "== gradient suite (moda.autograd vs torch autograd through the float64 reference)"
python3 bench/grad_check_suite.py run --json "$OUT/grad-check.json" > "$OUT/grad-suite.log" 2>&1
suite=$?
grep -E "FAIL|max errors|grad-check:" "$OUT/grad-suite.log" | tail -20

echo "== pytest (GPU, autograd)"
python3 -m pytest -q python/tests/gpu/test_autograd_gpu.py -p no:cacheprovider 2>&1 | tail -5

echo "== compute-sanitizer memcheck (one forward+backward, python)"
sanitizer=$(command -v compute-sanitizer || echo /usr/local/cuda/bin/compute-sanitizer)
timeout 240 "$sanitizer" --tool memcheck --error-exitcode 3 python3 bench/grad_check_suite.py run \
  --only per_position_bf16_d64_g4_causal --json /tmp/memcheck.json > "$OUT/memcheck.log" 2>&1
echo "memcheck exit $? (0 clean, 3 errors, 124 timeout)"; grep -E "ERROR SUMMARY|grad-check:" "$OUT/memcheck.log" | tail -3

echo "== training benchmark"
python3 bench/perf_training.py run --json "$OUT/perf-training.json" 2>&1 | tee "$OUT/perf.log"
echo "grad suite exit $suite"
