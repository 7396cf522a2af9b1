#!/usr/bin/env python3
"""Forward benchmark: moda's kernels against PyTorch SDPA (flash, cuDNN) and a
plain PyTorch MoDA, in one process, on the shapes of shared/spec/FIGURES.md.

    # here: compile our kernels for every shape (tuned configs from the DB)
    python3 bench/perf_forward.py compile --artifacts bench/perf-artifacts
    # on the GPU machine
    python3 bench/perf_forward.py run --artifacts bench/perf-artifacts \
        --json bench/results/perf-forward.json --plot bench/results/perf-forward.png

A change measured against the kernels before it: compile those with
`compile` at the commit before the change (e.g. from a git worktree with its
own build), write its short sha to DIR/COMMIT, and pass DIR as --before;
each case then also times those kernels, in the same process on the same
inputs (ours_before_ms, ours_over_before, before_commit):

    git worktree add ../moda-before HEAD~1
    (cd ../moda-before && utils/build.sh moda-compile)
    python3 ../moda-before/bench/perf_forward.py compile --artifacts bench/perf-before-artifacts
    git -C ../moda-before rev-parse --short HEAD > bench/perf-before-artifacts/COMMIT
    python3 bench/perf_forward.py run --artifacts bench/perf-artifacts \
        --before bench/perf-before-artifacts --json bench/results/perf-forward.json

Timing: median of --iters launches after --warmup, each between CUDA events,
inputs random. TFLOP/s counts the forward's useful work,
4 * B * Hk * G * T * D * (T / 2 + L) (FIGURES.md); ours without depth and
SDPA count L = 0.
"""

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
from suite_command import BEFORE_HELP, suite_main  # noqa: E402

# (T, G, D, L): the rows of FIGURES.md's forward table.
SHAPES = [(4096, 8, 64, 64), (16384, 8, 64, 64), (16384, 2, 64, 64),
          (16384, 8, 64, 128), (16384, 8, 128, 64), (65536, 8, 64, 64)]
KV_HEADS = 8
PLAIN_TORCH_MAX_T = 4096  # the concatenated scores of longer T do not fit


def shape_dict(t, g, d, l):
    return {"dtype": "bf16", "B": 1, "Hk": KV_HEADS, "Hq": KV_HEADS * g, "D": d,
            "T": t, "L": l, "causal": True}


def name(t, g, d, l):
    return f"t{t}_g{g}_d{d}_l{l}"


def compile_all(artifacts, moda_compile, database):
    from moda.ir import attention_module
    env = dict(os.environ, MODA_TUNING_DB=str(database))

    def build(t, g, d, depth, config=None):
        directory = artifacts / name(t, g, d, depth)
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "kernel.mlir").write_text(
            attention_module(shape_dict(t, g, d, depth), config=config, static=True))
        subprocess.run([str(moda_compile), str(directory / "kernel.mlir"), "-o",
                        str(directory)], check=True, capture_output=True, env=env)
        print("compiled", directory.name, flush=True)
        return json.loads((directory / "moda_attention_0.json").read_text())["config"]

    for t, g, d, l in SHAPES:
        # With depth: the database's configuration (else the heuristic). Without
        # depth: the same tiles, so that the difference is the depth work alone.
        config = build(t, g, d, l)
        build(t, g, d, 0, config)


def time_ms(fn, warmup, iters):
    import torch
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(iters):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    return statistics.median(times)


def time_sdpa_peers(row, q, k, v, warmup, iters, causal=True):
    """Times SDPA without depth on the flash and cuDNN backends into
    row["sdpa_flash_ms"], row["sdpa_cudnn_ms"] (or "..._error" when a
    backend refuses the shape). SDPA's causal mask is top-left aligned:
    pass causal=False where every query sees every key (a decoding token
    against its cache, bottom-right causal)."""
    import torch
    from torch.nn.attention import SDPBackend, sdpa_kernel
    qt, kt, vt = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)
    for impl, backend in (("sdpa_flash", SDPBackend.FLASH_ATTENTION),
                          ("sdpa_cudnn", SDPBackend.CUDNN_ATTENTION)):
        try:
            with sdpa_kernel(backend):
                row[f"{impl}_ms"] = time_ms(lambda: torch.nn.functional.scaled_dot_product_attention(
                    qt, kt, vt, is_causal=causal, enable_gqa=True), warmup, iters)
        except RuntimeError as error:
            row[f"{impl}_error"] = str(error).splitlines()[0]


