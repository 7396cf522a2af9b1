"""Split-KV kernels (#moda.config kv_splits > 1) as Python sees them: the
configuration pinned through moda.ir, the manifest's two launches and its
scratch partials, and calls checked against them (no GPU: driver=False)."""

import subprocess
import sys

import pytest

import moda
from moda import ModaError, TensorArg
from moda.ir import attention_module

from conftest import BUILD, ROOT

sys.path.insert(0, str(ROOT / "bench"))
from suite_matrix import parse_config  # noqa: E402

ALIGNED = 0x7F0000000000  # a 16-byte aligned address; never dereferenced
SHAPE = {"dtype": "bf16", "Hq": 8, "Hk": 2, "D": 64, "causal": True}


@pytest.fixture(scope="module")
def split_kernel(tmp_path_factory):
    out = tmp_path_factory.mktemp("split-artifacts")
    config = parse_config("64,64,64,4,2,wgmma,3")
    (out / "kernel.mlir").write_text(attention_module(SHAPE, config=config))
    subprocess.run([str(BUILD / "bin" / "moda-compile"), str(out / "kernel.mlir"),
                    "-o", str(out), "--ptxas=none"], check=True, capture_output=True)
    return moda.Kernel(str(out / "moda_attention_0.json"), driver=False)


def call(b=4, t=1, s=500, l=3, splits=3, leave_out=()):
    shapes = {
        "q": [b, t, 8, 64], "k": [b, s, 2, 64], "v": [b, s, 2, 64],
        "depth_k": [b, t, l, 2, 64], "depth_v": [b, t, l, 2, 64],
        "out": [b, t, 8, 64], "lse": [b, 8, t],
        "partial_out": [splits, b, t, 8, 64], "partial_lse": [splits, b, 8, t],
    }
    f32 = ("lse", "partial_out", "partial_lse")
    return [TensorArg(name, "f32" if name in f32 else "bf16", shape,
                      ALIGNED + (index << 32))
            for index, (name, shape) in enumerate(shapes.items())
            if name not in leave_out]


def test_parse_config_takes_kv_splits():
    assert parse_config("64,64,64,4,2,wgmma,3")["kv_splits"] == 3
    assert "kv_splits" not in parse_config("64,64,64,4,2,wgmma")
    with pytest.raises(ValueError):
        parse_config("64,64,64,4,2,wgmma,3,1")


def test_ir_writes_kv_splits_only_above_one():
    assert "kv_splits = 3>" in attention_module(SHAPE, config={
        "block_m": 64, "block_n": 64, "block_depth": 64, "num_warps": 4,
        "kv_splits": 3})
    assert "kv_splits" not in attention_module(SHAPE, config={
        "block_m": 64, "block_n": 64, "block_depth": 64, "num_warps": 4})


def test_manifest_has_two_launches_and_the_partials(split_kernel):
    assert split_kernel.config["kv_splits"] == 3
    assert split_kernel.num_launches == 2
    scratch = {t.name: t.dims for t in split_kernel.tensors if t.role == "scratch"}
    assert scratch == {"partial_out": [3, "B", "T", 8, 64],
                       "partial_lse": [3, "B", 8, "T"]}


def test_a_call_with_the_partials_passes(split_kernel):
    split_kernel.validate(call())


def test_a_call_without_a_partial_is_refused(split_kernel):
    with pytest.raises(ModaError) as error:
        split_kernel.validate(call(leave_out=("partial_lse",)))
    assert "partial_lse" in str(error.value)


def test_partials_of_another_split_count_are_refused(split_kernel):
    with pytest.raises(ModaError) as error:
        split_kernel.validate(call()[:7] + call(splits=2)[7:])
    assert "partial_out" in str(error.value)
