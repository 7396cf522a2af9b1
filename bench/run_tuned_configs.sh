#!/usr/bin/env bash
# Runs the GPU correctness suite once per configuration that the shipped
# tuning database (tuning/h100.json) selects, each pinned into every suite
# kernel (compiled here by: for c in <configs>; do python3
# bench/correctness_suite.py compile --config $c --artifacts
# bench/tuned-artifacts/m..._n..._d..._w...; done). On the GPU machine,
# carrying build-rt/ and bench/tuned-artifacts/. Writes $OUT/tuned-*.json.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/moda-out}
mkdir -p "$OUT"
export MODA_RUNTIME_LIB=$PWD/build-rt/lib/libmoda_runtime.so PYTHONUNBUFFERED=1
status=0
for artifacts in bench/tuned-artifacts/*/; do
  name=$(basename "$artifacts")
  python3 bench/correctness_suite.py run --artifacts "$artifacts" \
    --json "$OUT/tuned-$name.json" > "$OUT/tuned-$name.log" 2>&1 || status=1
  echo "$name: $(tail -1 "$OUT/tuned-$name.log")"
done
exit $status
