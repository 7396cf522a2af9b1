"""The package installs offline (no build isolation, no index) and imports
without PyTorch; an installed copy still finds the runtime and compiler
through the environment."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT


def _copy_package(tmp_path):
    """python/ without tests and build outputs: pip builds in the source
    tree, which must stay clean."""
    source = tmp_path / "src"
    shutil.copytree(ROOT / "python", source,
                    ignore=shutil.ignore_patterns("tests", "build", "*.egg-info",
                                                  "__pycache__"))
    return source


def _pip(*args):
    return subprocess.run([sys.executable, "-m", "pip", "install", "--no-build-isolation",
                           "--no-deps", "--no-index", "--disable-pip-version-check",
                           "-q", *args], capture_output=True, text=True)


def test_pip_install_into_a_target_directory(tmp_path):
    source = _copy_package(tmp_path)
    target = tmp_path / "site"
    result = _pip("--target", str(target), str(source))
    assert result.returncode == 0, result.stderr
    assert (target / "moda" / "__init__.py").is_file()
    assert (target / "moda" / "bundle.py").is_file()
    assert list(target.glob("moda-*.dist-info"))
    env = dict(os.environ, PYTHONPATH=str(target),
               MODA_RUNTIME_LIBRARY="/nonexistent/libmoda_runtime.so",
               MODA_COMPILE="/nonexistent/moda-compile")
    probe = ("import moda, moda.bundle, moda.cache, moda.locate, sys; "
             "print(moda.__version__); print(moda.__file__); "
             "print(next(moda.locate.runtime_library_candidates())); "
             "print(moda.locate.find_compiler()); "
             "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         env=env, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    version, path, library, compiler, torch_loaded = out.stdout.split()
    assert version == "0.1.0"
    assert Path(path).parent == target / "moda"
    assert library == "/nonexistent/libmoda_runtime.so"
    assert compiler == "/nonexistent/moda-compile"
    assert torch_loaded == "False"
    # The bundle command is installed as a module and runs.
    help_text = subprocess.run([sys.executable, "-m", "moda.bundle", "--help"],
                               capture_output=True, text=True, env=env, cwd=tmp_path)
    assert help_text.returncode == 0 and "variants.json" in help_text.stdout


def test_editable_install_in_a_venv(tmp_path):
    """`pip install --no-build-isolation -e python/` as README says, in a
    venv that sees the system's setuptools (offline)."""
    venv = tmp_path / "venv"
    made = subprocess.run([sys.executable, "-m", "venv", "--system-site-packages",
                           str(venv)], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"no venv: {made.stderr.strip()}")
    source = _copy_package(tmp_path)
    python = venv / "bin" / "python"
    result = subprocess.run([str(python), "-m", "pip", "install", "--no-build-isolation",
                             "--no-deps", "--no-index", "--disable-pip-version-check", "-q",
                             "-e", str(source)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    out = subprocess.run([str(python), "-c", "import moda; print(moda.__file__)"],
                         capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    # Editable: the module is the source file itself.
    assert Path(out.stdout.strip()).resolve() == (source / "moda" / "__init__.py").resolve()
