"""python -m moda.bundle: compile a list of MoDA variants into a directory
that machines without MLIR (or without the compiler) read through
$MODA_BUNDLE_DIR.

    python -m moda.bundle --out kernels/ variants.json [--chip sm_90a]
    MODA_BUNDLE_DIR=kernels/ python train.py      # on the GPU machine

variants.json is a JSON list; each entry names one variant:

    [{"dtype": "bf16", "num_query_heads": 8, "num_kv_heads": 2, "head_dim": 64,
      "visibility": "per_position", "causal": true},
     {"dtype": "f16", "Hq": 16, "Hk": 4, "D": 128, "visibility": "chunk",
      "chunk_size": 64, "causal": true, "scale": 0.1},
     {"dtype": "bf16", "Hq": 8, "Hk": 2, "D": 64, "packed": true}]

(dtype: bf16/f16/f32 or the torch names; Hq/Hk/D/chunk are accepted for
num_query_heads/num_kv_heads/head_dim/chunk_size; visibility defaults to
per_position, causal to true, scale to 1/sqrt(D); "strided": true and
"packed": true ask for the kernels of views and of packed sequences
(cu_seqlens), entries of their own.) Each variant becomes
DIR/<variant name>-<chip>/ with the forward and backward manifests, their
cubins (and PTX with --keep-ptx) and variant.json (a decoding variant,
"decode_batch" and "decode_queries" set, has the forward alone);
DIR/index.json lists them.
A variant already in DIR (same name, chip) is kept unless --force.
"""

import argparse
import json
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .cache import (atomic_write_text, compile_variant, compiler_fingerprint, entry_name,
                    is_complete, _read_variant)
from .locate import describe_compiler_search, find_compiler
from .runtime import ModaError
from .variant import Variant


def read_variants(path: Path):
    entries = json.loads(Path(path).read_text())
    if isinstance(entries, dict):
        entries = entries.get("variants", [])
    if not isinstance(entries, list):
        raise ModaError("MODA_ERROR_INVALID_ARGUMENT",
                        f"{path}: expected a JSON list of variants")
    variants = []
    for entry in entries:
        variant = Variant.from_json(entry)
        if variant not in variants:
            variants.append(variant)
    return variants


def build_bundle(out: Path, variants, chip: str = "sm_90a", compiler=None,
                 keep_ptx: bool = False, force: bool = False, jobs: int = 2,
                 log=print):
    """Compiles `variants` into `out`; returns the index (a dict) it wrote."""
    compiler = Path(compiler) if compiler else find_compiler()
    if compiler is None or not compiler.is_file():
        raise ModaError("MODA_ERROR_NO_KERNEL",
                        "moda-compile not found (looked at "
                        f"{describe_compiler_search()}); pass --moda-compile")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    fingerprint = compiler_fingerprint(compiler)

    def one(variant):
        directory = out / entry_name(variant, chip)
        if is_complete(directory) and _read_variant(directory) == variant and not force:
            return f"kept {directory.name}"
        if directory.exists():
            shutil.rmtree(directory)
        compile_variant(variant, chip, directory, compiler, keep_ptx=keep_ptx,
                        info={"compiler_sha256": fingerprint})
        return f"compiled {directory.name}"

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for line in pool.map(one, variants):
            log(line)
    index = {"format": 1, "chip": chip, "compiler_sha256": fingerprint,
             "entries": [{"dir": entry_name(v, chip), "variant": v.to_json()}
                         for v in variants]}
    # Entries compiled by earlier runs into the same directory stay listed.
    index_path = out / "index.json"
    try:
        old = json.loads(index_path.read_text())
        listed = {e["dir"] for e in index["entries"]}
        for e in old.get("entries", []):
            if e.get("dir") not in listed and is_complete(out / e["dir"]):
                index["entries"].append(e)
    except (OSError, ValueError, KeyError, AttributeError):
        pass
    atomic_write_text(index_path, json.dumps(index, indent=1, sort_keys=True))
    return index


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m moda.bundle", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("variants", type=Path, help="JSON list of variants")
    parser.add_argument("--out", type=Path, required=True, help="bundle directory")
    parser.add_argument("--chip", default="sm_90a",
                        help="moda-compile --chip of the target GPU (default sm_90a: "
                             "H100/H200)")
    parser.add_argument("--moda-compile", type=Path, default=None,
                        help="the compiler (default: $MODA_COMPILE, PATH, the build)")
    parser.add_argument("--keep-ptx", action="store_true",
                        help="keep PTX beside the cubins (larger; lets the driver JIT "
                             "for another GPU)")
    parser.add_argument("--force", action="store_true",
                        help="recompile variants already in the bundle")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    try:
        variants = read_variants(args.variants)
        index = build_bundle(args.out, variants, args.chip, args.moda_compile,
                             keep_ptx=args.keep_ptx, force=args.force, jobs=args.jobs)
    except ModaError as e:
        print(f"moda.bundle: {e}", file=sys.stderr)
        return 1
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"moda.bundle: {len(index['entries'])} variants in {args.out} "
          f"({size / 2**20:.1f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
