#!/usr/bin/env python3
"""Decode benchmark: one new token (T = 1) per sequence against a KV cache of
S keys plus its own L = 32 depth entries, moda's kernels against PyTorch SDPA
(flash, cuDNN) on the same cache without depth, in one process.

    # here: compile our kernels for every shape (static sizes, so that the
    # configuration pass picks split-KV's kv_splits for the shape)
    python3 bench/perf_decode.py compile --artifacts bench/decode-artifacts
    # on the GPU machine
    python3 bench/perf_decode.py run --artifacts bench/decode-artifacts \\
        --json bench/results/perf-decode.json

Shapes: B in {1, 16, 64}, S in {4096, 32768, 131072}, D in {64, 128},
G in {4, 8}, Hk = 8, L = 32, causal (bottom-right: the token sees the whole
cache), bf16. Decoding is memory bound: each case reports the bytes a
kernel must read (the cache's k and v, the depth entries, q) over its time
as achieved bandwidth, against the ceiling measured in the same process
(a device-to-device copy: read + write bytes over its time). Cases with
B = 1 also check ours against a float64 reference (MODA.md section 6,
bf16: relative Frobenius error <= 4e-3).

Each case also times our kernel over a paged KV cache (`paged_ms`: the same
cache cut into pages of 64 keys, every page placed at random in the pool,
a decoding kernel with B and T static and S dynamic, as
moda.KVCache(page_size=64) runs it), checked against float64 the same way
at B = 1 (`paged_rel_error`).

Timing: median of --iters launches after --warmup, each between CUDA events,
inputs random.
"""

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
from perf_forward import time_ms, time_sdpa_peers  # noqa: E402
from suite_command import suite_main  # noqa: E402

BATCHES = (1, 16, 64)
CACHES = (4096, 32768, 131072)
HEAD_DIMS = (64, 128)
GROUPS = (4, 8)
KV_HEADS = 8
DEPTH = 32
QUERIES = 1
BF16_TOLERANCE = 4e-3
PAGE_SIZE = 64


def shapes():
    return [(b, s, d, g) for b in BATCHES for s in CACHES for d in HEAD_DIMS for g in GROUPS]


def shape_dict(b, s, d, g):
    return {"dtype": "bf16", "B": b, "Hk": KV_HEADS, "Hq": KV_HEADS * g, "D": d,
            "T": QUERIES, "S": s, "L": DEPTH, "causal": True}


def name(b, s, d, g):
    return f"b{b}_s{s}_d{d}_g{g}"


