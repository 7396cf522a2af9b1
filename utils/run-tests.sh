#!/usr/bin/env bash
# The test job: builds moda if needed, runs the lit suite (check-moda) and
# checks that the generated references in docs/reference are current.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${MODA_BUILD_DIR:-$root/build}

"$root/utils/build.sh"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
/usr/lib/llvm-22/bin/lit -sv "$build/test" 2>&1 | tee "$log" || status=$?
cmake --build "$build" --target check-moda-docs || status=$?

passed=$(grep -aoE 'Passed *: *[0-9]+' "$log" | grep -oE '[0-9]+' || echo 0)
failed=$(grep -aoE 'Failed *: *[0-9]+' "$log" | grep -oE '[0-9]+' || echo 0)
echo "lit: ${passed:-0} passed, ${failed:-0} failed"
exit $status
