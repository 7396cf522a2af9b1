"""moda.attention over packed sequences (cu_seqlens, max_seqlen: MODA.md
section 7, FlashAttention's varlen convention) on a GPU: out, lse and all
five gradients against the float64 reference of each sequence alone
(moda.reference.packed_attention_reference), MODA.md section 6's bf16
tolerance, fresh random inputs; uneven lengths with 1 and 0, one long among
many short, a max_seqlen below the longest; per-position (with and without
depth), chunk and depth-only; G = 1 and 4, D = 64 and 128; torch.compile
(fullgraph=True); sequences without tokens. Kernels come from
$MODA_BUNDLE_DIR (the packed entries of bench/torch-op-variants.json, see
bench/run_torch_gpu.sh) or are compiled on first use when moda-compile is
here."""

import pytest
import torch
import torch._dynamo

import moda
import moda.ops
from moda.reference import gradient_errors, lse_error, relative_error

from moda.reference import reference_forward_and_grads
from moda_torch_helpers import TOLERANCE, fresh_seed

DTYPE = torch.bfloat16

# name: (visibility, causal, chunk_size, D, Hq, Hk, L, lengths, max_seqlen
# or None for the longest length). Four variants (bench/torch-op-variants.json
# lists them; python/tests/test_op_packed.py checks that).
CASES = {
    "uneven-g4-d64-causal": ("per_position", True, None, 64, 8, 2, 3, [37, 1, 0, 150, 64], None),
    "long-and-short-g1-d128-full": ("per_position", False, None, 128, 2, 2, 2,
                                    [300] + [3] * 20, None),
    "tiny-g1-d128-full": ("per_position", False, None, 128, 2, 2, 7, [1, 1, 0, 2, 1], None),
    "no-depth-g4-d64-causal": ("per_position", True, None, 64, 8, 2, 0, [50, 1, 0, 129], None),
    "max-seqlen-below-longest": ("per_position", True, None, 64, 8, 2, 2, [129, 70], 16),
    "chunk-g4-d64-causal": ("chunk", True, 64, 64, 8, 2, 2, [1, 130, 0, 77, 64], None),
    "depth-only-g4-d128": ("depth_only", False, None, 128, 8, 2, 4, [5, 0, 90, 1, 33], None),
}

GRADIENTS = ("dq", "dk", "dv", "dkd", "dvd")   # moda.reference.gradient_errors' names


def offsets_of(lengths):
    offsets = [0]
    for length in lengths:
        offsets.append(offsets[-1] + length)
    return offsets


def make_inputs(case):
    """q, k, v, depth_k, depth_v (leaves requiring grad; None where the case
    has none), cu_seqlens on the GPU, its offsets as a list, max_seqlen."""
    visibility, _causal, _chunk, D, Hq, Hk, L, lengths, max_seqlen = case
    offsets = offsets_of(lengths)
    tokens = offsets[-1]

    def make(*shape):
        return torch.randn(*shape, device="cuda", dtype=DTYPE, requires_grad=True)
    q = make(tokens, Hq, D)
    k = v = depth_k = depth_v = None
    if visibility != "depth_only":
        k, v = make(tokens, Hk, D), make(tokens, Hk, D)
    if L > 0:
        depth_k, depth_v = make(tokens, L, Hk, D), make(tokens, L, Hk, D)
    cu_seqlens = torch.tensor(offsets, device="cuda", dtype=torch.int32)
    return ([q, k, v, depth_k, depth_v], cu_seqlens, offsets,
            max(lengths) if max_seqlen is None else max_seqlen)


