#!/usr/bin/env python3
"""GPU correctness of packed sequences (`packed(%cu_seqlens, %max_seqlen)`):
the forward and backward kernels of a selection of the suite's variants,
compiled with every size dynamic, run on token-major tensors holding
sequences of uneven lengths (lengths 1 and 0, one long among many short, a
max_seqlen below the longest length); out, lse and the five gradients are
compared, sequence by sequence, with the float64 reference of each
sequence alone (tolerances of MODA.md section 6). Every output starts as
NaN, so a token no block writes fails.

    # here: compile the kernels
    python3 bench/packed_suite.py compile --artifacts bench/packed-artifacts
    # on the GPU machine
    python3 bench/packed_suite.py run --artifacts bench/packed-artifacts \\
        --json bench/results/gpu-correctness-packed.json
"""

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
from suite_command import suite_main  # noqa: E402

from moda.ir import training_module  # noqa: E402
from moda.results import TOLERANCE, write_report  # noqa: E402
from suite_matrix import (CHUNK, compile_variants, variant_name,  # noqa: E402
                          with_heads)

# (dtype, D, G, causal, visibility): one or more of each family the suite has.
VARIANTS = [("bf16", 64, 1, True, "per_position"), ("bf16", 64, 4, False, "per_position"),
            ("f16", 64, 8, True, "per_position"), ("bf16", 128, 2, True, "per_position"),
            ("f16", 128, 16, False, "per_position"), ("bf16", 64, 8, True, "chunk"),
            ("f16", 128, 1, True, "chunk"), ("bf16", 64, 2, False, "depth_only")]
NAMES = [variant_name(*v) for v in VARIANTS]

# (sequence lengths, depth entries L, max_seqlen or None for the longest).
BATCHES = [
    ([37, 1, 0, 150, 64], 3, None),      # uneven, with a 1 and a 0
    ([300] + [3] * 20, 1, None),         # one long, many short
    ([1, 1, 0, 2, 1], 7, None),          # only tiny ones
    ([129, 70], 2, 16),                  # max_seqlen below the longest
    ([0, 0], 3, None),                   # sequences without tokens
]


def cases():
    result = []
    for name, (dtype, d, g, causal, visibility) in zip(NAMES, VARIANTS):
        for lengths, depth, max_seqlen in BATCHES:
            result.append(dict(kernel=name, dtype=dtype, D=d, G=g, causal=causal,
                               variant=visibility, lengths=lengths, L=depth,
                               max_seqlen=max(lengths) if max_seqlen is None else max_seqlen,
                               chunk=CHUNK if visibility == "chunk" else 0, packed=True))
    return with_heads(result)


# The backward's gradient tensors, by the names the gradient suite records.
GRADS = {"dq": "dq", "dk": "dk", "dv": "dv", "dkd": "d_depth_k", "dvd": "d_depth_v"}


def compile_all(artifacts: Path, moda_compile: Path):
    """Each variant's forward (moda_attention_0) and backward
    (moda_attention_grad_0)."""
    # The packed D = 128, G = 16 heuristic backward spills 56 bytes on
    # sm_90a (recorded in the manifest), which moda-compile refuses by
    # default: the suite checks its numerics all the same.
    for name in NAMES:
        compile_variants(artifacts, moda_compile,
                         lambda shape: training_module(shape, packed=True),
                         "train.mlir", keep_ptx=False, compile_args=["--allow-spills"],
                         only=name)


