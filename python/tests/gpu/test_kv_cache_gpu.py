"""moda.attention_with_kv_cache on the GPU: a prompt's prefill and decoding
steps against a growing moda.KVCache, each step's out and lse against the
float64 reference over everything cached; the decoding variants' kernels
(B and T static, the cache length dynamic) split the keys when B * Hk
blocks leave the GPU idle. And the language model of examples/moda_lm
decoding through the cache against its own full forward.

Kernels: the bundle of bench/torch-op-variants.json (run_torch_gpu.sh)."""

import sys
from pathlib import Path

import pytest
import torch

from moda import ops
from moda.kv_cache import KVCache, attention_with_kv_cache
from moda.reference import attention_reference, lse_error, relative_error

import kv_cache_cases
from moda_torch_helpers import TOLERANCE, fresh_seed

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")

# kv_cache_cases.CASES with torch dtypes: (dtype, batch, Hq, Hk, D, depth
# entries L, tokens per step); test_kv_cache_bundle.py checks that the
# bundle holds the variants they run.
DTYPES = {"bf16": torch.bfloat16, "f16": torch.float16, "f32": torch.float32}
CASES = [(DTYPES[dtype], *rest) for dtype, *rest in kv_cache_cases.CASES]


def loaded_decoding_kernels():
    return {variant: kernel for (variant, _), kernel in ops._loaded.items()
            if variant.is_decoding}


def decode_against_float64(cache, steps, hq, depth):
    """Runs a prefill and decoding steps of `steps` tokens through `cache`
    (two layers), checking each step's out and lse against the float64
    reference over everything cached."""
    batch, dtype = cache.batch, cache.k.dtype
    hk, d = cache.k.shape[3:]
    history_k = [[] for _ in range(cache.num_layers)]
    history_v = [[] for _ in range(cache.num_layers)]
    with torch.no_grad():
        for tokens in steps:
            for layer in range(cache.num_layers):
                q = torch.randn(batch, tokens, hq, d, device="cuda", dtype=dtype)
                k = torch.randn(batch, tokens, hk, d, device="cuda", dtype=dtype)
                v = torch.randn(batch, tokens, hk, d, device="cuda", dtype=dtype)
                dk = torch.randn(batch, tokens, depth, hk, d, device="cuda", dtype=dtype)
                dv = torch.randn(batch, tokens, depth, hk, d, device="cuda", dtype=dtype)
                out, lse = attention_with_kv_cache(q, k, v, cache, layer, dk, dv,
                                                   return_lse=True)
                history_k[layer].append(k)
                history_v[layer].append(v)
                ref_out, ref_lse = attention_reference(
                    q, torch.cat(history_k[layer], dim=1), torch.cat(history_v[layer], dim=1),
                    dk, dv, causal=True, visibility="per_position")
                assert relative_error(out, ref_out) < TOLERANCE[dtype], (tokens, layer)
                assert lse_error(lse, ref_lse) < TOLERANCE[dtype], (tokens, layer)
            cache.advance()
    assert len(cache) == sum(steps)


@pytest.mark.parametrize("case", CASES, ids=lambda c: str(c))
def test_steps_match_float64_over_the_whole_cache(case):
    dtype, batch, hq, hk, d, depth, steps = case
    fresh_seed()
    cache = KVCache(batch, sum(steps) + 5, 2, hk, d, dtype=dtype, device="cuda")
    decode_against_float64(cache, steps, hq, depth)
    decoding = loaded_decoding_kernels()
    for tokens in steps[1:]:
        assert any(v.decode_batch == batch and v.decode_queries == tokens and v.strided
                   and v.num_query_heads == hq and v.head_dim == d for v in decoding)


PAGED_CASES = [(DTYPES[dtype], *rest) for dtype, *rest in kv_cache_cases.PAGED_CASES]


@pytest.mark.parametrize("case", PAGED_CASES, ids=lambda c: str(c))
def test_paged_steps_match_float64_over_the_whole_cache(case):
    """A paged cache: the sequences' pages interleave in the pool, and
    every step after the prefill reads them through the block table."""
    dtype, batch, hq, hk, d, depth, steps, page_size = case
    fresh_seed()
    cache = KVCache(batch, kv_cache_cases.capacity_of(steps), 2, hk, d, dtype=dtype,
                    device="cuda", page_size=page_size)
    decode_against_float64(cache, steps, hq, depth)
    # Each sequence took its first page in the prefill, its second after
    # every sequence's first.
    assert cache.block_table[0, 1].item() == batch
    paged = {variant for variant in loaded_decoding_kernels() if variant.is_paged}
    for tokens in steps[1:]:
        assert any(v.decode_batch == batch and v.decode_queries == tokens
                   and v.page_size == page_size and v.head_dim == d for v in paged)


def test_one_token_steps_split_the_keys():
    """B = 1, Hk = 2: two blocks would stream the cache; the configuration
    pass splits it (kv_splits = 132 / 2 = 66 for a dynamic cache length)."""
    test_steps_match_float64_over_the_whole_cache(CASES[0])
    kernel = next(kernel for variant, kernel in loaded_decoding_kernels().items()
                  if variant.decode_batch == 1 and variant.decode_queries == 1
                  and variant.dtype == "bf16" and variant.head_dim == 64)
    assert kernel.config["kv_splits"] == 66
    assert kernel.num_launches == 2


def test_language_model_decodes_like_its_full_forward():
    """examples/generate_moda_lm.py with a random 4-layer model of
    kv_cache_cases.MODEL's heads (the bundle's variants): the logits of
    every cached step against one full forward, bf16 (its default
    tolerance)."""
    sys.path.insert(0, str(ROOT / "examples"))
    import generate_moda_lm
    dtype, batch, hq, hk, d = kv_cache_cases.MODEL
    assert generate_moda_lm.main(
        ["--data", "/nonexistent", "--dtype", dtype, "--layers", "4", "--heads-q", str(hq),
         "--heads-kv", str(hk), "--head-dim", str(d), "--prompt-length", "30", "--tokens",
         "12", "--batch", str(batch)]) == 0
