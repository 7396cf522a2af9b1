#!/usr/bin/env python3
"""Training-step benchmark of the attention alone: forward + backward.

B = 1, Hk = 8, causal, bf16, the forward benchmark's shapes. Measured in one
process on the same inputs' shapes, each the median of >= 20 runs timed with
CUDA events after warm-up, each step starting with the inputs' gradients
cleared (as optimizer.zero_grad() leaves them):

  ours         moda's forward kernel + moda's backward kernels (dq, dkv,
               d_depth) through moda.autograd: out.backward(d_out)
  ours_fwd / ours_bwd   the two halves of `ours`, timed apart
  sdpa_flash   torch SDPA, FLASH_ATTENTION backend, no depth (enable_gqa)
  sdpa_cudnn   torch SDPA, CUDNN_ATTENTION backend, no depth

    # here (MLIR): compile the training kernels of each (G, D)
    python3 bench/perf_training.py compile --artifacts bench/training-artifacts
    # on the GPU machine
    python3 bench/perf_training.py run --artifacts bench/training-artifacts \
        --json bench/results/perf-training.json

A change measured against the kernels before it: compile those with
`compile` at the commit before the change (e.g. from a git worktree with its
own build), write its short sha to DIR/COMMIT, and pass DIR as --before;
each case then also times those kernels in the same process
(ours_before_ms and its halves, ours_over_before, before_commit):

    git worktree add ../moda-before HEAD~1
    (cd ../moda-before && utils/build.sh moda-compile)
    python3 ../moda-before/bench/perf_training.py compile --artifacts bench/training-before-artifacts
    git -C ../moda-before rev-parse --short HEAD > bench/training-before-artifacts/COMMIT
    python3 bench/perf_training.py run --artifacts bench/training-artifacts \
        --before bench/training-before-artifacts --json bench/results/perf-training.json
"""

import datetime
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
from suite_command import BEFORE_HELP, suite_main  # noqa: E402

from moda.ir import training_module  # noqa: E402
from moda.results import artifacts_commit, measured_commit  # noqa: E402
from suite_matrix import parse_config  # noqa: E402

KV_HEADS = 8
# (T, G, D, L). T = 65536 is left out: it was chosen when the D = 128
# backward was SIMT and took minutes per step there; not re-measured since.
SHAPES = [
    (4096, 8, 64, 64), (4096, 2, 64, 64), (4096, 8, 64, 128), (4096, 8, 128, 64),
    (4096, 2, 128, 128),
    (16384, 8, 64, 64), (16384, 2, 64, 64), (16384, 8, 64, 128),
    (16384, 8, 128, 64),
]
SKIPPED = [dict(T=65536, G=8, D=64, L=64,
                reason="not run: chosen when the D = 128 backward was SIMT and needed "
                       "minutes per step at T=65536; not re-measured since")]


def kernel_dir(artifacts, g, d):
    return artifacts / f"train_bf16_d{d}_g{g}_causal"


def compile_all(artifacts: Path, moda_compile: Path, configs=None):
    """Compiles each (G, D)'s training kernels; `configs` maps D to a
    configuration pinned on both (the heuristics' otherwise)."""
    for g, d in sorted({(g, d) for _, g, d, _ in SHAPES}):
        directory = kernel_dir(artifacts, g, d)
        directory.mkdir(parents=True, exist_ok=True)
        source = directory / "train.mlir"
        source.write_text(training_module(
            dict(dtype="bf16", Hq=KV_HEADS * g, Hk=KV_HEADS, D=d, causal=True),
            config=(configs or {}).get(d)))
        subprocess.run([str(moda_compile), str(source), "-o", str(directory)],
                       check=True)
        for ptx in directory.glob("*.ptx"):
            if ptx.with_suffix(".cubin").exists():
                ptx.unlink()


def time_ms(step, warmup, iters):
    import torch
    for _ in range(warmup):
        step()
    torch.cuda.synchronize()
    times = []
    for _ in range(iters):
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        start.record()
        step()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    return statistics.median(times)


