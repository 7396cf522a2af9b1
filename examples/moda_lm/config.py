"""Configurations of the MoDA language model, and what follows from them
without PyTorch: the depth each layer reads, the stream's capacity, the
kernel variants a bundle must hold, and the visibility rule of the
FlexAttention formulation (depth concatenated to the keys).

Shared by examples/train_brown_lm.py, bench/model_training.py and the tests.
"""

from dataclasses import asdict, dataclass, replace
from typing import Dict, List, Optional

DEPTH_MODES = ("none", "attn", "attn_ffn")
NORMS = ("pre", "post")


@dataclass(frozen=True)
class ModelConfig:
    """A decoder-only MoDA transformer.

    depth: "none" (plain attention, L = 0), "attn" (each layer appends its
    attention's k, v to the depth stream), "attn_ffn" (the paper's default:
    also a KV projection of each FFN's input, one [d_model, 2 * Hk * D]
    matrix per layer but the last, which appends nothing since no layer
    reads it). Layer l (from 0) then reads L = l or 2 l entries, or
    the `window` most recent of them (DepthStream's sliding window, the
    paper's section 6.2). norm: "pre" (x + f(norm(x)), a final norm) or
    "post" (norm(x + f(x))). The FFN is SwiGLU with `ffn_hidden` units.
    """

    vocab_size: int = 16384
    n_layers: int = 24
    d_model: int = 384
    heads_q: int = 6
    heads_kv: int = 2
    head_dim: int = 64
    ffn_hidden: int = 1024
    norm: str = "post"
    depth: str = "attn_ffn"
    window: Optional[int] = None
    rope_base: float = 10000.0
    tie_embeddings: bool = True

    def __post_init__(self):
        if self.depth not in DEPTH_MODES:
            raise ValueError(f"depth {self.depth!r}: one of {DEPTH_MODES}")
        if self.norm not in NORMS:
            raise ValueError(f"norm {self.norm!r}: one of {NORMS}")
        if self.heads_q % self.heads_kv:
            raise ValueError(f"heads_q {self.heads_q} is not a multiple of heads_kv "
                             f"{self.heads_kv}")
        if self.head_dim % 2:
            raise ValueError("head_dim must be even (rotary embeddings)")
        if self.window is not None and (self.depth == "none" or self.window <= 0):
            raise ValueError("a window needs depth and a positive size")

    @property
    def entries_per_layer(self) -> int:
        """Depth entries each layer appends."""
        return {"none": 0, "attn": 1, "attn_ffn": 2}[self.depth]

    def depth_len(self, layer: int) -> int:
        """L, the number of depth entries layer `layer` reads."""
        appended = layer * self.entries_per_layer
        return appended if self.window is None else min(appended, self.window)

    @property
    def max_depth_len(self) -> int:
        return max([self.depth_len(l) for l in range(self.n_layers)] + [0])

    @property
    def stream_capacity(self) -> int:
        """DepthStream capacity: every entry without a window (the last
        layer appends none), 2 * window with one (a window move every
        window + 1 appends)."""
        if self.window is not None:
            return 2 * self.window
        return max(1, (self.n_layers - 1) * self.entries_per_layer)

    def parameters(self) -> int:
        """The number of parameters (embeddings counted once if tied)."""
        d, hq, hk, hd = self.d_model, self.heads_q, self.heads_kv, self.head_dim
        attention = d * (hq + 2 * hk) * hd + hq * hd * d
        ffn = 3 * d * self.ffn_hidden
        ffn_kv = d * 2 * hk * hd if self.depth == "attn_ffn" else 0
        norms = 2 * d
        final_norm = d if self.norm == "pre" else 0
        embeddings = self.vocab_size * d * (1 if self.tie_embeddings else 2)
        return (self.n_layers * (attention + ffn + norms) + (self.n_layers - 1) * ffn_kv
                + final_norm + embeddings)

    def variant(self, dtype: str = "bf16") -> Dict:
        """The kernel variant moda.attention runs for this model in training
        (every layer, every L, depth or not: one variant; decoding with a
        KV cache adds its views and decoding variants, moda.kv_cache)."""
        return {"dtype": dtype, "Hq": self.heads_q, "Hk": self.heads_kv, "D": self.head_dim,
                "visibility": "per_position", "causal": True}

    def to_json(self) -> Dict:
        return asdict(self)

    def with_(self, **changes) -> "ModelConfig":
        return replace(self, **changes)


# The paper's Table 6 scale (24 layers, width 384, 6 query heads, 2 key/value
# heads; D = 64) with the Brown vocabulary.
BROWN24 = ModelConfig()