def plain_torch_moda(q, k, v, dk, dv):
    """MoDA as a PyTorch user writes it today: one SDPA over [K ; depth] with a
    mask (sequence part causal, depth part only the row's own position)."""
    import torch
    B, T, Hq, D = q.shape
    L, Hk = dk.shape[2], dk.shape[3]
    keys = torch.cat([k, dk.reshape(B, T * L, Hk, D)], dim=1)
    values = torch.cat([v, dv.reshape(B, T * L, Hk, D)], dim=1)
    t = torch.arange(T, device=q.device)[:, None]
    j = torch.arange(T + T * L, device=q.device)[None, :]
    mask = torch.where(j < T, j <= t, (j - T) // L == t)
    return torch.nn.functional.scaled_dot_product_attention(
        q.transpose(1, 2), keys.transpose(1, 2), values.transpose(1, 2),
        attn_mask=mask, enable_gqa=True)


def run_all(artifacts, json_path, plot_path, warmup, iters, before=None):
    """With `before` (artifacts compiled at the commit before a change), each
    case also times those kernels with depth on the same inputs:
    `ours_before_ms`, `ours_over_before` and, where DIR/COMMIT names it,
    `before_commit`."""
    import torch
    import moda
    from moda.results import artifacts_commit, write_report

    before_commit = artifacts_commit(before) if before else None
    cases = []
    for t, g, d, l in SHAPES:
        torch.manual_seed(0)
        B, Hk, Hq = 1, KV_HEADS, KV_HEADS * g
        q = torch.randn(B, t, Hq, d, device="cuda", dtype=torch.bfloat16)
        k, v = (torch.randn(B, t, Hk, d, device="cuda", dtype=torch.bfloat16) for _ in range(2))
        dk, dv = (torch.randn(B, t, l, Hk, d, device="cuda", dtype=torch.bfloat16) for _ in range(2))
        out = torch.empty_like(q)
        lse = torch.empty(B, Hq, t, device="cuda")
        ours = moda.load(str(artifacts / name(t, g, d, l) / "moda_attention_0.json"))
        ours_nodepth = moda.load(str(artifacts / name(t, g, d, 0) / "moda_attention_0.json"))
        stream = torch.cuda.current_stream().cuda_stream
        row = {"B": B, "T": t, "S": t, "Hq": Hq, "Hk": Hk, "G": g, "D": d, "L": l,
               "causal": True, "dtype": "bf16", "variant": "per_position",
               "ours_config": ours.config}
        args = ours.torch_args({"q": q, "k": k, "v": v, "depth_k": dk, "depth_v": dv,
                                "out": out, "lse": lse})
        row["ours_ms"] = statistics.median(ours.benchmark(args, warmup, iters, stream))
        if before:
            # The same tensors (args): only the kernels differ.
            ours_before = moda.load(str(before / name(t, g, d, l) / "moda_attention_0.json"))
            row["ours_before_ms"] = statistics.median(
                ours_before.benchmark(args, warmup, iters, stream))
            row["ours_over_before"] = row["ours_ms"] / row["ours_before_ms"]
            if before_commit:
                row["before_commit"] = before_commit
        args0 = ours_nodepth.torch_args({"q": q, "k": k, "v": v, "out": out, "lse": lse})
        row["ours_nodepth_ms"] = statistics.median(ours_nodepth.benchmark(args0, warmup, iters, stream))
        time_sdpa_peers(row, q, k, v, warmup, iters)
        if t <= PLAIN_TORCH_MAX_T:
            row["torch_reference_ms"] = time_ms(lambda: plain_torch_moda(q, k, v, dk, dv),
                                                warmup, iters)
        flops = 4 * B * Hk * g * t * d * (t / 2 + l)
        flops0 = 4 * B * Hk * g * t * d * (t / 2)
        row["ours_tflops"] = flops / row["ours_ms"] / 1e9
        row["ours_nodepth_tflops"] = flops0 / row["ours_nodepth_ms"] / 1e9
        for impl in ("sdpa_flash", "sdpa_cudnn"):
            if f"{impl}_ms" in row:
                row[f"{impl}_tflops"] = flops0 / row[f"{impl}_ms"] / 1e9
                row[f"ours_over_{impl}"] = row["ours_ms"] / row[f"{impl}_ms"]
        row["depth_overhead"] = row["ours_ms"] / row["ours_nodepth_ms"] - 1
        cases.append(row)
        versus_before = (f"  before {row['ours_before_ms']:9.3f} ({row['ours_over_before']:.2f}x)"
                         if before else "")
        print(f"T={t:6} G={g} D={d:3} L={l:3}  ours {row['ours_ms']:9.3f} ms "
              f"({row['ours_tflops']:6.1f} TFLOP/s)  L=0 {row['ours_nodepth_ms']:9.3f}  "
              f"flash {row.get('sdpa_flash_ms', float('nan')):8.3f}  "
              f"cudnn {row.get('sdpa_cudnn_ms', float('nan')):8.3f}  "
              f"plain {row.get('torch_reference_ms', float('nan')):8.3f}{versus_before}",
              flush=True)
    write_report(json_path, "perf-forward", cases, torch.cuda.get_device_name(),
                 timing=f"median of {iters} CUDA-event timings after {warmup} warm-up runs")
    print(f"\n{'T':>6} {'G':>2} {'D':>4} {'L':>4} {'ours ms':>9} {'TFLOP/s':>8} "
          f"{'/flash':>7} {'/cudnn':>7} {'depth +':>8}" + (f" {'/before':>8}" if before else ""))
    for r in cases:
        print(f"{r['T']:6} {r['G']:2} {r['D']:4} {r['L']:4} {r['ours_ms']:9.2f} "
              f"{r['ours_tflops']:8.1f} {r.get('ours_over_sdpa_flash', float('nan')):7.2f} "
              f"{r.get('ours_over_sdpa_cudnn', float('nan')):7.2f} {100 * r['depth_overhead']:7.1f}%"
              + (f" {r['ours_over_before']:8.2f}" if before else ""))
    if plot_path:
        try:
            import matplotlib
            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError:
            print("matplotlib not installed: no plot")
            return
        fig, ax = plt.subplots(figsize=(7, 4))
        for key, label in (("ours_tflops", "moda (depth)"), ("ours_nodepth_tflops", "moda (L=0)"),
                           ("sdpa_flash_tflops", "SDPA flash"), ("sdpa_cudnn_tflops", "SDPA cuDNN")):
            points = [(r["T"], r[key]) for r in cases if key in r and r["G"] == 8
                      and r["D"] == 64 and r["L"] == 64]
            if points:
                ax.plot(*zip(*points), marker="o", label=label)
        ax.set_xscale("log", base=2)
        ax.set_xlabel("T (B=1, Hk=8, G=8, D=64, L=64, causal, bf16)")
        ax.set_ylabel("TFLOP/s")
        ax.legend()
        ax.grid(alpha=0.3)
        fig.tight_layout()
        fig.savefig(plot_path, dpi=120)


def main():
    def run_options(parser):
        parser.add_argument("--before", type=Path, help=BEFORE_HELP)
        parser.add_argument("--plot", type=Path)
        parser.add_argument("--warmup", type=int, default=3)
        parser.add_argument("--iters", type=int, default=20)

    suite_main(__doc__, artifacts="perf-artifacts", results="perf-forward.json",
               compile_options=lambda parser: parser.add_argument(
                   "--database", type=Path, default=ROOT / "tuning" / "h100.json"),
               run_options=run_options,
               compile_all=lambda args: compile_all(args.artifacts, args.moda_compile,
                                                    args.database),
               run_all=lambda args: run_all(args.artifacts, args.json, args.plot,
                                            args.warmup, args.iters, args.before))

if __name__ == "__main__":
    main()
