#!/usr/bin/env python3
"""Checks that the figures README.md and docs/ quote from bench/results/
match the JSON they cite: each claim below locates one figure in a doc (a
regular expression whose group is the number as printed) and says which
value of which results file it is; the doc's number must equal that value
rounded to the decimals the doc prints. Each cited commit must be the
results file's. The results tables of docs/performance.md and
docs/training.md are checked row by row. In README's Performance section,
every number with a unit (ms, TFLOP/s, x, %) must be one of the checked
figures, so that no typed figure goes unchecked there.

    utils/check-doc-figures.py

Prints each mismatch and the closing line
    doc-figures: N passed, M failed
"""

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def load(name):
    return json.loads((RESULTS / name).read_text())


def case(data, **key):
    found = [c for c in data["cases"] if all(c.get(k) == v for k, v in key.items())]
    assert len(found) == 1, f"{len(found)} cases match {key}"
    return found[0]


def ratios(data, d, ours, before):
    """ours / before of every case of head size d."""
    return [c[ours] / c[before] for c in data["cases"] if c["D"] == d]


FWD, TRAIN, TUNE = load("perf-forward.json"), load("perf-training.json"), load("autotune.json")
CORRECT, GRAD, TILE = load("gpu-correctness.json"), load("grad-check.json"), load("gpu-correctness-tile.json")
TILE_MMA, LOWERINGS = load("gpu-correctness-tile-mma-sync.json"), load("perf-lowerings.json")
TILE_WG = load("gpu-correctness-tile-wgmma.json")
TILE_RECHECK = load("gpu-correctness-tile-fma-recheck.json")
SANITIZERS = load("sanitizers-forward.json")
assert all(r["result"] == "clean" for r in SANITIZERS["cases"]), "sanitizers-forward.json: a run is not clean"
MODEL, BROWN = load("model-training.json"), load("brown-lm.json")
GRAD_TILE, TRAIN_TILE = load("grad-check-tile-wgmma.json"), load("perf-training-tile.json")
GRAD_TILE_MMA, GRAD_TILE_FMA = load("grad-check-tile-mma-sync.json"), load("grad-check-tile-fma.json")
TILE_WG_H100, SANITIZERS_TILE_H100 = (load("gpu-correctness-tile-wgmma-h100.json"),
                                      load("sanitizers-backward-tile-h100.json"))
LOWERINGS_H100 = load("perf-lowerings-h100.json")
# Masked steps skipped per product group (moda_tile.if_seen), 54faf37.
SKIP_WG128_H100 = load("gpu-correctness-tile-wgmma128-skip-h100.json")
SKIP_MMA_H100 = load("gpu-correctness-tile-mma-sync-skip-h100.json")
GRAD_VIEWS_H100 = load("grad-check-tile-wgmma-views-h100.json")
GRAD_TILE_H100, TRAIN_TILE_H100 = load("grad-check-tile-wgmma-h100.json"), load("perf-training-tile-h100.json")
# perf-training-tile-h100.json: the tile programs (128x64x64 at D = 128)
# against the default compile: the block builders at D = 64, the tile
# programs' 128x32x32 at D = 128.
TILE_BWD_H100 = {d: ratios(TRAIN_TILE_H100, d, "ours_bwd_ms", "ours_before_bwd_ms") for d in (64, 128)}
GRAD_N32_H100 = load("grad-check-tile-wgmma-d128-n32-h100.json")
GRAD_D128_DEPTH64_H100 = load("grad-check-tile-wgmma-d128-depth-64-h100.json")
# The tile forward on views, per layout (fe43995).
VIEWS_H100 = {mma: load(f"gpu-correctness-tile-{mma}-views-h100.json")
              for mma in ("wgmma", "mma-sync", "fma")}
# The last comparisons of the tile programs with the block builders before
# the builders' removal: the forward at e2e0364 (with the suites and
# compute-sanitizer on those kernels), the tile kernels of d6f9e73 and
# b3e2f6c (with and without moda-tile-defer-value-products, timed at
# b3e2f6c), the training step at f3c568f.
LOWERINGS_DEFER_D128 = load("perf-lowerings-defer-d128-h100.json")
DEFER_D128_WG = load("gpu-correctness-tile-wgmma128-defer-d128-h100.json")
DEFER_D128_MMA = load("gpu-correctness-tile-mma-sync-defer-d128-h100.json")
DEFER_D128_GRAD = load("grad-check-tile-wgmma-defer-d128-h100.json")
SANITIZERS_FWD_H100 = load("sanitizers-forward-h100.json")
assert all(r["result"] == "clean" for r in SANITIZERS_FWD_H100["cases"]), \
    "sanitizers-forward-h100.json: a run is not clean"
SANITIZERS_FWD_C223DE2 = load("sanitizers-forward-c223de2-h100.json")
SANITIZERS_BWD_C223DE2 = load("sanitizers-backward-c223de2-h100.json")
for _record in (SANITIZERS_FWD_C223DE2, SANITIZERS_BWD_C223DE2):
    assert all(r["result"] == "clean" for r in _record["cases"]), \
        f"{_record['suite']} at {_record['commit'][:7]}: a run is not clean"
LOWERINGS_DEFER = load("perf-lowerings-defer-h100.json")
LOWERINGS_D6F9E73 = load("perf-lowerings-d6f9e73-h100.json")
assert "d6f9e73" in LOWERINGS_D6F9E73["tile_kernels"], "perf-lowerings-d6f9e73-h100.json: not d6f9e73's tile kernels"
TILE_VS_KERNEL = load("perf-training-tile-vs-kernel-h100.json")
STEP_OVER_BUILDERS = {d: ratios(TILE_VS_KERNEL, d, "ours_ms", "ours_before_ms") for d in (64, 128)}


def views_passed(mma):
    """The view cases of the tile forward on `mma` that passed, read in
    place (none copied)."""
    return sum(1 for c in VIEWS_H100[mma]["cases"]
               if c.get("strided") and c["pass"] and not c["copied"])
# The tile programs' 128x32x64 against 128x32x32 at D = 128.
DEPTH64_D128_H100 = load("perf-training-tile-d128-depth-64-h100.json")
SANITIZERS_TILE_LAYOUTS_H100 = [load("sanitizers-backward-tile-mma-sync-h100.json"),
                                load("sanitizers-backward-tile-fma-h100.json")]
assert all(r["result"] == "clean" for data in SANITIZERS_TILE_LAYOUTS_H100 for r in data["cases"]), \
    "sanitizers-backward-tile-{mma-sync,fma}-h100.json: a run is not clean"
SANITIZERS_N32_H100 = load("sanitizers-backward-tile-d128-n32-h100.json")
assert all(r["result"] == "clean" for r in SANITIZERS_N32_H100["cases"]), \
    "sanitizers-backward-tile-d128-n32-h100.json: a run is not clean"
assert all(r["result"] == "clean" for r in SANITIZERS_TILE_H100["cases"]), \
    "sanitizers-backward-tile-h100.json: a run is not clean"
TILE_BWD = {d: ratios(TRAIN_TILE, d, "ours_bwd_ms", "ours_before_bwd_ms") for d in (64, 128)}


def tile_case(d, results=None):
    """The T = 16384, G = 8, L = 64 case at head size d of perf-training-tile
    (or of `results`)."""
    return next(c for c in (results or TRAIN_TILE)["cases"]
                if (c["T"], c["G"], c["D"], c["L"]) == (16384, 8, d, 64))



def lowering(mma, results=None, **key):
    """The case of tensor-core layout `mma` at `key` in a perf-lowerings
    file (perf-lowerings.json unless `results`)."""
    found = [c for c in (results or LOWERINGS)["cases"] if c["config"]["mma"] == mma
             and all(c.get(k) == v for k, v in key.items())]
    assert len(found) == 1, f"{len(found)} cases match {mma} {key}"
    return found[0]


def tile_over_kernel(mma, results=None):
    return [c["tile_ms"] / c["kernel_ms"] for c in (results or LOWERINGS)["cases"]
            if c["config"]["mma"] == mma]


def views_over_tile(results):
    """The views tile forward's time over the contiguous one's, every case."""
    return [c["tile_views_ms"] / c["tile_ms"] for c in results["cases"]]


def model(name):
    return next(c for c in MODEL["cases"] if c["model"] == name)


def brown(name):
    return BROWN["runs"][name]