def compile_all(artifacts, moda_compile, database):
    from moda.ir import attention_module
    env = dict(os.environ, MODA_TUNING_DB=str(database))
    for b, s, d, g in shapes():
        directory = artifacts / name(b, s, d, g)
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "kernel.mlir").write_text(
            attention_module(shape_dict(b, s, d, g), static=True))
        subprocess.run([str(moda_compile), str(directory / "kernel.mlir"), "-o",
                        str(directory)], check=True, capture_output=True, env=env)
        config = json.loads((directory / "moda_attention_0.json").read_text())["config"]
        paged = directory / "paged"
        paged.mkdir(exist_ok=True)
        (paged / "kernel.mlir").write_text(attention_module(
            shape_dict(b, s, d, g), decode=(b, QUERIES), paged=(PAGE_SIZE, s // PAGE_SIZE)))
        subprocess.run([str(moda_compile), str(paged / "kernel.mlir"), "-o", str(paged)],
                       check=True, capture_output=True, env=env)
        paged_config = json.loads((paged / "moda_attention_0.json").read_text())["config"]
        print("compiled", directory.name, "kv_splits", config.get("kv_splits", 1),
              "paged kv_splits", paged_config.get("kv_splits", 1), flush=True)


def copy_bandwidth_gbs(warmup, iters):
    """The measured memory ceiling: a 4 GiB device-to-device copy, bytes
    read plus written over its time."""
    import torch
    source = torch.empty(1 << 31, dtype=torch.int16, device="cuda")
    target = torch.empty_like(source)
    ms = time_ms(lambda: target.copy_(source), warmup, iters)
    bytes_moved = 2 * source.numel() * source.element_size()
    del source, target
    return bytes_moved / ms / 1e6


def decode_inputs(b, s, d, g):
    """Random bf16 q [B, 1, Hq, D], the cache's k, v [B, S, Hk, D] and the
    token's depth entries [B, 1, L, Hk, D] of one shape."""
    import torch
    bf16 = dict(device="cuda", dtype=torch.bfloat16)
    q = torch.randn(b, QUERIES, KV_HEADS * g, d, **bf16)
    k, v = (torch.randn(b, s, KV_HEADS, d, **bf16) for _ in range(2))
    dk, dv = (torch.randn(b, QUERIES, DEPTH, KV_HEADS, d, **bf16) for _ in range(2))
    return q, k, v, dk, dv


def time_paged(row, artifacts, q, k, v, dk, dv, warmup, iters):
    """Times (and at B = 1 checks) our paged kernel of the shape on the
    cache k, v cut into pages placed at random in the pool (the same
    memory, no copy)."""
    import torch
    import moda
    from moda.reference import attention_reference, relative_error
    from moda.torch_support import allocate_scratch

    b, s = k.shape[:2]
    kernel = moda.load(str(artifacts / name(b, s, q.shape[-1], q.shape[2] // KV_HEADS)
                           / "paged" / "moda_attention_0.json"))
    pages = s // PAGE_SIZE
    k_pages, v_pages = (t.view(b * pages, PAGE_SIZE, *t.shape[2:]) for t in (k, v))
    table = torch.randperm(b * pages, device="cuda").view(b, pages).int()
    tensors = {"q": q, "k": k_pages, "v": v_pages, "depth_k": dk, "depth_v": dv,
               "out": torch.full_like(q, float("nan")),
               "lse": torch.empty(b, q.shape[2], QUERIES, device="cuda"),
               "block_table": table}
    allocate_scratch(kernel, tensors)
    stream = torch.cuda.current_stream().cuda_stream
    row["paged_config"] = kernel.config
    row["paged_ms"] = statistics.median(kernel.benchmark(
        kernel.torch_args(tensors), warmup, iters, stream, sizes={"S": s}))
    if b == 1:
        rows = table[0].long()
        keys, values = (t[rows].reshape(1, s, *t.shape[2:]) for t in (k_pages, v_pages))
        reference, _ = attention_reference(q, keys, values, dk, dv, causal=True,
                                           visibility="per_position", scale=kernel.scale)
        row["paged_rel_error"] = relative_error(tensors["out"], reference)
        row["paged_pass"] = bool(row["paged_rel_error"] <= BF16_TOLERANCE)
    return row.get("paged_pass", True)


def run_all(artifacts, json_path, warmup, iters):
    import torch
    import moda
    from moda.reference import attention_reference, relative_error
    from moda.results import write_report
    from moda.torch_support import allocate_scratch

    ceiling = copy_bandwidth_gbs(warmup, iters)
    print(f"copy bandwidth ceiling {ceiling:.0f} GB/s", flush=True)
    cases, failures = [], 0
    for b, s, d, g in shapes():
        torch.manual_seed(0)
        hq = KV_HEADS * g
        q, k, v, dk, dv = decode_inputs(b, s, d, g)
        out = torch.full_like(q, float("nan"))
        lse = torch.empty(b, hq, QUERIES, device="cuda")
        ours = moda.load(str(artifacts / name(b, s, d, g) / "moda_attention_0.json"))
        row = {"B": b, "T": QUERIES, "S": s, "Hq": hq, "Hk": KV_HEADS, "G": g, "D": d,
               "L": DEPTH, "causal": True, "dtype": "bf16", "variant": "per_position",
               "ours_config": ours.config}
        tensors = {"q": q, "k": k, "v": v, "depth_k": dk, "depth_v": dv, "out": out,
                   "lse": lse}
        allocate_scratch(ours, tensors)  # split-KV's partial results
        stream = torch.cuda.current_stream().cuda_stream
        row["ours_ms"] = statistics.median(
            ours.benchmark(ours.torch_args(tensors), warmup, iters, stream))
        if b == 1:
            # A token sees its whole cache (bottom-right causal) and its depth.
            reference, _ = attention_reference(q, k, v, dk, dv, causal=True,
                                               visibility="per_position", scale=ours.scale)
            row["rel_error"] = relative_error(out, reference)
            row["pass"] = bool(row["rel_error"] <= BF16_TOLERANCE)
            failures += not row["pass"]
        failures += not time_paged(row, artifacts, q, k, v, dk, dv, warmup, iters)
        # One token sees its whole cache: no mask (SDPA's is top-left).
        time_sdpa_peers(row, q, k, v, warmup, iters, causal=False)
        element = q.element_size()
        bytes_read = element * (2 * b * s * KV_HEADS * d + 2 * b * QUERIES * DEPTH * KV_HEADS * d
                                 + 2 * b * QUERIES * hq * d)
        bytes_nodepth = element * (2 * b * s * KV_HEADS * d + 2 * b * QUERIES * hq * d)
        row["ours_gbs"] = bytes_read / row["ours_ms"] / 1e6
        row["ours_over_ceiling"] = row["ours_gbs"] / ceiling
        for impl in ("sdpa_flash", "sdpa_cudnn"):
            if f"{impl}_ms" in row:
                row[f"{impl}_gbs"] = bytes_nodepth / row[f"{impl}_ms"] / 1e6
                row[f"ours_over_{impl}"] = row["ours_ms"] / row[f"{impl}_ms"]
        peers = [row[f"{impl}_ms"] for impl in ("sdpa_flash", "sdpa_cudnn") if f"{impl}_ms" in row]
        if peers:
            row["ours_over_best_peer"] = row["ours_ms"] / min(peers)
            row["paged_over_best_peer"] = row["paged_ms"] / min(peers)
        cases.append(row)
        del k, v
        print(f"B={b:2} S={s:6} D={d:3} G={g}  splits {ours.config.get('kv_splits', 1):3}  "
              f"ours {row['ours_ms']:7.3f} ms ({row['ours_gbs']:6.0f} GB/s, "
              f"{100 * row['ours_over_ceiling']:3.0f}%)  "
              f"flash {row.get('sdpa_flash_ms', float('nan')):7.3f}  "
              f"cudnn {row.get('sdpa_cudnn_ms', float('nan')):7.3f}  "
              f"/best {row.get('ours_over_best_peer', float('nan')):5.2f}  "
              f"paged {row['paged_ms']:7.3f} /best "
              f"{row.get('paged_over_best_peer', float('nan')):5.2f}"
              + (f"  err {row['rel_error']:.1e} paged {row['paged_rel_error']:.1e}"
                 if "rel_error" in row else ""), flush=True)
    write_report(json_path, "perf-decode", cases, torch.cuda.get_device_name(),
                 timing=f"median of {iters} CUDA-event timings after {warmup} warm-up runs",
                 copy_bandwidth_gbs=ceiling)
    return failures == 0


def main():
    def run_options(parser):
        parser.add_argument("--warmup", type=int, default=3)
        parser.add_argument("--iters", type=int, default=20)

    suite_main(__doc__, artifacts="decode-artifacts", results="perf-decode.json",
               compile_options=lambda parser: parser.add_argument(
                   "--database", type=Path, default=ROOT / "tuning" / "h100.json"),
               run_options=run_options,
               compile_all=lambda args: compile_all(args.artifacts, args.moda_compile,
                                                    args.database),
               run_all=lambda args: run_all(args.artifacts, args.json, args.warmup,
                                            args.iters))


if __name__ == "__main__":
    main()
