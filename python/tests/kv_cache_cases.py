"""The decoding cases of python/tests/gpu/test_kv_cache_gpu.py, without
PyTorch, and the kernel variants they run, so that a CPU test
(test_kv_cache_bundle.py) can check that bench/torch-op-variants.json bundles
every one of them: the GPU machine has no compiler.

A case is (dtype, batch, Hq, Hk, D, depth entries L, tokens per step). The
first step (the prefill) runs the training variant's forward: dense for
B = 1 (the cache's view of one sequence is contiguous), views for B > 1;
every later step a decoding variant of (B, T), which takes views
(python/moda/kv_cache.py)."""

from moda import Variant

CASES = [
    ("bf16", 1, 8, 2, 64, 3, [37, 1, 4, 1]),
    ("f16", 3, 8, 2, 64, 0, [20, 1, 2]),
    ("bf16", 2, 16, 2, 128, 5, [70, 1, 16]),
    ("f32", 1, 4, 2, 64, 2, [3, 1]),            # CUDA cores: no split
    # 266 key tiles in 66 shares: four or five tiles a share.
    ("bf16", 1, 8, 2, 64, 3, [17000, 1, 1]),
]

# Paged caches: (dtype, batch, Hq, Hk, D, depth entries L, tokens per step,
# page size), each cache of capacity sum(steps) + 5. The prefill runs the
# dense training variant on its own tokens; every later step (a step of 20
# tokens too) a paged decoding variant. Each sequence's prefill fits one
# page and a later step crosses into a second, so the sequences' pages
# interleave in the pool.
PAGED_CASES = [
    ("bf16", 2, 8, 2, 64, 3, [60, 1, 3, 1], 64),
    ("f16", 1, 16, 2, 128, 0, [31, 1, 1], 32),
    ("bf16", 3, 8, 1, 64, 2, [120, 1, 20], 128),
]


def capacity_of(steps):
    return sum(steps) + 5


def pages_per_entry(steps, page_size):
    return -(-capacity_of(steps) // page_size)


# The language model the GPU test decodes (generate_moda_lm.py): bf16,
# Hq 8, Hk 2, D 64, two sequences, a 30-token prompt, then single tokens;
# its full forward runs the training variant (dense, and views for the
# depth stream's entries).
MODEL = ("bf16", 2, 8, 2, 64)


def variants_run():
    """Every variant the GPU test's cases and model run."""
    needed = set()
    for dtype, batch, hq, hk, d, _, steps in CASES:
        needed.add(Variant.make(dtype, hq, hk, d, strided=batch > 1))
        for tokens in steps[1:]:
            needed.add(Variant.make(dtype, hq, hk, d, strided=True, decode_batch=batch,
                                    decode_queries=tokens))
    for dtype, batch, hq, hk, d, _, steps, page_size in PAGED_CASES:
        needed.add(Variant.make(dtype, hq, hk, d))
        for tokens in steps[1:]:
            needed.add(Variant.make(dtype, hq, hk, d, strided=True, decode_batch=batch,
                                    decode_queries=tokens, page_size=page_size,
                                    pages_per_entry=pages_per_entry(steps, page_size)))
    dtype, batch, hq, hk, d = MODEL
    needed |= {Variant.make(dtype, hq, hk, d), Variant.make(dtype, hq, hk, d, strided=True),
               Variant.make(dtype, hq, hk, d, strided=True, decode_batch=batch,
                            decode_queries=1)}
    return needed
