"""Decoding with a KV cache (MODA.md section 7): moda.KVCache and
moda.attention_with_kv_cache.

    cache = moda.KVCache(batch=B, capacity=4096, num_layers=n, heads_kv=Hk,
                         head_dim=D, dtype=torch.bfloat16, device="cuda",
                         depth_capacity=2 * n)
    with torch.no_grad():
        for step in range(steps):                    # T new tokens a step
            stream = cache.new_depth_stream(T)      # the new tokens' depth
            for layer in range(n):
                q, k, v = ...                        # [B, T, H, D], positions
                                                     # cache.positions(T)
                depth_k, depth_v = stream.entries()
                out = moda.attention_with_kv_cache(q, k, v, cache, layer,
                                                   depth_k, depth_v)
                stream.append(k, v)
            cache.advance()

The cache keeps every layer's sequence keys and values in one buffer
[num_layers, B, capacity, Hk, D], allocated once; attention_with_kv_cache
writes the step's k, v into their slots (as FlashAttention's
flash_attn_with_kvcache does) and attends over the filled part, a view of
the buffer: nothing is re-concatenated per step. The depth entries of the
new tokens are the keys and values the same tokens produced in earlier
layers of this step (MODA.md section 4): new_depth_stream gives the step a
moda.DepthStream of the cache's depth capacity and window.

Causal alignment is bottom-right: new token i of T sits at position
len(cache) + i and sees the whole cache before it. Depth is per position
(a token reads its own depth entries; chunk visibility would need the
depth entries of earlier steps' tokens, which a step does not hold). A step
of at most DECODE_MAX_QUERIES tokens after the first runs a decoding
variant's kernels (moda.variant: B and T static, so that the
configuration pass can give them split-KV when B * Hk blocks would leave
the GPU idle; always the kernels of views, which the cache's keys are but
for B = 1 or a full cache); the first step (a prompt's prefill, of any
length) runs the training variant's forward, compiled once for every
length.

A paged cache (page_size set, as vLLM's and FlashAttention's block tables)
keeps each layer's keys and values in a pool of pages [num_pages,
page_size, Hk, D] instead: a sequence takes pages from the pool as it
grows (KVCache.block_table [B, W] names them, W = capacity / page_size
rounded up) and gives them back on reset(). After the prefill every step
runs a paged decoding variant (moda.variant; any token count), whose
kernels read each key tile from its page; the prefill attends over its
own tokens, which are all the cache holds.

Decoding records no gradients: the cache is written in place. Calls that
would need one are refused.
"""

from typing import Optional, Tuple

import torch

from .runtime import ModaError, ModaTypeError, ModaValueError
from .variant import PAGE_SIZE_MULTIPLE

# MODA.md section 7: decoding is T new tokens (often 1) against a cache; up
# to this many per step get a decoding variant's kernels.
DECODE_MAX_QUERIES = 16


