#!/usr/bin/env python3
"""The GPU correctness suite of the forward kernel (issue: forward end to end).

Two steps, because the compiler and the GPU live on different machines:

    # here (MLIR, no GPU): compile every kernel variant the suite needs
    python3 bench/correctness_suite.py compile --artifacts bench/artifacts
    # on the GPU machine (PyTorch, the runtime): run every case
    python3 bench/correctness_suite.py run --artifacts bench/artifacts \
        --json bench/results/gpu-correctness.json

Kernels are specialized on element type, head dim D, group size G (Hk = 2),
causal and visibility; B, T, S and L are runtime sizes. Each case draws fresh
random inputs, poisons the outputs, runs the kernel and compares out and lse
with the float64 reference (tolerances of MODA.md section 6).

A quarter of the cases are repeated with views ("strided": true): q, k and
v sliced out of fused projections, depth the first L slots of a stream
buffer of larger capacity ("depth_capacity"), out a slice of a wider
buffer whose other elements must stay untouched. A kernel whose manifest
takes an operand as a view (compiled with --views) reads and writes it in
place; for the others moda copies it (moda.operands.as_kernel_operand, what
moda.attention does) and out is contiguous.
"""

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
from suite_command import variant_suite_main  # noqa: E402

from moda.ir import attention_module  # noqa: E402
from moda.results import TOLERANCE, write_report  # noqa: E402
from suite_matrix import (CHUNK, compile_variants, variants, variants_of,  # noqa: E402
                          with_heads)

SEQUENCE_LENGTHS = [1, 63, 200, 1024, 4096]
DEPTHS = [0, 1, 7, 64]


def cases():
    """Every case: each value of each axis appears (not every product)."""
    result = []
    per_position = variants_of("per_position")
    for i, (name, dtype, d, g, causal, vis) in enumerate(per_position):
        for j in range(4):
            t = SEQUENCE_LENGTHS[(i + j) % 5]
            depth = DEPTHS[(i + 3 * j) % 4]
            s = t + 137 if (causal and j == 1 and t <= 63) else t
            result.append(dict(kernel=name, dtype=dtype, D=d, G=g, causal=causal,
                               variant=vis, B=2 if t <= 200 else 1, T=t, S=s,
                               L=depth))
    for i, (name, dtype, d, g, causal, vis) in enumerate(variants_of("chunk")):
        for j, (t, depth) in enumerate([(63, 1), (200, 7), (1024, 64)]):
            result.append(dict(kernel=name, dtype=dtype, D=d, G=g, causal=causal,
                               variant=vis, B=1, T=t, S=t, L=depth, chunk=CHUNK))
    for i, (name, dtype, d, g, causal, vis) in enumerate(variants_of("depth_only")):
        for t, depth in [(1, 7), (200, 64), (4096, 1)]:
            result.append(dict(kernel=name, dtype=dtype, D=d, G=g, causal=causal,
                               variant=vis, B=1, T=t, S=0, L=depth))
    # Views: every fourth case again, depth in a stream buffer with room
    # for five more entries.
    views = [dict(case, strided=True, depth_capacity=case["L"] + 5)
             for case in result[::4]]
    return with_heads(result + views)


def make_operands(case, device, dtype):
    """q, k, v, depth_k, depth_v for `case`: dense, or (case["strided"])
    views of larger buffers: q out of a fused [B, T, Hq + 2, D] projection,
    k and v out of one [B, S, 2 Hk, D] buffer, depth the first L slots of a
    [B, T, depth_capacity, Hk, D] stream."""
    import torch
    B, T, S, L, Hq, Hk, D = (case[x] for x in ("B", "T", "S", "L", "Hq", "Hk", "D"))
    sequence = case["variant"] != "depth_only"
    if not case.get("strided"):
        q = torch.randn(B, T, Hq, D, device=device, dtype=dtype)
        k = torch.randn(B, S, Hk, D, device=device, dtype=dtype) if sequence else None
        v = torch.randn(B, S, Hk, D, device=device, dtype=dtype) if sequence else None
        dk = torch.randn(B, T, L, Hk, D, device=device, dtype=dtype)
        dv = torch.randn(B, T, L, Hk, D, device=device, dtype=dtype)
        return q, k, v, dk, dv
    q = torch.randn(B, T, Hq + 2, D, device=device, dtype=dtype)[:, :, 1:Hq + 1]
    k = v = None
    if sequence:
        kv = torch.randn(B, S, 2 * Hk, D, device=device, dtype=dtype)
        k, v = kv[:, :, :Hk], kv[:, :, Hk:]
    capacity = case["depth_capacity"]
    dk = torch.randn(B, T, capacity, Hk, D, device=device, dtype=dtype)[:, :, :L]
    dv = torch.randn(B, T, capacity, Hk, D, device=device, dtype=dtype)[:, :, :L]
    return q, k, v, dk, dv


