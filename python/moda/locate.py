"""Where moda's native pieces are: the runtime library (libmoda_runtime.so,
loaded by ctypes) and the compiler (moda-compile, run as a subprocess).

Both are looked up in the same order: an environment variable, then next to
the installed package, then the build directories of the repository this
package sits in (an editable install or a checkout on sys.path).
"""

import os
import shutil
from pathlib import Path
from typing import Iterator, List, Optional

PACKAGE_DIR = Path(__file__).resolve().parent
# python/moda/locate.py -> the repository root (meaningful for a checkout or
# an editable install; harmless elsewhere: candidates that do not exist are
# skipped).
REPO_ROOT = PACKAGE_DIR.parents[1]
RUNTIME_NAME = "libmoda_runtime.so"
COMPILER_NAME = "moda-compile"


def _build_dirs() -> List[Path]:
    dirs = []
    if os.environ.get("MODA_BUILD_DIR"):
        dirs.append(Path(os.environ["MODA_BUILD_DIR"]))
    dirs += [REPO_ROOT / "build", REPO_ROOT / "build-rt"]
    return dirs


def runtime_library_candidates() -> Iterator[Path]:
    """Candidates for libmoda_runtime.so, first match wins:
    $MODA_RUNTIME_LIBRARY, $MODA_RUNTIME_LIB (the older name), the package
    directory (moda/lib/ or moda/), then <build>/lib of $MODA_BUILD_DIR,
    <repo>/build and <repo>/build-rt."""
    for variable in ("MODA_RUNTIME_LIBRARY", "MODA_RUNTIME_LIB"):
        if os.environ.get(variable):
            yield Path(os.environ[variable])
    yield PACKAGE_DIR / "lib" / RUNTIME_NAME
    yield PACKAGE_DIR / RUNTIME_NAME
    for build in _build_dirs():
        yield build / "lib" / RUNTIME_NAME


def compiler_candidates() -> Iterator[Path]:
    """Candidates for moda-compile, first match wins: $MODA_COMPILE, PATH,
    the package directory (moda/bin/), then <build>/bin of
    $MODA_BUILD_DIR and <repo>/build."""
    if os.environ.get("MODA_COMPILE"):
        yield Path(os.environ["MODA_COMPILE"])
    on_path = shutil.which(COMPILER_NAME)
    if on_path:
        yield Path(on_path)
    yield PACKAGE_DIR / "bin" / COMPILER_NAME
    for build in _build_dirs():
        yield build / "bin" / COMPILER_NAME


def find_runtime_library() -> Optional[Path]:
    for candidate in runtime_library_candidates():
        if candidate.is_file():
            return candidate
    return None


def find_compiler() -> Optional[Path]:
    """moda-compile, or None. $MODA_COMPILE naming a missing file is not
    skipped silently: it is returned, and running it fails loudly."""
    if os.environ.get("MODA_COMPILE"):
        return Path(os.environ["MODA_COMPILE"])
    for candidate in compiler_candidates():
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def describe_compiler_search() -> str:
    """Where find_compiler looked, for error messages."""
    places = []
    if os.environ.get("MODA_COMPILE"):
        places.append(f"$MODA_COMPILE={os.environ['MODA_COMPILE']}")
    else:
        places.append("$MODA_COMPILE (unset)")
    places.append("PATH")
    places += [str(PACKAGE_DIR / "bin" / COMPILER_NAME)]
    places += [str(b / "bin" / COMPILER_NAME) for b in _build_dirs()]
    return ", ".join(places)