# The larger model: 8 layers, d_model 1024, Hq 16, Hk 4, D 64
# (SwiGLU hidden 2816 ~ 8/3 * 1024).
BENCH8 = ModelConfig(n_layers=8, d_model=1024, heads_q=16, heads_kv=4, head_dim=64,
                     ffn_hidden=2816)

# The command-line options of the model's size (the example programs'),
# each a ModelConfig field; defaults: BROWN24.
SIZE_OPTIONS = {"--layers": "n_layers", "--d-model": "d_model", "--heads-q": "heads_q",
                "--heads-kv": "heads_kv", "--head-dim": "head_dim",
                "--ffn-hidden": "ffn_hidden"}


def add_size_options(parser) -> None:
    """Adds SIZE_OPTIONS to an argparse parser."""
    for option, field in SIZE_OPTIONS.items():
        parser.add_argument(option, type=int, default=getattr(BROWN24, field))


def sizes_of(args) -> Dict[str, int]:
    """The ModelConfig fields the parsed SIZE_OPTIONS give."""
    return {field: getattr(args, option[2:].replace("-", "_"))
            for option, field in SIZE_OPTIONS.items()}


# The four runs of the Brown example: name -> changes to the model config.
DEFAULT_WINDOW = 8
RUNS = {
    "baseline": dict(depth="none"),
    "moda": dict(depth="attn"),
    "moda_ffn_kv": dict(depth="attn_ffn"),
    "moda_window": dict(depth="attn_ffn", window=DEFAULT_WINDOW),
}


def run_configs(base: ModelConfig, names: List[str], window: int = DEFAULT_WINDOW
                ) -> Dict[str, ModelConfig]:
    configs = {}
    for name in names:
        changes = dict(RUNS[name])
        if "window" in changes:
            changes["window"] = window
        configs[name] = base.with_(**changes)
    return configs


def bundle_variants(configs: List[ModelConfig], dtype: str = "bf16") -> List[Dict]:
    """The distinct variants of `configs` (a moda.bundle variants list)."""
    seen = []
    for config in configs:
        variant = config.variant(dtype)
        if variant not in seen:
            seen.append(variant)
    return seen


# -- FlexAttention's MoDA: depth concatenated to the keys -------------------------
#
# Keys and values of one layer, for flex_attention, are one sequence of
# T * (1 + L_max) entries (L_max: the model's largest L, so that every layer
# has the same shape and flex_attention compiles once):
#
#   index j < T                  sequence key j
#   index j = T + l * T + t      depth entry l of position t   (slot-major)
#
# Query t sees sequence keys j <= t (causal) and the depth entries
# T + l * T + t for l < L (its own position, the L entries the layer reads);
# slots l >= L are padding that no query sees. Slot-major order makes every
# block of padding a block that the block mask skips, so the padding costs
# the copy but not attention work.
#
# One mask_mod for every layer: with T a multiple of the block size, each
# slot is whole key blocks, so the block mask built from flex_visible(L)
# already leaves out slots >= L, and inside the blocks it keeps the kernel's
# mask_mod needs only flex_visible_any_depth (no L): flex_attention then
# compiles once per model, not once per layer.

def flex_kv_len(seq: int, max_depth: int) -> int:
    return seq * (1 + max_depth)


def flex_depth_index(seq: int, position, slot):
    """The index in the concatenated keys of depth entry `slot` of
    `position`."""
    return seq + slot * seq + position


def flex_visible(q_idx, kv_idx, seq: int, depth_len):
    """Whether query `q_idx` sees concatenated key `kv_idx` (ints, or
    tensors as flex_attention's mask_mod gets them; `depth_len` an int or a
    0-d tensor). Written with operators both support."""
    sequence_part = (kv_idx < seq) & (kv_idx <= q_idx)
    rel = kv_idx - seq
    depth_part = (kv_idx >= seq) & (rel // seq < depth_len) & (rel % seq == q_idx)
    return sequence_part | depth_part


def flex_visible_any_depth(q_idx, kv_idx, seq: int):
    """flex_visible without the slot limit: the mask_mod inside the kernel,
    where the block mask of flex_visible(L) has removed slots >= L."""
    sequence_part = (kv_idx < seq) & (kv_idx <= q_idx)
    depth_part = (kv_idx >= seq) & ((kv_idx - seq) % seq == q_idx)
    return sequence_part | depth_part


def flex_blocks(seq: int, max_depth: int, depth_len: int, block: int):
    """The (query block, key block) pairs with at least one visible pair
    under flex_visible(depth_len): the block mask's sparsity (pure Python,
    for the tests)."""
    kv_len = flex_kv_len(seq, max_depth)
    blocks = set()
    for q in range(seq):
        for kv in range(kv_len):
            if flex_visible(q, kv, seq, depth_len):
                blocks.add((q // block, kv // block))
    return blocks
