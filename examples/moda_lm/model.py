"""The MoDA language model (PyTorch), with an injectable attention.

    from moda_lm.config import BROWN24
    from moda_lm.model import MoDALM, moda_attention
    model = MoDALM(BROWN24, attention=moda_attention()).cuda()
    loss = model.loss(tokens, targets)           # tokens, targets [B, T] int64

Each block (ModelConfig in config.py):

    q, k, v = split(W_qkv h)                     h = norm(x) (pre) or x (post)
    q, k = rope(q), rope(k)
    o = attention(q, k, v, *stream.entries())    MoDA: sequence + depth, one softmax
    stream.append(k, v)                          the attention's k, v (depth "attn";
                                                 not in the last layer: nothing reads it)
    x = x + W_o o  |  x = norm(x + W_o o)
    h = norm(x) | x                              the FFN's input
    stream.append(rope(W_kf h), W_vf h)          the FFN-input KV projection ("attn_ffn")
    x = x + ffn(h) | x = norm(x + ffn(h))        SwiGLU

The depth stream is one moda.DepthStream per forward pass ([B, T, capacity,
Hk, D], allocated once, each append written in place; with a window, the
paper's sliding window): nothing re-stacks the stream per layer. Depth keys
carry the rotary embedding of their own position, as the query that reads
them does, so the query-key rotation of a depth entry cancels.

Decoding (examples/generate_moda_lm.py): forward(tokens, cache) runs T
new tokens after those of a moda.KVCache (model.new_cache): each layer
writes its k, v into the cache and attends to everything cached (the new
tokens at positions len(cache) onward, rotary included); the depth stream
holds the new tokens' depth entries only. An attention with a
`with_kv_cache` attribute (moda_attention: the decoding kernels, split-KV)
is called with the cache; one marked `takes_cached_keys` (the reference:
causal bottom-right for S > T) gets the cached keys; others cannot decode
(SDPA's is_causal aligns top-left, Flex assumes S = T) and raise.

`attention(q, k, v, depth_k, depth_v)` (q [B, T, Hq, D], k, v [B, S, Hk, D],
depth [B, T, L, Hk, D] or None) is a parameter: moda_attention() (the
registered operator, CUDA), reference_attention() (moda.reference in
float64: the CPU tests), sdpa_attention(kind) (no depth), FlexMoDA (depth
concatenated to the keys, torch.compile'd flex_attention) or
dense_flex_attention (the Flex formulation densely, float64: the tests).
q, k, v and the stream are in `attention_dtype` (bf16 on the GPU).
"""

import math
import sys
from functools import lru_cache
from pathlib import Path
from typing import Callable, Optional

import torch
import torch.nn.functional as F
from torch import nn

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "python") not in sys.path:
    sys.path.insert(0, str(ROOT / "python"))

from .config import (ModelConfig, flex_kv_len, flex_visible,  # noqa: E402
                     flex_visible_any_depth)

Attention = Callable[..., torch.Tensor]


# -- attention backends -----------------------------------------------------------

def moda_attention(**options) -> Attention:
    """moda.attention (the registered operator; depth None is L = 0)."""
    import moda

    def attention(q, k, v, depth_k=None, depth_v=None):
        return moda.attention(q, k, v, depth_k, depth_v, causal=True, **options)

    def with_kv_cache(q, k, v, cache, layer, depth_k=None, depth_v=None):
        return moda.attention_with_kv_cache(q, k, v, cache, layer, depth_k, depth_v,
                                            causal=True, **options)
    attention.name = "moda"
    attention.with_kv_cache = with_kv_cache
    return attention


def reference_attention() -> Attention:
    """moda.reference's float64 attention (differentiable, any device):
    the result in q's dtype."""
    from moda.reference import attention_reference

    def attention(q, k, v, depth_k=None, depth_v=None):
        out, _ = attention_reference(q, k, v, depth_k, depth_v, causal=True,
                                     visibility="per_position")
        return out.to(q.dtype)
    attention.name = "reference"
    attention.takes_cached_keys = True
    return attention


def sdpa_attention(kind: str, contiguous: bool = False) -> Attention:
    """torch SDPA with one backend ("cudnn", "flash", "math"), causal, GQA;
    no depth (raises on L > 0). q, k, v go in as [B, H, T, D] views of the
    model's [B, T, H, D] tensors, or, with `contiguous`, as copies."""
    from torch.nn.attention import SDPBackend, sdpa_kernel
    backend = {"cudnn": SDPBackend.CUDNN_ATTENTION, "flash": SDPBackend.FLASH_ATTENTION,
               "math": SDPBackend.MATH}[kind]

    def layout(t):
        t = t.transpose(1, 2)
        return t.contiguous() if contiguous else t

    def attention(q, k, v, depth_k=None, depth_v=None):
        if depth_k is not None and depth_k.shape[2] > 0:
            raise ValueError("SDPA has no depth part")
        with sdpa_kernel(backend):
            out = F.scaled_dot_product_attention(layout(q), layout(k), layout(v),
                                                 is_causal=True, enable_gqa=True)
        return out.transpose(1, 2)
    attention.name = f"sdpa_{kind}" + ("_contiguous" if contiguous else "")
    return attention


