"""The forward kernels on a GPU through the Python package (run on the GPU
machine: needs PyTorch with CUDA and the suite's artifacts, see
bench/correctness_suite.py)."""

import os
from pathlib import Path

import pytest
import torch

import moda
from moda.reference import attention_reference, lse_error, relative_error
from moda.results import TOLERANCE
from moda.torch_support import _NAMES as DTYPE_NAMES

ARTIFACTS = Path(os.environ.get("MODA_ARTIFACTS",
                                Path(__file__).resolve().parents[3] / "bench" / "artifacts"))


def run_case(kernel_name, dtype, B, T, S, L, causal, visibility, chunk=0):
    kernel = moda.load(str(ARTIFACTS / kernel_name / "moda_attention_0.json"))
    Hq, Hk, D = kernel.num_query_heads, kernel.num_kv_heads, kernel.head_dim
    q = torch.randn(B, T, Hq, D, device="cuda", dtype=dtype)
    k = v = None
    if visibility != "depth_only":
        k = torch.randn(B, S, Hk, D, device="cuda", dtype=dtype)
        v = torch.randn(B, S, Hk, D, device="cuda", dtype=dtype)
    dk = torch.randn(B, T, L, Hk, D, device="cuda", dtype=dtype)
    dv = torch.randn(B, T, L, Hk, D, device="cuda", dtype=dtype)
    out = torch.full_like(q, float("nan"))
    lse = torch.full((B, Hq, T), float("nan"), device="cuda")
    kernel(q, k, v, dk, dv, out=out, lse=lse)
    ref_out, ref_lse = attention_reference(q, k, v, dk, dv, causal=causal,
                                           visibility=visibility, chunk_size=chunk,
                                           scale=kernel.scale)
    return relative_error(out, ref_out), lse_error(lse, ref_lse)


@pytest.mark.parametrize("kernel_name,dtype,B,T,S,L,causal,visibility,chunk", [
    ("per_position_bf16_d64_g4_causal", torch.bfloat16, 2, 200, 200, 7, True, "per_position", 0),
    ("per_position_f16_d128_g2_full", torch.float16, 1, 63, 63, 64, False, "per_position", 0),
    ("per_position_bf16_d64_g8_causal", torch.bfloat16, 3, 1, 300, 7, True, "per_position", 0),
    ("chunk_bf16_d64_g8_causal", torch.bfloat16, 1, 333, 333, 3, True, "chunk", 64),
    ("depth_only_f16_d64_g16_full", torch.float16, 2, 77, 0, 9, False, "depth_only", 0),
])
def test_forward_matches_reference(kernel_name, dtype, B, T, S, L, causal, visibility, chunk):
    err, err_lse = run_case(kernel_name, dtype, B, T, S, L, causal, visibility, chunk)
    assert err <= TOLERANCE[DTYPE_NAMES[dtype]]
    assert err_lse <= TOLERANCE[DTYPE_NAMES[dtype]]


def test_wrong_dtype_is_refused_before_launch():
    kernel = moda.load(str(ARTIFACTS / "per_position_bf16_d64_g4_causal" / "moda_attention_0.json"))
    q = torch.randn(1, 16, 8, 64, device="cuda", dtype=torch.float16)
    k = torch.randn(1, 16, 2, 64, device="cuda", dtype=torch.float16)
    d = torch.randn(1, 16, 1, 2, 64, device="cuda", dtype=torch.float16)
    with pytest.raises(moda.ModaError) as error:
        kernel(q, k, k, d, d)
    assert error.value.status == "MODA_ERROR_DTYPE"


def test_host_tensor_is_refused():
    kernel = moda.load(str(ARTIFACTS / "per_position_bf16_d64_g4_causal" / "moda_attention_0.json"))
    q = torch.randn(1, 16, 8, 64, dtype=torch.bfloat16)
    with pytest.raises(moda.ModaError):
        kernel(q, q, q, q, q)
