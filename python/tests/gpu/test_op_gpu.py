"""moda.attention, the registered operator (moda::attention_fwd/bwd), on a
GPU: forward (out, lse) and all five gradients against the float64
reference (MODA.md section 6 tolerances), fresh random inputs, sizes off the
tile grid. Kernels come from $MODA_BUNDLE_DIR (python -m moda.bundle, see
bench/torch-op-variants.json) or are compiled on first use when moda-compile
is here."""

import pytest
import torch

import moda
import moda.ops
from moda.reference import lse_error, relative_error

from moda.reference import reference_forward_and_grads
from moda_torch_helpers import TOLERANCE, fresh_seed

CASES = [
    # dtype, B, T, S, L, Hq, Hk, D, causal, visibility, chunk, scale
    (torch.bfloat16, 2, 200, 200, 7, 8, 2, 64, True, "per_position", None, None),
    (torch.float16, 1, 63, 100, 3, 4, 4, 128, False, "per_position", None, None),
    (torch.bfloat16, 1, 37, 290, 5, 16, 2, 64, True, "per_position", None, None),  # S > T
    (torch.bfloat16, 2, 129, 129, 0, 8, 2, 64, True, "per_position", None, None),  # no depth
    (torch.bfloat16, 1, 150, 150, 4, 8, 2, 64, True, "per_position", None, 0.3),   # scale
    (torch.bfloat16, 1, 333, 333, 3, 8, 2, 64, True, "chunk", 64, None),
    (torch.float16, 2, 77, 0, 9, 8, 2, 64, False, "depth_only", None, None),
    (torch.float32, 1, 95, 95, 6, 4, 2, 64, True, "per_position", None, None),
]


def make_inputs(dtype, B, T, S, L, Hq, Hk, D, visibility):
    def make(*shape):
        return torch.randn(*shape, device="cuda", dtype=dtype, requires_grad=True)
    q = make(B, T, Hq, D)
    k = v = None
    if visibility != "depth_only":
        k, v = make(B, S, Hk, D), make(B, S, Hk, D)
    depth_k = depth_v = None
    if L > 0:
        depth_k, depth_v = make(B, T, L, Hk, D), make(B, T, L, Hk, D)
    return q, k, v, depth_k, depth_v


def check_case(dtype, B, T, S, L, Hq, Hk, D, causal, visibility, chunk, scale, strided=False):
    fresh_seed()
    q, k, v, depth_k, depth_v = make_inputs(dtype, B, T, S, L, Hq, Hk, D, visibility)
    leaves = [q, k, v, depth_k, depth_v]
    grad_of = [lambda t=t: None if t is None else t.grad for t in leaves]
    if strided:
        # Non-contiguous operands: q a transpose of [B, Hq, T, D], the depth
        # tensors slices of wider stream-like buffers; gradients flow back
        # into the buffers' slices (and nowhere else).
        q_base = torch.randn(B, Hq, T, D, device="cuda", dtype=dtype, requires_grad=True)
        wide_k = torch.randn(B, T, L + 3, Hk, D, device="cuda", dtype=dtype, requires_grad=True)
        wide_v = torch.randn(B, T, L + 3, Hk, D, device="cuda", dtype=dtype, requires_grad=True)
        q = q_base.transpose(1, 2)
        depth_k, depth_v = wide_k[:, :, 1:L + 1], wide_v[:, :, 1:L + 1]
        assert not q.is_contiguous() and not depth_k.is_contiguous()
        grad_of[0] = lambda: q_base.grad.transpose(1, 2)
        grad_of[3] = lambda: wide_k.grad[:, :, 1:L + 1]
        grad_of[4] = lambda: wide_v.grad[:, :, 1:L + 1]
    args = [q, k, v, depth_k, depth_v]
    d_out = torch.randn(B, T, Hq, D, device="cuda", dtype=dtype)
    out, lse = moda.attention(*args, causal=causal, scale=scale, visibility=visibility,
                              chunk_size=chunk, return_lse=True)
    assert out.shape == (B, T, Hq, D) and out.dtype == dtype
    assert lse.shape == (B, Hq, T) and lse.dtype == torch.float32
    assert not lse.requires_grad
    out.backward(d_out)
    torch.cuda.synchronize()
    ref_out, ref_lse, ref_grads = reference_forward_and_grads(
        args, d_out, causal=causal, visibility=visibility, chunk_size=chunk or 0,
        scale=scale)
    tolerance = TOLERANCE[dtype]
    errors = {"out": relative_error(out, ref_out), "lse": lse_error(lse, ref_lse)}
    for name, t, get, ref in zip(("dq", "dk", "dv", "d_depth_k", "d_depth_v"), args,
                                 grad_of, ref_grads):
        if t is None or ref is None or ref.numel() == 0:
            continue
        grad = get()
        errors[name] = relative_error(grad, ref) if grad is not None else float("inf")
    if strided:
        outside = torch.cat([wide_k.grad[:, :, :1], wide_k.grad[:, :, L + 1:],
                             wide_v.grad[:, :, :1], wide_v.grad[:, :, L + 1:]], dim=2)
        assert torch.count_nonzero(outside) == 0
    print({k: f"{e:.1e}" for k, e in errors.items()})
    bad = {k: e for k, e in errors.items() if not e <= tolerance}
    assert not bad, f"errors above {tolerance}: {bad}"
    return errors


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[9]}-{str(c[0])[6:]}-T{c[2]}-S{c[3]}-L{c[4]}"
                         f"-g{c[5] // c[6]}-d{c[7]}{'-causal' if c[8] else ''}"
                         f"{'-scale' if c[11] else ''}")
