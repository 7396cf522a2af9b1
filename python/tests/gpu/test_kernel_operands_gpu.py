"""moda.operands.as_kernel_operand, the one place moda copies an operand: a
view reaches a kernel that takes views as it lies, anything else a kernel
cannot read where it lies is copied (run on the GPU machine: CUDA tensors)."""

import pytest
import torch

from moda.operands import as_kernel_operand, is_kernel_view


class FakeKernel:
    """What as_kernel_operand asks of a kernel: which operands are views."""

    def __init__(self, strided):
        self.strided = set(strided)

    def is_strided(self, name):
        return name in self.strided


def fused_projection(B=2, T=33, Hq=8, Hk=2, D=64):
    qkv = torch.randn(B, T, Hq + 2 * Hk, D, device="cuda", dtype=torch.bfloat16)
    return qkv[:, :, :Hq], qkv[:, :, Hq:Hq + Hk], qkv[:, :, Hq + Hk:]


def test_a_view_reaches_a_kernel_that_takes_views_in_place():
    q, k, v = fused_projection()
    stream = torch.randn(2, 33, 9, 2, 64, device="cuda", dtype=torch.bfloat16)
    depth = stream[:, :, :4]  # the first 4 slots of a stream of capacity 9
    views = FakeKernel({"q", "k", "v", "depth_k"})
    for name, tensor in (("q", q), ("k", k), ("v", v), ("depth_k", depth)):
        assert not tensor.is_contiguous() and is_kernel_view(tensor)
        assert as_kernel_operand(views, name, tensor) is tensor


def test_a_kernel_of_contiguous_tensors_gets_a_copy():
    q, _, _ = fused_projection()
    copied = as_kernel_operand(FakeKernel(set()), "q", q)
    assert copied.is_contiguous() and copied.data_ptr() != q.data_ptr()
    assert torch.equal(copied, q)
    dense = torch.randn(2, 33, 8, 64, device="cuda", dtype=torch.bfloat16)
    assert as_kernel_operand(FakeKernel(set()), "q", dense) is dense


@pytest.mark.parametrize("make", [
    # The innermost dimension not contiguous (a transpose of the last two).
    lambda: torch.randn(2, 33, 64, 8, device="cuda", dtype=torch.bfloat16).transpose(2, 3),
    # Rows 60 elements apart: not a multiple of 16 bytes.
    lambda: torch.randn(2, 33, 8, 60, device="cuda", dtype=torch.bfloat16)[..., :56],
    # Not 16-byte aligned: one element into the buffer.
    lambda: torch.randn(2 * 33 * 8 * 64 + 1, device="cuda",
                        dtype=torch.bfloat16)[1:].view(2, 33, 8, 64),
])
def test_a_view_the_kernels_cannot_read_is_copied(make):
    tensor = make()
    assert not is_kernel_view(tensor)
    copied = as_kernel_operand(FakeKernel({"q"}), "q", tensor)
    assert copied.is_contiguous() and copied.data_ptr() % 16 == 0
    assert torch.equal(copied, tensor)
