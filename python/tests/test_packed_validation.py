"""A packed kernel's calls: token-major tensors, int32 offsets, and T (the
longest sequence's length, max_seqlen) from the call's `sizes`. Checked
against the manifest moda-compile writes (test/Runtime/Inputs/packed), with
no GPU."""

from pathlib import Path

import pytest

import moda
from moda import ModaError, TensorArg

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "test" / "Runtime" / "Inputs" / "packed" / "attention_packed.json"
ALIGNED = 0x7F0000000000  # a 16-byte aligned address; never dereferenced


def packed_args(tokens=70, sequences=3):
    shapes = {
        "q": ("bf16", [tokens, 2, 64]), "k": ("bf16", [tokens, 1, 64]),
        "v": ("bf16", [tokens, 1, 64]), "depth_k": ("bf16", [tokens, 3, 1, 64]),
        "depth_v": ("bf16", [tokens, 3, 1, 64]), "out": ("bf16", [tokens, 2, 64]),
        "lse": ("f32", [2, tokens]), "cu_seqlens": ("i32", [sequences + 1]),
    }
    return [TensorArg(name, dtype, shape, ALIGNED + (index << 32))
            for index, (name, (dtype, shape)) in enumerate(shapes.items())]


@pytest.fixture
def kernel():
    return moda.Kernel(str(MANIFEST), driver=False)


def test_manifest_says_packed(kernel):
    assert kernel.packed
    dims = {t.name: t.dims for t in kernel.tensors}
    assert dims["q"] == ["N", 2, 64]
    assert dims["lse"] == [2, "N"]
    assert dims["cu_seqlens"] == ["B+1"]
    assert kernel.fixed_sizes == {"L": 3}


def test_call_passes_with_max_seqlen(kernel):
    kernel.validate(packed_args(), sizes={"T": 37})
    kernel.validate(packed_args(), sizes={"T": 0})  # any bound is correct


def test_call_without_max_seqlen_is_refused(kernel):
    with pytest.raises(ModaError) as error:
        kernel.validate(packed_args())
    assert error.value.status == "MODA_ERROR_INVALID_ARGUMENT"
    assert "pass T" in str(error.value)


def test_unknown_size_symbol_is_refused(kernel):
    with pytest.raises(ValueError, match="unknown size symbols"):
        kernel.validate(packed_args(), sizes={"max_seqlen": 37})
