"""Autotuning of the kernels moda-compile generates: python -m moda.tune.

Like Triton's @autotune: a space of configurations (the one
moda-compile --print-config-space reports, i.e. the compiler's own
definition), each variant compiled, checked against the reference *before*
it is timed (a fast wrong variant never wins), timed with CUDA events, and
the winner remembered in a tuning database that moda-select-kernel-config
reads (database=<path> or MODA_TUNING_DB).

Flows (docs/autotuning.md):
  one machine:  python -m moda.tune tune    --shapes S.json --bundle B --db DB.json
  split:        python -m moda.tune compile --shapes S.json --bundle B   (compiler machine)
                python -m moda.tune run     --bundle B --db DB.json      (GPU machine)
                then bring DB.json (and --results) back.
"""

import argparse
import datetime
import json
import math
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .ir import attention_module
from .results import ROOT, TOLERANCE, measured_commit



# -- shapes and keys ----------------------------------------------------------

def kernel_key(shape):
    """What a compiled kernel is specialized on (sizes B, T, S, L are not)."""
    return (f"{shape['dtype']}_d{shape['D']}_hq{shape['Hq']}_hk{shape['Hk']}_"
            f"{'causal' if shape['causal'] else 'full'}_{shape.get('visibility', 'per_position')}")


def seq_bucket(t):
    return 1 << max(0, (t - 1).bit_length())


def database_key(shape, device, capability):
    return {"device": device, "compute_capability": capability, "op": "attention",
            "dtype": shape["dtype"], "head_dim": shape["D"],
            "group_size": shape["Hq"] // shape["Hk"], "depth": shape["L"],
            "causal": shape["causal"],
            "visibility": shape.get("visibility", "per_position"),
            "seq_bucket": seq_bucket(shape["T"])}


def config_name(c):
    return (f"{c['mma']}_m{c['block_m']}_n{c['block_n']}_d{c['block_depth']}"
            f"_w{c['num_warps']}_s{c['num_stages']}")


# Instruction families, fastest first: on the H100 warpgroup MMA beat every
# mma.sync variant (docs/performance.md), which beat SIMT by an order of
# magnitude.
FAMILIES = ("wgmma", "mma_sync", "fma")


def tuned_space(space):
    """The configurations worth measuring: those of the fastest instruction
    family the space has."""
    for family in FAMILIES:
        members = [c for c in space if c["mma"] == family]
        if members:
            return members
    return space


def spills(directory):
    """Whether ptxas reported spills for the kernel in `directory`: such a
    variant is never shipped."""
    report = json.loads((directory / "moda_attention_0.json").read_text()).get("ptxas", {})
    return report.get("spill_stores", 0) > 0 or report.get("spill_loads", 0) > 0


# -- compile (the compiler's machine) ------------------------------------------

def compile_bundle(shapes_path, bundle, moda_compile, jobs):
    shapes = json.loads(Path(shapes_path).read_text())["shapes"]
    bundle.mkdir(parents=True, exist_ok=True)
    plan, to_compile = [], {}
    for shape in shapes:
        source = bundle / "probe.mlir"
        source.write_text(attention_module(shape, static=True))
        report = subprocess.run([str(moda_compile), str(source), "--print-config-space"],
                                check=True, capture_output=True, text=True).stdout
        info = json.loads(report)[0]
        key = kernel_key(shape)
        space = tuned_space(info["space"])
        variants = [config_name(c) for c in space]
        for config in space:
            to_compile[(key, config_name(config))] = (shape, config)
        plan.append({"shape": shape, "kernel_key": key, "variants": variants,
                     "heuristic": config_name(info["heuristic"]),
                     "configs": {config_name(c): c for c in space}})
    (bundle / "probe.mlir").unlink()

    def one(item):
        (key, name), (shape, config) = item
        directory = bundle / key / name
        directory.mkdir(parents=True, exist_ok=True)
        if not (directory / "moda_attention_0.json").exists():
            (directory / "kernel.mlir").write_text(attention_module(shape, config=config))
            # Spilling variants are compiled (moda-compile refuses them by
            # default) so that spills() below can leave them out.
            subprocess.run([str(moda_compile), str(directory / "kernel.mlir"),
                            "-o", str(directory), "--allow-spills"],
                           check=True, capture_output=True)
        return f"{key}/{name}"

    started = time.time()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for done, name in enumerate(pool.map(one, sorted(to_compile.items())), 1):
            print(f"[{done}/{len(to_compile)}] compiled {name}", flush=True)
    for item in plan:
        spilling = [v for v in item["variants"]
                    if v != item["heuristic"] and spills(bundle / item["kernel_key"] / v)]
        item["variants"] = [v for v in item["variants"] if v not in spilling]
        if spilling:
            print(f"{item['kernel_key']}: {len(spilling)} variants spill registers, "
                  f"not measured", flush=True)
    (bundle / "bundle.json").write_text(json.dumps({"format": "moda-tune-bundle/1",
                                                    "shapes": plan}, indent=1))
    print(f"bundle: {len(plan)} shapes, {len(to_compile)} variants "
          f"({time.time() - started:.0f} s) in {bundle}")