def check_case(case, attention=moda.attention):
    """Runs `attention` (moda.attention, or a compiled function of the same
    arguments) forward and backward; returns the errors against float64."""
    fresh_seed()
    visibility, causal, chunk, D, Hq, Hk, L, lengths, _ = case
    inputs, cu_seqlens, offsets, max_seqlen = make_inputs(case)
    tokens = offsets[-1]
    d_out = torch.randn(tokens, Hq, D, device="cuda", dtype=DTYPE)
    out, lse = attention(*inputs, causal=causal, visibility=visibility, chunk_size=chunk,
                         cu_seqlens=cu_seqlens, max_seqlen=max_seqlen, return_lse=True)
    assert out.shape == (tokens, Hq, D) and out.dtype == DTYPE
    assert lse.shape == (Hq, tokens) and lse.dtype == torch.float32
    assert not lse.requires_grad
    out.backward(d_out)
    torch.cuda.synchronize()
    ref_out, ref_lse, ref_grads = reference_forward_and_grads(
        inputs, d_out, causal=causal, visibility=visibility, chunk_size=chunk or 0, scale=None,
        cu_seqlens=offsets)
    errors = {"rel_err": relative_error(out, ref_out), "rel_err_lse": lse_error(lse, ref_lse)}
    errors.update(gradient_errors(
        {name: None if t is None else t.grad for name, t in zip(GRADIENTS, inputs)},
        dict(zip(GRADIENTS, ref_grads))))
    print({name: f"{e:.1e}" if isinstance(e, float) else e for name, e in errors.items()})
    expected = {"rel_err", "rel_err_lse", "rel_err_dq"}
    if visibility != "depth_only":
        expected |= {"rel_err_dk", "rel_err_dv"}
    if L > 0:
        expected |= {"rel_err_dkd", "rel_err_dvd"}
    assert expected <= set(errors)
    tolerance = TOLERANCE[DTYPE]
    bad = {name: e for name, e in errors.items()
           if name.startswith("rel_err") and not e <= tolerance}
    assert not bad, f"errors above {tolerance}: {bad}"
    return errors


@pytest.mark.parametrize("name", list(CASES))
def test_packed_forward_and_all_gradients_match_float64(name):
    check_case(CASES[name])


def test_packed_calls_get_packed_kernels():
    """A packed call's variant is packed (never strided) and its kernels are
    packed kernels; the same tensors padded ([1, N, ...]) are another
    variant."""
    inputs, _, _, _ = make_inputs(CASES["uneven-g4-d64-causal"])
    q, k, v, depth_k, depth_v = (t.detach() for t in inputs)
    variant = moda.ops._variant(q, k, v, depth_k, depth_v, True, None, "per_position", 0,
                                packed=True)
    assert variant.packed and not variant.strided and variant.name.endswith("_packed")
    kernels = moda.ops.kernels_for(variant, q.device)
    assert kernels.forward.packed and kernels.backward.packed
    padded = moda.ops._variant(q[None], k[None], v[None], depth_k[None], depth_v[None], True,
                               None, "per_position", 0)
    assert not padded.packed and padded != variant


def test_compile_fullgraph():
    """torch.compile(fullgraph=True): no graph break (fullgraph raises on
    one), forward and backward through the compiled graph agree with
    float64; a second call with other lengths (and another max_seqlen)
    runs too."""
    torch._dynamo.reset()

    def step(q, k, v, depth_k, depth_v, **options):
        return moda.attention(q, k, v, depth_k, depth_v, **options)
    compiled = torch.compile(step, fullgraph=True)
    check_case(CASES["uneven-g4-d64-causal"], attention=compiled)
    check_case(("per_position", True, None, 64, 8, 2, 3, [3, 90, 0, 41], None),
               attention=compiled)


@pytest.mark.parametrize("lengths", [[0, 0, 0], []], ids=["empty-sequences", "no-sequence"])
def test_no_tokens(lengths):
    """Offsets of sequences without tokens (N = 0): empty outputs and
    gradients, nothing launched."""
    inputs, cu_seqlens, _, _ = make_inputs(
        ("per_position", True, None, 64, 8, 2, 3, lengths, 0))
    out, lse = moda.attention(*inputs, cu_seqlens=cu_seqlens, max_seqlen=0, return_lse=True)
    assert out.shape == (0, 8, 64) and lse.shape == (8, 0)
    out.sum().backward()
    for t in inputs:
        assert t.grad is not None and t.grad.shape == t.shape


def test_opcheck_packed():
    """torch.library.opcheck of both operators on packed inputs: schema,
    fake tensor (the packed shapes), autograd registration and AOT
    dispatch agree with eager."""
    fresh_seed()
    inputs, cu_seqlens, _, max_seqlen = make_inputs(
        ("per_position", True, None, 64, 8, 2, 3, [20, 1, 0, 19], None))
    q, k, v, dk, dv = inputs
    attributes = (True, None, "per_position", 0, cu_seqlens, max_seqlen)
    # The forward's last argument, decode, is False: the training variant.
    torch.library.opcheck(torch.ops.moda.attention_fwd.default,
                          (q, k, v, dk, dv) + attributes + (False,))
    out, lse = torch.ops.moda.attention_fwd(q, k, v, dk, dv, *attributes, False)
    assert lse.shape == (8, q.shape[0])
    d_out = torch.randn_like(out)
    torch.library.opcheck(torch.ops.moda.attention_bwd.default,
                          (d_out, q.detach(), k.detach(), v.detach(), dk.detach(), dv.detach(),
                           out.detach(), lse) + attributes)