class KVCache:
    """Every layer's sequence keys and values of B sequences, up to
    `capacity` tokens, in [num_layers, B, capacity, Hk, D] buffers, or, with
    `page_size`, in pools of `num_pages` pages [num_layers, num_pages,
    page_size, Hk, D] (default: enough for every sequence's capacity) and a
    block table; and the depth configuration of the steps' depth streams
    (depth_capacity 0: the model has no depth; depth_window: DepthStream's
    window)."""

    def __init__(self, batch: int, capacity: int, num_layers: int, heads_kv: int,
                 head_dim: int, *, dtype: torch.dtype, device,
                 depth_capacity: int = 0, depth_window: Optional[int] = None,
                 page_size: Optional[int] = None, num_pages: Optional[int] = None):
        sizes = {"batch": batch, "capacity": capacity, "num_layers": num_layers,
                 "heads_kv": heads_kv, "head_dim": head_dim}
        for name, size in sizes.items():
            if int(size) <= 0:
                raise ModaValueError("MODA_ERROR_SHAPE", f"KVCache {name} must be positive, "
                                     f"got {size}")
        if int(depth_capacity) < 0:
            raise ModaValueError("MODA_ERROR_SHAPE",
                                 f"KVCache depth_capacity must be >= 0, got {depth_capacity}")
        self._batch, self._capacity = int(batch), int(capacity)
        self.page_size = self._check_paging(page_size, num_pages)
        if self.page_size:
            pages_per_entry = -(-self._capacity // self.page_size)
            if num_pages is None:
                num_pages = self._batch * pages_per_entry
            shape = (int(num_layers), int(num_pages), self.page_size, int(heads_kv),
                     int(head_dim))
            # Unused entries name page 0: the kernels read no page past a
            # sequence's keys.
            self.block_table = torch.zeros((self._batch, pages_per_entry),
                                           dtype=torch.int32, device=device)
            self._free_pages = list(range(int(num_pages) - 1, -1, -1))
            self._pages = [[] for _ in range(self._batch)]
        else:
            shape = (int(num_layers), self._batch, self._capacity, int(heads_kv),
                     int(head_dim))
            self.block_table = None
        self.k = torch.empty(shape, dtype=dtype, device=device)
        self.v = torch.empty(shape, dtype=dtype, device=device)
        self.depth_capacity = int(depth_capacity)
        self.depth_window = depth_window
        self._length = 0
        # The step under way: its token count and the layers it has written.
        self._step_tokens: Optional[int] = None
        self._written = [False] * int(num_layers)

    @staticmethod
    def _check_paging(page_size, num_pages) -> int:
        """The page size (0: not paged); raises on a bad one."""
        if page_size is None:
            if num_pages is not None:
                raise ModaValueError("MODA_ERROR_INVALID_ARGUMENT",
                                     "KVCache num_pages needs a page_size")
            return 0
        if int(page_size) <= 0 or int(page_size) % PAGE_SIZE_MULTIPLE:
            raise ModaValueError("MODA_ERROR_SHAPE",
                                 f"KVCache page_size must be a positive multiple of "
                                 f"{PAGE_SIZE_MULTIPLE} (a page holds whole key tiles), "
                                 f"got {page_size}")
        if num_pages is not None and int(num_pages) <= 0:
            raise ModaValueError("MODA_ERROR_SHAPE",
                                 f"KVCache num_pages must be positive, got {num_pages}")
        return int(page_size)

    @property
    def is_paged(self) -> bool:
        return self.page_size > 0

    @property
    def batch(self) -> int:
        return self._batch

    @property
    def capacity(self) -> int:
        return self._capacity

    @property
    def num_layers(self) -> int:
        return self.k.shape[0]

    def __len__(self) -> int:
        """Tokens committed (advance()) so far: the next token's position."""
        return self._length

    def positions(self, tokens: int, device=None) -> torch.Tensor:
        """The positions of a step of `tokens` new tokens: len(self) onward."""
        return torch.arange(self._length, self._length + tokens,
                            device=device if device is not None else self.k.device)

    def new_depth_stream(self, tokens: int):
        """A moda.DepthStream for a step's `tokens` new tokens (None when the
        cache was made without depth)."""
        if self.depth_capacity == 0:
            return None
        from .depth_stream import DepthStream
        return DepthStream(self.batch, tokens, self.depth_capacity, self.k.shape[3],
                           self.k.shape[4], dtype=self.k.dtype, device=self.k.device,
                           window=self.depth_window)

    def update(self, layer: int, k: torch.Tensor, v: torch.Tensor
               ) -> Tuple[torch.Tensor, torch.Tensor]:
        """Writes the step's k, v [B, T, Hk, D] of `layer` after the cache's
        tokens and returns that layer's keys and values so far, views
        [B, len(self) + T, Hk, D] of the buffers; paged, the layer's pools
        [num_pages, page_size, Hk, D] (self.block_table says which pages
        hold each sequence's len(self) + T keys)."""
        if not 0 <= layer < self.num_layers:
            raise ModaValueError("MODA_ERROR_INVALID_ARGUMENT",
                                 f"layer {layer} of a cache of {self.num_layers} layers")
        expected = (self.batch, k.shape[1] if k.dim() == 4 else -1) + tuple(self.k.shape[3:])
        for name, t in (("k", k), ("v", v)):
            if t.dim() != 4 or tuple(t.shape) != expected:
                raise ModaValueError("MODA_ERROR_SHAPE",
                                     f"{name} must be [B, T, Hk, D] = [{self.batch}, T, "
                                     f"{self.k.shape[3]}, {self.k.shape[4]}] matching k, "
                                     f"got {tuple(t.shape)}")
            if t.dtype != self.k.dtype:
                raise ModaTypeError("MODA_ERROR_DTYPE",
                                    f"{name} has dtype {t.dtype}, the cache {self.k.dtype}")
            if t.device != self.k.device:
                raise ModaValueError("MODA_ERROR_INVALID_ARGUMENT",
                                     f"{name} is on {t.device}, the cache on {self.k.device}")
        tokens = k.shape[1]
        if self._step_tokens is not None and tokens != self._step_tokens:
            raise ModaValueError("MODA_ERROR_SHAPE",
                                 f"this step writes {self._step_tokens} tokens a layer; "
                                 f"layer {layer} gave {tokens}")
        if self._written[layer]:
            raise ModaValueError("MODA_ERROR_INVALID_ARGUMENT",
                                 f"layer {layer} was written twice in one step: call "
                                 "advance() after the last layer of a step")
        end = self._length + tokens
        if end > self.capacity:
            raise ModaValueError("MODA_ERROR_SHAPE",
                                 f"the cache holds {self.capacity} tokens: {self._length} "
                                 f"cached and {tokens} new do not fit")
        if self.is_paged:
            self._take_pages(end)
        self._step_tokens = tokens
        self._written[layer] = True
        if self.is_paged:
            positions = torch.arange(self._length, end, device=self.k.device)
            pages = self.block_table[:, positions // self.page_size].long()  # [B, T]
            rows = (positions % self.page_size).expand_as(pages)
            self.k[layer][pages, rows] = k
            self.v[layer][pages, rows] = v
            return self.k[layer], self.v[layer]
        self.k[layer, :, self._length:end] = k
        self.v[layer, :, self._length:end] = v
        return self.k[layer, :, :end], self.v[layer, :, :end]

    def _take_pages(self, tokens: int) -> None:
        """Gives every sequence the pages its first `tokens` keys need,
        from the pool; raises, taking none, when the pool runs short."""
        needed = -(-tokens // self.page_size)
        missing = sum(max(needed - len(pages), 0) for pages in self._pages)
        if missing == 0:
            return
        if missing > len(self._free_pages):
            raise ModaValueError("MODA_ERROR_SHAPE",
                                 f"the cache's pool of {self.k.shape[1]} pages has "
                                 f"{len(self._free_pages)} free; {tokens} tokens of "
                                 f"{self.batch} sequences need {missing} more")
        for pages in self._pages:
            while len(pages) < needed:
                pages.append(self._free_pages.pop())
        self._write_block_table()

    def _keep_pages(self, tokens: int) -> None:
        """Returns to the pool every page past those the first `tokens`
        keys of each sequence need (in the reverse order of their taking:
        the pool is as it was before they were taken)."""
        needed = -(-tokens // self.page_size)
        for pages in reversed(self._pages):
            self._free_pages.extend(reversed(pages[needed:]))
            del pages[needed:]
        self._write_block_table()

    def _write_block_table(self) -> None:
        """block_table from the sequences' pages (unused entries 0), in one
        copy to the device."""
        width = self.block_table.shape[1]
        self.block_table.copy_(torch.tensor(
            [pages + [0] * (width - len(pages)) for pages in self._pages],
            dtype=torch.int32))

    def _unwrite(self, layer: int) -> None:
        """Takes back update(layer) after the attention failed: the slots'
        contents are overwritten by the next write anyway; a step no layer
        has written has no token count yet."""
        self._written[layer] = False
        if not any(self._written):
            self._step_tokens = None
            if self.is_paged:   # the pages the step took go back
                self._keep_pages(self._length)

    def advance(self) -> None:
        """Commits the step: every layer must have written its tokens."""
        if self._step_tokens is None:
            raise ModaValueError("MODA_ERROR_INVALID_ARGUMENT",
                                 "advance() without a step: no layer was written")
        missing = [l for l, written in enumerate(self._written) if not written]
        if missing:
            raise ModaValueError("MODA_ERROR_INVALID_ARGUMENT",
                                 f"advance() before layers {missing} wrote this step's tokens")
        self._length += self._step_tokens
        self._step_tokens = None
        self._written = [False] * self.num_layers

    def reset(self) -> None:
        """Forgets every token (the buffers are kept for the next sequences;
        paged, the pages go back to the pool)."""
        self._length = 0
        self._step_tokens = None
        self._written = [False] * self.num_layers
        if self.is_paged:
            self._keep_pages(0)


def attention_with_kv_cache(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
                            cache: KVCache, layer: int,
                            depth_k: Optional[torch.Tensor] = None,
                            depth_v: Optional[torch.Tensor] = None, *,
                            causal: bool = True, scale: Optional[float] = None,
                            return_lse: bool = False):
    """MoDA of T new tokens against `cache`: writes k, v [B, T, Hk, D] into
    layer `layer`'s slots (KVCache.update), then attends q [B, T, Hq, D]
    to the layer's cached keys and the new ones (bottom-right causal: token
    i sees positions up to len(cache) + i) and to depth_k, depth_v
    [B, T, L, Hk, D], the new tokens' depth entries (per-position
    visibility). causal, scale, return_lse and the result are
    moda.attention's. Runs without recording gradients (the cache is
    written in place): inputs that require grad under grad mode are
    refused. A call that raises leaves the cache as it was."""
    from .ops import checked_arguments

    if not isinstance(cache, KVCache):
        raise ModaTypeError("MODA_ERROR_INVALID_ARGUMENT",
                            f"cache must be a moda.KVCache, got {type(cache).__name__}")
    if torch.is_grad_enabled() and any(t is not None and t.requires_grad
                                       for t in (q, k, v, depth_k, depth_v)):
        raise ModaError("MODA_ERROR_INVALID_ARGUMENT",
                        "attention_with_kv_cache records no gradients (it writes the "
                        "cache in place): call it under torch.no_grad() or "
                        "torch.inference_mode()")
    # Everything is checked against the new tokens before the cache is
    # written: a refused call leaves the cache as it was.
    if q.dim() != 4 or k is None or k.dim() != 4 or q.shape[:2] != k.shape[:2]:
        raise ModaValueError("MODA_ERROR_SHAPE",
                             f"q [B, T, Hq, D] and the new k, v [B, T, Hk, D] must agree "
                             f"in B and T, got {tuple(q.shape)} and "
                             f"{None if k is None else tuple(k.shape)}")
    arguments = list(checked_arguments(q, k, v, depth_k, depth_v, causal=causal, scale=scale,
                                       visibility="per_position", chunk_size=None,
                                       cu_seqlens=None, max_seqlen=None))
    if not q.is_cuda or q.device != cache.k.device:
        raise ModaValueError("MODA_ERROR_INVALID_ARGUMENT",
                             f"q is on {q.device}, the cache on {cache.k.device}: "
                             "attention_with_kv_cache runs on one CUDA device")
    cached = len(cache)
    decode = cached > 0 and q.shape[1] <= DECODE_MAX_QUERIES
    keys = cache.update(layer, k, v)
    try:
        if cache.is_paged and cached > 0:
            q, _, _, depth_k, depth_v, causal, scale = arguments[:7]
            out, lse = torch.ops.moda.attention_paged_fwd(
                q, keys[0], keys[1], cache.block_table, cached + q.shape[1], depth_k,
                depth_v, causal, scale)
        else:
            # A paged prefill: the step's own keys are all the cache holds.
            if not cache.is_paged:
                arguments[1:3] = keys
            out, lse = torch.ops.moda.attention_fwd(*arguments, decode)
    except BaseException:
        cache._unwrite(layer)
        raise
    return (out, lse) if return_lse else out
