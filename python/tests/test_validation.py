"""Calls are checked against the manifest before anything is launched; these
checks need no GPU (the kernel is loaded with driver=False)."""

import pytest

import moda
from moda import ModaError, TensorArg

ALIGNED = 0x7F0000000000  # a 16-byte aligned address; never dereferenced


def good_args(**overrides):
    shapes = {
        "q": [2, 200, 8, 64], "k": [2, 200, 2, 64], "v": [2, 200, 2, 64],
        "depth_k": [2, 200, 7, 2, 64], "depth_v": [2, 200, 7, 2, 64],
        "out": [2, 200, 8, 64], "lse": [2, 8, 200],
    }
    args = []
    for index, (name, shape) in enumerate(shapes.items()):
        dtype = "f32" if name == "lse" else "bf16"
        arg = TensorArg(name, dtype, shape, ALIGNED + (index << 32))
        if name in overrides:
            for field, value in overrides[name].items():
                setattr(arg, field, value)
        args.append(arg)
    return args


@pytest.fixture
def kernel(attention_manifest):
    return moda.Kernel(str(attention_manifest), driver=False)


def test_manifest_describes_the_kernel(kernel):
    assert kernel.entry == "moda_attention_0"
    assert kernel.element_type == "bf16"
    assert kernel.causal and kernel.visibility == "per_position"
    assert (kernel.num_query_heads, kernel.num_kv_heads, kernel.head_dim) == (8, 2, 64)
    assert kernel.fixed_sizes == {"B": 2, "T": 200, "S": 200, "L": 7}
    assert kernel.scale == pytest.approx(0.125)
    names = [t.name for t in kernel.tensors]
    assert names == ["q", "k", "v", "depth_k", "depth_v", "out", "lse"]
    assert kernel.tensors[3].dims == ["B", "T", "L", 2, 64]
    assert kernel.config["block_m"] % 4 == 0  # a multiple of G


def test_valid_call_passes(kernel):
    kernel.validate(good_args())


def test_wrong_dtype_is_named(kernel):
    with pytest.raises(ModaError) as error:
        kernel.validate(good_args(k={"dtype": "f16"}))
    assert error.value.status == "MODA_ERROR_DTYPE"
    assert "tensor k" in str(error.value)


def test_wrong_head_count_is_named(kernel):
    with pytest.raises(ModaError) as error:
        kernel.validate(good_args(q={"shape": [2, 200, 6, 64]}))
    assert error.value.status == "MODA_ERROR_SHAPE"
    assert "tensor q" in str(error.value)


def test_size_fixed_by_the_manifest(kernel):
    with pytest.raises(ModaError) as error:
        kernel.validate(good_args(depth_k={"shape": [2, 200, 5, 2, 64]},
                                  depth_v={"shape": [2, 200, 5, 2, 64]}))
    assert error.value.status in ("MODA_ERROR_SIZE_MISMATCH", "MODA_ERROR_SHAPE")


def test_inconsistent_sizes(kernel):
    with pytest.raises(ModaError) as error:
        kernel.validate(good_args(out={"shape": [2, 199, 8, 64]}))
    assert error.value.status in ("MODA_ERROR_SIZE_MISMATCH", "MODA_ERROR_SHAPE")
    assert "tensor out" in str(error.value)


def test_misaligned_pointer(kernel):
    with pytest.raises(ModaError) as error:
        kernel.validate(good_args(v={"data": ALIGNED + 2}))
    assert error.value.status == "MODA_ERROR_ALIGNMENT"
    assert "tensor v" in str(error.value)


def test_null_pointer(kernel):
    with pytest.raises(ModaError) as error:
        kernel.validate(good_args(q={"data": 0}))
    assert "tensor q" in str(error.value)


def test_unsupported_strides(kernel):
    transposed = [64 * 8 * 200, 64, 64 * 200, 1]  # [B, T, Hq, D] with T and Hq swapped
    with pytest.raises(ModaError) as error:
        kernel.validate(good_args(q={"strides": transposed}))
    assert error.value.status == "MODA_ERROR_STRIDE"


def test_missing_tensor(kernel):
    with pytest.raises(ModaError):
        kernel.validate([a for a in good_args() if a.name != "depth_v"])


def test_launch_needs_a_loaded_module(kernel):
    with pytest.raises(ModaError) as error:
        kernel.launch(good_args())
    assert error.value.status == "MODA_ERROR_NOT_LOADED"


def test_unreadable_manifest(tmp_path):
    with pytest.raises(ModaError) as error:
        moda.Kernel(str(tmp_path / "missing.json"), driver=False)
    assert error.value.status == "MODA_ERROR_IO"


def test_malformed_manifest(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "moda-kernel/1", "kernel": ')
    with pytest.raises(ModaError) as error:
        moda.Kernel(str(broken), driver=False)
    assert error.value.status == "MODA_ERROR_MANIFEST"


def test_a_strided_operator_takes_views(views_attention_manifest):
    """A forward compiled with `strided` takes q, k, v, depth and out as
    views: a q
    sliced out of a fused [B, T, Hq + 2 Hk, D] projection and depth as the
    first L = 7 slots of a stream buffer of capacity 16 pass as they are;
    a kernel compiled without `strided` refuses the same call
    (test_a_dense_operator_takes_dense_tensors)."""
    tile = moda.Kernel(str(views_attention_manifest), driver=False)
    assert [t.name for t in tile.tensors if t.strided] == [
        "q", "k", "v", "depth_k", "depth_v", "out"]
    assert tile.is_strided("depth_k") and not tile.is_strided("lse")
    views = {"q": {"strides": [200 * 12 * 64, 12 * 64, 64, 1]},
             "depth_k": {"strides": [200 * 16 * 128, 16 * 128, 128, 64, 1]}}
    tile.validate(good_args(**views))


def test_views_must_keep_rows_whole(views_attention_manifest):
    tile = moda.Kernel(str(views_attention_manifest), driver=False)
    with pytest.raises(ModaError) as error:
        tile.validate(good_args(q={"strides": [200 * 8 * 128, 8 * 128, 128, 2]}))
    assert error.value.status == "MODA_ERROR_STRIDE"
    assert "innermost dimension (D) must be contiguous" in str(error.value)
    with pytest.raises(ModaError) as error:
        tile.validate(good_args(out={"strides": [200 * 8 * 64, 8 * 64, 0, 1]}))
    assert "output elements overlap" in str(error.value)


def test_a_dense_operator_takes_dense_tensors(kernel):
    assert not any(t.strided for t in kernel.tensors)
    with pytest.raises(ModaError) as error:
        kernel.validate(good_args(q={"strides": [200 * 12 * 64, 12 * 64, 64, 1]}))
    assert error.value.status == "MODA_ERROR_STRIDE"
