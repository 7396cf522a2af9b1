#!/usr/bin/env python3
"""Packed sequences against the same documents padded, in one process: a
batch of documents of uneven lengths through moda's packed forward
(`packed(%cu_seqlens, %max_seqlen)`) and through its [B, T] forward with
every document padded to the longest, and PyTorch SDPA without depth on the
padded batch and, where PyTorch offers it, on the documents as a jagged
nested tensor (flash's / cuDNN's variable-length path). And a training
step of the attention (forward, then backward with every gradient), packed
and padded: `ours_packed_train_ms`, `ours_padded_train_ms`.

    # here: compile the kernels of each (D, G)
    python3 bench/perf_packed.py compile --artifacts bench/packed-perf-artifacts
    # on the GPU machine
    python3 bench/perf_packed.py run --artifacts bench/packed-perf-artifacts \\
        --json bench/results/perf-packed.json

Timing: median of --iters launches after --warmup, each between CUDA
events. TFLOP/s count the useful work of the documents alone,
4 * Hq * D * sum(len * (len + 1) / 2 + len * L) (without depth for SDPA):
padding is wasted work, not counted.
"""

import random
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
sys.path.insert(0, str(ROOT / "bench"))
from suite_command import suite_main  # noqa: E402

from moda.ir import training_module  # noqa: E402
from perf_forward import time_ms  # noqa: E402

KV_HEADS = 8
# (D, G, L): the forward benchmark's head sizes, a mid-size group and depth.
SHAPES = [(64, 4, 16), (128, 4, 16)]
# Document lengths: a fixed draw of 20 between 64 and 1024 tokens, and four
# more, three of them long.
_draw = random.Random(2026)
DOCUMENTS = [_draw.randint(64, 1024) for _ in range(20)] + [2048, 3000, 4096, 130]


def shape_dict(d, g):
    return {"dtype": "bf16", "Hq": KV_HEADS * g, "Hk": KV_HEADS, "D": d, "causal": True}


def kernel_dir(artifacts, kind, d, g):
    return artifacts / f"{kind}_d{d}_g{g}"


def compile_all(artifacts, moda_compile):
    for d, g, _ in SHAPES:
        for kind, packed in (("packed", True), ("padded", False)):
            directory = kernel_dir(artifacts, kind, d, g)
            directory.mkdir(parents=True, exist_ok=True)
            # The training module: the forward (moda_attention_0) and the
            # backward (moda_attention_grad_0).
            (directory / "kernel.mlir").write_text(
                training_module(shape_dict(d, g), packed=packed))
            subprocess.run([str(moda_compile), str(directory / "kernel.mlir"), "-o",
                            str(directory)], check=True, capture_output=True)
            for ptx in directory.glob("*.ptx"):
                if ptx.with_suffix(".cubin").exists():
                    ptx.unlink()
            print("compiled", directory.name, flush=True)


