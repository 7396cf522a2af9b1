#!/usr/bin/env bash
# The test job: builds moda if needed, then runs every suite that needs no
# GPU and prints one closing line with the totals:
#   lit (check-moda)       FileCheck / -verify-diagnostics tests of the compiler
#   check-moda-docs        docs/reference matches the TableGen sources
#   ctest                  runtime and reference unit tests (GoogleTest)
#   moda-cpu-check         the forward's tile program on the CPU
#                          (moda-to-host-llvm) vs float64
#   moda-cpu-check --grad  the backward's tile programs on the CPU vs the
#                          float64 reference backward and finite differences
#   moda-cpu-check --whole-graph
#                          examples/model4.mlir and model_loop.mlir compiled
#                          whole (depth streams included) against a float64
#                          interpretation of the graph
#   pytest python/tests    the Python package's call validation
#   suite kernels          every GPU-suite kernel compiles, ptxas -arch=sm_90a
#                          assembles its PTX
#   check-doc-commands.py  every command of README.md and docs/*.md runs
#                          (those tagged [gpu], [ci] or [long] excepted)
#   check-doc-figures.py   every figure the docs quote from bench/results/
#                          matches the JSON (and the commit) it cites
#   utils/run-sanitized.sh the lit suite and the CPU matrices with moda-opt,
#                          moda-compile and moda-cpu-check built with
#                          ASan+UBSan (clang-22, build-asan/)
#   utils/run-fuzz.sh 30   the runtime's unit tests under ASan+UBSan, and the
#                          libFuzzer targets (the moda dialect, the manifest
#                          reader, call validation: corpus replay, then 30 s
#                          each), in the same sanitized build
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${MODA_BUILD_DIR:-$root/build}
"$root/utils/build.sh" || exit 1
# Debian's python3 (utils/install-deps.sh gives it pytest and numpy).
python=${MODA_PYTHON:-/usr/bin/python3}

passed=0 failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
count() { # adds "N passed" / "N failed" numbers found by the two patterns
  local p f
  p=$(grep -aoE "$1" "$log" | grep -oE '[0-9]+' | tail -1)
  f=$(grep -aoE "$2" "$log" | grep -oE '[0-9]+' | tail -1)
  passed=$((passed + ${p:-0})) failed=$((failed + ${f:-0}))
}
step() { echo; echo "== $1"; }

step "lit"
/usr/lib/llvm-22/bin/lit -sv "$build/test" 2>&1 | tee "$log" | tail -4
count 'Passed *: *[0-9]+' 'Failed *: *[0-9]+'

step "generated docs are current"
if cmake --build "$build" --target check-moda-docs >"$log" 2>&1; then
  passed=$((passed + 1)); echo "docs/reference is current"
else
  failed=$((failed + 1)); cat "$log"
fi

step "runtime and reference unit tests (ctest)"
ctest --test-dir "$build" --output-on-failure 2>&1 | tee "$log" | tail -3
total=$(grep -aoE 'out of [0-9]+' "$log" | grep -oE '[0-9]+' | tail -1)
bad=$(grep -aoE '[0-9]+ tests failed' "$log" | grep -oE '[0-9]+' | tail -1)
passed=$((passed + ${total:-0} - ${bad:-0})) failed=$((failed + ${bad:-0}))
[ -n "$total" ] || failed=$((failed + 1))

step "CPU path: the forward's tile program against the float64 reference"
"$build/bin/moda-cpu-check" 2>&1 | tee "$log" | grep -aE "FAIL|cpu-check:"
count 'cpu-check: [0-9]+ passed' '[0-9]+ failed'
grep -q 'cpu-check:' "$log" || failed=$((failed + 1)) # it crashed

step "CPU path: the backward's tile programs against the float64 reference backward"
"$build/bin/moda-cpu-check" --grad 2>&1 | tee "$log" | grep -aE "FAIL|cpu-grad-check:"
count 'cpu-grad-check: [0-9]+ passed' 'cpu-grad-check: [0-9]+ passed, [0-9]+ failed'
grep -q 'cpu-grad-check:' "$log" || failed=$((failed + 1)) # it crashed

