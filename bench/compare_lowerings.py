#!/usr/bin/env python3
"""The staged compiler against the block builders, kernel for kernel: the
same moda.attention with the same pinned configuration, for each
tensor-core layout (mma_sync, wgmma), compiled by
moda-compile --lowering=kernel (convert-moda-to-gpu) and --lowering=tile
(convert-moda-to-tile, moda-tile-assign-layouts, convert-moda-tile-to-gpu),
timed in one process with SDPA flash and cuDNN (without depth) as the bar;
and the tile program that takes its operands as views (moda.attention's
`strided`, its strides kernel arguments) on the same contiguous tensors:
what views cost.

    # here
    python3 bench/compare_lowerings.py compile --artifacts bench/lowering-artifacts
    # on the GPU machine
    python3 bench/compare_lowerings.py run --artifacts bench/lowering-artifacts \
        --json bench/results/perf-lowerings.json

Timing and TFLOP/s as bench/perf_forward.py (whose timer this uses): the
median of --iters CUDA-event timings after --warmup;
4 * B * Hk * G * T * D * (T / 2 + L) useful FLOPs, L = 0 for SDPA.
"""

import argparse
import itertools
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
sys.path.insert(0, str(ROOT / "bench"))

KV_HEADS = 8
SHAPES = [(4096, 8, 64, 64), (16384, 8, 64, 64), (16384, 2, 64, 64),
          (4096, 8, 128, 64), (16384, 8, 128, 64)]
# Per tensor-core layout and head size, the configuration pinned for both
# lowerings (block_m, block_n, block_depth, num_warps, num_stages): for
# mma_sync the largest tiles its register rule admits, for wgmma the ones
# the sm_90a heuristic ships (bench/results/perf-forward.json).
CONFIGS = {"mma_sync": {64: (64, 64, 64, 4, 2), 128: (64, 32, 32, 4, 2)},
           "wgmma": {64: (64, 64, 64, 4, 2), 128: (128, 64, 64, 8, 2)}}
# Each compile of the operator: (moda-compile's lowering, `strided`).
VARIANTS = {"kernel": ("kernel", False), "tile": ("tile", False),
            "tile_views": ("tile", True)}


def shape_dict(t, g, d, l):
    return {"dtype": "bf16", "B": 1, "Hk": KV_HEADS, "Hq": KV_HEADS * g, "D": d,
            "T": t, "L": l, "causal": True}


def config_dict(mma, d):
    fields = ("block_m", "block_n", "block_depth", "num_warps", "num_stages")
    return dict(zip(fields, CONFIGS[mma][d]), mma=mma)


def case_dir(artifacts, t, g, d, l, mma, lowering):
    return artifacts / f"t{t}_g{g}_d{d}_l{l}" / mma / lowering


def compile_all(artifacts, moda_compile):
    from moda.ir import attention_module
    for (t, g, d, l), mma, variant in itertools.product(SHAPES, CONFIGS, VARIANTS):
        lowering, views = VARIANTS[variant]
        directory = case_dir(artifacts, t, g, d, l, mma, variant)
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "kernel.mlir").write_text(attention_module(
            shape_dict(t, g, d, l), config=config_dict(mma, d), static=True,
            strided=views))
        subprocess.run([str(moda_compile), str(directory / "kernel.mlir"), "-o",
                        str(directory), f"--lowering={lowering}"],
                       check=True, capture_output=True)
        # The runtime loads the cubin; PTX stays here.
        (directory / "moda_attention_0.ptx").unlink()
        print("compiled", directory.relative_to(artifacts), flush=True)


