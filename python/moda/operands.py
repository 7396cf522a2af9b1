"""What a compiled kernel receives for each operand: THE one place where moda
copies an operand. A kernel whose manifest takes an operand as a view
(`strided`, docs/artifacts.md) reads a view where it lies when the view
keeps the kernels' rule; any other operand a kernel cannot read where it
lies is copied to a contiguous, 16-byte aligned tensor."""

from typing import Optional

import torch
from torch import Tensor


def is_kernel_view(tensor: Tensor) -> bool:
    """Whether a kernel that takes `tensor` as a view (its manifest marks it
    strided) can read it where it lies: 16-byte aligned, innermost stride 1,
    every other stride a non-negative multiple of 16 bytes (the runtime's
    rule, docs/artifacts.md; strides of size-1 dimensions never matter)."""
    if tensor.data_ptr() % 16 != 0:
        return False
    chunk = 16 // tensor.element_size()
    *outer, inner = [(size, stride) for size, stride in zip(tensor.shape, tensor.stride())]
    if inner[0] > 1 and inner[1] != 1:
        return False
    return all(size <= 1 or (stride >= 0 and stride % chunk == 0) for size, stride in outer)


def is_dense_operand(tensor: Tensor) -> bool:
    """Whether every kernel reads `tensor` where it lies: contiguous and
    16-byte aligned."""
    return tensor.is_contiguous() and tensor.data_ptr() % 16 == 0


def as_kernel_operand(kernel, name: str, tensor: Optional[Tensor]) -> Optional[Tensor]:
    """The tensor `kernel` receives for operand `name`: THE one place where
    moda copies an operand. A kernel that takes the operand as a view reads
    a slice of a fused projection, a DepthStream's entries() or an expanded
    tensor where it lies; otherwise (the operand is not strided in its
    manifest, or the view breaks the kernels' rule) a non-contiguous input
    is copied here."""
    if tensor is None:
        return tensor
    if kernel.is_strided(name) and is_kernel_view(tensor):
        return tensor
    if is_dense_operand(tensor):
        return tensor
    # A fresh allocation: contiguous and aligned (.contiguous() would return
    # a contiguous but misaligned tensor as it is).
    return tensor.clone(memory_format=torch.contiguous_format)