step "CPU path: whole model graphs (depth streams included) against their float64 interpretation"
for graph in examples/model4.mlir examples/model_loop.mlir; do
  echo "$graph"
  "$build/bin/moda-cpu-check" --input "$root/$graph" --whole-graph \
    2>&1 | tee "$log" | grep -aE "graph @|cpu-graph-check:"
  count 'cpu-graph-check: [0-9]+ passed' 'cpu-graph-check: [0-9]+ passed, [0-9]+ failed'
  grep -q 'cpu-graph-check:' "$log" || failed=$((failed + 1)) # it crashed
done

step "Python package (pytest)"
# The tests that need PyTorch (python/tests/gpu, the depth stream's, the
# language model's, the packed operator's on meta tensors, the KV cache's)
# run where it is: bench/run_gpu_suite.sh.
MODA_BUILD_DIR="$build" "$python" -m pytest -q -p no:cacheprovider "$root/python/tests" \
  --ignore="$root/python/tests/gpu" --ignore="$root/python/tests/test_depth_stream.py" \
  --ignore="$root/python/tests/test_moda_lm_model.py" \
  --ignore="$root/python/tests/test_op_packed.py" \
  --ignore="$root/python/tests/test_kv_cache.py" 2>&1 | tee "$log" | tail -2
count '[0-9]+ passed' '[0-9]+ (failed|error)'

step "every GPU-suite kernel compiles and ptxas -arch=sm_90a assembles it"
artifacts="$build/suite-artifacts"
if "$python" "$root/bench/correctness_suite.py" compile --artifacts "$artifacts" \
     --moda-compile "$build/bin/moda-compile" >"$log" 2>&1; then
  n=$(grep -c '^compiled' "$log"); passed=$((passed + n)); echo "$n kernels assembled"
else
  failed=$((failed + 1)); tail -20 "$log"
fi

step "ptxas reports no register spills: suite kernels, benchmark kernels with the shipped database"
perf_artifacts="$build/perf-artifacts"
if "$python" "$root/bench/perf_forward.py" compile --artifacts "$perf_artifacts" \
     --moda-compile "$build/bin/moda-compile" --database "$root/tuning/h100.json" >"$log" 2>&1; then
  "$python" "$root/utils/check-no-spills.py" "$artifacts" "$perf_artifacts" 2>&1 | tee "$log" | tail -6
  count 'no-spills: [0-9]+ passed' '[0-9]+ failed'
else
  failed=$((failed + 1)); tail -20 "$log"
fi

step "every command shown in README.md and docs/ runs"
"$python" "$root/utils/check-doc-commands.py" 2>&1 | tee "$log" | grep -aE "^(FAIL|    |doc-commands:)"
count 'doc-commands: [0-9]+ passed' 'doc-commands: [0-9]+ passed, [0-9]+ failed'
grep -q '^doc-commands: ' "$log" || failed=$((failed + 1)) # it crashed

step "figures in README.md and docs/ match bench/results/"
"$python" "$root/utils/check-doc-figures.py" 2>&1 | tee "$log" | grep -aE "^(figure|doc-figures):"
count 'doc-figures: [0-9]+ passed' 'doc-figures: [0-9]+ passed, [0-9]+ failed'
grep -q '^doc-figures: ' "$log" || failed=$((failed + 1)) # it crashed

step "tools under ASan+UBSan: lit, CPU matrices (build-asan/)"
"$root/utils/run-sanitized.sh" 2>&1 | tee "$log" | grep -aE "^(sanitized|FAIL|ERROR|    #|.*runtime error)"
count 'sanitized: [0-9]+ passed' 'sanitized: [0-9]+ passed, [0-9]+ failed'
grep -q '^sanitized: ' "$log" || failed=$((failed + 1)) # it did not get that far

step "under ASan+UBSan: runtime unit tests, fuzz targets (30 s each)"
"$root/utils/run-fuzz.sh" 30 2>&1 | tee "$log" | grep -aE "^(fuzz|asan-ubsan)"
count 'asan-ubsan unit tests: [0-9]+ passed' 'asan-ubsan unit tests: [0-9]+ passed, [0-9]+ failed'
count 'fuzz: [0-9]+ passed' 'fuzz: [0-9]+ passed, [0-9]+ failed'
grep -q '^fuzz: ' "$log" || failed=$((failed + 1)) # it did not get that far

echo
echo "total: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
