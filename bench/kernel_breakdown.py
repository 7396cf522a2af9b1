#!/usr/bin/env python3
"""Where a training step's time goes: the GPU time of each kernel of one
forward + backward step (torch.profiler, CUPTI), for one or more artifact
directories of perf_training.py at one shape, in one process.

    python3 bench/kernel_breakdown.py --T 16384 --G 8 --D 64 --L 64 \
        bench/training-tile-artifacts bench/training-artifacts
"""

import argparse
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))

from perf_training import KV_HEADS, kernel_dir  # noqa: E402


def breakdown(artifacts, T, G, D, L, steps):
    """Mean GPU microseconds per step of each kernel, by name."""
    import torch
    import moda.autograd
    from torch.profiler import ProfilerActivity, profile

    kernels = moda.autograd.load_training(str(kernel_dir(artifacts, G, D)))
    bf16, device = torch.bfloat16, torch.device("cuda")
    q = torch.randn(1, T, KV_HEADS * G, D, device=device, dtype=bf16, requires_grad=True)
    k = torch.randn(1, T, KV_HEADS, D, device=device, dtype=bf16, requires_grad=True)
    v = torch.randn(1, T, KV_HEADS, D, device=device, dtype=bf16, requires_grad=True)
    kd = torch.randn(1, T, L, KV_HEADS, D, device=device, dtype=bf16, requires_grad=True)
    vd = torch.randn(1, T, L, KV_HEADS, D, device=device, dtype=bf16, requires_grad=True)
    d_out = torch.randn_like(q)

    def step():
        for t in (q, k, v, kd, vd):
            t.grad = None
        moda.autograd.attention(q, k, v, kd, vd, kernels).backward(d_out)

    step()
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        for _ in range(steps):
            step()
        torch.cuda.synchronize()
    times = defaultdict(float)
    for event in prof.events():
        if event.device_type == torch.autograd.DeviceType.CUDA:
            times[event.name] += event.device_time / steps
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    for size in ("T", "G", "D", "L"):
        parser.add_argument(f"--{size}", type=int, required=True)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("artifacts", type=Path, nargs="+")
    args = parser.parse_args()
    for artifacts in args.artifacts:
        times = breakdown(artifacts, args.T, args.G, args.D, args.L, args.steps)
        print(f"{artifacts}: T{args.T} G{args.G} D{args.D} L{args.L}, "
              f"{sum(times.values()) / 1000:.2f} ms per step on the GPU")
        for name, us in sorted(times.items(), key=lambda kv: -kv[1]):
            print(f"  {us / 1000:8.3f} ms  {name}")


if __name__ == "__main__":
    main()
