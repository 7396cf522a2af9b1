"""MoDA as a differentiable PyTorch operation: moda's forward kernel in the
forward pass, moda's backward kernels (dq, dkv, d_depth) in the backward pass.

    import moda.autograd
    kernels = moda.autograd.load_training("artifacts/")     # see below
    out = moda.autograd.attention(q, k, v, depth_k, depth_v, kernels)
    loss = (out * target).sum()
    loss.backward()            # q.grad, k.grad, v.grad, depth_k.grad, depth_v.grad

A training pair is what moda-compile writes for a module holding one
moda.attention and the moda.attention_grad of its output
(`moda.ir.training_module`): `moda_attention_0.json` (forward) and
`moda_attention_grad_0.json` (backward), compiled for the same variant.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import torch

from .kernel import Kernel
from .operands import as_kernel_operand
from .runtime import ModaError


@dataclass
class TrainingKernels:
    """The forward and backward kernels of one MoDA variant."""

    forward: Kernel
    backward: Kernel

    def __post_init__(self):
        if self.forward.op != "attention" or self.backward.op != "attention_grad":
            raise ModaError("MODA_ERROR_INVALID_ARGUMENT",
                            "a training pair is an attention kernel and an "
                            "attention_grad kernel")
        for field in ("element_type", "causal", "visibility", "chunk_size",
                      "num_query_heads", "num_kv_heads", "head_dim"):
            if getattr(self.forward, field) != getattr(self.backward, field):
                raise ModaError("MODA_ERROR_INVALID_ARGUMENT",
                                f"forward and backward kernels differ in {field}")
        if abs(self.forward.scale - self.backward.scale) > 1e-12 * abs(self.forward.scale):
            raise ModaError("MODA_ERROR_INVALID_ARGUMENT",
                            "forward and backward kernels differ in scale")


def load_training(directory: str, index: int = 0) -> TrainingKernels:
    """Loads `moda_attention_<index>.json` and `moda_attention_grad_<index>.json`
    from `directory`."""
    d = Path(directory)
    return TrainingKernels(Kernel(str(d / f"moda_attention_{index}.json")),
                           Kernel(str(d / f"moda_attention_grad_{index}.json")))


class _BothKernels:
    """The forward's inputs are the backward's too: a view only where both
    kernels take it as one."""

    def __init__(self, kernels: TrainingKernels):
        self.kernels = kernels

    def is_strided(self, name: str) -> bool:
        return (self.kernels.forward.is_strided(name)
                and self.kernels.backward.is_strided(name))


class _ModaAttention(torch.autograd.Function):
    """out = MoDA(q, k, v, depth_k, depth_v); lse is returned as a
    non-differentiable second output (it is what the backward needs)."""

    @staticmethod
    def forward(ctx, kernels, poison_grads, q, k, v, depth_k, depth_v):
        out, lse = kernels.forward(q, k, v, depth_k, depth_v)
        ctx.kernels = kernels
        ctx.poison_grads = poison_grads
        ctx.present = (k is not None, depth_k is not None)
        saved = [q, out, lse]
        if k is not None:
            saved += [k, v]
        if depth_k is not None:
            saved += [depth_k, depth_v]
        ctx.save_for_backward(*saved)
        ctx.mark_non_differentiable(lse)
        return out, lse

    @staticmethod
    def backward(ctx, d_out, _d_lse):
        saved = list(ctx.saved_tensors)
        q, out, lse = saved[:3]
        rest = saved[3:]
        has_kv, has_depth = ctx.present
        k = v = depth_k = depth_v = None
        if has_kv:
            k, v, rest = rest[0], rest[1], rest[2:]
        if has_depth:
            depth_k, depth_v = rest[0], rest[1]
        if d_out is None:
            d_out = torch.zeros_like(out)
        # An upstream gradient may be a view (an expanded scalar, a
        # transpose) the backward kernel cannot read where it lies.
        d_out = as_kernel_operand(ctx.kernels.backward, "d_out", d_out.to(out.dtype))
        dq, dk, dv, ddk, ddv = ctx.kernels.backward.backward(
            q, k, v, depth_k, depth_v, out, lse, d_out, poison=ctx.poison_grads)
        return None, None, dq, dk, dv, ddk, ddv


def attention(q, k, v, depth_k, depth_v, kernels: TrainingKernels,
              return_lse: bool = False, poison_grads: bool = False):
    """Differentiable MoDA on CUDA tensors in the framework layouts
    (q [B,T,Hq,D]; k, v [B,S,Hk,D] or None for depth_only; depth_k, depth_v
    [B,T,L,Hk,D] or None). An input both kernels take as a view (their
    manifests mark it strided) is read where it lies; any other the kernels
    cannot read where it lies is copied (moda.operands), the copy part of
    the autograd graph. `poison_grads` fills the gradient buffers with NaN
    before the backward kernels run (tests: an element they leave unwritten
    shows)."""
    both = _BothKernels(kernels)
    q, k, v, depth_k, depth_v = (
        as_kernel_operand(both, name, t) for name, t in
        (("q", q), ("k", k), ("v", v), ("depth_k", depth_k), ("depth_v", depth_v)))
    out, lse = _ModaAttention.apply(kernels, poison_grads, q, k, v, depth_k,
                                    depth_v)
    return (out, lse) if return_lse else out
