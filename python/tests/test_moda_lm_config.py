"""The MoDA language model's configuration, without PyTorch
(examples/moda_lm/config.py): the depth each layer reads, the stream's
capacity, the kernel variants the GPU run's bundle must hold, and the
visibility rule of the FlexAttention formulation against MoDA's
per-position rule (MODA.md section 2), including the block-mask argument
that lets one compiled flex_attention serve every layer."""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "examples"))
sys.path.insert(0, str(ROOT / "python"))

from moda.variant import Variant  # noqa: E402
from moda_lm import config as c  # noqa: E402


def test_depth_per_layer():
    attn = c.BROWN24.with_(depth="attn")
    ffn = c.BROWN24.with_(depth="attn_ffn")
    window = ffn.with_(window=8)
    none = c.BROWN24.with_(depth="none")
    assert [attn.depth_len(l) for l in range(4)] == [0, 1, 2, 3]
    assert [ffn.depth_len(l) for l in range(4)] == [0, 2, 4, 6]          # MODA.md section 4
    assert [window.depth_len(l) for l in (0, 3, 4, 5, 23)] == [0, 6, 8, 8, 8]
    assert none.max_depth_len == 0 and ffn.max_depth_len == 46 and attn.max_depth_len == 23
    # Every appended entry fits (the last layer appends none); a window
    # stream is twice the window.
    assert ffn.stream_capacity == 46 and attn.stream_capacity == 23
    assert window.stream_capacity == 16


def test_paper_scale_and_the_ffn_kv_projection():
    base = c.BROWN24
    assert (base.n_layers, base.d_model, base.heads_q, base.heads_kv, base.head_dim) == \
        (24, 384, 6, 2, 64)                                   # the paper's Table 6
    assert base.heads_q * base.head_dim == base.d_model
    extra = base.with_(depth="attn_ffn").parameters() - base.with_(depth="attn").parameters()
    # One [d_model, 2 Hk D] matrix per layer that has a reader (23 of 24).
    assert extra == 23 * 384 * 2 * 2 * 64
    assert base.with_(depth="attn").parameters() == base.with_(depth="none").parameters()
    b8 = c.BENCH8
    assert (b8.n_layers, b8.d_model, b8.heads_q, b8.heads_kv, b8.head_dim) == (8, 1024, 16, 4, 64)


def test_invalid_configs():
    with pytest.raises(ValueError):
        c.ModelConfig(depth="dense")
    with pytest.raises(ValueError):
        c.ModelConfig(heads_q=6, heads_kv=4)
    with pytest.raises(ValueError):
        c.ModelConfig(depth="none", window=4)


def test_runs_and_the_bundle_variants_file():
    configs = c.run_configs(c.BROWN24, list(c.RUNS), window=6)
    assert [configs[n].depth for n in c.RUNS] == ["none", "attn", "attn_ffn", "attn_ffn"]
    assert configs["moda_window"].window == 6 and configs["moda"].window is None
    needed = c.bundle_variants(list(configs.values()) + [c.BENCH8])
    assert needed == [c.BROWN24.variant(), c.BENCH8.variant()]
    # bench/model-variants.json (what bench/run_model_gpu.sh's bundle is
    # compiled from) holds every variant the example and the benchmark run.
    listed = [Variant.from_json(v) for v in
              json.loads((ROOT / "bench" / "model-variants.json").read_text())]
    for variant in needed:
        assert Variant.from_json(variant) in listed, variant


def moda_visible_keys(q, seq, depth_len):
    """MoDA's per-position rule, as keys of the concatenated sequence: the
    causal sequence keys s <= q and depth entries (position q, slot l < L)."""
    return {s for s in range(seq) if s <= q} | \
        {c.flex_depth_index(seq, q, l) for l in range(depth_len)}


@pytest.mark.parametrize("seq,max_depth", [(5, 0), (7, 3), (16, 4)])
def test_flex_mask_is_modas_visibility(seq, max_depth):
    kv_len = c.flex_kv_len(seq, max_depth)
    assert kv_len == seq * (1 + max_depth)
    indices = {c.flex_depth_index(seq, t, l) for t in range(seq) for l in range(max_depth)}
    assert indices == set(range(seq, kv_len))                 # a bijection onto the depth part
    for depth_len in range(max_depth + 1):
        for q in range(seq):
            seen = {kv for kv in range(kv_len) if c.flex_visible(q, kv, seq, depth_len)}
            assert seen == moda_visible_keys(q, seq, depth_len)
            assert len(seen) == q + 1 + depth_len


@pytest.mark.parametrize("seq,block", [(8, 4), (12, 4), (8, 8)])
def test_one_mask_mod_for_every_layer(seq, block):
    """With T a multiple of the block size, the block mask of
    flex_visible(L) plus the L-free flex_visible_any_depth inside its
    blocks is exactly flex_visible(L) (what FlexMoDA relies on)."""
    max_depth = 3
    for depth_len in range(max_depth + 1):
        blocks = c.flex_blocks(seq, max_depth, depth_len, block)
        for q in range(seq):
            for kv in range(c.flex_kv_len(seq, max_depth)):
                kept = (q // block, kv // block) in blocks and \
                    c.flex_visible_any_depth(q, kv, seq)
                assert kept == c.flex_visible(q, kv, seq, depth_len), (depth_len, q, kv)


def test_one_mask_mod_needs_whole_blocks_per_slot():
    # T = 5 with blocks of 4: a key block straddles slots 0 and 1, so with
    # L = 1 the L-free rule lets queries see padding slot 1: why FlexMoDA
    # needs T % 128 == 0.
    seq, block, max_depth, depth_len = 5, 4, 2, 1
    blocks = c.flex_blocks(seq, max_depth, depth_len, block)
    leaks = [(q, kv) for q in range(seq) for kv in range(c.flex_kv_len(seq, max_depth))
             if (q // block, kv // block) in blocks and c.flex_visible_any_depth(q, kv, seq)
             and not c.flex_visible(q, kv, seq, depth_len)]
    assert leaks
