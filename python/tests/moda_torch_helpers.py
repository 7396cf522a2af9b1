"""Helpers of the PyTorch tests (CPU and GPU): tolerances, fresh seeds, the
float64 reference as moda.attention's stand-in and as the source of
reference gradients. Imported only by tests that have PyTorch."""

import torch

from moda.reference import attention_reference, packed_attention_reference, relative_error

TOLERANCE = {torch.bfloat16: 4e-3, torch.float16: 1e-3, torch.float32: 1e-5}


def fresh_seed():
    """A new seed per case (printed, so that a failure can be replayed)."""
    seed = torch.seed() % (2**31)
    torch.manual_seed(seed)
    print(f"seed {seed}")
    return seed


def reference_forward_and_grads(inputs, d_out, *, causal, visibility, chunk, scale,
                                cu_seqlens=None):
    """out, lse and the gradients of (out * d_out).sum() w.r.t. q, k, v,
    depth_k, depth_v, all float64 (torch autograd through moda.reference);
    with cu_seqlens the inputs hold packed sequences (each sequence's
    reference alone, moda.reference.packed_attention_reference)."""
    leaves = [None if t is None else t.detach().double().requires_grad_(True)
              for t in inputs]
    options = dict(causal=causal, visibility=visibility, chunk_size=chunk, scale=scale)
    if cu_seqlens is None:
        out, lse = attention_reference(*leaves, **options)
    else:
        out, lse = packed_attention_reference(*leaves, cu_seqlens, **options)
    (out * d_out.double()).sum().backward()
    grads = [None if t is None else
             (t.grad if t.grad is not None else torch.zeros_like(t)) for t in leaves]
    return out.detach(), lse.detach(), grads


def max_relative_errors(actual, expected):
    return [relative_error(a, e) for a, e in zip(actual, expected)]


def reference_attention(q, k, v, depth_k=None, depth_v=None, *, causal=True, scale=None,
                        visibility="per_position", chunk_size=None):
    """moda.attention's signature over the float64 reference (differentiable)."""
    out, _ = attention_reference(q, k, v, depth_k, depth_v, causal=causal,
                                 visibility=visibility, chunk_size=chunk_size or 0,
                                 scale=scale)
    return out
