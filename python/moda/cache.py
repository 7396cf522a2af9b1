"""Finding the compiled kernels of a variant: a bundle directory first, then
the on-disk cache, then moda-compile (whose output goes into the cache).

    store = KernelStore()
    directory = store.kernel_dir(variant, Target("NVIDIA H200", "sm_90a"))
    # directory/moda_attention_0.json (forward), moda_attention_grad_0.json (backward)

Order of lookup:
1. every directory in $MODA_BUNDLE_DIR (os.pathsep-separated), as written by
   `python -m moda.bundle`: <bundle>/<variant.name>-<chip>/;
2. the cache, $MODA_CACHE_DIR or ~/.cache/moda (or $XDG_CACHE_HOME/moda):
   <cache>/kernels/<variant.name>-<chip>-<key>/, where <key> hashes the
   variant, the chip, the GPU's name, the compiler's fingerprint (a SHA-256
   of the moda-compile binary and its --version) and the tuning database moda-compile reads
   ($MODA_TUNING_DB, its contents);
3. moda-compile, found by moda.locate.find_compiler, compiling into a fresh
   temporary directory inside the cache that is renamed into place when
   complete: a reader never sees a half-written entry, and of two processes
   compiling the same variant one rename wins and the other's copy is
   dropped.

This module needs neither PyTorch nor a GPU.
"""

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from .locate import describe_compiler_search, find_compiler
from .runtime import ModaError
from .variant import Variant

FORWARD_MANIFEST = "moda_attention_0.json"
BACKWARD_MANIFEST = "moda_attention_grad_0.json"
VARIANT_FILE = "variant.json"
# Bumped when the layout of a cache or bundle entry changes.
FORMAT_VERSION = 1


class KernelNotFound(ModaError):
    """Neither a bundle, the cache nor a compiler can provide a variant."""

    def __init__(self, message: str):
        super().__init__("MODA_ERROR_NO_KERNEL", message)


class CompileError(ModaError):
    """moda-compile rejected a variant or failed; the message holds its
    diagnostics."""

    def __init__(self, message: str):
        super().__init__("MODA_ERROR_COMPILE", message)


@dataclass(frozen=True)
class Target:
    """The GPU kernels are built for: its name (part of the cache key) and
    the moda-compile --chip (e.g. sm_90a)."""

    gpu_name: str
    chip: str


