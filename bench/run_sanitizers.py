#!/usr/bin/env python3
"""compute-sanitizer's four tools on every forward kernel family, over
ragged shapes: the tile programs as the heuristics configure them and
pinned to each of the three layouts (wgmma, mma_sync, fma), each on a few
variants, each run by moda-run (fresh random inputs, checked against the
float64 reference).

    # here: compile the kernels (one folder per family)
    python3 bench/run_sanitizers.py compile
    # on the GPU machine, over a copy carrying build-rt/ and the folders
    python3 bench/run_sanitizers.py run --json bench/results/sanitizers-forward.json

Each kernel runs under memcheck, racecheck, synccheck and initcheck at
B=2, T=63 (S=200 with sequence keys, causal included; chunk visibility
takes S = T), L=7; initcheck runs
once more at B=2, T=1, S=1, L=0 (one row per batch: the shape where the
gradient suite's initcheck reported reads). A run is clean when the tool
reports no error and moda-run's check passes; the report is rewritten
after every run.
"""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
sys.path.insert(0, str(ROOT / "bench"))
from suite_command import suite_main  # noqa: E402

ARTIFACTS = ROOT / "bench" / "sanitizer-artifacts"
VARIANTS = {64: ["per_position_bf16_d64_g4_causal", "depth_only_f16_d64_g2_full"],
            128: ["chunk_bf16_d128_g1_causal", "per_position_f16_d128_g2_full"]}
# family -> configuration per head size (None: the heuristic's).
FAMILIES = {
    "heuristic": {64: None, 128: None},
    "wgmma": {64: "64,64,64,4,2,wgmma", 128: "128,64,64,8,2,wgmma"},
    "mma_sync": {64: "64,64,64,4,2,mma_sync", 128: "64,32,32,4,2,mma_sync"},
    "fma": {64: "64,32,32,2,1,fma", 128: "64,32,32,2,1,fma"},
}
# A thread of an fma kernel holds whole 128-wide rows at D = 128: every
# such configuration spills, which moda-compile refuses unless allowed.
SPILLING = {("fma", 128)}
TOOLS = ("memcheck", "racecheck", "synccheck", "initcheck")
SHAPES = [dict(B=2, T=63, S=200, L=7)]
INITCHECK_EXTRA = dict(B=2, T=1, S=1, L=0)


def compile_all(moda_compile):
    from moda.ir import attention_module
    from suite_matrix import compile_variants, parse_config
    for family, configs in FAMILIES.items():
        for d, names in VARIANTS.items():
            config = parse_config(configs[d])
            args = []
            if (family, d) in SPILLING:
                args.append("--allow-spills")
            for name in names:
                compile_variants(ARTIFACTS / family, moda_compile,
                                 lambda shape: attention_module(shape, config=config),
                                 "kernel.mlir", keep_ptx=False, compile_args=args, only=name)


def summary_of(log):
    lines = [l for l in log.splitlines() if "SUMMARY" in l]
    return lines[-1].strip("= ").strip() if lines else ""


def sizes_of(kernel, shape):
    """The sizes a kernel runs at: no S without sequence keys, S = T with
    chunk visibility (its chunks are of the sequence the queries are)."""
    if kernel.startswith("depth_only"):
        return {k: v for k, v in shape.items() if k != "S"}
    if kernel.startswith("chunk"):
        return dict(shape, S=shape["T"])
    return dict(shape)


def run_one(sanitizer, manifest, tool, sizes):
    arguments = []
    for key, value in sizes.items():
        arguments += [f"--{key}", str(value)]
    command = [sanitizer, "--tool", tool, "--error-exitcode", "3",
               str(ROOT / "build-rt" / "bin" / "moda-run"), str(manifest), *arguments,
               "--iters", "1", "--warmup", "0"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        return "timeout", "", ""
    log = done.stdout + done.stderr
    summary = summary_of(log)
    errors = re.search(r"\((\d+) errors?", summary) or re.search(r"SUMMARY: (\d+) error", summary)
    clean = done.returncode == 0 and (errors is None or errors.group(1) == "0")
    result = "clean" if clean else ("check failed" if done.returncode == 1 else "reported")
    first = next((l.strip("= ").strip() for l in log.splitlines()
                  if "Uninitialized" in l or "Invalid" in l or "Race" in l or "FAIL" in l), "")
    return result, summary, first


def run_all(json_path, only=None):
    import shutil
    from moda.results import write_report
    sanitizer = shutil.which("compute-sanitizer") or "/usr/local/cuda/bin/compute-sanitizer"
    device = subprocess.run(["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"],
                            capture_output=True, text=True).stdout.strip()
    runs, failures = [], 0
    for family in FAMILIES:
        for manifest in sorted((ARTIFACTS / family).glob("*/moda_attention_0.json")):
            kernel = manifest.parent.name
            if only and only not in kernel:
                continue
            plan = [(tool, shape) for tool in TOOLS for shape in SHAPES]
            plan.append(("initcheck", INITCHECK_EXTRA))
            for tool, shape in plan:
                size = sizes_of(kernel, shape)
                result, summary, first = run_one(sanitizer, manifest, tool, size)
                failures += result != "clean"
                runs.append(dict(family=family, kernel=kernel, tool=tool, **size,
                                 result=result, summary=summary, first_report=first))
                print(f"{result:12} {tool:9} {family:15} {kernel:34} {size}  {summary}",
                      flush=True)
                write_report(json_path, "sanitizers-forward", runs, device,
                             how="bench/run_sanitizers.py: compute-sanitizer --tool <tool> "
                                 "moda-run <manifest> (fresh random inputs, checked)")
    print(f"sanitizers-forward: {len(runs) - failures} clean, {failures} not clean")
    return failures == 0


def main():
    def compile_kernels(args):
        compile_all(args.moda_compile)
        for ptx in ARTIFACTS.rglob("*.ptx"):
            ptx.unlink()  # the runtime loads the cubins

    suite_main(__doc__, results="sanitizers-forward.json",
               run_options=lambda parser: parser.add_argument(
                   "--only", help="run only kernels whose name contains this"),
               compile_all=compile_kernels,
               run_all=lambda args: run_all(args.json, args.only))

if __name__ == "__main__":
    main()
