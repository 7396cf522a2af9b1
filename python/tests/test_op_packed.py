"""moda.attention over packed sequences (cu_seqlens, max_seqlen) without a
GPU: argument errors (raised before anything runs), the operators' fake
implementations (the packed shapes that torch.compile and torch.export
see), autograd and torch.compile(fullgraph=True) traced on meta tensors,
the float64 packed reference, and that the GPU test's variants are in the
bundle list. Needs PyTorch >= 2.4 (torch.library.custom_op):
utils/run-tests.sh's Debian python has none and leaves this file out, as
it does the depth stream's tests; bench/run_torch_gpu.sh runs it where
PyTorch is."""

import importlib.util
import json
from pathlib import Path

import pytest

import torch
from torch._subclasses.fake_tensor import FakeTensorMode  # noqa: E402

import moda  # noqa: E402
import moda.ops  # noqa: E402
from moda import ModaError, ModaTypeError, ModaValueError, Variant  # noqa: E402
from moda.reference import attention_reference, packed_attention_reference  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
N, HQ, HK, D, L = 70, 8, 2, 64, 3
OFFSETS = [0, 37, 38, 38, 70]          # lengths 37, 1, 0, 32


def packed(device="cpu", dtype=torch.bfloat16, tokens=N, depth=L):
    q = torch.randn(tokens, HQ, D, device=device, dtype=dtype)
    k = torch.randn(tokens, HK, D, device=device, dtype=dtype)
    v = torch.randn(tokens, HK, D, device=device, dtype=dtype)
    dk = torch.randn(tokens, depth, HK, D, device=device, dtype=dtype)
    dv = torch.randn(tokens, depth, HK, D, device=device, dtype=dtype)
    return q, k, v, dk, dv


def cu(device="cpu", offsets=OFFSETS):
    return torch.tensor(offsets, dtype=torch.int32, device=device)


# -- argument errors ---------------------------------------------------------

def raises(kind, match, *args, **kwargs):
    """moda.attention(*args, **kwargs) raises `kind` (ValueError or
    TypeError), also a ModaError, whose message names `match`."""
    with pytest.raises(kind, match=match) as error:
        moda.attention(*args, **kwargs)
    assert isinstance(error.value, ModaError)
    return error.value


def test_cu_seqlens_and_max_seqlen_come_together():
    args = packed()
    raises(ValueError, "cu_seqlens is given without max_seqlen", *args, cu_seqlens=cu())
    raises(ValueError, "max_seqlen is given without cu_seqlens", *args, max_seqlen=37)


def test_cu_seqlens_must_be_int32_offsets():
    args = packed()
    error = raises(TypeError, "cu_seqlens must have dtype torch.int32", *args,
                   cu_seqlens=cu().long(), max_seqlen=37)
    assert error.status == "MODA_ERROR_DTYPE" and isinstance(error, ModaTypeError)
    raises(TypeError, "cu_seqlens must be a tensor", *args, cu_seqlens=OFFSETS, max_seqlen=37)
    error = raises(ValueError, "cu_seqlens must be 1-D", *args,
                   cu_seqlens=cu().reshape(1, -1), max_seqlen=37)
    assert error.status == "MODA_ERROR_SHAPE" and isinstance(error, ModaValueError)
    raises(ValueError, "cu_seqlens must be 1-D with B \\+ 1 >= 1", *args,
           cu_seqlens=torch.zeros(0, dtype=torch.int32), max_seqlen=37)


def test_cu_seqlens_must_be_on_q_device():
    raises(ValueError, "cu_seqlens is on meta", *packed(), cu_seqlens=cu("meta"), max_seqlen=37)


@pytest.mark.parametrize("bad,kind", [(-1, ValueError), (37.0, TypeError), (True, TypeError),
                                      ("37", TypeError), (torch.tensor([37, 1]), TypeError)])
def test_max_seqlen_must_be_a_non_negative_int(bad, kind):
    raises(kind, "max_seqlen must be", *packed(), cu_seqlens=cu(), max_seqlen=bad)