# pytest's closing line in the GPU run's log (`N passed[, M failed]`).
_PYTEST = re.search(r"(\d+) passed(?:, (\d+) failed)?", (RESULTS / "pytest-gpu.log").read_text().splitlines()[-1])
PYTEST_PASSED, PYTEST_FAILED = int(_PYTEST.group(1)), int(_PYTEST.group(2) or 0)
# The PyTorch operator's GPU tests (bench/run_torch_gpu.sh), packed included.
_TORCH_PYTEST = re.search(r"(\d+) passed(?:, (\d+) failed)?",
                          (RESULTS / "pytest-torch-gpu-h100.log").read_text().splitlines()[-1])
assert not _TORCH_PYTEST.group(2), "pytest-torch-gpu-h100.log: a test failed"
TORCH_PYTEST_PASSED = int(_TORCH_PYTEST.group(1))
F16K = case(FWD, T=16384, G=8, D=64, L=64)
F64K = case(FWD, T=65536, G=8, D=64, L=64)
F4K = case(FWD, T=4096, G=8, D=64, L=64)
T16K = case(TRAIN, T=16384, G=8, D=64, L=64)
tflops = [c["ours_tflops"] for c in FWD["cases"]]


def passed(data):
    return sum(1 for c in data["cases"] if c["pass"])


def kernels(data):
    return len({c["kernel"] for c in data["cases"]})


def pair(doc, pattern, first, second):
    """The claims of a sentence that prints two figures: `pattern` with `{}`
    where each stands; the first one is `first`, the second `second`."""
    number, other = r"([\d.]+)", r"[\d.]+"
    return [(doc, pattern.format(number, other), first), (doc, pattern.format(other, number), second)]


def span(values):
    """The least and the greatest of `values`, for "Ax to Bx" figures."""
    return min(values), max(values)


def h100_training_ms(d):
    """The H100 tile backward's ms (128x64x64 at D = 128) and the default
    compile's (the block builders' at D = 64, 128x32x32 tile programs at
    D = 128), T = 16384, G = 8, L = 64."""
    c = tile_case(d, TRAIN_TILE_H100)
    return c["ours_bwd_ms"], c["ours_before_bwd_ms"]


def bwd_ms(c):
    """A case's backward ms and the one it was timed against."""
    return c["ours_bwd_ms"], c["ours_before_bwd_ms"]


def train_case(d):
    """The default compile's training step, T = 16384, G = 8, L = 64."""
    return case(TRAIN, T=16384, G=8, D=d, L=64)


# The default compile's backward over the block builders' alone (the same
# kernels at D = 64, the tile programs against the SIMT backward at D = 128).
DEFAULT_BWD = {d: ratios(TRAIN, d, "ours_bwd_ms", "ours_before_bwd_ms") for d in (64, 128)}


def lowering_ms(results, d):
    """The wgmma forward's tile and block-builder ms in a perf-lowerings
    file, T = 16384, G = 8, L = 64."""
    c = lowering("wgmma", results, T=16384, G=8, D=d)
    return c["tile_ms"], c["kernel_ms"]


def tile_ms(results, t, g, d):
    """The wgmma tile kernel's ms at (T, G, D), L = 64, in a perf-lowerings file."""
    return lowering("wgmma", results, T=t, G=g, D=d)["tile_ms"]


def fastest_over(results, peer):
    """Per shape of a perf-lowerings file, the fastest tile kernel's time
    over `peer`'s (sdpa_cudnn_ms, sdpa_flash_ms) in the same case."""
    best = {}
    for c in results["cases"]:
        key = (c["T"], c["G"], c["D"], c["L"])
        if key not in best or c["tile_ms"] < best[key]["tile_ms"]:
            best[key] = c
    return [c["tile_ms"] / c[peer] for c in best.values()]


def step_ms(d, field):
    """A training step's `field` (ours_ms, ours_bwd_ms) of the tile
    programs and of the block builders at f3c568f, T = 16384, G = 8, L = 64."""
    c = tile_case(d, TILE_VS_KERNEL)
    return c[field], c[field.replace("ours_", "ours_before_")]


# The first commit without the block builders against the last with them
# (d608a00), in one process on an H100: the forward benchmark, and the
# training step in runs of 20 and of 60 steps.
FWD_AFTER = load("perf-forward-h100.json")
TRAIN_AFTER, TRAIN_AFTER_60 = load("perf-training-h100.json"), load("perf-training-iters60-h100.json")
CORRECT_AFTER, GRAD_AFTER = load("gpu-correctness-h100.json"), load("grad-check-h100.json")
TUNED_AFTER = load("gpu-correctness-tuned-h100.json")
PACKED = load("gpu-correctness-packed-h100.json")
PACKED_PERF = load("perf-packed-h100.json")
DECODE = load("perf-decode-h100.json")
SANITIZERS_PAGED = load("sanitizers-paged-decode-h100.json")
assert all(c["pass"] for c in SANITIZERS_PAGED["cases"]), \
    "sanitizers-paged-decode-h100.json: every run is clean"
assert all(c.get("pass", True) and c.get("paged_pass", True) for c in DECODE["cases"]), \
    "perf-decode-h100.json: every checked case passes, contiguous and paged"
FUZZ = load("fuzz-10min.json")
assert all(c["crashes"] == 0 and c["seconds"] >= 600 for c in FUZZ["cases"]), \
    "fuzz-10min.json: each target ran 10 minutes without a crash"
assert all(c["pass"] and "rel_err_dq" in c for c in PACKED["cases"] if c["N"]), \
    "gpu-correctness-packed-h100.json: every case with tokens checks the backward and passes"
for _results in (FWD_AFTER, TRAIN_AFTER, TRAIN_AFTER_60):
    assert all(c["before_commit"] == "d608a00" for c in _results["cases"]), \
        "the removal's records time d608a00's kernels as `before`"


def after_span(results, ours, theirs, d=None):
    """The least and greatest ours / theirs of `results` (of head size d)."""
    return span([c[ours] / c[theirs] for c in results["cases"] if d is None or c["D"] == d])


def table_row(doc, first, values):
    """The claims of a table row that starts with the cell `first`: its
    other cells, in order, are `values`."""
    cells = len(values)
    claims = []
    for i, value in enumerate(values):
        parts = [r"([\d.]+)" if j == i else r"[\d.]+" for j in range(cells)]
        claims.append((doc, r"(?m)^\| " + str(first) + r" \| " + r" \| ".join(parts) + r" \|$",
                       value))
    return claims