def test_forward_and_all_gradients_match_float64(case):
    errors = check_case(*case)
    expected = {"out", "lse", "dq"}
    if case[9] != "depth_only":
        expected |= {"dk", "dv"}
    if case[4] > 0:
        expected |= {"d_depth_k", "d_depth_v"}
    assert expected <= set(errors)


def test_strided_operands_give_the_same_results():
    check_case(torch.bfloat16, 2, 111, 111, 5, 8, 2, 64, True, "per_position", None, None,
               strided=True)
    # The views went to the kernels that take views (no copy), dense
    # operands elsewhere in this module to the dense kernels.
    variants = {variant for variant, _ in moda.ops._loaded}
    assert any(v.strided and v.dtype == "bf16" and v.num_query_heads == 8 for v in variants)


def test_views_are_read_where_they_lie():
    # q, k, v as slices of one fused projection and depth as the first L
    # slots of a wider stream buffer: moda.operands passes each to the
    # strided kernels as it lies (as_kernel_operand returns the view itself).
    B, T, Hq, Hk, D, L = 1, 70, 8, 2, 64, 3
    qkv = torch.randn(B, T, (Hq + 2 * Hk) * D, device="cuda", dtype=torch.bfloat16)
    q, k, v = (t.view(B, T, -1, D) for t in qkv.split([Hq * D, Hk * D, Hk * D], dim=-1))
    stream = torch.randn(B, T, L + 2, Hk, D, device="cuda", dtype=torch.bfloat16)
    depth = stream[:, :, :L]
    variant = moda.ops._variant(q, k, v, depth, depth, True, None, "per_position", 0)
    assert variant.strided
    forward = moda.ops.kernels_for(variant, q.device).forward
    for name, t in (("q", q), ("k", k), ("v", v), ("depth_k", depth)):
        assert moda.operands.as_kernel_operand(forward, name, t) is t
    out = moda.attention(q, k, v, depth, depth)
    ref = moda.attention(q.contiguous(), k.contiguous(), v.contiguous(),
                         depth.contiguous(), depth.contiguous())
    assert torch.equal(out, ref) or relative_error(out, ref) <= TOLERANCE[torch.bfloat16]


def test_kernels_are_loaded_once_per_variant():
    q = torch.randn(1, 70, 8, 64, device="cuda", dtype=torch.bfloat16)
    k = torch.randn(1, 70, 2, 64, device="cuda", dtype=torch.bfloat16)
    d = torch.randn(1, 70, 2, 2, 64, device="cuda", dtype=torch.bfloat16)
    moda.attention(q, k, k, d, d)
    before = dict(moda.ops._loaded)
    # Other sizes (B, T, S, L are dynamic), same variant: no new kernels.
    q2 = torch.randn(3, 33, 8, 64, device="cuda", dtype=torch.bfloat16)
    k2 = torch.randn(3, 50, 2, 64, device="cuda", dtype=torch.bfloat16)
    d2 = torch.randn(3, 33, 5, 2, 64, device="cuda", dtype=torch.bfloat16)
    moda.attention(q2, k2, k2, d2, d2)
    assert dict(moda.ops._loaded) == before
    moda.attention(q, k, k, d, d, causal=False)
    assert len(moda.ops._loaded) == len(before) + 1


def test_bad_calls_raise_moda_errors():
    q = torch.randn(1, 16, 8, 64, device="cuda", dtype=torch.bfloat16)
    k = torch.randn(1, 16, 2, 64, device="cuda", dtype=torch.bfloat16)
    with pytest.raises(moda.ModaError):
        moda.attention(q, k.half(), k.half())                      # dtypes differ
    with pytest.raises(moda.ModaError):
        moda.attention(q, k, k, visibility="chunk")                # no chunk size
    with pytest.raises(moda.ModaError):
        moda.attention(q, k, k, visibility="depth_only")           # k given
    with pytest.raises(moda.ModaError):
        moda.attention(q.cpu(), k.cpu(), k.cpu())                   # not CUDA
    with pytest.raises(moda.ModaError):
        moda.attention(q[:, :, :5], k, k)                          # Hq not a multiple of Hk


def test_opcheck():
    """torch.library.opcheck: schema, fake tensor, autograd registration and
    AOT dispatch (torch.compile's view) of both operators agree with eager."""
    fresh_seed()
    q = torch.randn(1, 40, 4, 64, device="cuda", dtype=torch.bfloat16, requires_grad=True)
    k = torch.randn(1, 40, 2, 64, device="cuda", dtype=torch.bfloat16, requires_grad=True)
    v = torch.randn(1, 40, 2, 64, device="cuda", dtype=torch.bfloat16, requires_grad=True)
    dk = torch.randn(1, 40, 3, 2, 64, device="cuda", dtype=torch.bfloat16, requires_grad=True)
    dv = torch.randn(1, 40, 3, 2, 64, device="cuda", dtype=torch.bfloat16, requires_grad=True)
    # No packed sequences: cu_seqlens None, max_seqlen 0.
    attributes = (True, None, "per_position", 0, None, 0)
    # The forward's last argument, decode, is False: the training variant.
    torch.library.opcheck(torch.ops.moda.attention_fwd.default,
                          (q, k, v, dk, dv) + attributes + (False,))
    out, lse = torch.ops.moda.attention_fwd(q, k, v, dk, dv, *attributes, False)
    d_out = torch.randn_like(out)
    torch.library.opcheck(torch.ops.moda.attention_bwd.default,
                          (d_out, q.detach(), k.detach(), v.detach(), dk.detach(), dv.detach(),
                           out.detach(), lse) + attributes)
