#!/usr/bin/env bash
# End-to-end check of the runtime on a GPU machine (CUDA toolkit, CMake,
# Ninja; no MLIR): builds runtime-only, compiles the hand-written ABI kernel
# naive_moda.cu, and runs moda-run on it. Usage, from the repository root:
#   test/Runtime/gpu/smoke.sh [work-dir]
set -u
root=$(pwd)
work=${1:-$root/build-gpu-smoke}
nvcc=${NVCC:-/usr/local/cuda/bin/nvcc}
mkdir -p "$work/artifacts"
cmake -G Ninja -S "$root" -B "$work/build" -DMODA_RUNTIME_ONLY=ON \
  -DCMAKE_BUILD_TYPE=Release > "$work/cmake.log" || { cat "$work/cmake.log"; exit 1; }
ninja -C "$work/build" > "$work/ninja.log" || { cat "$work/ninja.log"; exit 1; }
run="$work/build/tools/moda-run/moda-run"
art="$work/artifacts"

# manifest NAME ELEMENT_TYPE CUBIN(0|1) FIXED_L
manifest() {
  local cubin=""
  [ "$3" = 1 ] && cubin="\"cubin\": \"$1.cubin\","
  cat > "$art/$1.json" <<JSON
{"format": "moda-kernel/1", "kernel": "$1", "ptx": "$1.ptx", $cubin
 "target": "sm_90a", "op": "attention", "element_type": "$2", "causal": true,
 "visibility": "per_position", "chunk_size": 0, "scale": 0.125,
 "num_query_heads": 8, "num_kv_heads": 2, "head_dim": 64,
 "config": {"block_m": 128, "block_n": 64, "block_depth": 64, "num_warps": 4,
            "num_stages": 1, "mma": "none"},
 "tensors": [
  {"name": "q", "dtype": "$2", "role": "input", "shape": ["B", "T", 8, 64]},
  {"name": "k", "dtype": "$2", "role": "input", "shape": ["B", "S", 2, 64]},
  {"name": "v", "dtype": "$2", "role": "input", "shape": ["B", "S", 2, 64]},
  {"name": "depth_k", "dtype": "$2", "role": "input", "shape": ["B", "T", "L", 2, 64]},
  {"name": "depth_v", "dtype": "$2", "role": "input", "shape": ["B", "T", "L", 2, 64]},
  {"name": "out", "dtype": "$2", "role": "output", "shape": ["B", "T", 8, 64]},
  {"name": "lse", "dtype": "f32", "role": "output", "shape": ["B", 8, "T"]}],
 "sizes": {"B": null, "T": null, "S": null, "L": $4},
 "params": [{"kind": "buffer", "tensor": "q"}, {"kind": "buffer", "tensor": "k"},
  {"kind": "buffer", "tensor": "v"}, {"kind": "buffer", "tensor": "depth_k"},
  {"kind": "buffer", "tensor": "depth_v"}, {"kind": "buffer", "tensor": "out"},
  {"kind": "buffer", "tensor": "lse"}, {"kind": "size", "symbol": "B"},
  {"kind": "size", "symbol": "T"}, {"kind": "size", "symbol": "S"},
  {"kind": "size", "symbol": "L"}],
 "grid": [{"symbol": "T", "multiplier": 4, "divisor": 128}, {"constant": 2},
          {"symbol": "B", "multiplier": 1, "divisor": 1}],
 "block": [128, 1, 1], "dynamic_shared_memory": 0}
JSON
}

# kernel NAME ELEM_CTYPE EXTRA_FLAGS
kernel() {
  "$nvcc" -ptx -arch=sm_90a -DELEM="$2" -DKERNEL_NAME="$1" $3 \
    "$root/test/Runtime/gpu/naive_moda.cu" -o "$art/$1.ptx" || exit 1
  "$nvcc" -cubin -arch=sm_90a -DELEM="$2" -DKERNEL_NAME="$1" $3 \
    "$root/test/Runtime/gpu/naive_moda.cu" -o "$art/$1.cubin" || exit 1
}

kernel naive_bf16 __nv_bfloat16 ""
kernel naive_f16 __half ""
kernel naive_f32 float ""
kernel naive_broken __nv_bfloat16 -DSKIP_LAST_LSE
manifest naive_bf16 bf16 1 null
manifest naive_f16 f16 1 null
manifest naive_f32 f32 0 null       # PTX only: exercises the JIT path
manifest naive_broken bf16 1 null
manifest naive_bf16_fixed_l bf16 1 7
sed -i 's/"ptx": "naive_bf16_fixed_l.ptx", "cubin": "naive_bf16_fixed_l.cubin"/"ptx": "naive_bf16.ptx", "cubin": "naive_bf16.cubin"/; s/"kernel": "naive_bf16_fixed_l"/"kernel": "naive_bf16"/' "$art/naive_bf16_fixed_l.json"

failures=0
expect() { # expect STATUS DESCRIPTION -- command...
  local want=$1 what=$2; shift 3
  echo "=== $what (expect exit $want)"
  "$@"; local got=$?
  if [ "$got" != "$want" ]; then echo "!!! $what: exit $got, expected $want"; failures=$((failures+1)); fi
}
expect 0 "bf16 causal, cubin" -- "$run" "$art/naive_bf16.json" --B 2 --T 200 --S 200 --L 7 --json "$work/bf16.json"
expect 0 "f16, decode against a longer cache" -- "$run" "$art/naive_f16.json" --B 1 --T 64 --S 300 --L 3
expect 0 "f32 via PTX JIT, uniform inputs" -- "$run" "$art/naive_f32.json" --B 1 --T 130 --S 130 --L 2 --init uniform --seed 7
expect 0 "plain attention (L = 0)" -- "$run" "$art/naive_bf16.json" --B 1 --T 128 --S 128 --L 0
expect 0 "empty rows (S < T, L = 0)" -- "$run" "$art/naive_bf16.json" --B 1 --T 100 --S 10 --L 0
expect 1 "an unwritten lse element fails" -- "$run" "$art/naive_broken.json" --B 1 --T 64 --S 64 --L 2
expect 0 "fixed L is the default" -- "$run" "$art/naive_bf16_fixed_l.json" --B 1 --T 64 --S 64
expect 2 "contradicting the fixed L is a runtime error" -- "$run" "$art/naive_bf16_fixed_l.json" --B 1 --T 64 --S 64 --L 5
expect 2 "a missing dynamic size is an error" -- "$run" "$art/naive_bf16.json" --B 1 --T 64 --L 2
cat "$work/bf16.json"
echo "smoke failures: $failures"
exit $failures