# (doc, regex with the figure as group 1, value)
FIGURES = [
    # Packed sequences on the GPU.
    ("README.md", r"the backward pass the (\d+) cases with tokens",
     sum(1 for c in PACKED["cases"] if c["N"] and c["pass"])),
    ("README.md", r"`bench/packed_suite.py`\s+\((\d+) variants", kernels(PACKED)),
    ("README.md", r"variants,\s+(\d+) batches of uneven lengths each",
     len({tuple(c["lengths"]) for c in PACKED["cases"] if c["N"]})),
    ("README.md", r"launch the (\d+) of sequences without tokens",
     sum(1 for c in PACKED["cases"] if not c["N"] and c["pass"])),
    # Packed against padded (perf_packed.py).
    ("README.md", r"24 documents of\s+(\d+) to \d+ tokens", min(PACKED_PERF["lengths"])),
    ("README.md", r"24 documents of\s+\d+ to (\d+) tokens", max(PACKED_PERF["lengths"])),
    ("README.md", r"\((\d+) in all\)", PACKED_PERF["cases"][0]["tokens"]),
    ("README.md", r"packed forward takes ([\d.]+) ms at D = 64", case(PACKED_PERF, D=64)["ours_packed_ms"]),
    ("README.md", r"D = 64 \((\d+) TFLOP/s of useful", case(PACKED_PERF, D=64)["ours_packed_tflops"]),
    ("README.md", r"and ([\d.]+) ms at D = 128 \(\d+ TFLOP/s\)", case(PACKED_PERF, D=128)["ours_packed_ms"]),
    ("README.md", r"ms at D = 128 \((\d+) TFLOP/s\)", case(PACKED_PERF, D=128)["ours_packed_tflops"]),
    *pair("README.md", r"TFLOP/s\), {}x and {}x faster than our", case(PACKED_PERF, D=64)["padded_over_packed"],
          case(PACKED_PERF, D=128)["padded_over_packed"]),
    *pair("README.md", r"padded to 4096 tokens, and {}x and\s+{}x the time",
          case(PACKED_PERF, D=64)["ours_packed_over_sdpa_flash_varlen"],
          case(PACKED_PERF, D=128)["ours_packed_over_sdpa_flash_varlen"]),
    *pair("README.md", r"the packed batch takes {} and {} ms",
          case(PACKED_PERF, D=64)["ours_packed_train_ms"], case(PACKED_PERF, D=128)["ours_packed_train_ms"]),
    *pair("README.md", r"ms, {}x and {}x faster than\s+the padded one",
          case(PACKED_PERF, D=64)["padded_over_packed_train"],
          case(PACKED_PERF, D=128)["padded_over_packed_train"]),
    *(claim for d in (64, 128) for claim in table_row("docs/performance.md", d, [
        case(PACKED_PERF, D=d)[key] for key in (
            "ours_packed_train_ms", "ours_padded_train_ms", "padded_over_packed_train")])),
    ("docs/performance.md", r"tokens,\s+(\d+) tokens in all", PACKED_PERF["cases"][0]["tokens"]),
    ("docs/performance.md", r"The padded forward computes (\d+) tokens' rows", PACKED_PERF["cases"][0]["padded_tokens"]),
    *pair("docs/performance.md", r"nested tensors is this slow in PyTorch 2.11 \({} and {}\s+ms\)",
          case(PACKED_PERF, D=64)["sdpa_cudnn_varlen_ms"], case(PACKED_PERF, D=128)["sdpa_cudnn_varlen_ms"]),
    *(claim for d in (64, 128) for claim in table_row("docs/performance.md", d, [
        case(PACKED_PERF, D=d)[key] for key in (
            "ours_packed_ms", "ours_packed_tflops", "ours_padded_ms", "padded_over_packed",
            "sdpa_flash_varlen_ms", "sdpa_cudnn_padded_ms", "sdpa_cudnn_varlen_ms")])),
    ("docs/runtime.md", r"`ModaDialectFuzzer`\s+(\d+)", case(FUZZ, target="ModaDialectFuzzer")["inputs_executed"]),
    # Decoding (perf_decode.py).
    ("docs/performance.md", r"same process \((\d+) GB/s\)", DECODE["copy_bandwidth_gbs"]),
    ("docs/performance.md", r"over all (\d+) points", len(DECODE["cases"])),
    *pair("docs/performance.md", r"ours takes {}x to\s+{}x the time of the faster peer",
          *span([c["ours_over_best_peer"] for c in DECODE["cases"]])),
    *pair("docs/performance.md", r"the paged kernel\s+{}x to {}x \(",
          *span([c["paged_over_best_peer"] for c in DECODE["cases"]])),
    *pair("docs/performance.md", r"\({}x to {}x our\s+contiguous kernel's time at D = 64",
          *span([c["paged_ms"] / c["ours_ms"] for c in DECODE["cases"] if c["D"] == 64])),
    *pair("docs/performance.md", r"{}x to {}x at D = 128: at D = 64\s+carrying",
          *span([c["paged_ms"] / c["ours_ms"] for c in DECODE["cases"] if c["D"] == 128])),
    *(claim for c in DECODE["cases"] if c["G"] == 4
      for claim in table_row("docs/performance.md", rf"{c['B']} \| {c['S']} \| {c['D']}", [
          c[key] for key in ("ours_ms", "ours_gbs", "sdpa_flash_ms", "sdpa_cudnn_ms",
                             "ours_over_best_peer", "paged_ms", "paged_over_best_peer")])),
    *pair("README.md", r"decoding takes {}x to {}x the time of the faster",
          *span([c["ours_over_best_peer"] for c in DECODE["cases"]])),
    *pair("README.md", r"from a paged cache {}x to {}x\)",
          *span([c["paged_over_best_peer"] for c in DECODE["cases"]])),
    ("docs/runtime.md", r"`ManifestFuzzer`\s+(\d+)", case(FUZZ, target="ManifestFuzzer")["inputs_executed"]),
    ("docs/runtime.md", r"`CallValidationFuzzer`\s+(\d+)", case(FUZZ, target="CallValidationFuzzer")["inputs_executed"]),
    # The suites after the removal of the block builders (H100).
    ("README.md", r"the\s+suite\s+passes\s+(\d+)\s+of\s+\d+\s+on\s+the\s+default\s+kernels", passed(CORRECT_AFTER)),
    ("README.md", r"the\s+suite\s+passes\s+\d+\s+of\s+(\d+)\s+on\s+the\s+default\s+kernels", len(CORRECT_AFTER["cases"])),
    ("README.md", r"gradient\s+suite\s+(\d+)\s+of\s+\d+\s+\(`grad-check-h100.json`\)", passed(GRAD_AFTER)),
    ("README.md", r"gradient\s+suite\s+\d+\s+of\s+(\d+)\s+\(`grad-check-h100.json`\)", len(GRAD_AFTER["cases"])),
    ("README.md", r"selects\s+(\d+)\s+of\s+\d+\s+\(`gpu-correctness-tuned-h100.json`\)", passed(TUNED_AFTER)),
    ("README.md", r"selects\s+\d+\s+of\s+(\d+)\s+\(`gpu-correctness-tuned-h100.json`\)", len(TUNED_AFTER["cases"])),
    *pair("README.md", r"the forward takes {}x to {}x their time on the six shapes",
          *after_span(FWD_AFTER, "ours_ms", "ours_before_ms")),
    ("README.md", r"above, at (\d+)-\d+ TFLOP/s", min(c["ours_tflops"] for c in FWD_AFTER["cases"])),
    ("README.md", r"above, at \d+-(\d+) TFLOP/s", max(c["ours_tflops"] for c in FWD_AFTER["cases"])),
    *pair("README.md", r"TFLOP/s, {}x to {}x cuDNN's time and",
          *after_span(FWD_AFTER, "ours_ms", "sdpa_cudnn_ms")),
    *pair("README.md", r"cuDNN's time and {}x to {}x\s+flash's",
          *after_span(FWD_AFTER, "ours_ms", "sdpa_flash_ms")),
    *pair("README.md", r"a step takes\s+{}x to {}x the time of the last builder",
          *after_span(TRAIN_AFTER_60, "ours_ms", "ours_before_ms")),
    *pair("README.md", r"D = 64\s+backward alone {}x to {}x",
          *after_span(TRAIN_AFTER_60, "ours_bwd_ms", "ours_before_bwd_ms", d=64)),
    *pair("README.md", r"a\s+step {}x to {}x cuDNN's time",
          *after_span(TRAIN_AFTER_60, "ours_ms", "sdpa_cudnn_ms")),
    *pair("README.md", r"perf-training-h100.json`\) gave {}x to {}x",
          *after_span(TRAIN_AFTER, "ours_ms", "ours_before_ms")),
    *pair("docs/performance.md", r"CUDA-event timings\): {}x to {}x the builders' time",
          *after_span(FWD_AFTER, "ours_ms", "ours_before_ms")),
    ("docs/performance.md", r"D = 128: ([\d.]+)x\), \d+ to \d+ TFLOP/s",
     case(FWD_AFTER, T=16384, G=8, D=128, L=64)["ours_over_before"]),
    *pair("docs/performance.md", r"\), {} to {} TFLOP/s, [\d.]+x to [\d.]+x cuDNN",
          *span([c["ours_tflops"] for c in FWD_AFTER["cases"]])),
    *pair("docs/performance.md", r"TFLOP/s, {}x to {}x cuDNN's time and",
          *after_span(FWD_AFTER, "ours_ms", "sdpa_cudnn_ms")),
    *pair("docs/performance.md", r"cuDNN's time and\s+{}x to {}x flash's",
          *after_span(FWD_AFTER, "ours_ms", "sdpa_flash_ms")),
    *pair("docs/performance.md", r"medians of 60 steps\):\s+{}x to {}x the builders' step",
          *after_span(TRAIN_AFTER_60, "ours_ms", "ours_before_ms")),
    *pair("docs/performance.md", r"the forward\s+{}x to {}x \(the heuristics'",
          *after_span(TRAIN_AFTER_60, "ours_fwd_ms", "ours_before_fwd_ms")),
    *pair("docs/performance.md", r"the D = 64 backward {}x to {}x \(the builders' dq",
          *after_span(TRAIN_AFTER_60, "ours_bwd_ms", "ours_before_bwd_ms", d=64)),
    *pair("docs/performance.md", r"perf-training-h100.json`\) gave {}x to {}x \(three",
          *after_span(TRAIN_AFTER, "ours_ms", "ours_before_ms")),
    ("docs/performance.md", r"\(three\s+T = 4096 shapes at ([\d.]+)x\)",
     max(c["ours_over_before"] for c in TRAIN_AFTER["cases"])),
    # README: Performance
    ("README.md", r"at (\d+)-\d+ TFLOP/s", min(tflops)),
    ("README.md", r"at \d+-(\d+) TFLOP/s", max(tflops)),
    ("README.md", r"\*\*([\d.]+) ms with\s+depth", F16K["ours_ms"]),
    ("README.md", r"SDPA flash ([\d.]+) ms without depth\*\*", F16K["sdpa_flash_ms"]),
    ("README.md", r"without depth\*\* \(([\d.]+)x", F16K["ours_over_sdpa_flash"]),
    ("README.md", r"and cuDNN ([\d.]+) ms \(", F16K["sdpa_cudnn_ms"]),
    ("README.md", r"and cuDNN [\d.]+ ms \(([\d.]+)x", F16K["ours_over_sdpa_cudnn"]),
    ("README.md", r"the depth costs ([\d.]+)%", 100 * F64K["depth_overhead"]),
    ("README.md", r"plain attention is\s+([\d.]+)x faster than flash",
     F64K["sdpa_flash_ms"] / F64K["ours_nodepth_ms"]),
    ("README.md", r"(\d+)x faster than the plain PyTorch MoDA",
     F4K["torch_reference_ms"] / F4K["ours_ms"]),
    ("README.md", r"over the (\d+) shapes\s+of `bench/results/autotune.json`", len(TUNE["cases"])),
    ("README.md", r"geometric mean ([\d.]+)x", TUNE["geomean_speedup"]),
    ("README.md", r"takes \*\*([\d.]+) ms\*\*", T16K["ours_ms"]),
    ("README.md", r"SDPA flash's ([\d.]+) ms without depth", T16K["sdpa_flash_ms"]),
    ("README.md", r"without depth \(([\d.]+)x", T16K["ours_over_sdpa_flash"]),
    ("README.md", r"cuDNN's ([\d.]+) ms", T16K["sdpa_cudnn_ms"]),
    ("README.md", r"cuDNN's [\d.]+ ms \(([\d.]+)x", T16K["ours_over_sdpa_cudnn"]),
    # README: Tests
    ("README.md", r"the\s+suite\s+passes\s+(\d+)\s+of\s+\d+\s+\(`gpu-correctness.json`\)", passed(CORRECT)),
    ("README.md", r"the\s+suite\s+passes\s+\d+\s+of\s+(\d+)\s+\(`gpu-correctness.json`\)", len(CORRECT["cases"])),
    ("README.md", r"gradient\s+suite\s+(\d+)\s+of\s+\d+\s+\(`grad-check.json`\)", passed(GRAD)),
    ("README.md", r"gradient\s+suite\s+\d+\s+of\s+(\d+)\s+\(`grad-check.json`\)", len(GRAD["cases"])),
    ("README.md", r"pytest's\s+GPU\s+tests\s+(\d+)\s+of\s+\d+", PYTEST_PASSED),
    ("README.md", r"pytest's\s+GPU\s+tests\s+\d+\s+of\s+(\d+)", PYTEST_PASSED + PYTEST_FAILED),
    ("README.md", r"`fma`\s+tile-program\s+kernels\s+of\s+all\s+(\d+)\s+variants", kernels(TILE)),
    ("README.md", r"`fma`\s+tile-program\s+kernels\s+of\s+all\s+\d+\s+variants\s+the\s+same\s+(\d+)\s+cases", passed(TILE)),
    ("README.md", r"its\s+`wgmma`\s+kernels\s+of\s+all\s+(\d+)\s+variants", kernels(TILE_WG)),
    ("README.md", r"`wgmma`\s+kernels\s+of\s+all\s+\d+\s+variants\s+pass\s+the\s+(\d+)", passed(TILE_WG)),
    ("README.md", r"`mma_sync`\s+kernels\s+of\s+(\d+)\s+variants", kernels(TILE_MMA)),
    ("README.md", r"`mma_sync`\s+kernels\s+of\s+\d+\s+variants\s+(\d+)\s+cases", passed(TILE_MMA)),
    ("README.md", r"the\s+`wgmma`\s+tile\s+kernels\s+of\s+all\s+(\d+)\s+variants\s+pass", kernels(TILE_WG_H100)),
    ("README.md", r"tile\s+kernels\s+of\s+all\s+\d+\s+variants\s+pass\s+the\s+(\d+)\s+again", passed(TILE_WG_H100)),
    *pair("docs/performance.md", r"`wgmma` tile / builders {}x to {}x",
          *span(tile_over_kernel("wgmma", LOWERINGS_H100))),
    *pair("docs/performance.md", r"`mma_sync`\s+{}x to {}x\.", *span(tile_over_kernel("mma_sync", LOWERINGS_H100))),
    ("README.md", r"bench/grad-tile-wgmma-artifacts \.\.\.`: (\d+)\s+runs", len(SANITIZERS_TILE_H100["cases"])),
    ("README.md", r"`sanitizers-backward-tile-d128-n32-h100.json`: (\d+) runs", len(SANITIZERS_N32_H100["cases"])),
    ("README.md", r"step takes ([\d.]+) ms against flash's", train_case(128)["ours_ms"]),
    *pair("README.md", r"against flash's {} \(1.09x\) and cuDNN's {}", train_case(128)["sdpa_flash_ms"],
          train_case(128)["sdpa_cudnn_ms"]),
    *pair("README.md", r"flash's [\d.]+ \({}x\) and cuDNN's [\d.]+ \({}x\)",
          train_case(128)["ours_over_sdpa_flash"], train_case(128)["ours_over_sdpa_cudnn"]),
    ("README.md", r"where the SIMT backward's took ([\d.]+) ms", train_case(128)["ours_before_ms"]),
    ("README.md", r"`sanitizers-backward-tile-fma-h100.json`: (\d+) runs",
     sum(len(data["cases"]) for data in SANITIZERS_TILE_LAYOUTS_H100)),
    ("README.md", r"the tile backward passes the gradient\s+suite's (\d+) cases, \d+ of them", passed(GRAD_VIEWS_H100)),
    ("README.md", r"gradient\s+suite's \d+ cases, (\d+) of them\s+on views",
     sum(1 for c in GRAD_VIEWS_H100["cases"] if c.get("strided") and c["pass"])),
    ("README.md", r"fe43995 the correctness suite's\s+(\d+) view cases pass", views_passed("wgmma")),
    ("README.md", r"kernels, (\d+) on `mma_sync`", views_passed("mma-sync")),
    ("README.md", r"on `mma_sync`, (\d+) on\s+`fma`", views_passed("fma")),
    # README: Performance, the tile programs against the block builders
    *pair("README.md", r"`wgmma` kernels took {}x\s+to {}x the block builders' time at T = 4096",
          *span(tile_over_kernel("wgmma", LOWERINGS_DEFER_D128))),
    *pair("README.md", r"took {}x to {}x the block\s+builders' time at D = 64", *span(STEP_OVER_BUILDERS[64])),
    *pair("README.md", r"and {}x to {}x at D = 128\s+\(`bench/results/perf-training-tile-vs-kernel",
          *span(STEP_OVER_BUILDERS[128])),
    *pair("docs/performance.md", r"takes {}x\s+to {}x the contiguous one's time",
          *span(views_over_tile(LOWERINGS_H100))),
    ("docs/training.md", r"passes the (\d+) cases\s+\(`grad-check-tile-wgmma-d128-depth-64-h100.json`\)",
     passed(GRAD_D128_DEPTH64_H100)),
    *pair("docs/training.md", r"its backward takes\s+{}x to {}x the time of 128x32x32's",
          *span(ratios(DEPTH64_D128_H100, 128, "ours_bwd_ms", "ours_before_bwd_ms"))),
    *pair("docs/training.md", r"whose backward takes\s+{}x to {}x the\s+SIMT one's time", *span(DEFAULT_BWD[128])),
    *pair("docs/training.md", r"its backward takes {}x to\s+{}x the default 128x32x32's", *span(TILE_BWD_H100[128])),
    *pair("docs/training.md", r"\*\*met\*\*: {} ms against\s+flash's {} ms", train_case(64)["ours_ms"],
          train_case(64)["sdpa_flash_ms"]),
    ("docs/training.md", r"cuDNN \(([\d.]+) ms\) is the next bar", train_case(64)["sdpa_cudnn_ms"]),
    ("docs/training.md", r"G = 8, L = 64\) the step takes ([\d.]+) ms", train_case(128)["ours_ms"]),
    *pair("docs/training.md", r"the step takes [\d.]+ ms: {}x flash's, {}x cuDNN's",
          train_case(128)["ours_over_sdpa_flash"], train_case(128)["ours_over_sdpa_cudnn"]),
    ("docs/training.md", r"cuDNN is ([\d.]+)x ahead at the target", train_case(64)["ours_over_sdpa_cudnn"]),
    *pair("docs/training.md", r"slower than flash, and so is D = 128 \({}x to {}x flash's step\)",
          *span([c["ours_over_sdpa_flash"] for c in TRAIN["cases"] if c["D"] == 128])),
    ("README.md", r"layout:\s+(\d+)\s+kernels,\s+\d+\s+runs", len({(r["family"], r["kernel"]) for r in SANITIZERS["cases"]})),
    ("README.md", r"layout:\s+\d+\s+kernels,\s+(\d+)\s+runs", len(SANITIZERS["cases"])),
    # docs/architecture.md, stage 3: the backward's D = 128 configuration
    ("docs/architecture.md", r"gradient suite's (\d+) D = 128 cases\s+\(`bench/results/grad-check-tile-wgmma-d128-n32-h100.json`\)",
     passed(GRAD_N32_H100)),
    *pair("docs/architecture.md", r"with a backward\s+{}x to {}x slower than 128x64x64's",
          *sorted(1 / r for r in span(TILE_BWD_H100[128]))),
    *pair("docs/architecture.md", r"\({}x to {}x the other way round", *span(TILE_BWD_H100[128])),
    *pair("docs/architecture.md", r"the other way round;\s+{} ms against {} at T = 16384",
          *reversed(h100_training_ms(128))),
    # stage 4: views
    *pair("docs/architecture.md", r"the views kernels take {}x to {}x the contiguous ones'",
          *span(views_over_tile(LOWERINGS_H100))),
    ("docs/architecture.md", r"read in place:\s+(\d+) on\s+`wgmma`", views_passed("wgmma")),
    ("docs/architecture.md", r"`wgmma`, (\d+) on `mma_sync`", views_passed("mma-sync")),
    ("docs/architecture.md", r"`mma_sync`, (\d+) on `fma`\s+\(`gpu-correctness-tile-wgmma-views", views_passed("fma")),
    ("docs/architecture.md", r"the gradient suite's (\d+) cases pass,\s+\d+ of them on views", passed(GRAD_VIEWS_H100)),
    ("docs/architecture.md", r"cases pass,\s+(\d+) of them on views",
     sum(1 for c in GRAD_VIEWS_H100["cases"] if c.get("strided") and c["pass"])),
    # stage 6: the deferral's cost and gain (tile kernels of d6f9e73 against b3e2f6c's)
    *pair("docs/architecture.md", r"G = 8, D = 128 went from {} to {} ms",
          tile_ms(LOWERINGS_D6F9E73, 16384, 8, 128), tile_ms(LOWERINGS_DEFER, 16384, 8, 128)),
    *pair("docs/architecture.md", r"G = 2, D = 64 from {} to {} ms",
          tile_ms(LOWERINGS_D6F9E73, 16384, 2, 64), tile_ms(LOWERINGS_DEFER, 16384, 2, 64)),
    # stage 9: skipped steps
    ("docs/architecture.md", r"skipped steps pass the correctness suite's\s+(\d+) cases", passed(SKIP_WG128_H100)),
    ("docs/architecture.md", r"and the `mma_sync` ones its (\d+)\s", passed(SKIP_MMA_H100)),
    # History: the forward against the block builders
    *pair("docs/architecture.md", r"the tile kernels took {}x to {}x\s+the builders' time with `mma_sync`",
          *span(tile_over_kernel("mma_sync"))),
    *pair("docs/architecture.md", r"with `mma_sync` and {}x to {}x with `wgmma`", *span(tile_over_kernel("wgmma"))),
    *pair("docs/architecture.md", r"`wgmma`:\s+{}\s+ms\s+against\s+{}\s+at\s+D\s+=\s+64",
          *lowering_ms(LOWERINGS, 64)),
    *pair("docs/architecture.md", r"at\s+D\s+=\s+64,\s+{}\s+against\s+{}\s+at\s+D\s+=\s+128",
          *lowering_ms(LOWERINGS, 128)),
    *pair("docs/architecture.md", r"the `wgmma` tile\s+kernels took {}x to {}x the builders' time",
          *span(tile_over_kernel("wgmma", LOWERINGS_DEFER_D128))),
    *pair("docs/architecture.md", r"and the `mma_sync` ones\s+{}x to {}x; the fastest",
          *span(tile_over_kernel("mma_sync", LOWERINGS_DEFER_D128))),
    *pair("docs/architecture.md", r"of each shape took {}x to {}x\s+cuDNN's time",
          *span(fastest_over(LOWERINGS_DEFER_D128, "sdpa_cudnn_ms"))),
    *pair("docs/architecture.md", r"cuDNN's time and {}x to {}x flash's",
          *span(fastest_over(LOWERINGS_DEFER_D128, "sdpa_flash_ms"))),
    ("docs/architecture.md", r"the forward suite \((\d+) `wgmma` cases with 128-row blocks", passed(DEFER_D128_WG)),
    ("docs/architecture.md", r"with 128-row blocks,\s+(\d+) `mma_sync`", passed(DEFER_D128_MMA)),
    ("docs/architecture.md", r"the gradient\s+suite \((\d+) cases, `grad-check-tile-wgmma-defer-d128-h100.json`\)",
     passed(DEFER_D128_GRAD)),
    ("docs/architecture.md", r"the tile programs' \((\d+)\s+runs, `sanitizers-forward-h100.json`\)",
     len(SANITIZERS_FWD_H100["cases"])),
    ("docs/architecture.md", r"`fma`; (\d+)\s+runs, `sanitizers-forward-c223de2-h100.json`\)",
     len(SANITIZERS_FWD_C223DE2["cases"])),
    ("docs/architecture.md", r"\((\d+) runs,\s+`sanitizers-backward-c223de2-h100.json`\)",
     len(SANITIZERS_BWD_C223DE2["cases"])),
    ("README.md", r"the operator's (\d+) GPU tests, packed sequences", TORCH_PYTEST_PASSED),
    ("README.md", r"`opcheck`\) pass among those (\d+)", TORCH_PYTEST_PASSED),
    ("docs/pytorch.md", r"the script's (\d+) tests pass", TORCH_PYTEST_PASSED),
    ("docs/architecture.md", r"`fma`\s+tile-program\s+kernels\s+of\s+all\s+(\d+)\s+variants", kernels(TILE)),
    ("docs/architecture.md", r"2\s+warps\)\s+passed\s+its\s+(\d+)\s+cases", passed(TILE)),
    ("docs/architecture.md", r"`wgmma`\s+tile-program\s+kernels\s+of\s+all\s+(\d+)\s+variants", kernels(TILE_WG)),
    ("docs/architecture.md", r"at\s+D\s+=\s+128\)\s+passed\s+the\s+(\d+)", passed(TILE_WG)),
    ("docs/architecture.md", r"the\s+`mma_sync`\s+ones\s+\([^)]*\)\s+passed\s+(\d+)\s+cases", passed(TILE_MMA)),
    ("docs/architecture.md", r"the\s+`mma_sync`\s+ones\s+\([^)]*\)\s+passed\s+\d+\s+cases\s+\((\d+)\s+variants",
     kernels(TILE_MMA)),
    ("docs/architecture.md", r"checked\s+again\s+at\s+[0-9a-f]+,\s+on\s+(\d+)\s+variants", kernels(TILE_RECHECK)),
    ("docs/architecture.md", r"\(their\s+(\d+)\s+cases\s+pass", passed(TILE_RECHECK)),
    # History: the backward against the block builders
    ("docs/architecture.md", r"passed its (\d+) cases\s+with the `wgmma` layout", passed(GRAD_TILE)),
    ("docs/architecture.md", r"passed its (\d+) cases\s+with the `wgmma` layout", passed(GRAD_TILE_MMA)),
    ("docs/architecture.md", r"spilling heavily\) passed the (\d+) cases", passed(GRAD_TILE_FMA)),
    ("docs/architecture.md", r"passed the \d+ cases of (\d+) variants at", kernels(GRAD_TILE_FMA)),
    ("docs/architecture.md", r"forward\) of all (\d+) variants of the gradient suite", kernels(GRAD_TILE)),
    ("docs/architecture.md", r"forward\) of all (\d+) variants of the gradient suite", kernels(GRAD_TILE_MMA)),
    ("docs/architecture.md", r"in medians of (\d+)\s+steps, the tile backward", TRAIN_TILE["iters"]),
    *pair("docs/architecture.md", r"at D = 128 took {}x to {}x the time of the\s+builders' SIMT one",
          *span(TILE_BWD[128])),
    *pair("docs/architecture.md", r"SIMT one\s+\(T = 16384, G = 8, L = 64: {} ms against {}\)",
          *bwd_ms(tile_case(128))),
    *pair("docs/architecture.md", r"at D = 64 {}x to {}x that of their `wgmma` one", *span(TILE_BWD[64])),
    *pair("docs/architecture.md", r"`wgmma` one \({} ms against\s+{}\)", *bwd_ms(tile_case(64))),
    ("docs/architecture.md", r"passed the gradient suite's (\d+) cases again", passed(GRAD_TILE_H100)),
    *pair("docs/architecture.md", r"its backward took {}x to {}x the builders' SIMT\s+one", *span(DEFAULT_BWD[128])),
    ("docs/architecture.md", r"perf-training-tile-vs-kernel-h100.json`, medians of (\d+)\s+steps", TILE_VS_KERNEL["iters"]),
    *pair("docs/architecture.md", r"backward took {}x to {}x the builders' time at D = 64", *span(STEP_OVER_BUILDERS[64])),
    *pair("docs/architecture.md", r"G = 8, L = 64: {} ms against {}; the backward alone", *step_ms(64, "ours_ms")),
    *pair("docs/architecture.md", r"the backward alone {} against\s+{}\)", *step_ms(64, "ours_bwd_ms")),
    *pair("docs/architecture.md", r"and {}x to {}x at D = 128 \(", *span(STEP_OVER_BUILDERS[128])),
    *pair("docs/architecture.md", r"at D = 128 \({} ms against {}\)", *step_ms(128, "ours_ms")),
    *pair("docs/architecture.md", r"and {}x\s+to {}x cuDNN's step without depth",
          *span([c["ours_over_sdpa_cudnn"] for c in TILE_VS_KERNEL["cases"]])),
    # docs/training.md: the gradient suite
    ("docs/training.md", r"removal\): (\d+) of \d+ on the\s+H200", passed(GRAD)),
    ("docs/training.md", r"removal\): \d+ of (\d+) on the\s+H200", len(GRAD["cases"])),
    ("docs/training.md", r"\(`bench/grad_check_suite.py`\): (\d+) variants", kernels(GRAD)),
    ("docs/training.md", r"decoding-like S > T\), (\d+) cases", len(GRAD["cases"])),
    ("docs/training.md", r"\d+ cases, (\d+) with views", len(GRAD_VIEWS_H100["cases"])),
    ("docs/training.md", r"at 54faf37 with the\s+(\d+) view cases",
     sum(1 for c in GRAD_VIEWS_H100["cases"] if c.get("strided") and c["pass"])),
    # docs/performance.md: the last comparison; docs/pytorch.md: the cost of views
    *pair("docs/performance.md", r"the `wgmma` tile kernels took {}x to {}x the builders' time and the",
          *span(tile_over_kernel("wgmma", LOWERINGS_DEFER_D128))),
    *pair("docs/performance.md", r"`mma_sync` ones {}x to {}x; `docs/architecture.md`",
          *span(tile_over_kernel("mma_sync", LOWERINGS_DEFER_D128))),
    *pair("docs/pytorch.md", r"views cost the tile kernels {}x to {}x on an\s+H100 at fe43995",
          *span(views_over_tile(LOWERINGS_H100))),
    # docs/performance.md: the staged compiler's kernels, row by row
] + [
    ("docs/performance.md",
     rf"\| {c['T']}, {c['G']}, {c['D']}, {c['L']} \| {c['config']['mma']} \| [^|]+\| " + field, value)
    for c in LOWERINGS["cases"]
    for field, value in (
        (r"([\d.]+) \(", c["kernel_ms"]),
        (r"[\d.]+ \((\d+)\)", c["kernel_tflops"]),
        (r"[\d.]+ \(\d+\) \| ([\d.]+) \(", c["tile_ms"]),
        (r"[\d.]+ \(\d+\) \| [\d.]+ \((\d+)\)", c["tile_tflops"]),
        (r"[\d.]+ \(\d+\) \| [\d.]+ \(\d+\) \| ([\d.]+) \|", c["tile_over_kernel"]),
        (r"[\d.]+ \(\d+\) \| [\d.]+ \(\d+\) \| [\d.]+ \| ([\d.]+) \|", c["tile_over_sdpa_cudnn"]),
        (r"[\d.]+ \(\d+\) \| [\d.]+ \(\d+\) \| [\d.]+ \| [\d.]+ \| ([\d.]+) \|",
         c["tile_over_sdpa_flash"]))
] + [
    # docs/performance.md
    ("docs/performance.md", r"The peers:\s+SDPA flash ([\d.]+) ms", F16K["sdpa_flash_ms"]),
    ("docs/performance.md", r"SDPA flash [\d.]+ ms \((\d+) TFLOP/s\)", F16K["sdpa_flash_tflops"]),
    ("docs/performance.md", r"cuDNN ([\d.]+) ms \(\d+ TFLOP/s\) in our run", F16K["sdpa_cudnn_ms"]),
    ("docs/performance.md", r"cuDNN [\d.]+ ms \((\d+) TFLOP/s\) in our run", F16K["sdpa_cudnn_tflops"]),
    ("docs/performance.md", r"PyTorch MoDA takes ([\d.]+) ms at T=4096", F4K["torch_reference_ms"]),
    ("docs/performance.md", r"ours is (\d+)x faster there", F4K["torch_reference_ms"] / F4K["ours_ms"]),
    ("docs/performance.md", r"depth takes ([\d.]+) ms against SDPA", F16K["ours_ms"]),
    ("docs/performance.md", r"against SDPA flash's ([\d.]+) ms", F16K["sdpa_flash_ms"]),
    ("docs/performance.md", r"in the same run: ([\d.]+)x, \*\*met", F16K["ours_over_sdpa_flash"]),
    ("docs/performance.md", r"L=0 kernel is ([\d.]+)% \(target", 100 * F64K["depth_overhead"]),
    ("docs/performance.md", r"our plain\s+attention is ([\d.]+)x faster than flash",
     F64K["sdpa_flash_ms"] / F64K["ours_nodepth_ms"]),
    ("docs/performance.md", r"cuDNN remains ahead: ([\d.]+)x at", F16K["ours_over_sdpa_cudnn"]),
    ("docs/performance.md", r"T=16384 \(([\d.]+) ms\), [\d.]+x at T=65536", F16K["sdpa_cudnn_ms"]),
    ("docs/performance.md", r"ms\), ([\d.]+)x at T=65536", F64K["ours_over_sdpa_cudnn"]),
    ("docs/performance.md", r"plain attention is ([\d.]+)x faster than FlashAttention-2",
     F16K["sdpa_flash_ms"] / F16K["ours_nodepth_ms"]),
    ("docs/performance.md", r"at T=16384 \(([\d.]+)\s+vs [\d.]+ ms\)", F16K["ours_nodepth_ms"]),
    ("docs/performance.md", r"at T=16384 \([\d.]+\s+vs ([\d.]+) ms\)", F16K["sdpa_flash_ms"]),
    ("docs/performance.md", r"and ([\d.]+)x slower than cuDNN", F16K["ours_nodepth_ms"] / F16K["sdpa_cudnn_ms"]),
    ("docs/performance.md", r"FLOPs \([\d.]+% at T=16384 G=8\): \+([\d.]+)% in", 100 * F16K["depth_overhead"]),
    ("docs/performance.md", r"dominates and it is ([\d.]+)%", 100 * F64K["depth_overhead"]),
    # docs/training.md
    ("docs/training.md", r"is \*\*met\*\*: ([\d.]+) ms against", T16K["ours_ms"]),
    ("docs/training.md", r"flash's ([\d.]+) ms in the same run", T16K["sdpa_flash_ms"]),
    ("docs/training.md", r"in the same run \(([\d.]+)x\)", T16K["ours_over_sdpa_flash"]),
    ("docs/training.md", r"cuDNN \(([\d.]+) ms\) is the next bar", T16K["sdpa_cudnn_ms"]),
    # docs/model.md: the model-level benchmark and the Brown runs
] + [
    ("docs/model.md", rf"\| {name} \| " + field, value)
    for name in ("brown24", "bench8")
    for field, value in (
        (r"([\d.]+) \|", model(name)["ours_ms"]),
        (r"[\d.]+ \| ([\d.]+) \|", model(name)["ours_nodepth_ms"]),
        (r"(?:[\d.]+ \| ){2}([\d.]+) \|", model(name)["sdpa_cudnn_ms"]),
        (r"(?:[\d.]+ \| ){3}([\d.]+) \|", model(name)["sdpa_flash_ms"]),
        (r"(?:[\d.]+ \| ){4}([\d.]+) \|", model(name)["flex_ms"]),
        (r"(?:[\d.]+ \| ){5}([\d.]+) \|", model(name)["ours_over_ours_nodepth"]),
        (r"(?:[\d.]+ \| ){6}([\d.]+) \|", model(name)["ours_over_sdpa_cudnn"]),
        (r"(?:[\d.]+ \| ){7}([\d.]+) \|", model(name)["ours_over_flex"]))
] + [
    ("docs/model.md", rf"\| `{name}` \| " + field, value)
    for name in ("baseline", "moda", "moda_ffn_kv", "moda_window")
    for field, value in (
        (r"(\d+) \|", brown(name)["steps"]),
        (r"\d+ \| ([\d]+) \|", brown(name)["tokens_per_s"]),
        (r"\d+ \| [\d,]+ \| ([\d.]+) \|", brown(name)["final_val_loss"]))
] + [
    # docs/autotuning.md
    ("docs/autotuning.md", r"on\s+each of the (\d+) shapes", len(TUNE["cases"])),
    ("docs/autotuning.md", r"speedup of tuned over heuristic is ([\d.]+)x", TUNE["geomean_speedup"]),
    ("docs/autotuning.md", r"\(([\d.]+)x to\s+[\d.]+x;", min(c["speedup"] for c in TUNE["cases"])),
    ("docs/autotuning.md", r"\([\d.]+x to\s+([\d.]+)x;", max(c["speedup"] for c in TUNE["cases"])),
]

