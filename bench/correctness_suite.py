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
"""

import argparse
import datetime
import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))

from moda.ir import attention_module  # noqa: E402
from moda.results import TOLERANCE, measured_commit  # noqa: E402

KV_HEADS = 2
SEQUENCE_LENGTHS = [1, 63, 200, 1024, 4096]
DEPTHS = [0, 1, 7, 64]
GROUPS = [1, 2, 4, 8, 16]
CHUNK = 64


def variant_name(dtype, d, g, causal, visibility):
    return f"{visibility}_{dtype}_d{d}_g{g}_{'causal' if causal else 'full'}"


def variants():
    """(name, dtype, D, G, causal, visibility) of every kernel the suite runs."""
    out = []
    for dtype in ("bf16", "f16"):
        for d in (64, 128):
            for g in GROUPS:
                for causal in (True, False):
                    out.append((dtype, d, g, causal, "per_position"))
            for g in (1, 8):
                out.append((dtype, d, g, True, "chunk"))
            for g in (2, 16):
                out.append((dtype, d, g, False, "depth_only"))
    return [(variant_name(*v),) + v for v in out]


def cases():
    """Every case: each value of each axis appears (not every product)."""
    result = []
    per_position = [v for v in variants() if v[5] == "per_position"]
    for i, (name, dtype, d, g, causal, vis) in enumerate(per_position):
        for j in range(4):
            t = SEQUENCE_LENGTHS[(i + j) % 5]
            depth = DEPTHS[(i + 3 * j) % 4]
            s = t + 137 if (causal and j == 1 and t <= 63) else t
            result.append(dict(kernel=name, dtype=dtype, D=d, G=g, causal=causal,
                               variant=vis, B=2 if t <= 200 else 1, T=t, S=s,
                               L=depth))
    for i, (name, dtype, d, g, causal, vis) in enumerate(
            [v for v in variants() if v[5] == "chunk"]):
        for j, (t, depth) in enumerate([(63, 1), (200, 7), (1024, 64)]):
            result.append(dict(kernel=name, dtype=dtype, D=d, G=g, causal=causal,
                               variant=vis, B=1, T=t, S=t, L=depth, chunk=CHUNK))
    for i, (name, dtype, d, g, causal, vis) in enumerate(
            [v for v in variants() if v[5] == "depth_only"]):
        for t, depth in [(1, 7), (200, 64), (4096, 1)]:
            result.append(dict(kernel=name, dtype=dtype, D=d, G=g, causal=causal,
                               variant=vis, B=1, T=t, S=0, L=depth))
    for c in result:
        c["Hk"] = KV_HEADS
        c["Hq"] = KV_HEADS * c["G"]
    return result


def compile_all(artifacts: Path, moda_compile: Path, config=None):
    """Compiles every kernel; with `config` (a dict of block_m, block_n,
    block_depth, num_warps) pinned in the IR instead of the heuristic one. A
    kernel whose rules reject the pinned configuration is left out, with the
    reason."""
    artifacts.mkdir(parents=True, exist_ok=True)

    def one(variant):
        name, dtype, d, g, causal, visibility = variant
        directory = artifacts / name
        directory.mkdir(exist_ok=True)
        source = directory / "kernel.mlir"
        shape = {"dtype": dtype, "Hq": KV_HEADS * g, "Hk": KV_HEADS, "D": d,
                 "causal": causal, "visibility": visibility, "chunk": CHUNK}
        source.write_text(attention_module(shape, config=config))
        result = subprocess.run([str(moda_compile), str(source), "-o", str(directory)],
                                capture_output=True, text=True)
        if result.returncode != 0:
            if config is None:
                raise RuntimeError(f"{name} did not compile:\n{result.stderr}")
            reason = result.stderr.strip().splitlines()[0] if result.stderr else "?"
            return f"left out {name}: {reason}"
        return f"compiled {name}"

    with ThreadPoolExecutor(max_workers=2) as pool:
        for line in pool.map(one, variants()):
            print(line, flush=True)


def run_all(artifacts: Path, json_path: Path, only=None):
    import torch
    import moda
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
    for index, case in enumerate(selected):
        name = case["kernel"]
        if name not in kernels:
            kernels[name] = moda.load(str(artifacts / name / "moda_attention_0.json"))
        kernel = kernels[name]
        dt = TORCH_DTYPES[case["dtype"]]
        B, T, S, L, Hq, Hk, D = (case[x] for x in ("B", "T", "S", "L", "Hq", "Hk", "D"))
        q = torch.randn(B, T, Hq, D, device=device, dtype=dt)
        k = v = None
        if case["variant"] != "depth_only":
            k = torch.randn(B, S, Hk, D, device=device, dtype=dt)
            v = torch.randn(B, S, Hk, D, device=device, dtype=dt)
        dk = torch.randn(B, T, L, Hk, D, device=device, dtype=dt)
        dv = torch.randn(B, T, L, Hk, D, device=device, dtype=dt)
        out = torch.full_like(q, float("nan"))
        lse = torch.full((B, Hq, T), float("nan"), device=device)
        kernel(q, k, v, dk, dv, out=out, lse=lse)
        torch.cuda.synchronize()
        ref_out, ref_lse = attention_reference(
            q, k, v, dk, dv, causal=case["causal"], visibility=case["variant"],
            chunk_size=case.get("chunk", 0), scale=kernel.scale)
        err = relative_error(out, ref_out)
        err_lse = lse_error(lse, ref_lse)
        ok = err <= TOLERANCE[case["dtype"]] and err_lse <= TOLERANCE[case["dtype"]]
        failures += not ok
        records.append(dict(case, rel_err=err, rel_err_lse=err_lse, **{"pass": ok}))
        print(f"[{index + 1:3}/{len(selected)}] {'PASS' if ok else 'FAIL'} {name:34} "
              f"B{B} T{T} S{S} L{L}  out {err:.2e}  lse {err_lse:.2e}", flush=True)
    commit = measured_commit()
    report = {"suite": "gpu-correctness", "commit": commit,
              "artifacts": artifacts.name,
              "device": torch.cuda.get_device_name(),
              "date": datetime.date.today().isoformat(), "cases": records}
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(report, indent=1))
    print(f"gpu-correctness: {len(records) - failures} passed, {failures} failed "
          f"({time.time() - started:.0f} s)")
    return failures == 0


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("compile")
    c.add_argument("--artifacts", type=Path, default=ROOT / "bench" / "artifacts")
    c.add_argument("--moda-compile", type=Path, default=ROOT / "build" / "bin" / "moda-compile")
    c.add_argument("--config", help="pin block_m,block_n,block_depth,num_warps "
                                    "(e.g. 32,32,16,1) instead of the heuristics")
    r = sub.add_parser("run")
    r.add_argument("--artifacts", type=Path, default=ROOT / "bench" / "artifacts")
    r.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "gpu-correctness.json")
    r.add_argument("--only", help="run only kernels whose name contains this")
    sub.add_parser("count")
    args = parser.parse_args()
    if args.command == "compile":
        config = None
        if args.config:
            values = [int(x) for x in args.config.split(",")]
            config = dict(zip(("block_m", "block_n", "block_depth", "num_warps"), values))
        compile_all(args.artifacts, args.moda_compile, config)
    elif args.command == "run":
        sys.exit(0 if run_all(args.artifacts, args.json, args.only) else 1)
    else:
        print(len(variants()), "kernels,", len(cases()), "cases")


if __name__ == "__main__":
    main()
