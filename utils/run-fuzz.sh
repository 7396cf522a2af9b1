#!/usr/bin/env bash
# Fuzzes moda: builds the sanitized build (utils/build-sanitized.sh: clang-22,
# ASan + UBSan + libFuzzer coverage, build-asan/), runs the runtime unit tests
# under the sanitizers, replays each target's seed corpus
# (test/Fuzz/corpus/<target>/, the regression inputs among them), then fuzzes
# each target for [seconds] (default 30) with one worker. New inputs go to
# <build>/corpus/<target>/, crashes to <build>/crashes/<target>/.
#
#   utils/run-fuzz.sh [seconds]        MODA_SANITIZED_JOBS=n: ninja -j n
#
# The targets: ModaDialectFuzzer (the moda dialect's parser and verifier,
# printer round trip, canonicalize and moda-select-kernel-config),
# ManifestFuzzer (the runtime's manifest reader), CallValidationFuzzer (its
# call validation). MODA_RUNTIME_ONLY=1 (a machine without MLIR) builds and
# fuzzes the runtime's two alone.
#
# Prints, per target, whether it crashed and how many inputs it executed,
# the sanitized unit tests' counts, and the closing line
#   fuzz: N passed, M failed
# one per target, passed when neither the replay nor the run crashed.
set -uo pipefail

seconds=${1:-30}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ "${MODA_RUNTIME_ONLY:-0}" = 1 ]; then
  build=${MODA_SANITIZED_BUILD_DIR:-$root/build-fuzz}
else
  build=${MODA_SANITIZED_BUILD_DIR:-$root/build-asan}
fi
"$root/utils/build-sanitized.sh" ||
  { echo "fuzz: 0 passed, 1 failed"; exit 1; }

log=$(mktemp)
trap 'rm -f "$log"' EXIT

# The unit tests, in the same sanitized build: a UBSan or ASan report makes
# the test binary fail (-fno-sanitize-recover=all).
"$build/test/Runtime/ModaRuntimeTests" >"$log" 2>&1
unit_passed=$(grep -aoE '\[  PASSED  \] [0-9]+ test' "$log" | grep -oE '[0-9]+' | tail -1)
unit_failed=$(grep -aoE '\[  FAILED  \] [0-9]+ test' "$log" | grep -oE '[0-9]+' | tail -1)
if [ -z "$unit_passed" ]; then # it crashed before the summary
  tail -20 "$log"; unit_passed=0; unit_failed=${unit_failed:-1}
fi
[ "${unit_failed:-0}" -eq 0 ] || grep -aE '^\[  FAILED  \]|ERROR: .*Sanitizer|runtime error' "$log" | head -20
echo "asan-ubsan unit tests: $unit_passed passed, ${unit_failed:-0} failed"

# target, -max_len: a manifest is a few KiB; a call's encoding, a few dozen
# bytes; the dialect's seeds (test/ and examples/ sections) are under 5 KiB.
targets=("ManifestFuzzer 16384" "CallValidationFuzzer 256")
[ -x "$build/bin/ModaDialectFuzzer" ] && targets=("ModaDialectFuzzer 8192" "${targets[@]}")
passed=0 failed=0
for entry in "${targets[@]}"; do
  read -r target max_len <<<"$entry"
  binary="$build/bin/$target"
  seeds="$root/test/Fuzz/corpus/$target"
  corpus="$build/corpus/$target"
  crashes="$build/crashes/$target"
  mkdir -p "$corpus" "$crashes"
  options=(-max_len="$max_len" -timeout=10 -rss_limit_mb=2048
           -artifact_prefix="$crashes/" -print_final_stats=1)
  [ -f "$root/test/Fuzz/$target.dict" ] && options+=(-dict="$root/test/Fuzz/$target.dict")
  ok=1
  # Replay: every seed (the regression inputs among them) once, no fuzzing.
  if ! "$binary" "${options[@]}" -runs=0 "$seeds" >"$log" 2>&1; then
    ok=0; grep -aE 'ERROR|runtime error|Test unit written' "$log" | head -10
  fi
  executed=0
  if [ "$ok" -eq 1 ]; then
    if ! nice -n 19 "$binary" "${options[@]}" -max_total_time="$seconds" \
         "$corpus" "$seeds" >"$log" 2>&1; then
      ok=0; grep -aE 'ERROR|runtime error|Test unit written' "$log" | head -10
    fi
    executed=$(grep -aoE 'stat::number_of_executed_units: [0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
  fi
  if [ "$ok" -eq 1 ]; then
    passed=$((passed + 1)); verdict="passed"
  else
    failed=$((failed + 1)); verdict="FAILED (inputs in $crashes)"
  fi
  echo "fuzz target $target: $verdict, ${executed:-0} inputs executed in ${seconds} s"
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "${unit_failed:-0}" -eq 0 ]