# (doc, regex whose group is the commit cited for a results file, that file)
COMMITS = [
    ("docs/architecture.md", r"After the builders' removal, at\s+([0-9a-f]+) on an H100, the four tools",
     SANITIZERS_FWD_C223DE2),
    ("docs/architecture.md", r"After the builders' removal, at\s+([0-9a-f]+) on an H100, the four tools",
     SANITIZERS_BWD_C223DE2),
    ("docs/runtime.md", r"targets at ([0-9a-f]+)\s+\(`bench/results/fuzz-10min.json`", FUZZ),
    ("README.md", r"`bench/results/perf-packed-h100.json`, H100 at ([0-9a-f]+)", PACKED_PERF),
    ("docs/performance.md", r"On an H100 at ([0-9a-f]+)\s+\(`bench/results/perf-packed-h100.json`", PACKED_PERF),
    ("docs/performance.md", r"On an H100 at\s+([0-9a-f]+) \(`bench/results/perf-decode-h100.json`", DECODE),
    ("README.md", r"`bench/results/perf-decode-h100.json`,\s+H100 at ([0-9a-f]+)", DECODE),
    ("docs/architecture.md", r"On an H100 at ([0-9a-f]+) two paged split-KV", SANITIZERS_PAGED),
    ("README.md", r"on an H100 at ([0-9a-f]+)\s+the forward and the backward pass the \d+ cases with tokens", PACKED),
    ("README.md", r"on an H100 at ([0-9a-f]+) the suite\s+passes \d+ of \d+ on the default kernels", CORRECT_AFTER),
    ("README.md", r"on an H100 at ([0-9a-f]+) the suite\s+passes[^;]*\(`grad-check-h100.json`\)", GRAD_AFTER),
    ("README.md", r"at ([0-9a-f]+), the first commit without the block\s+builders, the suite on each configuration", TUNED_AFTER),
    ("README.md", r"on an H100 at ([0-9a-f]+) \(`bench/results/perf-forward-h100.json`", FWD_AFTER),
    ("README.md", r"on an H100 at ([0-9a-f]+) \(`bench/results/perf-training-iters60-h100.json`", TRAIN_AFTER_60),
    ("docs/performance.md", r"The kernels of ([0-9a-f]+), the first commit without the builders", FWD_AFTER),
    ("docs/performance.md", r"The kernels of ([0-9a-f]+), the first commit without the builders", TRAIN_AFTER),
    ("README.md", r"`bench/results/perf-forward.json`, commit ([0-9a-f]+)", FWD),
    ("README.md", r"`bench/results/autotune.json`, commit ([0-9a-f]+)", TUNE),
    ("README.md", r"`bench/results/perf-training.json`, commit ([0-9a-f]+)", TRAIN),
    ("README.md", r"on the H200 at ([0-9a-f]+) the\s+suite passes", CORRECT),
    ("README.md", r"at ([0-9a-f]+) its\s+`wgmma` kernels", TILE_WG),
    ("README.md", r"at ([0-9a-f]+) its\s+`wgmma` kernels", TILE_MMA),
    ("README.md", r"on the H200 at ([0-9a-f]+) the\s+suite passes", TILE),
    ("README.md", r"on the H200 at ([0-9a-f]+) the\s+suite passes", GRAD),
    ("docs/model.md", r"`bench/results/model-training.json`, commit ([0-9a-f]+)", MODEL),
    ("README.md", r"At\s+([0-9a-f]+)\s+compute-sanitizer's\s+four", SANITIZERS),
    ("README.md", r"On an H100 at ([0-9a-f]+) \(the H200 was not lent", TILE_WG_H100),
    ("docs/performance.md", r"on an H100 at ([0-9a-f]+) \(`bench/results/perf-lowerings-h100.json`", LOWERINGS_H100),
    ("README.md", r"at ([0-9a-f]+) compute-sanitizer's\s+four tools are clean", SANITIZERS_TILE_H100),
    ("docs/model.md", r"`bench/results/brown-lm.json`, commit ([0-9a-f]+)", BROWN),
    ("docs/architecture.md", r"on an H100 at ([0-9a-f]+) it passes the\s+gradient suite's", GRAD_N32_H100),
    ("docs/architecture.md", r"on an H100 at ([0-9a-f]+) it passes the\s+gradient suite's", TRAIN_TILE_H100),
    ("docs/architecture.md", r"H100\s+at ([0-9a-f]+) the views kernels take", LOWERINGS_H100),
    ("docs/architecture.md", r"H100\s+at ([0-9a-f]+) the views kernels take", VIEWS_H100["wgmma"]),
    ("docs/architecture.md", r"at ([0-9a-f]+) the gradient suite's \d+ cases pass,", GRAD_VIEWS_H100),
    ("docs/architecture.md", r"the tile kernels of [0-9a-f]+ against\s+([0-9a-f]+)'s", LOWERINGS_DEFER),
    ("docs/architecture.md", r"the tile kernels of [0-9a-f]+ against\s+([0-9a-f]+)'s", LOWERINGS_D6F9E73),
    ("docs/architecture.md", r"On an H100 at ([0-9a-f]+) the `wgmma` kernels of\s+128-row", SKIP_WG128_H100),
    ("docs/architecture.md", r"On an H100 at ([0-9a-f]+) the `wgmma` kernels of\s+128-row", SKIP_MMA_H100),
    ("docs/architecture.md", r"Forward, on the H200 at ([0-9a-f]+)\s+\(`bench/results/perf-lowerings.json`", LOWERINGS),
    *[("docs/architecture.md", r"On an H100 at ([0-9a-f]+)\s+\(`bench/results/perf-lowerings-defer-d128-h100.json`\)", data)
      for data in (LOWERINGS_DEFER_D128, DEFER_D128_WG, DEFER_D128_MMA, DEFER_D128_GRAD, SANITIZERS_FWD_H100)],
    ("docs/architecture.md", r"on the H200 at ([0-9a-f]+) the\s+`fma` tile-program kernels", TILE),
    ("docs/architecture.md", r"at ([0-9a-f]+)\s+the `wgmma` tile-program kernels", TILE_WG),
    ("docs/architecture.md", r"at ([0-9a-f]+)\s+the `wgmma` tile-program kernels", TILE_MMA),
    ("docs/architecture.md", r"checked\s+again\s+at\s+([0-9a-f]+)", TILE_RECHECK),
    ("docs/architecture.md", r"Backward, on the H200 at ([0-9a-f]+), the first tile backward", GRAD_TILE),
    ("docs/architecture.md", r"Backward, on the H200 at ([0-9a-f]+), the first tile backward", GRAD_TILE_MMA),
    ("docs/architecture.md", r"passed the \d+ cases of 4 variants at ([0-9a-f]+)", GRAD_TILE_FMA),
    ("docs/architecture.md", r"`bench/results/perf-training-tile.json`, ([0-9a-f]+)\)", TRAIN_TILE),
    ("docs/architecture.md", r"On an H100 at ([0-9a-f]+) \(the H200 was not lent that session\) the\s+tile backward",
     GRAD_TILE_H100),
    ("docs/architecture.md", r"On an H100 at ([0-9a-f]+) \(the H200 was not lent that session\) the\s+tile backward",
     TRAIN),
    ("docs/architecture.md", r"on an H100 at ([0-9a-f]+)\s+\(`bench/results/perf-training-tile-vs-kernel-h100.json`",
     TILE_VS_KERNEL),
    ("README.md", r"on an H100 at ([0-9a-f]+) the tile backward passes the gradient", GRAD_VIEWS_H100),
    ("README.md", r"On an H100 at ([0-9a-f]+) the tile programs' `wgmma` kernels", LOWERINGS_DEFER_D128),
    ("README.md", r"On an H100 at ([0-9a-f]+) the tile\s+programs' whole step", TILE_VS_KERNEL),
    ("docs/training.md", r"112 of 112 on the\s+H200 at ([0-9a-f]+)", GRAD),
    ("docs/training.md", r"at ([0-9a-f]+) with the\s+\d+ view cases", GRAD_VIEWS_H100),
    ("docs/performance.md", r"On the H200 at ([0-9a-f]+)\s+\(`bench/results/perf-lowerings.json`", LOWERINGS),
    ("docs/performance.md", r"an H100 at ([0-9a-f]+) \(`bench/results/perf-lowerings-defer-d128-h100.json`\)",
     LOWERINGS_DEFER_D128),
    ("docs/pytorch.md", r"on an\s+H100 at ([0-9a-f]+), `bench/results/perf-lowerings-h100.json`", LOWERINGS_H100),
    ("docs/performance.md", r"`bench/results/perf-forward.json` \(commit ([0-9a-f]+)", FWD),
    ("docs/training.md", r"`bench/results/perf-training.json` \(commit ([0-9a-f]+)", TRAIN),
    ("docs/autotuning.md", r"`bench/results/autotune.json` \(commit ([0-9a-f]+)", TUNE),
]

