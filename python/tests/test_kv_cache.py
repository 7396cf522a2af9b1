"""moda.KVCache and moda.attention_with_kv_cache without a GPU (needs
PyTorch: run by bench/run_torch_gpu.sh): the cache's slots and steps, and
refused calls that leave the cache as it was. The kernels' results are
python/tests/gpu/test_kv_cache_gpu.py's."""

import pytest

torch = pytest.importorskip("torch")

import moda  # noqa: E402
from moda import ModaError, ModaTypeError, ModaValueError  # noqa: E402
from moda.kv_cache import KVCache, attention_with_kv_cache  # noqa: E402


def small_cache(**changes):
    options = dict(batch=2, capacity=10, num_layers=3, heads_kv=2, head_dim=8,
                   dtype=torch.float32, device="cpu")
    options.update(changes)
    return KVCache(**options)


def new_kv(tokens, batch=2):
    return torch.randn(batch, tokens, 2, 8), torch.randn(batch, tokens, 2, 8)


def test_steps_write_their_slots_and_return_views_of_everything_cached():
    cache = small_cache()
    steps = [new_kv(4), new_kv(1), new_kv(3)]
    for number, (k, v) in enumerate(steps):
        for layer in range(3):
            cached_k, cached_v = cache.update(layer, k + layer, v - layer)
            end = sum(s[0].shape[1] for s in steps[:number + 1])
            assert cached_k.shape == (2, end, 2, 8)
            assert cached_k.data_ptr() == cache.k[layer].data_ptr()   # a view
            expected_k = torch.cat([s[0] + layer for s in steps[:number + 1]], dim=1)
            expected_v = torch.cat([s[1] - layer for s in steps[:number + 1]], dim=1)
            assert torch.equal(cached_k, expected_k) and torch.equal(cached_v, expected_v)
        assert torch.equal(cache.positions(k.shape[1]),
                           torch.arange(len(cache), len(cache) + k.shape[1]))
        cache.advance()
    assert len(cache) == 8
    cache.reset()
    assert len(cache) == 0


def test_a_step_is_one_token_count_each_layer_once_and_within_capacity():
    cache = small_cache()
    cache.update(0, *new_kv(3))
    with pytest.raises(ModaValueError, match="writes 3 tokens a layer"):
        cache.update(1, *new_kv(2))
    with pytest.raises(ModaValueError, match="written twice"):
        cache.update(0, *new_kv(3))
    with pytest.raises(ModaValueError, match=r"before layers \[1, 2\]"):
        cache.advance()
    cache.update(1, *new_kv(3))
    cache.update(2, *new_kv(3))
    cache.advance()
    with pytest.raises(ModaValueError, match="holds 10 tokens: 3 cached and 8 new"):
        cache.update(0, *new_kv(8))
    with pytest.raises(ModaValueError, match="without a step"):
        cache.advance()


def test_bad_writes_are_refused():
    cache = small_cache()
    with pytest.raises(ModaValueError, match="layer 3 of a cache of 3"):
        cache.update(3, *new_kv(1))
    with pytest.raises(ModaValueError, match=r"\[B, T, Hk, D\]"):
        cache.update(0, *new_kv(1, batch=3))
    k, v = new_kv(1)
    with pytest.raises(ModaTypeError, match="dtype"):
        cache.update(0, k.double(), v.double())
    for bad in (dict(capacity=0), dict(heads_kv=-1), dict(depth_capacity=-2)):
        with pytest.raises(ModaValueError):
            small_cache(**bad)


def test_depth_streams_follow_the_cache():
    assert small_cache().new_depth_stream(2) is None
    stream = small_cache(depth_capacity=4, depth_window=2).new_depth_stream(3)
    assert isinstance(stream, moda.DepthStream)
    assert stream.k_buffer.shape == (2, 3, 4, 2, 8)
    assert stream.window == 2


