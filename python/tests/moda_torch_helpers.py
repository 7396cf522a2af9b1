"""Helpers of the PyTorch tests (CPU and GPU): tolerances, fresh seeds, the
float64 reference as moda.attention's stand-in (reference gradients:
moda.reference.reference_forward_and_grads). Imported only by tests that have PyTorch."""

import torch

from moda.reference import attention_reference, relative_error

TOLERANCE = {torch.bfloat16: 4e-3, torch.float16: 1e-3, torch.float32: 1e-5}


def fresh_seed():
    """A new seed per case (printed, so that a failure can be replayed)."""
    seed = torch.seed() % (2**31)
    torch.manual_seed(seed)
    print(f"seed {seed}")
    return seed


def max_relative_errors(actual, expected):
    return [relative_error(a, e) for a, e in zip(actual, expected)]


def reference_attention(q, k, v, depth_k=None, depth_v=None, *, causal=True, scale=None,
                        visibility="per_position", chunk_size=None):
    """moda.attention's signature over the float64 reference (differentiable)."""
    out, _ = attention_reference(q, k, v, depth_k, depth_v, causal=causal,
                                 visibility=visibility, chunk_size=chunk_size or 0,
                                 scale=scale)
    return out