# Results tables: (doc, first header cell names, results, column -> value[,
# the columns that name a case: T, G, D, L unless given])
TABLES = [
    ("docs/performance.md", "| T | G | D | L | ours ms |", FWD, {
        "ours ms": lambda c: c["ours_ms"], "TFLOP/s": lambda c: c["ours_tflops"],
        "ours L=0 ms": lambda c: c["ours_nodepth_ms"], "flash ms": lambda c: c["sdpa_flash_ms"],
        "cuDNN ms": lambda c: c["sdpa_cudnn_ms"], "ours / flash": lambda c: c["ours_over_sdpa_flash"],
        "ours / cuDNN": lambda c: c["ours_over_sdpa_cudnn"],
        "depth overhead": lambda c: 100 * c["depth_overhead"]}),
    ("docs/training.md", "| T | G | D | L | ours fwd+bwd |", TRAIN, {
        "ours fwd+bwd": lambda c: c["ours_ms"], "ours fwd": lambda c: c["ours_fwd_ms"],
        "ours bwd": lambda c: c["ours_bwd_ms"], "SDPA flash": lambda c: c["sdpa_flash_ms"],
        "SDPA cuDNN": lambda c: c["sdpa_cudnn_ms"], "ours / flash": lambda c: c["ours_over_sdpa_flash"],
        "ours / cuDNN": lambda c: c["ours_over_sdpa_cudnn"],
        "block builders' bwd": lambda c: c["ours_before_bwd_ms"]}),
]

NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def agrees(printed, value):
    """Whether `printed` (a number as the doc prints it) is `value` rounded
    to the decimals printed."""
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    return abs(float(printed) - value) <= 0.5 * 10 ** -decimals + 1e-9


def main():
    failures, checks = [], 0
    texts = {doc: (ROOT / doc).read_text() for doc in
             {f[0] for f in FIGURES} | {c[0] for c in COMMITS} | {t[0] for t in TABLES}}
    covered = {doc: [] for doc in texts}
    for doc, pattern, value in FIGURES:
        checks += 1
        match = re.search(pattern, texts[doc])
        if not match:
            failures.append(f"{doc}: no figure matches /{pattern}/ (expected {value:.4g})")
            continue
        covered[doc].append(match.span(1))
        if not agrees(match.group(1), value):
            line = texts[doc][:match.start(1)].count("\n") + 1
            failures.append(f"{doc}:{line}: {match.group(1)} but the results say {value:.4g} "
                            f"(/{pattern}/)")
    for doc, pattern, data in COMMITS:
        checks += 1
        match = re.search(pattern, texts[doc])
        if not match or not match.group(1):
            failures.append(f"{doc}: no commit matches /{pattern}/")
        elif not data["commit"].startswith(match.group(1)):
            failures.append(f"{doc}: cites commit {match.group(1)} for results of "
                            f"commit {data['commit']} (/{pattern}/)")
    for doc, header, data, columns, *named_by in TABLES:
        key_columns = named_by[0] if named_by else ("T", "G", "D", "L")
        lines = texts[doc].splitlines()
        start = next((i for i, l in enumerate(lines) if l.startswith(header)), None)
        if start is None:
            failures.append(f"{doc}: no table starts with {header!r}")
            continue
        names = [c.strip() for c in lines[start].strip("|").split("|")]
        rows = 0
        for number, line in enumerate(lines[start + 2:], start + 3):
            if not line.startswith("|"):
                break
            cells = [c.strip().strip("*") for c in line.strip("|").split("|")]
            row = dict(zip(names, cells))
            key = {k: int(row[k]) for k in key_columns}
            try:
                c = case(data, **key)
            except AssertionError as e:
                failures.append(f"{doc}:{number}: {e}")
                continue
            rows += 1
            for name, value in columns.items():
                checks += 1
                printed = NUMBER.search(row[name])
                if not printed or not agrees(printed.group(0).lstrip("+"), value(c)):
                    failures.append(f"{doc}:{number}: {name} = {row[name]} but the results "
                                    f"say {value(c):.4g} ({key})")
        checks += 1
        if rows != len(data["cases"]):
            failures.append(f"{doc}: the table has {rows} rows, the results {len(data['cases'])} cases")
    # Every figure in README's Performance section is a checked one.
    text = texts["README.md"]
    section = re.search(r"^## Performance\n(.*?)^## ", text, re.S | re.M)
    for match in re.finditer(r"(\d+(?:\.\d+)?)(?:-\d+)?\s*(ms|TFLOP/s|x\b|%)", section.group(1)):
        checks += 1
        start = section.start(1) + match.start(1)
        if not any(a <= start < b for a, b in covered["README.md"]):
            line = text[:start].count("\n") + 1
            failures.append(f"README.md:{line}: {match.group(0)!r} is not a checked figure: "
                            f"add it to utils/check-doc-figures.py")
    for failure in failures:
        print("figure:", failure)
    print(f"doc-figures: {checks - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
