#!/usr/bin/env bash
# Runs the GPU correctness suite once per configuration that the shipped
# tuning database (tuning/h100.json) selects, each pinned into every suite
# kernel (compiled here by: for c in <configs, e.g. 64,64,64,4,2,wgmma>; do python3
# bench/correctness_suite.py compile --config $c --artifacts
# bench/tuned-artifacts/<mma>_m..._n..._d..._w..._s...; done). On the GPU machine,
# carrying build-rt/ and bench/tuned-artifacts/. Writes one JSON,
# $OUT/gpu-correctness-tuned.json, with every configuration's cases.
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
python3 - "$OUT" <<'PY'
import json, sys
from pathlib import Path
out = Path(sys.argv[1])
runs = [json.loads(p.read_text()) for p in sorted(out.glob("tuned-*.json"))]
merged = {key: runs[0][key] for key in ("commit", "device", "date")}
merged["suite"] = "gpu-correctness"
merged["configurations"] = "each configuration tuning/h100.json selects, pinned into every suite kernel it is valid for"
merged["cases"] = [dict(case, config=run["artifacts"]) for run in runs for case in run["cases"]]
(out / "gpu-correctness-tuned.json").write_text(json.dumps(merged, indent=1))
for p in out.glob("tuned-*"):
    p.unlink()
print(f"merged {len(merged['cases'])} cases, {sum(c['pass'] for c in merged['cases'])} passed")
PY
exit $status