def default_cache_dir() -> Path:
    if os.environ.get("MODA_CACHE_DIR"):
        return Path(os.environ["MODA_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "moda"


def bundle_dirs() -> List[Path]:
    value = os.environ.get("MODA_BUNDLE_DIR", "")
    return [Path(p) for p in value.split(os.pathsep) if p]


def entry_name(variant: Variant, chip: str) -> str:
    """The directory name of a variant's kernels in a bundle."""
    return f"{variant.name}-{chip}"


def manifests(variant: Variant) -> Tuple[str, ...]:
    """The manifests a variant's directory holds: the forward's and, unless
    it decodes (a forward alone), the backward's."""
    if variant.is_decoding:
        return (FORWARD_MANIFEST,)
    return (FORWARD_MANIFEST, BACKWARD_MANIFEST)


def is_complete(directory: Path, variant: Optional[Variant] = None) -> bool:
    """Whether `directory` holds a finished entry: its variant file and the
    manifests of `variant` (default: of the variant the file names)."""
    if not (directory / VARIANT_FILE).is_file():
        return False
    variant = variant or _read_variant(directory)
    return variant is not None and all((directory / m).is_file() for m in manifests(variant))


def _read_variant(directory: Path) -> Optional[Variant]:
    try:
        return Variant.from_json(json.loads((directory / VARIANT_FILE).read_text())["variant"])
    except (OSError, ValueError, KeyError, ModaError):
        return None


_fingerprints: Dict[Tuple[str, int, int], str] = {}


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def compiler_fingerprint(compiler: Path, cache_dir: Optional[Path] = None) -> str:
    """A SHA-256 of the moda-compile binary and of what its `--version`
    prints (the LLVM it runs on): any rebuild that changes the binary, or
    another LLVM, gives new cache keys. Remembered per (path, size, mtime) in
    the process and, when `cache_dir` is given, in <cache>/fingerprints.json
    so that later processes do not hash the binary again."""
    real = Path(os.path.realpath(compiler))
    stat = real.stat()
    memo_key = (str(real), stat.st_size, stat.st_mtime_ns)
    if memo_key in _fingerprints:
        return _fingerprints[memo_key]
    memo_file = cache_dir / "fingerprints.json" if cache_dir else None
    text_key = f"{real}:{stat.st_size}:{stat.st_mtime_ns}"
    memo: Dict[str, str] = {}
    if memo_file is not None:
        try:
            memo = json.loads(memo_file.read_text())
        except (OSError, ValueError):
            memo = {}
        if isinstance(memo.get(text_key), str):
            _fingerprints[memo_key] = memo[text_key]
            return memo[text_key]
    fingerprint = file_sha256(real)
    # moda's own code is linked into the binary; LLVM and MLIR may be shared
    # libraries, whose version `--version` prints.
    try:
        version = subprocess.run([str(real), "--version"], capture_output=True,
                                 text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        version = ""
    if version:
        fingerprint = hashlib.sha256(f"{fingerprint}\n{version}".encode()).hexdigest()
    _fingerprints[memo_key] = fingerprint
    if memo_file is not None:
        memo[text_key] = fingerprint
        try:
            atomic_write_text(memo_file, json.dumps(memo, indent=1, sort_keys=True))
        except OSError:
            pass  # a read-only cache still works, it just hashes again
    return fingerprint


def tuning_fingerprint() -> str:
    """moda-compile reads $MODA_TUNING_DB (tuned configurations): its
    contents change the kernels, so they are part of the key."""
    path = os.environ.get("MODA_TUNING_DB")
    if not path:
        return "none"
    try:
        return file_sha256(Path(path))
    except OSError:
        return f"unreadable:{path}"


def cache_key(variant: Variant, target: Target, compiler_fp: str,
              tuning_fp: str = "none") -> str:
    """The hex key of a cache entry."""
    text = json.dumps({"format": FORMAT_VERSION, "variant": variant.to_json(),
                       "chip": target.chip, "gpu": target.gpu_name,
                       "compiler": compiler_fp, "tuning": tuning_fp},
                      sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def atomic_write_text(path: Path, text: str) -> None:
    """Writes `path` through a temporary file in the same directory and a
    rename, so that readers see the old or the new contents, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def compile_variant(variant: Variant, chip: str, out_dir: Path, compiler: Path,
                    *, keep_ptx: bool = True, extra_args=(),
                    info: Optional[dict] = None) -> Path:
    """Compiles `variant`'s kernels (forward and backward, or a decoding
    variant's forward) with `compiler` into a
    temporary directory next to `out_dir`, then renames it to `out_dir`.
    Returns `out_dir`. If `out_dir` already holds a complete entry (another
    process got there first), that one is kept. Raises CompileError."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".tmp-{out_dir.name}-"))
    try:
        source = tmp / ("decode.mlir" if variant.is_decoding else "train.mlir")
        source.write_text(variant.module(target=chip))
        # --allow-spills: moda-compile refuses spilling kernels by default;
        # a slow kernel beats none for a variant whose heuristic kernels
        # spill a little (the manifest records it; of the suites' kernels
        # only the packed D = 128, G = 16 backward does, 56 bytes).
        command = [str(compiler), str(source), "-o", str(tmp), f"--chip={chip}",
                   "--allow-spills", *extra_args]
        if os.environ.get("MODA_CUDA_PATH"):
            command.append(f"--cuda-path={os.environ['MODA_CUDA_PATH']}")
        try:
            result = subprocess.run(command, capture_output=True, text=True)
        except OSError as e:
            raise CompileError(f"cannot run {compiler}: {e}") from None
        if result.returncode != 0:
            raise CompileError(
                f"moda-compile failed on variant {variant.name} (chip {chip}), "
                f"exit {result.returncode}:\n{result.stderr.strip()}\n"
                f"command: {' '.join(command)}")
        for manifest in manifests(variant):
            if not (tmp / manifest).is_file():
                raise CompileError(f"moda-compile wrote no {manifest} for "
                                   f"{variant.name} in {tmp}")
        if not keep_ptx:
            for ptx in tmp.glob("*.ptx"):
                if ptx.with_suffix(".cubin").exists():
                    ptx.unlink()
        record = {"format": FORMAT_VERSION, "variant": variant.to_json(),
                  "name": variant.name, "chip": chip,
                  "compiler": str(compiler)}
        record.update(info or {})
        (tmp / VARIANT_FILE).write_text(json.dumps(record, indent=1, sort_keys=True))
        try:
            os.rename(tmp, out_dir)
        except OSError:
            # out_dir exists: complete (another process won), or a stale
            # incomplete entry, which is replaced.
            if is_complete(out_dir, variant):
                shutil.rmtree(tmp, ignore_errors=True)
                return out_dir
            stale = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".stale-{out_dir.name}-"))
            try:
                os.rename(out_dir, stale / "entry")
            except OSError:
                pass
            shutil.rmtree(stale, ignore_errors=True)
            os.rename(tmp, out_dir)
        return out_dir
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


class KernelStore:
    """Bundles, then the on-disk cache, then the compiler (see the module
    docstring). `compiler` and `cache_dir` default to moda.locate's search
    and default_cache_dir(); `bundles` to $MODA_BUNDLE_DIR. The environment
    is read when the store is made."""

    def __init__(self, cache_dir: Optional[Path] = None, compiler: Optional[Path] = None,
                 bundles: Optional[List[Path]] = None, allow_compile: bool = True):
        self.cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        self._compiler = compiler
        self.bundles = list(bundles) if bundles is not None else bundle_dirs()
        self.allow_compile = allow_compile and os.environ.get("MODA_NO_COMPILE") != "1"

    @property
    def compiler(self) -> Optional[Path]:
        if self._compiler is None:
            self._compiler = find_compiler()
        return self._compiler

    def find_in_bundles(self, variant: Variant, chip: str) -> Optional[Path]:
        for bundle in self.bundles:
            directory = bundle / entry_name(variant, chip)
            if is_complete(directory, variant) and _read_variant(directory) == variant:
                return directory
        return None

    def cache_entry(self, variant: Variant, target: Target) -> Path:
        """Where the cache keeps (or would keep) `variant` for `target` with
        the current compiler; needs the compiler (its fingerprint)."""
        compiler = self.compiler
        if compiler is None:
            raise self._not_found(variant, target)
        if not Path(compiler).is_file():
            raise KernelNotFound(f"moda-compile not found at {compiler} "
                                 "(from $MODA_COMPILE)")
        key = cache_key(variant, target, compiler_fingerprint(compiler, self.cache_dir),
                        tuning_fingerprint())
        return self.cache_dir / "kernels" / f"{variant.name}-{target.chip}-{key[:16]}"

    def kernel_dir(self, variant: Variant, target: Target) -> Path:
        """The directory holding the variant's manifests (cache.manifests),
        compiling it on a miss."""
        found = self.find_in_bundles(variant, target.chip)
        if found is not None:
            return found
        if self.compiler is None or not self.allow_compile:
            raise self._not_found(variant, target)
        entry = self.cache_entry(variant, target)
        if is_complete(entry, variant):
            return entry
        return compile_variant(
            variant, target.chip, entry, Path(self.compiler),
            info={"gpu": target.gpu_name,
                  "compiler_sha256": compiler_fingerprint(self.compiler, self.cache_dir),
                  "tuning": tuning_fingerprint()})

    def _not_found(self, variant: Variant, target: Target) -> KernelNotFound:
        if self.bundles:
            bundles = ("no bundle has it (looked for "
                       + ", ".join(str(b / entry_name(variant, target.chip))
                                   for b in self.bundles) + ")")
        else:
            bundles = "$MODA_BUNDLE_DIR is unset"
        if not self.allow_compile:
            compiler = "compiling is switched off (MODA_NO_COMPILE=1)"
        else:
            compiler = ("moda-compile was not found (looked at "
                        + describe_compiler_search() + ")")
        return KernelNotFound(
            f"no compiled kernel for MoDA variant {variant.name} on {target.chip} "
            f"({target.gpu_name}): {bundles}, and {compiler}. Either build moda "
            "(utils/build.sh) or set MODA_COMPILE to a moda-compile binary, or "
            "compile the variants on a machine that has the compiler with "
            "`python -m moda.bundle --out DIR variants.json` and set "
            "MODA_BUNDLE_DIR=DIR here.")