# -- run (the GPU machine) -----------------------------------------------------

def run_bundle(bundle, db_path, results_path, iters, warmup, keep, only=None):
    import torch
    import moda
    from moda.reference import attention_reference, lse_error, relative_error
    from moda.torch_support import TORCH_DTYPES

    plan = [p for p in json.loads((bundle / "bundle.json").read_text())["shapes"]
            if only is None or only in p["kernel_key"]]
    device = torch.cuda.get_device_name()
    major, minor = torch.cuda.get_device_capability()
    capability = f"{major}.{minor}"
    rankings = {}  # kernel key -> variant names, fastest first (for pruning)
    entries, cases = [], []
    plan.sort(key=lambda p: (p["kernel_key"], p["shape"]["T"]))
    for number, item in enumerate(plan, 1):
        shape, key = item["shape"], item["kernel_key"]
        variants = item["variants"]
        if key in rankings:  # a shorter T of this kernel was tuned: keep its best
            best = rankings[key][:keep]
            variants = [v for v in variants if v in best or v == item["heuristic"]]
        torch.manual_seed(number)
        dt = TORCH_DTYPES[shape["dtype"]]
        B, T, L, Hq, Hk, D = (shape[x] for x in ("B", "T", "L", "Hq", "Hk", "D"))
        q = torch.randn(B, T, Hq, D, device="cuda", dtype=dt)
        k, v = (torch.randn(B, T, Hk, D, device="cuda", dtype=dt) for _ in range(2))
        dk, dv = (torch.randn(B, T, L, Hk, D, device="cuda", dtype=dt) for _ in range(2))
        reference = None
        timings = {}
        print(f"== [{number}/{len(plan)}] {key} T={T} L={L}: {len(variants)} variants",
              flush=True)
        for index, name in enumerate(variants, 1):
            kernel = moda.load(str(bundle / key / name / "moda_attention_0.json"))
            out = torch.full_like(q, float("nan"))
            lse = torch.full((B, Hq, T), float("nan"), device="cuda")
            kernel(q, k, v, dk, dv, out=out, lse=lse)
            torch.cuda.synchronize()
            if reference is None:
                reference = attention_reference(q, k, v, dk, dv, causal=shape["causal"],
                                                visibility="per_position", scale=kernel.scale)
            ok = (relative_error(out, reference[0]) <= TOLERANCE[shape["dtype"]] and
                  lse_error(lse, reference[1]) <= TOLERANCE[shape["dtype"]])
            if not ok:
                print(f"  {index:3} {name:22} WRONG: excluded", flush=True)
                continue
            args = kernel.torch_args({"q": q, "k": k, "v": v, "depth_k": dk, "depth_v": dv,
                                      "out": out, "lse": lse})
            ms = statistics.median(kernel.benchmark(args, warmup, iters,
                                                    torch.cuda.current_stream().cuda_stream))
            timings[name] = ms
            print(f"  {index:3} {name:22} {ms:9.3f} ms", flush=True)
        ranking = sorted(timings, key=timings.get)
        rankings.setdefault(key, ranking)
        best = ranking[0]
        heuristic = item["heuristic"]
        heuristic_ms = timings.get(heuristic, float("nan"))
        entries.append({"key": database_key(shape, device, capability),
                        "config": item["configs"][best], "tuned_ms": timings[best],
                        "heuristic_ms": heuristic_ms, "variants_measured": len(timings)})
        cases.append(dict(shape, G=Hq // Hk, S=T, variant="per_position",
                          heuristic_config=item["configs"][heuristic],
                          heuristic_ms=heuristic_ms, tuned_ms=timings[best],
                          tuned_config=item["configs"][best],
                          speedup=heuristic_ms / timings[best]))
        # Written after every shape, so that a run cut short keeps its results.
        write_database(db_path, entries[-1:])
        report(cases, results_path, device, final=False)
    report(cases, results_path, device, final=True)


