"""moda.autograd on a GPU: loss.backward() runs moda's forward and backward
kernels; the gradients match torch autograd through the float64 reference.
Needs the artifacts of bench/grad_check_suite.py compile (MODA_GRAD_ARTIFACTS)."""

import os
from pathlib import Path

import pytest
import torch

import moda.autograd
from moda.reference import reference_forward_and_grads, relative_error
from moda.results import TOLERANCE

ARTIFACTS = Path(os.environ.get(
    "MODA_GRAD_ARTIFACTS",
    Path(__file__).resolve().parents[3] / "bench" / "grad-artifacts"))


@pytest.mark.parametrize("name,dtype,B,T,S,L,visibility,chunk", [
    ("per_position_bf16_d64_g4_causal", torch.bfloat16, 2, 200, 200, 7, "per_position", 0),
    ("per_position_f16_d128_g2_full", torch.float16, 1, 63, 63, 1, "per_position", 0),
    ("per_position_bf16_d64_g16_causal", torch.bfloat16, 1, 63, 200, 64, "per_position", 0),
    ("chunk_bf16_d64_g8_causal", torch.bfloat16, 1, 333, 333, 7, "chunk", 64),
    ("depth_only_f16_d64_g2_full", torch.float16, 1, 200, 0, 7, "depth_only", 0),
])
def test_loss_backward_matches_float64(name, dtype, B, T, S, L, visibility, chunk):
    kernels = moda.autograd.load_training(str(ARTIFACTS / name))
    Hq, Hk, D = (kernels.forward.num_query_heads, kernels.forward.num_kv_heads,
                 kernels.forward.head_dim)
    make = lambda *shape: torch.randn(*shape, device="cuda", dtype=dtype,  # noqa: E731
                                      requires_grad=True)
    q = make(B, T, Hq, D)
    k = v = None
    if visibility != "depth_only":
        k, v = make(B, S, Hk, D), make(B, S, Hk, D)
    kd, vd = make(B, T, L, Hk, D), make(B, T, L, Hk, D)
    target = torch.randn(B, T, Hq, D, device="cuda", dtype=dtype)
    # A loss whose upstream gradient is not a dense tensor of out's layout.
    loss = (moda.autograd.attention(q, k, v, kd, vd, kernels).float()
            * target.float()).sum()
    loss.backward()
    _, _, expected = reference_forward_and_grads(
        (q, k, v, kd, vd), target, causal=kernels.forward.causal, visibility=visibility,
        chunk_size=chunk, scale=kernels.forward.scale)
    tolerance = TOLERANCE["bf16" if dtype == torch.bfloat16 else "f16"]
    for t, ref, grad_name in zip((q, k, v, kd, vd), expected,
                                 ("dq", "dk", "dv", "dkd", "dvd")):
        if t is None:
            continue
        assert t.grad is not None, grad_name
        assert relative_error(t.grad, ref) <= tolerance, grad_name


def test_backward_requires_a_backward_kernel():
    kernels = moda.autograd.load_training(
        str(ARTIFACTS / "per_position_bf16_d64_g4_causal"))
    with pytest.raises(moda.ModaError):
        moda.autograd.TrainingKernels(kernels.backward, kernels.forward)
