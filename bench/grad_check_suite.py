#!/usr/bin/env python3
"""The GPU gradient suite of the backward kernels (issue #5: training).

Two steps, because the compiler and the GPU live on different machines:

    # here (MLIR, no GPU): compile the forward and backward of every variant
    python3 bench/grad_check_suite.py compile --artifacts bench/grad-artifacts
    # on the GPU machine (PyTorch, the runtime): run every case
    python3 bench/grad_check_suite.py run --artifacts bench/grad-artifacts \
        --json bench/results/grad-check.json

Each variant is one module holding a moda.attention and the
moda.attention_grad of its output (moda.ir.training_module), so that the
backward kernels run on the forward kernel's out and lse, as in training.
Kernels are specialized on element type, D, G (Hk = 2), causal and
visibility; B, T, S and L are runtime sizes. Each case draws fresh random
inputs and output gradient, poisons the gradients (NaN), runs moda's
forward and backward through moda.autograd (loss.backward()), and compares
dq, dk, dv, d_depth_k, d_depth_v with torch autograd through the float64
reference forward (MODA.md section 3), within MODA.md section 6's tolerances.
A gradient whose reference is exactly zero (dk and dq when each row sees a
single key, e.g. T = S = 1 without depth: that key's weight is 1 whatever its
logit) has no relative error; its rounding residue is divided by the norm of
the matching value gradient instead, and the case is marked
`zero_reference_<grad>`.
"""

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
from suite_command import variant_suite_main  # noqa: E402

from moda.ir import training_module  # noqa: E402
from moda.results import TOLERANCE, write_report  # noqa: E402
from suite_matrix import (CHUNK, compile_variants, variants, variants_of,  # noqa: E402
                          with_heads)

SEQUENCE_LENGTHS = [1, 63, 200, 1024]
DEPTHS = [0, 1, 7, 64]
GRADS = ("dq", "dk", "dv", "dkd", "dvd")


def cases():
    """Every value of every axis appears; ragged sizes throughout."""
    result = []
    per_position = variants_of("per_position")
    for i, (name, dtype, d, g, causal, vis) in enumerate(per_position):
        for j in range(2):
            t = SEQUENCE_LENGTHS[(i + 2 * j) % 4]
            depth = DEPTHS[(i + j) % 4]
            # Decoding-like: fewer queries than keys (bottom-right causal).
            s = t + 137 if (causal and j == 1 and t <= 63) else t
            result.append(dict(kernel=name, dtype=dtype, D=d, G=g, causal=causal,
                               variant=vis, B=2 if t <= 200 else 1, T=t, S=s,
                               L=depth))
    for name, dtype, d, g, causal, vis in variants_of("chunk"):
        for t, depth in [(63, 1), (333, 7)]:
            result.append(dict(kernel=name, dtype=dtype, D=d, G=g, causal=causal,
                               variant=vis, B=1, T=t, S=t, L=depth, chunk=CHUNK))
    for name, dtype, d, g, causal, vis in variants_of("depth_only"):
        for t, depth in [(1, 7), (200, 64)]:
            result.append(dict(kernel=name, dtype=dtype, D=d, G=g, causal=causal,
                               variant=vis, B=1, T=t, S=0, L=depth))
    # Views: every fourth case again, depth in a stream buffer with room
    # for five more entries.
    views = [dict(case, strided=True, depth_capacity=case["L"] + 5)
             for case in result[::4]]
    return with_heads(result + views)


def compile_all(artifacts: Path, moda_compile: Path, config=None, only=None,
                views=False):
    """Compiles every variant's forward and backward; with `config` pinned
    on both (a variant whose rules reject it is left out, with the reason).
    `views`: kernels that take their operands as views (the operators'
    `strided`)."""
    # A heuristic or pinned backward may spill a few bytes (recorded in each
    # manifest's ptxas report), which moda-compile refuses by default: the
    # suite checks those kernels' numerics all the same.
    compile_variants(artifacts, moda_compile,
                     lambda shape: training_module(shape, config=config,
                                                   strided=views),
                     "train.mlir", may_fail=config is not None, keep_ptx=False,
                     compile_args=["--allow-spills"], only=only)