def report(cases, results_path, device, final):
    """Writes the autotune results; with `final`, prints the closing table."""
    speedups = [c["speedup"] for c in cases if math.isfinite(c["speedup"])]
    geomean = math.exp(sum(map(math.log, speedups)) / len(speedups)) if speedups else float("nan")
    if final:
        print(f"\n{'shape':44} {'heuristic ms':>12} {'tuned ms':>10} {'speedup':>8}  tuned config")
        for c in cases:
            print(f"{kernel_key(c) + ' T=' + str(c['T']) + ' L=' + str(c['L']):44} "
                  f"{c['heuristic_ms']:12.3f} {c['tuned_ms']:10.3f} {c['speedup']:8.2f}x  "
                  f"{config_name(c['tuned_config'])}")
        print(f"geometric-mean speedup of tuned over heuristic: {geomean:.3f}x "
              f"over {len(cases)} shapes")
    if results_path:
        results_path.parent.mkdir(parents=True, exist_ok=True)
        results_path.write_text(json.dumps({
            "suite": "autotune", "commit": measured_commit(),
            "device": device, "date": datetime.date.today().isoformat(),
            "geomean_speedup": geomean, "cases": cases}, indent=1))


def write_database(path, entries):
    """Merges `entries` into the database at `path` (same key and device:
    replaced)."""
    path = Path(path)
    existing = []
    if path.exists():
        existing = json.loads(path.read_text()).get("entries", [])
    fresh = {json.dumps(e["key"], sort_keys=True) for e in entries}
    kept = [e for e in existing if json.dumps(e["key"], sort_keys=True) not in fresh]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"format": "moda-tuning/1", "entries": kept + entries},
                               indent=1))



def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m moda.tune", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    build = Path(os.environ.get("MODA_BUILD_DIR", ROOT / "build"))
    for name in ("compile", "run", "tune"):
        p = sub.add_parser(name)
        p.add_argument("--bundle", type=Path, required=True)
        if name in ("compile", "tune"):
            p.add_argument("--shapes", type=Path, required=True)
            p.add_argument("--moda-compile", type=Path, default=build / "bin" / "moda-compile")
            p.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
        if name in ("run", "tune"):
            p.add_argument("--db", type=Path, required=True)
            p.add_argument("--results", type=Path)
            p.add_argument("--iters", type=int, default=5)
            p.add_argument("--warmup", type=int, default=1)
            p.add_argument("--only", help="tune only kernels whose key contains this")
            p.add_argument("--keep", type=int, default=8,
                           help="variants re-measured at a longer T of a kernel, "
                                "from its shortest T's ranking (plus the heuristic)")
    args = parser.parse_args(argv)
    if args.command in ("compile", "tune"):
        compile_bundle(args.shapes, args.bundle, args.moda_compile, args.jobs)
    if args.command in ("run", "tune"):
        run_bundle(args.bundle, args.db, args.results, args.iters, args.warmup, args.keep,
                   args.only)


if __name__ == "__main__":
    sys.exit(main())