def concat_depth(k, depth_k, max_depth: int):
    """[B, T * (1 + max_depth), Hk, D]: the sequence keys, then the depth
    entries slot-major (entry l of position t at T + l * T + t), then zero
    padding up to max_depth slots (config.py: FlexAttention's layout). One
    copy."""
    batch, seq, heads, dim = k.shape
    depth = 0 if depth_k is None else depth_k.shape[2]
    if depth > max_depth:
        raise ValueError(f"L = {depth} > max_depth = {max_depth}")
    parts = [k.unsqueeze(1)]
    if depth:
        parts.append(depth_k.transpose(1, 2))                   # [B, L, T, Hk, D] view
    if max_depth > depth:
        parts.append(k.new_zeros(()).expand(batch, max_depth - depth, seq, heads, dim))
    return torch.cat(parts, dim=1).view(batch, (1 + max_depth) * seq, heads, dim)


def dense_flex_attention(max_depth: int) -> Attention:
    """The Flex formulation computed densely in float64: the concatenated
    keys (concat_depth) under the mask flex_visible, one softmax. Equal to
    MoDA (the tests check it against moda.reference)."""

    def attention(q, k, v, depth_k=None, depth_v=None):
        batch, seq, heads_q, dim = q.shape
        depth = 0 if depth_k is None else depth_k.shape[2]
        keys = concat_depth(k, depth_k, max_depth).double()
        values = concat_depth(v, depth_v, max_depth).double()
        group = heads_q // k.shape[2]
        keys = keys.repeat_interleave(group, dim=2)               # [B, KV, Hq, D]
        values = values.repeat_interleave(group, dim=2)
        q_idx = torch.arange(seq, device=q.device)[:, None]
        kv_idx = torch.arange(keys.shape[1], device=q.device)[None, :]
        visible = flex_visible(q_idx, kv_idx, seq, depth)          # [T, KV]
        logits = torch.einsum("bthd,bshd->bhts", q.double(), keys) / math.sqrt(dim)
        logits = logits.masked_fill(~visible, float("-inf"))
        out = torch.einsum("bhts,bshd->bthd", torch.softmax(logits, dim=-1), values)
        return out.to(q.dtype)
    attention.name = "dense_flex"
    return attention


@lru_cache(maxsize=None)
def _any_depth_mask_mod(seq: int):
    """One mask_mod function object per sequence length (the compiled
    flex_attention is reused across layers)."""
    def mask_mod(b, h, q_idx, kv_idx):
        return flex_visible_any_depth(q_idx, kv_idx, seq)
    return mask_mod


class FlexMoDA:
    """MoDA on FlexAttention (what a PyTorch user can write today): per
    layer, the depth entries are concatenated to the keys (concat_depth,
    padded to the model's largest L so that every layer has one shape) and
    torch.compile'd flex_attention runs with a block mask of MoDA's
    visibility (config.flex_visible). The block masks are built once per L
    (outside any timed step: block_masks()); the kernel's mask_mod is
    flex_visible_any_depth (the block masks drop the padding slots)."""

    name = "flex"

    def __init__(self, seq: int, max_depth: int, device, compile: bool = True):
        import torch.nn.attention.flex_attention as fa
        # create_block_mask's default block size (128), on both axes.
        self.block = getattr(fa, "_DEFAULT_SPARSE_BLOCK_SIZE", 128)
        if seq % self.block:
            raise ValueError(f"FlexMoDA needs T a multiple of {self.block}, got {seq}")
        self.seq, self.max_depth, self.device = seq, max_depth, torch.device(device)
        self.kv_len = flex_kv_len(seq, max_depth)
        self._masks = {}
        flex = fa.flex_attention
        self._flex = torch.compile(flex, dynamic=False) if compile else flex

    def block_mask(self, depth: int):
        mask = self._masks.get(depth)
        if mask is None:
            from torch.nn.attention.flex_attention import create_block_mask
            seq = self.seq

            def mask_mod(b, h, q_idx, kv_idx):
                return flex_visible(q_idx, kv_idx, seq, depth)
            mask = create_block_mask(mask_mod, None, None, seq, self.kv_len,
                                     device=self.device)
            # The blocks of slots >= depth are gone; inside the kept blocks
            # the L-free rule is the same (config.py).
            mask.mask_mod = _any_depth_mask_mod(seq)
            self._masks[depth] = mask
        return mask

    def block_masks(self, depths):
        for depth in depths:
            self.block_mask(depth)

    def __call__(self, q, k, v, depth_k=None, depth_v=None):
        depth = 0 if depth_k is None else depth_k.shape[2]
        keys = concat_depth(k, depth_k, self.max_depth)
        values = concat_depth(v, depth_v, self.max_depth)
        out = self._flex(q.transpose(1, 2), keys.transpose(1, 2), values.transpose(1, 2),
                         block_mask=self.block_mask(depth), enable_gqa=True)
        return out.transpose(1, 2)