def run_case(kernels, case, device):
    import torch
    import moda.autograd
    from moda.reference import gradient_errors, reference_forward_and_grads
    from moda.torch_support import TORCH_DTYPES

    dt = TORCH_DTYPES[case["dtype"]]
    B, T, S, L, Hq, Hk, D = (case[x] for x in ("B", "T", "S", "L", "Hq", "Hk", "D"))
    sequence = case["variant"] != "depth_only"
    leaf = dict(device=device, dtype=dt, requires_grad=True)
    if case.get("strided"):
        # Views: q out of a fused [B, T, Hq + 2, D] projection, k and v out
        # of one [B, S, 2 Hk, D] buffer, depth the first L slots of a
        # stream of larger capacity, d_out a slice of a wider tensor.
        q = torch.randn(B, T, Hq + 2, D, **leaf)[:, :, 1:Hq + 1]
        k = v = None
        if sequence:
            kv = torch.randn(B, S, 2 * Hk, D, **leaf)
            k, v = kv[:, :, :Hk], kv[:, :, Hk:]
        capacity = case["depth_capacity"]
        dk = torch.randn(B, T, capacity, Hk, D, **leaf)[:, :, :L]
        dv = torch.randn(B, T, capacity, Hk, D, **leaf)[:, :, :L]
        d_out = torch.randn(B, T, Hq + 1, D, device=device, dtype=dt)[:, :, :Hq]
    else:
        q = torch.randn(B, T, Hq, D, **leaf)
        k = torch.randn(B, S, Hk, D, **leaf) if sequence else None
        v = torch.randn(B, S, Hk, D, **leaf) if sequence else None
        dk = torch.randn(B, T, L, Hk, D, **leaf)
        dv = torch.randn(B, T, L, Hk, D, **leaf)
        d_out = torch.randn(B, T, Hq, D, device=device, dtype=dt)
    inputs = [t for t in (q, k, v, dk, dv) if t is not None]
    # Poison: a gradient the kernels leave unwritten stays NaN and fails.
    out = moda.autograd.attention(q, k, v, dk, dv, kernels, poison_grads=True)
    grads = iter(torch.autograd.grad(out, inputs, d_out))
    computed = [None if t is None else next(grads) for t in (q, k, v, dk, dv)]
    torch.cuda.synchronize()
    _, _, expected = reference_forward_and_grads(
        (q, k, v, dk, dv), d_out, causal=case["causal"], visibility=case["variant"],
        chunk_size=case.get("chunk", 0), scale=kernels.forward.scale)
    return gradient_errors(dict(zip(GRADS, computed)), dict(zip(GRADS, expected)))


def run_all(artifacts: Path, json_path: Path, only=None):
    import torch
    import moda.autograd

    torch.manual_seed(0)
    device = torch.device("cuda")
    loaded = {}
    records, failures = [], 0
    started = time.time()
    selected = [c for c in cases() if only is None or only in c["kernel"]]
    for index, case in enumerate(selected):
        name = case["kernel"]
        if name not in loaded:
            loaded[name] = moda.autograd.load_training(str(artifacts / name))
        try:
            errors = run_case(loaded[name], case, device)
            error = ""
        except Exception as e:  # noqa: BLE001 - recorded as a failure
            errors, error = {}, f"{type(e).__name__}: {e}"
        tolerance = TOLERANCE[case["dtype"]]
        rel = {k: v for k, v in errors.items() if k.startswith("rel_err_")}
        ok = bool(rel) and not error and all(e <= tolerance for e in rel.values())
        failures += not ok
        records.append(dict(case, **errors, tolerance=tolerance, error=error,
                            **{"pass": ok}))
        shown = "  ".join(f"{k[8:]} {v:.2e}" for k, v in rel.items())
        print(f"[{index + 1:3}/{len(selected)}] {'PASS' if ok else 'FAIL'} {name:34} "
              f"B{case['B']} T{case['T']} S{case['S']} L{case['L']}  {shown} {error}",
              flush=True)
    write_report(json_path, "grad-check", records, torch.cuda.get_device_name())
    worst = {g: max((r.get(f"rel_err_{g}", 0) for r in records), default=0) for g in GRADS}
    print("max errors: " + "  ".join(f"{g} {e:.2e}" for g, e in worst.items()))
    print(f"grad-check: {len(records) - failures} passed, {failures} failed "
          f"({time.time() - started:.0f} s)")
    return failures == 0


def main():
    variant_suite_main(__doc__, artifacts="grad-artifacts", results="grad-check.json",
                       compile_all=compile_all, run_all=run_all,
                       count=lambda: f"{len(variants())} variants, {len(cases())} cases")


if __name__ == "__main__":
    main()
