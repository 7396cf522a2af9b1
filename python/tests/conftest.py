"""Shared fixtures: artifacts compiled by this checkout's moda-compile."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python"))
BUILD = Path(os.environ.get("MODA_BUILD_DIR", ROOT / "build"))


@pytest.fixture(scope="session")
def attention_manifest(tmp_path_factory):
    """examples/attention.mlir compiled: bf16, B=2 T=S=200, Hq=8 Hk=2 D=64, L=7."""
    out = tmp_path_factory.mktemp("artifacts")
    subprocess.run([str(BUILD / "bin" / "moda-compile"),
                    str(ROOT / "examples" / "attention.mlir"), "-o", str(out),
                    "--ptxas=none"], check=True, capture_output=True)
    return out / "moda_attention_0.json"


@pytest.fixture(scope="session")
def views_attention_manifest(tmp_path_factory):
    """The same operator asking for views (`strided`): the staged compiler's
    tile programs compile it, and its forward takes its tensors (but lse)
    as views."""
    out = tmp_path_factory.mktemp("views-artifacts")
    source = (ROOT / "examples" / "attention.mlir").read_text()
    assert source.count("{causal}") == 1
    (out / "views.mlir").write_text(source.replace("{causal}", "{causal, strided}"))
    subprocess.run([str(BUILD / "bin" / "moda-compile"), str(out / "views.mlir"),
                    "-o", str(out), "--ptxas=none"], check=True, capture_output=True)
    return out / "moda_attention_0.json"
