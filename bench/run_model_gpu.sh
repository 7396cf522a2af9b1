#!/usr/bin/env bash
# The MoDA language model on the GPU machine: the model-level training-step
# benchmark (bench/model_training.py) and a short Brown training run of the
# four models (examples/train_brown_lm.py). Writes under $OUT:
#   model-training.json, model-training.log
#   brown-lm.json, brown-lm.png, brown-lm.log, brown-lm-progress.log
# At most about 7.7 minutes at the defaults (the benchmark under a 250 s
# timeout, the training under 200 s; both
# write their JSON after every model / run, so a part cut short keeps what
# it measured).
#
# Runs over a copy of this tree that carries (ignored paths, prepared here):
#   the runtime library   build/lib/libmoda_runtime.so or build-rt/ (moda.locate),
#                         or $MODA_RUNTIME_LIBRARY
#   build/model-bundle/   the kernels (the GPU machine has no MLIR), compiled here by
#     PYTHONPATH=python python3 -m moda.bundle --out build/model-bundle bench/model-variants.json
#   examples/data/brown/  the token files (~2.5 MiB), prepared here by
#     python3 examples/moda_lm/brown.py
# Set MODA_COMMIT to the tree's commit (the copy has no git history).
#
# Options (budget):
#   --lm-seconds S    training seconds per Brown run (default 35; 4 runs)
#   --lm-steps N      schedule length of the Brown runs (default 600)
#   --iters N         timed steps per benchmark figure (default 20)
#   --models LIST     benchmark models (default brown24,bench8)
#   --quick           ~3 minutes: brown24 only, 10 iterations, 15 s per Brown run
#   --no-lm | --no-bench
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/moda-out}
mkdir -p "$OUT"
lm_seconds=35 lm_steps=600 iters=20 models=brown24,bench8 run_lm=1 run_bench=1
while [ $# -gt 0 ]; do
  case "$1" in
    --lm-seconds) lm_seconds=$2; shift 2 ;;
    --lm-steps) lm_steps=$2; shift 2 ;;
    --iters) iters=$2; shift 2 ;;
    --models) models=$2; shift 2 ;;
    --quick) lm_seconds=15 iters=10 models=brown24; shift ;;
    --no-lm) run_lm=0; shift ;;
    --no-bench) run_bench=0; shift ;;
    *) echo "run_model_gpu.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
export MODA_BUNDLE_DIR=${MODA_BUNDLE_DIR:-$PWD/build/model-bundle}
export MODA_CACHE_DIR=${MODA_CACHE_DIR:-$OUT/moda-cache}
export MODA_NO_COMPILE=1 PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
python3 -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda)"
python3 -c "import tqdm; print('tqdm', tqdm.__version__)" 2>/dev/null || echo "tqdm: not installed (text progress bar)"
PYTHONPATH=python python3 -c "import moda.locate as l; print('runtime:', l.find_runtime_library())"
echo "bundle: $(ls "$MODA_BUNDLE_DIR" 2>/dev/null | grep -c sm_) variants in $MODA_BUNDLE_DIR"
if [ ! -f examples/data/brown/meta.json ] && [ "$run_lm" = 1 ]; then
  echo "no examples/data/brown: prepare it with python3 examples/moda_lm/brown.py and carry it" >&2
  run_lm=0
fi
status=0

if [ "$run_bench" = 1 ]; then
  echo "== model-level training step ($models, $iters iterations)"
  timeout 250 python3 bench/model_training.py --models "$models" --iters "$iters" \
    --json "$OUT/model-training.json" 2>&1 | tee "$OUT/model-training.log"
  bench=${PIPESTATUS[0]}
  echo "model_training exit $bench (124: timed out)"
  [ "$bench" -eq 0 ] || status=1
fi

if [ "$run_lm" = 1 ]; then
  echo "== Brown LM: 4 runs, at most $lm_seconds s of training each (schedule $lm_steps steps)"
  # The progress bar (stderr) goes to brown-lm-progress.log, the summary lines here.
  timeout 200 python3 examples/train_brown_lm.py --steps "$lm_steps" --seconds "$lm_seconds" \
    --eval-every 50 --json "$OUT/brown-lm.json" --plot "$OUT/brown-lm.png" \
    2> "$OUT/brown-lm-progress.log" | tee "$OUT/brown-lm.log"
  lm=${PIPESTATUS[0]}
  echo "train_brown_lm exit $lm (124: timed out)"
  [ "$lm" -eq 0 ] || { status=1; tail -c 3000 "$OUT/brown-lm-progress.log"; echo; }
fi
exit $status