def test_refused_calls_leave_the_cache_as_it_was():
    cache = small_cache(dtype=torch.bfloat16)
    q = torch.randn(2, 1, 4, 8, dtype=torch.bfloat16)
    k, v = (t.bfloat16() for t in new_kv(1))
    with pytest.raises(ModaError, match="no_grad"):
        attention_with_kv_cache(q.requires_grad_(), k, v, cache, 0)
    q = q.detach()
    with pytest.raises(TypeError):          # per-position depth only
        attention_with_kv_cache(q, k, v, cache, 0, visibility="chunk", chunk_size=4)
    with pytest.raises(ModaValueError, match="agree in B and T"):
        attention_with_kv_cache(q[:, :0], k, v, cache, 0)
    depth = torch.randn(2, 1, 3, 2, 4, dtype=torch.bfloat16)       # D = 4, not 8
    with pytest.raises(ModaValueError, match="depth_k and depth_v"):
        attention_with_kv_cache(q, k, v, cache, 0, depth, depth)
    with pytest.raises(ModaTypeError, match="moda.KVCache"):
        attention_with_kv_cache(q, k, v, object(), 0)
    with pytest.raises(ModaValueError, match="one CUDA device"):      # a CPU cache
        attention_with_kv_cache(q, k, v, cache, 0)
    # Nothing was written: layer 0 takes a step of any size still.
    cache.update(0, *(t.bfloat16() for t in new_kv(2)))


def gather_pages(cache, layer, tokens):
    """A paged cache's keys and values of `layer` as [B, tokens, Hk, D],
    through its block table (what the paged kernels read)."""
    positions = torch.arange(tokens)
    pages = cache.block_table[:, positions // cache.page_size].long()
    rows = (positions % cache.page_size).expand_as(pages)
    return cache.k[layer][pages, rows], cache.v[layer][pages, rows]


def test_a_paged_cache_takes_pages_as_it_grows_and_gives_them_back():
    cache = small_cache(capacity=100, page_size=32)
    assert cache.is_paged and cache.block_table.shape == (2, 4)     # 4 pages of 32
    assert cache.k.shape == (3, 8, 32, 2, 8)                       # a pool of 2 x 4
    steps = [new_kv(30), new_kv(1), new_kv(2), new_kv(40)]
    for number, (k, v) in enumerate(steps):
        for layer in range(3):
            pool_k, pool_v = cache.update(layer, k + layer, v - layer)
            assert pool_k.data_ptr() == cache.k[layer].data_ptr()   # the layer's pool
            end = len(cache) + k.shape[1]
            expected_k = torch.cat([s[0] + layer for s in steps[:number + 1]], dim=1)
            expected_v = torch.cat([s[1] - layer for s in steps[:number + 1]], dim=1)
            got_k, got_v = gather_pages(cache, layer, end)
            assert torch.equal(got_k, expected_k) and torch.equal(got_v, expected_v)
        cache.advance()
        used = -(-len(cache) // 32)
        pages = cache.block_table[:, :used].flatten().tolist()
        assert len(set(pages)) == len(pages) == 2 * used           # distinct pages
    assert len(cache) == 73
    cache.reset()
    assert len(cache) == 0 and not cache.block_table.any()
    # Every page is back: two sequences fill the whole pool again.
    for layer in range(3):
        cache.update(layer, *new_kv(100))
    assert sorted(cache.block_table.flatten().tolist()) == list(range(8))


def test_a_paged_pool_that_runs_short_is_refused_before_anything_is_taken():
    cache = small_cache(capacity=100, page_size=32, num_pages=3)
    for layer in range(3):
        cache.update(layer, *new_kv(32))                            # a page each
    cache.advance()
    with pytest.raises(ModaValueError, match="pool of 3 pages has 1 free; 33 tokens of 2 "
                                             "sequences need 2 more"):
        cache.update(0, *new_kv(1))
    assert cache._free_pages == [2] and len(cache) == 32
    with pytest.raises(ModaValueError, match="multiple of 32"):
        small_cache(page_size=48)
    with pytest.raises(ModaValueError, match="num_pages needs a page_size"):
        small_cache(num_pages=4)
    with pytest.raises(ModaValueError, match="num_pages must be positive"):
        small_cache(page_size=32, num_pages=0)


def test_a_failed_paged_step_gives_its_pages_back():
    cache = small_cache(capacity=100, page_size=32)
    for layer in range(3):
        cache.update(layer, *new_kv(32))
    cache.advance()
    table, free = cache.block_table.clone(), list(cache._free_pages)
    cache.update(0, *new_kv(1))                    # takes a second page each
    assert len(cache._free_pages) == len(free) - 2
    cache._unwrite(0)                              # the attention call failed
    assert cache._free_pages == free and torch.equal(cache.block_table, table)
    assert cache._pages == [[table[0, 0].item()], [table[1, 0].item()]]