def test_packed_shapes_are_checked():
    q, k, v, dk, dv = packed()
    options = dict(cu_seqlens=cu(), max_seqlen=37)
    raises(ValueError, "with cu_seqlens, q must be packed", q[None], k[None], v[None],
           dk[None], dv[None], **options)
    raises(ValueError, "k and v must be packed", q, k[:-1], v[:-1], dk, dv, **options)
    raises(ValueError, "k and v must be packed", q, k[None], v[None], dk, dv, **options)
    raises(ValueError, "k and v must be packed", q, k, v[..., :32], dk, dv, **options)
    raises(ValueError, "depth_k and depth_v must be packed", q, k, v, dk[:-1], dv[:-1],
           **options)
    raises(ValueError, "depth_k and depth_v must be packed", q, k, v, dk[None], dv[None],
           **options)
    raises(ValueError, "depth_k and depth_v must be packed", q, k, v, dk, dv[:, :2], **options)
    raises(ValueError, "Hq = 5 is not a multiple of Hk = 2", q[:, :5], k, v, dk, dv, **options)
    raises(TypeError, "k has dtype torch.float16", q, k.half(), v.half(), dk, dv, **options)
    raises(ValueError, "depth_only attention has no sequence part", q, k, v, dk, dv,
           visibility="depth_only", **options)
    raises(ValueError, "chunk visibility needs a positive chunk_size", q, k, v, dk, dv,
           visibility="chunk", **options)


def test_padded_errors_are_value_and_type_errors_too():
    q, k, v, dk, dv = packed()
    raises(ValueError, "q must be \\[B, T, Hq, D\\]", q, k, v, dk, dv)    # 3-D, no cu_seqlens
    raises(TypeError, "one dtype for all", q[None], k[None].half(), v[None].half())


# -- fake implementations, autograd, torch.compile ---------------------------

def test_fake_shapes_of_a_packed_call():
    with FakeTensorMode():
        q, k, v, dk, dv = packed()
        offsets = cu()
        out, lse = moda.attention(q, k, v, dk, dv, cu_seqlens=offsets, max_seqlen=37,
                                  return_lse=True)
        assert out.shape == (N, HQ, D) and out.dtype == torch.bfloat16
        assert lse.shape == (HQ, N) and lse.dtype == torch.float32
        grads = torch.ops.moda.attention_bwd(out, q, k, v, dk, dv, out, lse, True, None,
                                             "per_position", 0, offsets, 37)
        assert [tuple(g.shape) for g in grads] == [
            (N, HQ, D), (N, HK, D), (N, HK, D), (N, L, HK, D), (N, L, HK, D)]
        # Without depth (L = 0) and depth-only (no k, v).
        out = moda.attention(q, k, v, cu_seqlens=offsets, max_seqlen=37)
        assert out.shape == (N, HQ, D)
        out, lse = moda.attention(q, None, None, dk, dv, visibility="depth_only",
                                  cu_seqlens=offsets, max_seqlen=37, return_lse=True)
        assert out.shape == (N, HQ, D) and lse.shape == (HQ, N)
        # The padded layout keeps its shapes.
        out, lse = moda.attention(q[None], k[None], v[None], dk[None], dv[None],
                                  return_lse=True)
        assert out.shape == (1, N, HQ, D) and lse.shape == (1, HQ, N)


def test_autograd_of_a_packed_call_on_meta_tensors():
    """The autograd formula hands cu_seqlens and max_seqlen to the backward
    operator and gives every input a gradient of its shape (the meta
    kernels are the fake implementations)."""
    inputs = [t.requires_grad_() for t in packed("meta")]
    out = moda.attention(*inputs, cu_seqlens=cu("meta"), max_seqlen=37)
    out.sum().backward()
    for t in inputs:
        assert t.grad is not None and t.grad.shape == t.shape
    q, _, _, dk, dv = [t.detach().requires_grad_() for t in inputs]
    moda.attention(q, None, None, dk, dv, visibility="depth_only", cu_seqlens=cu("meta"),
                   max_seqlen=37).sum().backward()
    assert q.grad.shape == q.shape and dk.grad.shape == dk.shape


