"""The backward's artifact (op attention_grad: three kernels, one call) as
the runtime and the Python package see it, without a GPU."""

import json
import subprocess

import pytest

import moda
from moda import ModaError, TensorArg
from moda.ir import training_module

from conftest import BUILD

ALIGNED = 0x7F0000000000

SHAPES = {
    "q": [1, 50, 8, 64], "k": [1, 50, 2, 64], "v": [1, 50, 2, 64],
    "depth_k": [1, 50, 3, 2, 64], "depth_v": [1, 50, 3, 2, 64],
    "out": [1, 50, 8, 64], "lse": [1, 8, 50], "d_out": [1, 50, 8, 64],
    "dq": [1, 50, 8, 64], "dk": [1, 50, 2, 64], "dv": [1, 50, 2, 64],
    "d_depth_k": [1, 50, 3, 2, 64], "d_depth_v": [1, 50, 3, 2, 64],
    "delta": [1, 8, 50],
}


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory):
    out = tmp_path_factory.mktemp("training")
    source = out / "train.mlir"
    source.write_text(training_module(dict(dtype="bf16", Hq=8, Hk=2, D=64,
                                           causal=True)))
    subprocess.run([str(BUILD / "bin" / "moda-compile"), str(source), "-o",
                    str(out), "--ptxas=none"], check=True, capture_output=True)
    return out


def args(names=SHAPES, **overrides):
    result = []
    for index, name in enumerate(names):
        dtype = "f32" if name in ("lse", "delta") else "bf16"
        arg = TensorArg(name, dtype, list(SHAPES[name]), ALIGNED + (index << 32))
        for field, value in overrides.get(name, {}).items():
            setattr(arg, field, value)
        result.append(arg)
    return result


def test_backward_manifest_describes_its_kernels(artifacts):
    # A backward with sequence keys and depth entries runs its three
    # programs in order; the manifest says which gradients each writes.
    kernel = moda.Kernel(str(artifacts / "moda_attention_grad_0.json"), driver=False)
    assert kernel.op == "attention_grad" and kernel.num_launches == 3
    launches = json.loads((artifacts / "moda_attention_grad_0.json").read_text())["launches"]
    assert [l["writes"] for l in launches] == [
        ["dq"], ["dk", "dv"], ["d_depth_k", "d_depth_v"]]
    assert kernel.entry == "moda_attention_grad_0"
    roles = {t.name: t.role for t in kernel.tensors}
    assert roles["delta"] == "scratch"
    assert [n for n, r in roles.items() if r == "output"] == [
        "dq", "dk", "dv", "d_depth_k", "d_depth_v"]
    assert roles["out"] == roles["lse"] == roles["d_out"] == "input"
    forward = moda.Kernel(str(artifacts / "moda_attention_0.json"), driver=False)
    assert forward.op == "attention" and forward.num_launches == 1


def test_backward_call_is_validated(artifacts):
    kernel = moda.Kernel(str(artifacts / "moda_attention_grad_0.json"), driver=False)
    kernel.validate(args())
    with pytest.raises(ModaError, match="takes 14 tensors"):
        kernel.validate(args([n for n in SHAPES if n != "delta"]))
    with pytest.raises(ModaError, match="dtype"):
        kernel.validate(args(delta={"dtype": "bf16"}))
    with pytest.raises(ModaError, match="size T"):
        kernel.validate(args(dq={"shape": [1, 51, 8, 64]}))


def test_forward_kernel_refuses_backward_calls(artifacts):
    forward = moda.Kernel(str(artifacts / "moda_attention_0.json"), driver=False)
    with pytest.raises(ModaError, match="not a backward"):
        forward.backward(*([None] * 8))