# -- the model --------------------------------------------------------------------

class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float = 1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        dtype = torch.float32 if x.dtype in (torch.bfloat16, torch.float16) else x.dtype
        y = x.to(dtype)
        y = y * torch.rsqrt(y.pow(2).mean(-1, keepdim=True) + self.eps)
        return y * self.weight.to(dtype)


def rotary_tables(seq: int, dim: int, base: float, device, dtype):
    """cos, sin [T, 1, D/2] of the rotary embedding."""
    inv = 1.0 / (base ** (torch.arange(0, dim, 2, device=device, dtype=torch.float64) / dim))
    angles = torch.outer(torch.arange(seq, device=device, dtype=torch.float64), inv)
    return angles.cos().to(dtype)[:, None, :], angles.sin().to(dtype)[:, None, :]


def apply_rotary(x, cos, sin, out_dtype):
    """x [B, T, H, D] rotated by its position (halves convention)."""
    half = x.shape[-1] // 2
    x = x.to(cos.dtype)
    x1, x2 = x[..., :half], x[..., half:]
    return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], dim=-1).to(out_dtype)


class Block(nn.Module):
    """One layer. The last layer appends nothing (no later layer reads
    it), so it has no FFN KV projection."""

    def __init__(self, config: ModelConfig, last: bool = False):
        super().__init__()
        c = config
        self.config = c
        self.appends = c.depth != "none" and not last
        self.qkv = nn.Linear(c.d_model, (c.heads_q + 2 * c.heads_kv) * c.head_dim, bias=False)
        self.proj = nn.Linear(c.heads_q * c.head_dim, c.d_model, bias=False)
        self.norm_attn = RMSNorm(c.d_model)
        self.norm_ffn = RMSNorm(c.d_model)
        self.ffn_in = nn.Linear(c.d_model, 2 * c.ffn_hidden, bias=False)
        self.ffn_out = nn.Linear(c.ffn_hidden, c.d_model, bias=False)
        self.ffn_kv = (nn.Linear(c.d_model, 2 * c.heads_kv * c.head_dim, bias=False)
                       if c.depth == "attn_ffn" and self.appends else None)

    def forward(self, x, attention: Attention, stream, rotary, attention_dtype,
                cache=None, layer: int = 0):
        c = self.config
        batch, seq, _ = x.shape
        cos, sin = rotary
        pre = c.norm == "pre"
        h = self.norm_attn(x) if pre else x
        q, k, v = self.qkv(h).split([c.heads_q * c.head_dim, c.heads_kv * c.head_dim,
                                     c.heads_kv * c.head_dim], dim=-1)
        q = apply_rotary(q.view(batch, seq, c.heads_q, c.head_dim), cos, sin, attention_dtype)
        k = apply_rotary(k.view(batch, seq, c.heads_kv, c.head_dim), cos, sin, attention_dtype)
        v = v.reshape(batch, seq, c.heads_kv, c.head_dim).to(attention_dtype)
        depth_k = depth_v = None
        if stream is not None and len(stream) > 0:
            depth_k, depth_v = stream.entries()
        if cache is None:
            o = attention(q, k, v, depth_k, depth_v)
        elif hasattr(attention, "with_kv_cache"):
            o = attention.with_kv_cache(q, k, v, cache, layer, depth_k, depth_v)
        elif getattr(attention, "takes_cached_keys", False):
            cached_k, cached_v = cache.update(layer, k, v)
            o = attention(q, cached_k, cached_v, depth_k, depth_v)
        else:
            raise ValueError(f"attention {getattr(attention, 'name', attention)!r} cannot "
                             "decode with a KV cache (it has neither with_kv_cache nor "
                             "takes_cached_keys)")
        if self.appends:
            stream.append(k, v)
        a = self.proj(o.reshape(batch, seq, c.heads_q * c.head_dim))
        x = x + a if pre else self.norm_attn(x + a)
        h = self.norm_ffn(x) if pre else x
        if self.ffn_kv is not None:
            kf, vf = self.ffn_kv(h).split(c.heads_kv * c.head_dim, dim=-1)
            kf = apply_rotary(kf.view(batch, seq, c.heads_kv, c.head_dim), cos, sin,
                              attention_dtype)
            stream.append(kf, vf.reshape(batch, seq, c.heads_kv, c.head_dim))
        gate, up = self.ffn_in(h).chunk(2, dim=-1)
        f = self.ffn_out(F.silu(gate) * up)
        return x + f if pre else self.norm_ffn(x + f)


