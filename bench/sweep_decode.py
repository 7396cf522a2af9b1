#!/usr/bin/env python3
"""Decode configuration sweep: the measurements behind the decode
configuration of the configuration pass (lib/Dialect/Moda/Utils/KeySplits.cpp).
For six decode shapes (T = 1, Hk = 8, L = 32, causal, bf16), kernels of
three tile shapes (128 rows over 8 warps with the forward heuristics'
tiles, 64 rows over 4 warps with 128- and 64-key tiles, as D allows),
2 to 4 stages and kv_splits around the two-wave count (x1/2, x1, x2, x4),
each timed against the faster SDPA peer without depth in one process.

    python3 bench/sweep_decode.py compile     # here: 207 candidates, 171 that compile
    python3 bench/sweep_decode.py run --json bench/results/sweep-decode-h100.json

Timing: median of 30 CUDA-event timings after 3 warm-up runs.
"""

import shutil
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
import perf_decode  # noqa: E402
from perf_forward import time_sdpa_peers  # noqa: E402
from suite_command import suite_main  # noqa: E402

# (B, S, D, G)
SHAPES = [(1, 131072, 64, 4), (1, 32768, 128, 4), (16, 32768, 64, 8),
          (16, 131072, 128, 4), (64, 32768, 64, 4), (1, 8192, 128, 8)]
MULTIPROCESSORS = 132
WARMUP, ITERS = 3, 30


def configurations(b, s, d):
    """The candidates of one shape (T * G rows fit one block of 64)."""
    blocks = perf_decode.KV_HEADS * b
    wide_tiles = 128 if d == 64 else 64
    two_waves = 1
    if blocks < MULTIPROCESSORS:
        two_waves = max(1, min(-(-2 * MULTIPROCESSORS // blocks), s // wide_tiles // 4, 128))
    splits = sorted({max(1, two_waves // 2), two_waves, 2 * two_waves, 4 * two_waves})
    result = []
    for block_m, block_n, warps in ((128, wide_tiles, 8), (64, wide_tiles, 4), (64, 64, 4)):
        for stages in (2, 3, 4):
            for kv_splits in splits:
                result.append(dict(block_m=block_m, block_n=block_n, block_depth=block_n,
                                   num_warps=warps, num_stages=stages, mma="wgmma",
                                   kv_splits=kv_splits))
    return result


def config_name(c):
    return (f"m{c['block_m']}n{c['block_n']}w{c['num_warps']}s{c['num_stages']}"
            f"k{c['kv_splits']}")


def compile_all(artifacts, moda_compile):
    from moda.ir import attention_module
    for b, s, d, g in SHAPES:
        for config in configurations(b, s, d):
            directory = artifacts / perf_decode.name(b, s, d, g) / config_name(config)
            directory.mkdir(parents=True, exist_ok=True)
            (directory / "kernel.mlir").write_text(attention_module(
                perf_decode.shape_dict(b, s, d, g), config=config, static=True))
            result = subprocess.run([str(moda_compile), str(directory / "kernel.mlir"),
                                     "-o", str(directory)], capture_output=True, text=True)
            if result.returncode != 0:  # a configuration the rules or ptxas refuse
                print("left out", directory, result.stderr.strip().splitlines()[0])
                shutil.rmtree(directory)
                continue
            for ptx in directory.glob("*.ptx"):  # the cubin is there
                ptx.unlink()
        print("compiled", perf_decode.name(b, s, d, g), flush=True)


def run_all(artifacts, json_path):
    import torch
    import moda
    from moda.results import write_report
    from moda.torch_support import allocate_scratch
    cases = []
    for b, s, d, g in SHAPES:
        hq = perf_decode.KV_HEADS * g
        q, k, v, dk, dv = perf_decode.decode_inputs(b, s, d, g)
        peers = {}
        time_sdpa_peers(peers, q, k, v, WARMUP, ITERS, causal=False)
        best = min(peers.get("sdpa_flash_ms", float("inf")), peers.get("sdpa_cudnn_ms", float("inf")))
        stream = torch.cuda.current_stream().cuda_stream
        for directory in sorted((artifacts / perf_decode.name(b, s, d, g)).iterdir()):
            kernel = moda.load(str(directory / "moda_attention_0.json"))
            tensors = {"q": q, "k": k, "v": v, "depth_k": dk, "depth_v": dv,
                       "out": torch.empty_like(q), "lse": torch.empty(b, hq, 1, device="cuda")}
            allocate_scratch(kernel, tensors)
            ms = statistics.median(kernel.benchmark(kernel.torch_args(tensors), WARMUP, ITERS,
                                                    stream))
            cases.append(dict(B=b, S=s, D=d, G=g, config=directory.name, ms=ms, best_peer=best))
            print(f"B={b} S={s} D={d} G={g} {directory.name:22} {ms:.4f} /best {ms / best:.2f}",
                  flush=True)
        del k, v
    write_report(json_path, "sweep-decode", cases, torch.cuda.get_device_name(),
                 timing=f"median of {ITERS} CUDA-event timings after {WARMUP} warm-up runs; "
                        "best_peer: the faster of SDPA flash and cuDNN without depth",
                 configurations="mMnNwWsSkK: block_m M, block_n = block_depth N, W warps, "
                                "S stages, kv_splits K, wgmma; T = 1, Hk = 8, L = 32, causal, bf16")


def main():
    suite_main(__doc__, artifacts="sweep-artifacts", results="sweep-decode.json",
               compile_all=lambda args: compile_all(args.artifacts, args.moda_compile),
               run_all=lambda args: run_all(args.artifacts, args.json))


if __name__ == "__main__":
    main()
