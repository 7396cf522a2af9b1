#!/usr/bin/env bash
# Compiles, here, every kernel bench/run_tile_gpu.sh runs on the GPU
# machine: the GPU correctness suite's tile programs pinned to each layout
# (wgmma, mma_sync, and fma for bf16; taking views), the wgmma kernels of
# the gradient suite (D = 64: 64x64x64, 4 warps; D = 128: 128x64x64 and
# 128x32x32, 8 warps; 2 stages), the training benchmark's kernels two ways
# (pinned to 64x64x64 at D = 64 and 128x64x64 at D = 128; the default, as
# the heuristics configure them); plus the runtime-only build (build-rt/)
# and .commit (the measured commit, which the copy on the GPU machine
# lacks). Under 3 minutes on 2 cores, under 55 MB: carry build-rt/lib,
# build-rt/bin, bench and .commit.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH=python
compile=build/bin/moda-compile
[ -x "$compile" ] || { echo "compile_tile_gpu: build moda first (utils/build.sh)"; exit 1; }
cmake -G Ninja -S . -B build-rt -DMODA_RUNTIME_ONLY=ON >/dev/null
ninja -C build-rt >/dev/null
rm -rf bench/tile-wgmma-artifacts bench/tile-mma-sync-artifacts bench/tile-fma-artifacts \
       bench/grad-tile-wgmma-artifacts bench/grad-tile-wgmma-n32-artifacts \
       bench/training-tile-artifacts bench/training-auto-artifacts
python3 bench/correctness_suite.py compile --config 64,64,64,4,2,wgmma \
  --artifacts bench/tile-wgmma-artifacts --views >/dev/null
python3 bench/correctness_suite.py compile --config 64,64,64,4,2,mma_sync \
  --artifacts bench/tile-mma-sync-artifacts --views >/dev/null
python3 bench/correctness_suite.py compile --config 32,32,32,1,1,fma \
  --artifacts bench/tile-fma-artifacts --views --only bf16 >/dev/null
python3 bench/grad_check_suite.py compile --config 64,64,64,4,2,wgmma \
  --artifacts bench/grad-tile-wgmma-artifacts --only d64 >/dev/null
python3 bench/grad_check_suite.py compile --config 128,64,64,8,2,wgmma \
  --artifacts bench/grad-tile-wgmma-artifacts --only d128 >/dev/null
python3 bench/grad_check_suite.py compile --config 128,32,32,8,2,wgmma \
  --artifacts bench/grad-tile-wgmma-n32-artifacts --only d128 >/dev/null
python3 bench/perf_training.py compile --artifacts bench/training-tile-artifacts \
  --config 64:64,64,64,4,2,wgmma --config 128:128,64,64,8,2,wgmma >/dev/null
python3 bench/perf_training.py compile --artifacts bench/training-auto-artifacts >/dev/null
# The runtime loads a cubin where there is one: its PTX need not travel.
for ptx in bench/tile-*-artifacts/*/*.ptx; do
  [ -f "${ptx%.ptx}.cubin" ] && rm "$ptx"
done
git rev-parse --short HEAD > .commit
du -sh build-rt/lib build-rt/bin bench | tr '\n' ' '; echo "(commit $(cat .commit))"
