#!/usr/bin/env bash
# The tools under AddressSanitizer and UndefinedBehaviorSanitizer: builds
# the sanitized build (utils/build-sanitized.sh: clang-22, build-asan/, every
# target of ours instrumented, Debian's LLVM/MLIR not), then runs
#   lit (check-moda)            the whole regression suite against the
#                               sanitized moda-opt, moda-compile and
#                               moda-cpu-check
#   moda-cpu-check [--grad]     the CPU matrices (forward, backward, whole
#                               model graphs): our passes and the harness are
#                               instrumented; the kernels the ExecutionEngine
#                               JITs are not (they are LLVM's output, not
#                               compiled by clang)
# and prints one closing line
#   sanitized: N passed, M failed
# (the runtime's unit tests run under the same build in utils/run-fuzz.sh).
# A sanitizer report aborts the tool (-fno-sanitize-recover=all), so it
# fails the test that ran it; the report is in lit's output.
#
#   utils/run-sanitized.sh        MODA_SANITIZED_JOBS=n: ninja -j n
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${MODA_SANITIZED_BUILD_DIR:-$root/build-asan}
"$root/utils/build-sanitized.sh" ||
  { echo "sanitized: 0 passed, 1 failed"; exit 1; }

# Every report fails loudly: UBSan prints its stack, ASan looks for leaks too.
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}

passed=0 failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

/usr/lib/llvm-22/bin/lit -sv "$build/test" >"$log" 2>&1
p=$(grep -aoE 'Passed *: *[0-9]+' "$log" | grep -oE '[0-9]+' | tail -1)
f=$(grep -aoE 'Failed *: *[0-9]+' "$log" | grep -oE '[0-9]+' | tail -1)
[ -n "$p" ] || f=$((${f:-0} + 1)) # lit did not get to its summary
grep -aE '^(FAIL|XPASS|UNRESOLVED):|ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:' "$log" | head -20
echo "sanitized lit: ${p:-0} passed, ${f:-0} failed"
passed=$((passed + ${p:-0})) failed=$((failed + ${f:-0}))

check() { # name, summary prefix, moda-cpu-check arguments...
  local name=$1 prefix=$2; shift 2
  "$build/bin/moda-cpu-check" "$@" >"$log" 2>&1
  local p f
  p=$(grep -aoE "$prefix: [0-9]+ passed" "$log" | grep -oE '[0-9]+' | tail -1)
  f=$(grep -aoE "$prefix: [0-9]+ passed, [0-9]+ failed" "$log" | grep -oE '[0-9]+' | tail -1)
  if [ -z "$p" ]; then # a sanitizer report or a crash ended it
    grep -aE 'ERROR: |runtime error:|^    #[0-9]' "$log" | head -20
    p=0 f=$((${f:-0} + 1))
  fi
  grep -aE '^FAIL' "$log" | head -5
  echo "sanitized moda-cpu-check $name: $p passed, ${f:-0} failed"
  passed=$((passed + p)) failed=$((failed + ${f:-0}))
}
check "forward" cpu-check
check "--grad" cpu-grad-check --grad
for graph in model4 model_loop; do
  check "--whole-graph $graph.mlir" cpu-graph-check --whole-graph \
    --input "$root/examples/$graph.mlir"
done

echo "sanitized: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
