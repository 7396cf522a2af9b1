"""The PyTorch reference computes long sequences in passes of rows; the
passes must agree with the one-pass computation (run where PyTorch is)."""

import pytest
import torch

from moda import reference


@pytest.mark.parametrize("causal,T,S,L", [(True, 300, 300, 5), (True, 37, 290, 3),
                                          (False, 300, 250, 0)])
def test_passes_of_rows_match_one_pass(monkeypatch, causal, T, S, L):
    torch.manual_seed(1)
    q = torch.randn(2, T, 4, 32, dtype=torch.float64)
    k, v = (torch.randn(2, S, 2, 32, dtype=torch.float64) for _ in range(2))
    dk, dv = (torch.randn(2, T, L, 2, 32, dtype=torch.float64) for _ in range(2))
    whole = reference.attention_reference(q, k, v, dk, dv, causal=causal,
                                          visibility="per_position")
    monkeypatch.setattr(reference, "ROWS_PER_PASS", 64)
    passes = reference.attention_reference(q, k, v, dk, dv, causal=causal,
                                           visibility="per_position")
    assert torch.allclose(whole[0], passes[0], rtol=0, atol=1e-12)
    assert torch.equal(torch.isneginf(whole[1]), torch.isneginf(passes[1]))
    finite = torch.isfinite(whole[1])
    assert torch.allclose(whole[1][finite], passes[1][finite], rtol=0, atol=1e-12)
