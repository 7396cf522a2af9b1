#!/usr/bin/env bash
# compute-sanitizer's memcheck, racecheck, synccheck and initcheck on the
# backward's kernels (per-position variants at D = 64 and D = 128, chunk and
# depth-only variants), run by the gradient suite on its
# ragged cases. Only moda's kernels are instrumented (--kernel-name), not
# PyTorch's reference, except by initcheck, which must see every kernel's
# writes (PyTorch's fill the inputs). Runs on the GPU machine over a copy carrying build-rt/
# and the kernels (bench/grad_check_suite.py compile); writes one log per run
# and a summary under $OUT.
#   bench/run_grad_sanitizers.sh [ARTIFACTS [KERNEL...]]
# ARTIFACTS defaults to bench/grad-artifacts (the heuristics' configurations);
# pass e.g. bench/grad-tile-wgmma-artifacts and kernel names for kernels
# pinned to another configuration.
# Each run is stopped after $SANITIZER_TIMEOUT seconds (default 600).
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/moda-out}
mkdir -p "$OUT"
export MODA_RUNTIME_LIB=$PWD/build-rt/lib/libmoda_runtime.so PYTHONUNBUFFERED=1
sanitizer=$(command -v compute-sanitizer || echo /usr/local/cuda/bin/compute-sanitizer)
artifacts=${1:-bench/grad-artifacts}
shift || true
kernels=("$@")
[ ${#kernels[@]} -gt 0 ] || kernels=(per_position_bf16_d64_g4_causal per_position_f16_d128_g2_full
                                     chunk_bf16_d64_g8_causal depth_only_f16_d64_g2_full)
failures=0
for kernel in "${kernels[@]}"; do
  for tool in memcheck racecheck synccheck initcheck; do
    log="$OUT/grad-$tool-$kernel.log"
    # initcheck instruments every kernel: with only moda's, the inputs
    # PyTorch's kernels wrote would look uninitialized to it.
    filter=(--kernel-name kns=moda_attention)
    [ $tool = initcheck ] && filter=()
    if timeout "${SANITIZER_TIMEOUT:-600}" "$sanitizer" --tool $tool --error-exitcode 3 "${filter[@]}" \
         python3 bench/grad_check_suite.py run --artifacts "$artifacts" --only "$kernel" --json "$OUT/grad-$tool-$kernel.json" \
         > "$log" 2>&1; then
      echo "$tool clean (backward): $kernel $(grep -o 'grad-check: .*' "$log" | tail -1)"
    else
      echo "$tool FAILED (backward): $kernel"; tail -5 "$log"; failures=$((failures + 1))
    fi
  done
done
echo "backward sanitizer failures $failures"
# The summary FIGURES.md asks for: one row per kernel and tool, from the logs.
python3 - "$OUT" "$artifacts" "${kernels[@]}" <<'PY'
import re, sys
from pathlib import Path
sys.path.insert(0, "python")
import torch
from moda.results import write_report
out, artifacts, kernels = Path(sys.argv[1]), sys.argv[2], sys.argv[3:]
runs = []
for kernel in kernels:
    for tool in ("memcheck", "racecheck", "synccheck", "initcheck"):
        log = out / f"grad-{tool}-{kernel}.log"
        text = log.read_text(errors="replace") if log.exists() else ""
        summary = re.findall(r"(?:ERROR|RACECHECK) SUMMARY: .*", text)
        passed = re.findall(r"grad-check: (\d+) passed", text)
        clean = bool(summary) and all(re.search(r": 0 (errors|hazards)", s) for s in summary)
        runs.append({"kernel": kernel, "tool": tool, "result": "clean" if clean else "errors",
                     "summary": summary[-1] if summary else "no summary (run did not finish)",
                     "cases_passed": int(passed[-1]) if passed else 0})
write_report(out / "sanitizers-backward.json", "sanitizers-backward", runs,
             torch.cuda.get_device_name(0), artifacts=artifacts,
             how="bench/run_grad_sanitizers.sh: compute-sanitizer (memcheck, racecheck, synccheck "
                 "with --kernel-name kns=moda_attention; initcheck on every kernel) over "
                 "bench/grad_check_suite.py run --only <kernel> (forward and backward kernels)")
PY