def run_all(artifacts, json_path, warmup, iters):
    import torch
    import torch.nn.functional as F
    from torch.nn.attention import SDPBackend, sdpa_kernel
    import moda
    import moda.autograd
    from moda.results import write_report

    lengths = DOCUMENTS
    tokens, longest, documents = sum(lengths), max(lengths), len(lengths)
    offsets = [0]
    for length in lengths:
        offsets.append(offsets[-1] + length)
    cases = []
    stream = torch.cuda.current_stream().cuda_stream
    for d, g, depth in SHAPES:
        torch.manual_seed(0)
        Hq, Hk = KV_HEADS * g, KV_HEADS
        bf16 = dict(device="cuda", dtype=torch.bfloat16)
        q = torch.randn(tokens, Hq, d, **bf16)
        k, v = (torch.randn(tokens, Hk, d, **bf16) for _ in range(2))
        dk, dv = (torch.randn(tokens, depth, Hk, d, **bf16) for _ in range(2))
        cu = torch.tensor(offsets, device="cuda", dtype=torch.int32)
        out = torch.empty_like(q)
        lse = torch.empty(Hq, tokens, device="cuda")
        row = dict(dtype="bf16", D=d, G=g, Hq=Hq, Hk=Hk, L=depth, causal=True,
                   documents=documents, tokens=tokens, longest=longest,
                   padded_tokens=documents * longest)
        packed = moda.load(str(kernel_dir(artifacts, "packed", d, g) / "moda_attention_0.json"))
        args = packed.torch_args(dict(q=q, k=k, v=v, depth_k=dk, depth_v=dv, out=out,
                                      lse=lse, cu_seqlens=cu))
        row["ours_packed_ms"] = statistics.median(
            packed.benchmark(args, warmup, iters, stream, sizes={"T": longest}))
        row["ours_packed_config"] = packed.config

        # The same documents padded to the longest: [B, T, ...].
        def pad(x):
            padded = x.new_zeros((documents, longest) + tuple(x.shape[1:]))
            for i, (first, end) in enumerate(zip(offsets, offsets[1:])):
                padded[i, :end - first] = x[first:end]
            return padded
        pq, pk, pv, pdk, pdv = (pad(x) for x in (q, k, v, dk, dv))
        padded = moda.load(str(kernel_dir(artifacts, "padded", d, g) / "moda_attention_0.json"))
        pout = torch.empty_like(pq)
        plse = torch.empty(documents, Hq, longest, device="cuda")
        pargs = padded.torch_args(dict(q=pq, k=pk, v=pv, depth_k=pdk, depth_v=pdv,
                                       out=pout, lse=plse))
        row["ours_padded_ms"] = statistics.median(padded.benchmark(pargs, warmup, iters, stream))
        row["padded_over_packed"] = row["ours_padded_ms"] / row["ours_packed_ms"]

        # A training step: forward, then backward into fresh gradients.
        d_out = torch.randn_like(q)
        for kind, inputs, extra in (
                ("packed", (q, k, v, dk, dv), dict(cu_seqlens=cu, max_seqlen=longest)),
                ("padded", (pq, pk, pv, pdk, pdv), {})):
            step_kernels = moda.autograd.load_training(str(kernel_dir(artifacts, kind, d, g)))
            grad_out = d_out if kind == "packed" else pad(d_out)

            def step():
                o, l = step_kernels.forward(*inputs, **extra)
                # (the backward Kernel's own backward(): calling the
                # kernel itself runs a forward)
                step_kernels.backward.backward(*inputs, o, l, grad_out, **extra)
            row[f"ours_{kind}_train_ms"] = time_ms(step, warmup, iters)
        row["padded_over_packed_train"] = (row["ours_padded_train_ms"]
                                           / row["ours_packed_train_ms"])

        # SDPA without depth: padded, and jagged (variable length) where the
        # backend takes nested tensors.
        qt, kt, vt = pq.transpose(1, 2), pk.transpose(1, 2), pv.transpose(1, 2)
        # The nested path takes no grouped-query heads: k, v repeated G times.
        jagged = [torch.nested.nested_tensor_from_jagged(x, cu.long()).transpose(1, 2)
                  for x in (q, k.repeat_interleave(g, dim=1), v.repeat_interleave(g, dim=1))]
        for impl, backend in (("sdpa_flash", SDPBackend.FLASH_ATTENTION),
                              ("sdpa_cudnn", SDPBackend.CUDNN_ATTENTION)):
            for layout, (a, b, c) in (("padded", (qt, kt, vt)), ("varlen", jagged)):
                key = f"{impl}_{layout}"
                try:
                    with sdpa_kernel(backend):
                        row[f"{key}_ms"] = time_ms(lambda: F.scaled_dot_product_attention(
                            a, b, c, is_causal=True, enable_gqa=layout == "padded"),
                            warmup, iters)
                except (RuntimeError, NotImplementedError, TypeError) as error:
                    row[f"{key}_error"] = str(error).splitlines()[0][:200]
        work = sum(n * (n + 1) / 2 for n in lengths)
        flops = 4 * Hq * d * (work + depth * tokens)
        flops0 = 4 * Hq * d * work
        row["ours_packed_tflops"] = flops / row["ours_packed_ms"] / 1e9
        row["ours_padded_tflops"] = flops / row["ours_padded_ms"] / 1e9
        for key in [k for k in row if k.startswith("sdpa_") and k.endswith("_ms")]:
            row[key.replace("_ms", "_tflops")] = flops0 / row[key] / 1e9
            row["ours_packed_over_" + key[:-3]] = row["ours_packed_ms"] / row[key]
        cases.append(row)
        peers = "  ".join(f"{k[:-3]} {v:.3f}" for k, v in row.items()
                          if k.startswith("sdpa_") and k.endswith("_ms"))
        print(f"D={d} G={g} L={depth} {documents} documents, {tokens} tokens (longest "
              f"{longest}): packed {row['ours_packed_ms']:.3f} ms "
              f"({row['ours_packed_tflops']:.0f} TFLOP/s), padded "
              f"{row['ours_padded_ms']:.3f} ms ({row['padded_over_packed']:.2f}x)  {peers}; "
              f"training step packed {row['ours_packed_train_ms']:.3f} ms, padded "
              f"{row['ours_padded_train_ms']:.3f} ms "
              f"({row['padded_over_packed_train']:.2f}x)", flush=True)
        for key in [k for k in row if k.endswith("_error")]:
            print(f"  {key}: {row[key]}", flush=True)
    write_report(json_path, "perf-packed", cases, torch.cuda.get_device_name(),
                 timing=f"median of {iters} CUDA-event timings after {warmup} warm-up runs",
                 lengths=lengths)


def main():
    def run_options(parser):
        parser.add_argument("--warmup", type=int, default=3)
        parser.add_argument("--iters", type=int, default=20)

    suite_main(__doc__, artifacts="packed-perf-artifacts", results="perf-packed.json",
               run_options=run_options,
               compile_all=lambda args: compile_all(args.artifacts, args.moda_compile),
               run_all=lambda args: run_all(args.artifacts, args.json, args.warmup,
                                            args.iters))

if __name__ == "__main__":
    main()