def run_all(artifacts: Path, json_path: Path, iters: int, before=None):
    """With `before` (artifacts compiled at the commit before a change), each
    case also times those kernels in the same process: `ours_before_ms` and
    its halves, `ours_over_before` and, where DIR/COMMIT names it,
    `before_commit`."""
    import torch
    import torch.nn.functional as F
    from torch.nn.attention import SDPBackend, sdpa_kernel
    import moda.autograd
    import moda.runtime

    device = torch.device("cuda")
    torch.manual_seed(0)
    before_commit = artifacts_commit(before) if before else None
    records = []
    for T, G, D, L in SHAPES:
        started = time.time()
        try:
            kernels = moda.autograd.load_training(str(kernel_dir(artifacts, G, D)))
            before_kernels = (moda.autograd.load_training(str(kernel_dir(before, G, D)))
                              if before else None)
        except moda.runtime.ModaError as e:  # recorded, the other shapes still run
            records.append(dict(T=T, G=G, D=D, L=L, error=str(e)))
            print(f"T{T} G{G} D{D} L{L}: not run: {e}", flush=True)
            continue
        Hq = KV_HEADS * G
        bf16 = torch.bfloat16
        q = torch.randn(1, T, Hq, D, device=device, dtype=bf16, requires_grad=True)
        k = torch.randn(1, T, KV_HEADS, D, device=device, dtype=bf16, requires_grad=True)
        v = torch.randn(1, T, KV_HEADS, D, device=device, dtype=bf16, requires_grad=True)
        kd = torch.randn(1, T, L, KV_HEADS, D, device=device, dtype=bf16, requires_grad=True)
        vd = torch.randn(1, T, L, KV_HEADS, D, device=device, dtype=bf16, requires_grad=True)
        d_out = torch.randn(1, T, Hq, D, device=device, dtype=bf16)

        # Every step starts with the gradients cleared, as after
        # optimizer.zero_grad() (set_to_none, PyTorch's default): backward
        # then hands its gradient tensors over instead of adding them into
        # .grad (an extra read-add-write of every gradient, 2 ms for the
        # 2 GB of depth gradients at T = 16384, G = 8, L = 64).
        def clear(*tensors):
            for t in tensors:
                t.grad = None

        warmup = 2 if T >= 16384 else 3
        record = dict(B=1, T=T, S=T, Hq=Hq, Hk=KV_HEADS, G=G, D=D, L=L,
                      causal=True, dtype="bf16", variant="per_position")

        def time_step(name, step_kernels):
            def step():
                clear(q, k, v, kd, vd)
                out = moda.autograd.attention(q, k, v, kd, vd, step_kernels)
                out.backward(d_out)

            saved = {}

            def forward():
                saved["out"] = moda.autograd.attention(q, k, v, kd, vd, step_kernels)

            def backward():
                clear(q, k, v, kd, vd)
                saved["out"].backward(d_out, retain_graph=True)

            record[f"{name}_ms"] = time_ms(step, warmup, iters)
            forward()
            record[f"{name}_fwd_ms"] = time_ms(forward, 1, iters)
            forward()
            record[f"{name}_bwd_ms"] = time_ms(backward, 1, iters)

        time_step("ours", kernels)
        if before_kernels is not None:
            time_step("ours_before", before_kernels)
            record["ours_over_before"] = record["ours_ms"] / record["ours_before_ms"]
            if before_commit:
                record["before_commit"] = before_commit

        # SDPA without depth, [B, H, T, D], GQA.
        qs = q.detach().transpose(1, 2).contiguous().requires_grad_(True)
        ks = k.detach().transpose(1, 2).contiguous().requires_grad_(True)
        vs = v.detach().transpose(1, 2).contiguous().requires_grad_(True)
        ds = d_out.transpose(1, 2).contiguous()
        for impl, backend in (("sdpa_flash", SDPBackend.FLASH_ATTENTION),
                              ("sdpa_cudnn", SDPBackend.CUDNN_ATTENTION)):
            def sdpa():
                clear(qs, ks, vs)
                with sdpa_kernel(backend):
                    out = F.scaled_dot_product_attention(qs, ks, vs, is_causal=True,
                                                         enable_gqa=True)
                out.backward(ds)
            try:
                record[f"{impl}_ms"] = time_ms(sdpa, 3, max(iters, 20))
            except RuntimeError as e:  # backend unavailable for this shape
                record[f"{impl}_error"] = str(e).splitlines()[0]
        for impl in ("sdpa_flash", "sdpa_cudnn"):
            if f"{impl}_ms" in record:
                record[f"ours_over_{impl}"] = record["ours_ms"] / record[f"{impl}_ms"]
        records.append(record)
        print(f"T{T} G{G} D{D} L{L}: ours {record['ours_ms']:.2f} ms "
              f"(fwd {record['ours_fwd_ms']:.2f}, bwd {record['ours_bwd_ms']:.2f}), "
              f"flash {record.get('sdpa_flash_ms', float('nan')):.2f} ms, "
              f"cudnn {record.get('sdpa_cudnn_ms', float('nan')):.2f} ms, "
              f"before {record.get('ours_before_ms', float('nan')):.2f} ms "
              f"(bwd {record.get('ours_before_bwd_ms', float('nan')):.2f}) "
              f"[{time.time() - started:.0f} s]", flush=True)
        del q, k, v, kd, vd, d_out, qs, ks, vs, ds
        torch.cuda.empty_cache()
        # Written after every shape: a run cut short keeps what it measured.
        report = {"suite": "perf-training", "commit": measured_commit(),
                  "device": torch.cuda.get_device_name(),
                  "date": datetime.date.today().isoformat(),
                  "iters": iters, "timing": "median of CUDA-event times, one "
                  "forward+backward step each", "skipped": SKIPPED,
                  "cases": records}
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(report, indent=1))


def main():
    def compile_options(parser):
        parser.add_argument("--config", action="append", default=[],
                            help="D:block_m,block_n,block_depth,num_warps[,num_stages,mma] "
                                 "pinned for head size D (repeatable)")

    def compile_kernels(args):
        configs = {int(d): parse_config(text) for d, text in
                   (entry.split(":", 1) for entry in args.config)}
        compile_all(args.artifacts, args.moda_compile, configs)

    def run_options(parser):
        parser.add_argument("--before", type=Path, help=BEFORE_HELP)
        parser.add_argument("--iters", type=int, default=20)

    suite_main(__doc__, artifacts="training-artifacts", results="perf-training.json",
               compile_options=compile_options, run_options=run_options,
               compile_all=compile_kernels,
               run_all=lambda args: run_all(args.artifacts, args.json, args.iters,
                                            args.before))

if __name__ == "__main__":
    main()