def run_all(artifacts: Path, json_path: Path):
    import torch
    import moda
    from moda.reference import (gradient_errors, lse_error, reference_forward_and_grads,
                                relative_error)
    from moda.torch_support import TORCH_DTYPES

    torch.manual_seed(0)
    device = torch.device("cuda")
    records, failures, kernels = [], 0, {}
    started = time.time()
    selected = cases()
    for index, case in enumerate(selected):
        name = case["kernel"]
        if name not in kernels:
            kernels[name] = (moda.load(str(artifacts / name / "moda_attention_0.json")),
                             moda.load(str(artifacts / name / "moda_attention_grad_0.json")))
        forward, backward = kernels[name]
        dt = TORCH_DTYPES[case["dtype"]]
        Hq, Hk, D, L = case["Hq"], case["Hk"], case["D"], case["L"]
        lengths = case["lengths"]
        tokens = sum(lengths)
        offsets = [0]
        for length in lengths:
            offsets.append(offsets[-1] + length)
        sequence = case["variant"] != "depth_only"
        q = torch.randn(tokens, Hq, D, device=device, dtype=dt)
        k = torch.randn(tokens, Hk, D, device=device, dtype=dt) if sequence else None
        v = torch.randn(tokens, Hk, D, device=device, dtype=dt) if sequence else None
        dk = torch.randn(tokens, L, Hk, D, device=device, dtype=dt)
        dv = torch.randn(tokens, L, Hk, D, device=device, dtype=dt)
        d_out = torch.randn(tokens, Hq, D, device=device, dtype=dt)
        cu = torch.tensor(offsets, device=device, dtype=torch.int32)
        nan = float("nan")
        out = torch.full((tokens, Hq, D), nan, device=device, dtype=dt)
        lse = torch.full((Hq, tokens), nan, device=device)
        stream = torch.cuda.current_stream().cuda_stream
        sizes = {"T": case["max_seqlen"]}
        inputs = dict(q=q, k=k, v=v, depth_k=dk, depth_v=dv)
        forward.launch(forward.torch_args(
            {n: t for n, t in dict(inputs, out=out, lse=lse, cu_seqlens=cu).items()
             if t is not None}), stream, sizes=sizes)
        grads = {tensor: None if t is None else torch.full_like(t, nan)
                 for tensor, t in zip(GRADS.values(), (q, k, v, dk, dv))}
        delta = torch.empty(Hq, tokens, device=device)
        backward.launch(backward.torch_args(
            {n: t for n, t in dict(inputs, out=out, lse=lse, d_out=d_out, cu_seqlens=cu,
                                   delta=delta, **grads).items() if t is not None}),
            stream, sizes=sizes)
        torch.cuda.synchronize()
        ref_out, ref_lse, ref_grads = reference_forward_and_grads(
            (q, k, v, dk, dv), d_out, causal=case["causal"], visibility=case["variant"],
            chunk_size=case["chunk"], scale=forward.scale, cu_seqlens=offsets)
        errors = {}
        if tokens:
            errors["rel_err"] = relative_error(out, ref_out)
            errors["rel_err_lse"] = lse_error(lse, ref_lse)
            errors.update(gradient_errors(
                {name: grads[tensor] for name, tensor in GRADS.items()},
                dict(zip(GRADS, ref_grads))))
        rel = {n: e for n, e in errors.items() if n.startswith("rel_err")}
        # Without tokens there is nothing to compare: the case checks that
        # the launch is accepted and runs.
        ok = all(e <= TOLERANCE[case["dtype"]] for e in rel.values())
        if not tokens:
            errors["launch_only"] = True
        failures += not ok
        records.append(dict(case, N=tokens, **errors, **{"pass": ok}))
        shown = "  ".join(f"{n[8:] or 'out'} {e:.1e}" for n, e in rel.items())
        print(f"[{index + 1:3}/{len(selected)}] {'PASS' if ok else 'FAIL'} {name:34} "
              f"lengths {lengths} L{L} max_seqlen {case['max_seqlen']}  {shown}",
              flush=True)
    write_report(json_path, "gpu-correctness-packed", records,
                 torch.cuda.get_device_name(), artifacts=artifacts.name)
    print(f"gpu-correctness-packed: {len(records) - failures} passed, {failures} failed "
          f"({time.time() - started:.0f} s)")
    return failures == 0


def main():
    suite_main(__doc__, artifacts="packed-artifacts", results="gpu-correctness-packed.json",
               compile_all=lambda args: compile_all(args.artifacts, args.moda_compile),
               run_all=lambda args: run_all(args.artifacts, args.json))

if __name__ == "__main__":
    main()