class MoDALM(nn.Module):
    """Token ids [B, T] -> logits [B, T, vocab]."""

    def __init__(self, config: ModelConfig, attention: Optional[Attention] = None,
                 attention_dtype: torch.dtype = torch.bfloat16):
        super().__init__()
        self.config = config
        self.attention = attention if attention is not None else moda_attention()
        self.attention_dtype = attention_dtype
        self.embed = nn.Embedding(config.vocab_size, config.d_model)
        self.blocks = nn.ModuleList(Block(config, last=l == config.n_layers - 1)
                                    for l in range(config.n_layers))
        self.final_norm = RMSNorm(config.d_model) if config.norm == "pre" else None
        self.head = (None if config.tie_embeddings
                     else nn.Linear(config.d_model, config.vocab_size, bias=False))
        self._init_weights()
        self._rotary = {}
        # What the latest forward's depth stream held (not the stream: that
        # would keep its buffers alive into the next step).
        self.last_depth = None

    def _init_weights(self):
        std = 0.02
        for name, p in self.named_parameters():
            if p.dim() == 2:
                scale = std / math.sqrt(2 * self.config.n_layers) \
                    if name.endswith(("proj.weight", "ffn_out.weight")) else std
                nn.init.normal_(p, mean=0.0, std=scale)

    def rotary(self, seq: int, device, dtype):
        key = (seq, str(device), dtype)
        if key not in self._rotary:
            self._rotary[key] = rotary_tables(seq, self.config.head_dim, self.config.rope_base,
                                              device, dtype)
        return self._rotary[key]

    def new_stream(self, batch: int, seq: int, device):
        """The forward pass's depth stream (None without depth)."""
        c = self.config
        if c.depth == "none":
            return None
        from moda.depth_stream import DepthStream
        return DepthStream(batch, seq, c.stream_capacity, c.heads_kv, c.head_dim,
                           dtype=self.attention_dtype, device=device, window=c.window)

    def new_cache(self, batch: int, capacity: int, device):
        """A moda.KVCache for decoding `batch` sequences of up to `capacity`
        tokens with this model (its depth stream's capacity and window)."""
        from moda.kv_cache import KVCache
        c = self.config
        return KVCache(batch, capacity, c.n_layers, c.heads_kv, c.head_dim,
                       dtype=self.attention_dtype, device=device,
                       depth_capacity=0 if c.depth == "none" else c.stream_capacity,
                       depth_window=c.window)

    def forward(self, tokens, cache=None):
        """Logits of `tokens` [B, T]; with a moda.KVCache (new_cache), of T
        new tokens after the cached ones, which join the cache."""
        batch, seq = tokens.shape
        x = self.embed(tokens)
        rotary_dtype = (torch.float64 if self.attention_dtype == torch.float64
                        else torch.float32)
        if cache is None:
            rotary = self.rotary(seq, tokens.device, rotary_dtype)
            stream = self.new_stream(batch, seq, tokens.device)
        else:
            start = len(cache)
            if start + seq > cache.capacity:
                raise ValueError(f"the KV cache holds {cache.capacity} tokens: {start} "
                                 f"cached and {seq} new do not fit")
            cos, sin = self.rotary(cache.capacity, tokens.device, rotary_dtype)
            rotary = cos[start:start + seq], sin[start:start + seq]
            stream = cache.new_depth_stream(seq)
        for layer, block in enumerate(self.blocks):
            x = block(x, self.attention, stream, rotary, self.attention_dtype,
                      cache=cache, layer=layer)
        if cache is not None:
            cache.advance()
        self.last_depth = None if stream is None else {
            "appended": getattr(stream, "num_appended", None), "visible": len(stream),
            "capacity": getattr(stream, "capacity", None), "window": getattr(stream, "window", None),
            "shifts": getattr(stream, "shifts", None)}
        if self.final_norm is not None:
            x = self.final_norm(x)
        weight = self.embed.weight if self.head is None else self.head.weight
        return F.linear(x, weight)

    def loss(self, tokens, targets):
        logits = self.forward(tokens)
        if logits.dtype in (torch.bfloat16, torch.float16):
            logits = logits.float()
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