def compile_all(artifacts: Path, moda_compile: Path, config=None, only=None,
                views=False):
    """Compiles every kernel; with `config` (a dict of block_m, block_n,
    block_depth, num_warps) pinned in the IR instead of the heuristic one. A
    kernel whose rules reject the pinned configuration is left out, with the
    reason. `views`: kernels that take their operands as views
    (moda.attention's `strided`)."""
    compile_variants(artifacts, moda_compile,
                     lambda shape: attention_module(shape, config=config,
                                                    strided=views),
                     "kernel.mlir", may_fail=config is not None, only=only)


def run_all(artifacts: Path, json_path: Path, only=None):
    import torch
    import moda
    from moda.operands import as_kernel_operand
    from moda.reference import attention_reference, lse_error, relative_error
    from moda.torch_support import TORCH_DTYPES

    torch.manual_seed(0)
    device = torch.device("cuda")
    kernels = {}
    records, failures = [], 0
    started = time.time()
    present = {p.name for p in artifacts.iterdir() if (p / "moda_attention_0.json").exists()}
    selected = [c for c in cases() if (only is None or only in c["kernel"])
                and c["kernel"] in present]
    if not selected:
        # A run of nothing must not read as a pass.
        print(f"gpu-correctness: no case selected (artifacts {artifacts}, only {only})")
        return False
    for index, case in enumerate(selected):
        name = case["kernel"]
        if name not in kernels:
            kernels[name] = moda.load(str(artifacts / name / "moda_attention_0.json"))
        kernel = kernels[name]
        dt = TORCH_DTYPES[case["dtype"]]
        B, T, S, L, Hq, Hk, D = (case[x] for x in ("B", "T", "S", "L", "Hq", "Hk", "D"))
        q, k, v, dk, dv = make_operands(case, device, dt)
        strided = case.get("strided", False)
        # out: a view of a buffer one head wider (its extra head must stay
        # as poisoned) where the kernel writes views, else contiguous.
        in_place = strided and kernel.is_strided("out")
        out_buffer = torch.full((B, T, Hq + 1 if in_place else Hq, D), float("nan"),
                                device=device, dtype=dt)
        out = out_buffer[:, :, :Hq]
        lse = torch.full((B, Hq, T), float("nan"), device=device)
        given = dict(q=q, k=k, v=v, depth_k=dk, depth_v=dv)
        operands = {n: as_kernel_operand(kernel, n, t) for n, t in given.items()}
        kernel(**operands, out=out, lse=lse)
        torch.cuda.synchronize()
        ref_out, ref_lse = attention_reference(
            q, k, v, dk, dv, causal=case["causal"], visibility=case["variant"],
            chunk_size=case.get("chunk", 0), scale=kernel.scale)
        err = relative_error(out, ref_out)
        err_lse = lse_error(lse, ref_lse)
        untouched = bool(out_buffer[:, :, Hq:].isnan().all())
        copied = [n for n, t in given.items()
                  if t is not None and operands[n].data_ptr() != t.data_ptr()]
        # A kernel that takes views must read these in place (each meets
        # the runtime's rule): a copy would hide a broken view path.
        ok = (err <= TOLERANCE[case["dtype"]] and err_lse <= TOLERANCE[case["dtype"]]
              and untouched and not (in_place and copied))
        failures += not ok
        records.append(dict(case, rel_err=err, rel_err_lse=err_lse, copied=copied,
                            **{"pass": ok}))
        view = (f"  views{' (copied: ' + ','.join(copied) + ')' if copied else ' in place'}"
                if strided else "")
        print(f"[{index + 1:3}/{len(selected)}] {'PASS' if ok else 'FAIL'} {name:34} "
              f"B{B} T{T} S{S} L{L}  out {err:.2e}  lse {err_lse:.2e}{view}"
              f"{'' if untouched else '  WROTE OUTSIDE out'}", flush=True)
    write_report(json_path, "gpu-correctness", records, torch.cuda.get_device_name(),
                 artifacts=artifacts.name)
    print(f"gpu-correctness: {len(records) - failures} passed, {failures} failed "
          f"({time.time() - started:.0f} s)")
    return failures == 0


def main():
    variant_suite_main(__doc__, artifacts="artifacts", results="gpu-correctness.json",
                       compile_all=compile_all, run_all=run_all,
                       count=lambda: f"{len(variants())} kernels, {len(cases())} cases")


if __name__ == "__main__":
    main()