def run_all(artifacts, json_path, warmup, iters):
    import torch
    import moda
    from moda.results import write_report
    from perf_forward import time_sdpa_peers

    cases = []
    stream = torch.cuda.current_stream().cuda_stream
    for (t, g, d, l), mma in itertools.product(SHAPES, CONFIGS):
        torch.manual_seed(0)
        B, Hk, Hq = 1, KV_HEADS, KV_HEADS * g
        q = torch.randn(B, t, Hq, d, device="cuda", dtype=torch.bfloat16)
        k, v = (torch.randn(B, t, Hk, d, device="cuda", dtype=torch.bfloat16) for _ in range(2))
        dk, dv = (torch.randn(B, t, l, Hk, d, device="cuda", dtype=torch.bfloat16)
                  for _ in range(2))
        row = {"B": B, "T": t, "Hq": Hq, "Hk": Hk, "G": g, "D": d, "L": l, "causal": True,
               "dtype": "bf16", "config": config_dict(mma, d)}
        outputs = {}
        for lowering in VARIANTS:
            kernel = moda.load(str(case_dir(artifacts, t, g, d, l, mma, lowering) /
                                   "moda_attention_0.json"))
            out = torch.empty_like(q)
            lse = torch.empty(B, Hq, t, device="cuda")
            args = kernel.torch_args({"q": q, "k": k, "v": v, "depth_k": dk, "depth_v": dv,
                                      "out": out, "lse": lse})
            row[f"{lowering}_ms"] = statistics.median(
                kernel.benchmark(args, warmup, iters, stream))
            outputs[lowering] = (out, lse)
        # Both lowerings compute the same function: a sanity check that the
        # timed kernels are the right ones (the suites check the numerics).
        row["max_abs_diff_out"] = (outputs["kernel"][0].float()
                                   - outputs["tile"][0].float()).abs().max().item()
        time_sdpa_peers(row, q, k, v, warmup, iters)
        flops = 4 * B * Hk * g * t * d * (t / 2 + l)
        flops0 = 4 * B * Hk * g * t * d * (t / 2)
        for lowering in VARIANTS:
            row[f"{lowering}_tflops"] = flops / row[f"{lowering}_ms"] / 1e9
        for impl in ("sdpa_flash", "sdpa_cudnn"):
            if f"{impl}_ms" in row:
                row[f"{impl}_tflops"] = flops0 / row[f"{impl}_ms"] / 1e9
                row[f"tile_over_{impl}"] = row["tile_ms"] / row[f"{impl}_ms"]
        row["tile_over_kernel"] = row["tile_ms"] / row["kernel_ms"]
        row["views_over_tile"] = row["tile_views_ms"] / row["tile_ms"]
        cases.append(row)
        print(f"T={t:6} G={g} D={d:3} L={l:3} {mma:8}  block builders {row['kernel_ms']:8.3f} ms "
              f"({row['kernel_tflops']:6.1f} TFLOP/s)  tile program {row['tile_ms']:8.3f} ms "
              f"({row['tile_tflops']:6.1f})  tile/kernel {row['tile_over_kernel']:5.2f}  "
              f"views/tile {row['views_over_tile']:5.2f}  "
              f"flash {row.get('sdpa_flash_ms', float('nan')):7.3f}  "
              f"cudnn {row.get('sdpa_cudnn_ms', float('nan')):7.3f}  "
              f"|diff| {row['max_abs_diff_out']:.2e}", flush=True)
    write_report(json_path, "perf-lowerings", cases, torch.cuda.get_device_name(),
                 timing=f"median of {iters} CUDA-event timings after {warmup} warm-up runs")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("compile")
    c.add_argument("--artifacts", type=Path, default=ROOT / "bench" / "lowering-artifacts")
    c.add_argument("--moda-compile", type=Path,
                   default=ROOT / "build" / "bin" / "moda-compile")
    r = sub.add_parser("run")
    r.add_argument("--artifacts", type=Path, default=ROOT / "bench" / "lowering-artifacts")
    r.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "perf-lowerings.json")
    r.add_argument("--warmup", type=int, default=3)
    r.add_argument("--iters", type=int, default=20)
    args = parser.parse_args()
    if args.command == "compile":
        compile_all(args.artifacts, args.moda_compile)
    else:
        run_all(args.artifacts, args.json, args.warmup, args.iters)


if __name__ == "__main__":
    main()