def test_compile_fullgraph_keeps_one_operator():
    """torch.compile(fullgraph=True) of a packed call and its backward
    (fullgraph raises on a graph break), traced on meta tensors: the graph
    holds moda.attention_fwd, and a second max_seqlen and token count run
    through the compiled function too."""
    torch._dynamo.reset()
    graphs = []

    def backend(gm, example_inputs):
        # Records dynamo's graph, then compiles it as torch.compile would up
        # to code generation: AOT autograd traces forward and backward with
        # the fake implementations.
        graphs.append(gm)
        return torch._dynamo.lookup_backend("aot_eager")(gm, example_inputs)

    def step(q, k, v, dk, dv, cu_seqlens, max_seqlen):
        return moda.attention(q, k, v, dk, dv, cu_seqlens=cu_seqlens, max_seqlen=max_seqlen)
    compiled = torch.compile(step, fullgraph=True, backend=backend)
    for tokens, max_seqlen in ((N, 37), (N + 9, 40)):
        inputs = [t.requires_grad_() for t in packed("meta", tokens=tokens)]
        out = compiled(*inputs, cu("meta", [0, 5, tokens]), max_seqlen)
        assert out.shape == (tokens, HQ, D)
        out.sum().backward()
        assert all(t.grad.shape == t.shape for t in inputs)
    targets = {str(node.target) for gm in graphs for node in gm.graph.nodes
               if node.op == "call_function"}
    assert any("moda.attention_fwd" in t for t in targets), targets


# -- the float64 reference ---------------------------------------------------

@pytest.mark.parametrize("visibility,causal,chunk", [("per_position", True, 0),
                                                     ("per_position", False, 0),
                                                     ("chunk", True, 4),
                                                     ("depth_only", False, 0)])
def test_packed_reference_is_each_sequence_alone(visibility, causal, chunk):
    torch.manual_seed(0)
    q, k, v, dk, dv = packed(dtype=torch.float64)
    if visibility == "depth_only":
        k = v = None
    out, lse = packed_attention_reference(q, k, v, dk, dv, cu(), causal=causal,
                                          visibility=visibility, chunk_size=chunk)
    assert out.shape == (N, HQ, D) and lse.shape == (HQ, N)
    for first, end in zip(OFFSETS, OFFSETS[1:]):
        if end == first:
            continue
        part = [None if t is None else t[first:end][None] for t in (q, k, v, dk, dv)]
        o, l = attention_reference(*part, causal=causal, visibility=visibility,
                                   chunk_size=chunk)
        assert torch.equal(out[first:end], o[0]) and torch.equal(lse[:, first:end], l[0])
    # A token of the first sequence does not see the second one's keys:
    # changing them leaves the first sequence's output as it was.
    if k is not None:
        k2 = k.clone()
        k2[OFFSETS[1]:] += 1
        out2, _ = packed_attention_reference(q, k2, v, dk, dv, OFFSETS, causal=causal,
                                             visibility=visibility, chunk_size=chunk)
        assert torch.equal(out2[:OFFSETS[1]], out[:OFFSETS[1]])


def test_packed_reference_tokens_after_the_last_offset_and_bad_offsets():
    q, k, v, dk, dv = packed(dtype=torch.float64)
    out, lse = packed_attention_reference(q, k, v, dk, dv, [0, 30, 60], causal=True,
                                          visibility="per_position")
    assert torch.count_nonzero(out[60:]) == 0 and torch.isneginf(lse[:, 60:]).all()
    assert torch.isfinite(lse[:, :60]).all()
    for bad in ([], [1, 70], [0, 40, 30, 70], [0, 71]):
        with pytest.raises(ValueError, match="cu_seqlens"):
            packed_attention_reference(q, k, v, dk, dv, bad, causal=True,
                                       visibility="per_position")


# -- the GPU test's kernels are in the bundle --------------------------------

def test_gpu_test_variants_are_in_the_bundle_list():
    """Every variant python/tests/gpu/test_op_packed_gpu.py runs is listed in
    bench/torch-op-variants.json, the bundle the GPU machine reads (it has
    no compiler)."""
    path = ROOT / "python" / "tests" / "gpu" / "test_op_packed_gpu.py"
    spec = importlib.util.spec_from_file_location("test_op_packed_gpu_cases", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    listed = {Variant.from_json(e) for e in
              json.loads((ROOT / "bench" / "torch-op-variants.json").read_text())}
    needed = set()
    for visibility, causal, chunk, d, hq, hk, depth, lengths, _ in module.CASES.values():
        tokens = sum(lengths)
        q = torch.empty(tokens, hq, d, device="meta", dtype=module.DTYPE)
        k = torch.empty(tokens, hk, d, device="meta", dtype=module.DTYPE)
        dk = torch.empty(tokens, depth, hk, d, device="meta", dtype=module.DTYPE)
        has_kv = visibility != "depth_only"
        needed.add(moda.ops._variant(q, k if has_kv else None, k if has_kv else None, dk, dk,
                                     causal, None, visibility, chunk or 0, packed=True))
    assert len(needed) == 4 and all(v.packed for v in needed)
    assert needed <= listed, sorted(v.name for v in needed - listed)
