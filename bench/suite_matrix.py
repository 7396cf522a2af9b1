"""The kernel matrix the GPU suites share (bench/correctness_suite.py for the
forward, bench/grad_check_suite.py for the backward): which kernel variants
exist, what each is specialized on, and how every variant is compiled here.
Each suite picks its own cases (runtime sizes) over these variants."""

import subprocess
from concurrent.futures import ThreadPoolExecutor

KV_HEADS = 2
GROUPS = [1, 2, 4, 8, 16]
CHUNK = 64


def variant_name(dtype, d, g, causal, visibility):
    return f"{visibility}_{dtype}_d{d}_g{g}_{'causal' if causal else 'full'}"


def variants():
    """(name, dtype, D, G, causal, visibility) of every kernel a suite runs."""
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


def variants_of(visibility):
    return [v for v in variants() if v[5] == visibility]


def kernel_shape(variant):
    """The static part of a variant, as moda.ir's writers take it."""
    _, dtype, d, g, causal, visibility = variant
    return {"dtype": dtype, "Hq": KV_HEADS * g, "Hk": KV_HEADS, "D": d,
            "causal": causal, "visibility": visibility, "chunk": CHUNK}


def with_heads(cases):
    """Adds the head counts every case's kernel has."""
    for c in cases:
        c["Hk"] = KV_HEADS
        c["Hq"] = KV_HEADS * c["G"]
    return cases


def compile_variants(artifacts, moda_compile, module_text, source_name, *,
                     may_fail=False, keep_ptx=True, compile_args=(),
                     only=None):
    """Writes `module_text(shape)` for every variant to
    artifacts/<variant>/<source_name> and compiles it with moda-compile.
    With `may_fail`, a variant the compiler rejects is left out (with the
    first line of its diagnostic) instead of failing the whole run. Without
    `keep_ptx`, PTX that has a cubin beside it is deleted (the runtime loads
    the cubin; the artifacts travel to the GPU machine). `compile_args` go
    to moda-compile (e.g. --allow-spills); with `only`, just the variants
    whose name contains it."""
    artifacts.mkdir(parents=True, exist_ok=True)

    def one(variant):
        name = variant[0]
        directory = artifacts / name
        directory.mkdir(exist_ok=True)
        source = directory / source_name
        source.write_text(module_text(kernel_shape(variant)))
        result = subprocess.run([str(moda_compile), str(source), "-o", str(directory),
                                 *compile_args],
                                capture_output=True, text=True)
        if result.returncode != 0:
            if not may_fail:
                raise RuntimeError(f"{name} did not compile:\n{result.stderr}")
            reason = result.stderr.strip().splitlines()[0] if result.stderr else "?"
            return f"left out {name}: {reason}"
        if not keep_ptx:
            for ptx in directory.glob("*.ptx"):
                if ptx.with_suffix(".cubin").exists():
                    ptx.unlink()
        return f"compiled {name}"

    with ThreadPoolExecutor(max_workers=2) as pool:
        selected = [v for v in variants() if only is None or only in v[0]]
        for line in pool.map(one, selected):
            print(line, flush=True)


def add_compile_options(parser):
    """The options both suites' `compile` take: a pinned configuration and
    which variants to compile."""
    parser.add_argument("--config", help="pin block_m,block_n,block_depth,num_warps"
                                         "[,num_stages,mma[,kv_splits]] (e.g. 32,32,16,1 or "
                                         "64,64,64,4,2,wgmma) instead of the heuristics")
    parser.add_argument("--only", help="compile only variants whose name contains this")


def parse_config(text):
    """`block_m,block_n,block_depth,num_warps[,num_stages,mma[,kv_splits]]`
    as the dict moda.ir pins, or None."""
    if not text:
        return None
    fields = text.split(",")
    if not 4 <= len(fields) <= 7:
        raise ValueError(f"--config {text}: expected block_m,block_n,block_depth,"
                         f"num_warps[,num_stages,mma[,kv_splits]], got {len(fields)} "
                         "fields")
    config = dict(zip(("block_m", "block_n", "block_depth", "num_warps",
                       "num_stages"), (int(x) for x in fields[:5])))
    config.update(zip(("mma",), fields[5:6]))
    config.update(zip(("kv_splits",), (int(x) for x in fields[6:7])))
    return config
