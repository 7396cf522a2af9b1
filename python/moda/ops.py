"""MoDA as a registered PyTorch operator.

    import moda
    out = moda.attention(q, k, v, depth_k, depth_v, causal=True)
    # packed sequences (FlashAttention's varlen convention): q [N, Hq, D]
    out = moda.attention(q, k, v, depth_k, depth_v, cu_seqlens=cu, max_seqlen=m)

Two operators are registered with torch.library.custom_op:

- ``moda::attention_fwd(q, k?, v?, depth_k, depth_v, causal, scale?, visibility,
  chunk_size, cu_seqlens?, max_seqlen, decode) -> (out, lse)``
  (decode: run a decoding variant's kernels, moda.kv_cache)
- ``moda::attention_paged_fwd(q, k_pages, v_pages, block_table, num_keys, depth_k,
  depth_v, causal, scale?) -> (out, lse)``
  (a forward over a paged KV cache, moda.kv_cache; no autograd)
- ``moda::attention_bwd(d_out, q, k?, v?, depth_k, depth_v, output, lse, causal,
  scale?, visibility, chunk_size, cu_seqlens?, max_seqlen)
  -> (dq, dk, dv, d_depth_k, d_depth_v)``
  (output: the forward's out)
  (dk and dv are empty tensors for depth_only, which has no k and v)
  (cu_seqlens None and max_seqlen 0 unless the tensors hold packed sequences)

each with a fake (meta) implementation, and the forward with an autograd
formula that calls the backward operator, so that torch.compile
(fullgraph=True), torch.export, DDP and FSDP2 see one opaque operator with
known output shapes. The first call of a variant on a GPU finds or compiles
its kernels (moda.cache.KernelStore: $MODA_BUNDLE_DIR, then the on-disk
cache, then moda-compile); later calls reuse the kernels loaded in this
process.
"""

import operator
import os
import threading
from typing import Dict, Optional, Tuple, Union

import torch
from torch import Tensor

from .autograd import TrainingKernels, load_training
from .cache import FORWARD_MANIFEST, KernelStore, Target
from .kernel import Kernel
from .operands import as_kernel_operand, is_dense_operand, is_kernel_view
from .runtime import ModaError, ModaTypeError, ModaValueError
from .torch_support import _NAMES as TORCH_DTYPE_NAMES, allocate_scratch, launch, run
from .variant import Variant, chip_for_capability, chunk_size_of

# -- kernels -----------------------------------------------------------------

_lock = threading.Lock()
_loaded: Dict[Tuple[Variant, int], Union[TrainingKernels, Kernel]] = {}
_store: Optional[KernelStore] = None


def kernel_store() -> KernelStore:
    """The process's KernelStore (made on first use from the environment:
    MODA_BUNDLE_DIR, MODA_CACHE_DIR, MODA_COMPILE)."""
    global _store
    if _store is None:
        _store = KernelStore()
    return _store


def reset_kernel_caches(store: Optional[KernelStore] = None) -> None:
    """Forgets the kernels loaded in this process and the store (the next
    call reads the environment again), or installs `store`."""
    global _store
    with _lock:
        _loaded.clear()
        _store = store


def device_target(device: torch.device) -> Target:
    """The GPU of `device`: its name and moda-compile chip ($MODA_CHIP
    overrides the chip)."""
    index = device.index if device.index is not None else torch.cuda.current_device()
    major, minor = torch.cuda.get_device_capability(index)
    chip = os.environ.get("MODA_CHIP") or chip_for_capability(major, minor)
    return Target(torch.cuda.get_device_name(index), chip)


def kernels_for(variant: Variant, device: torch.device) -> TrainingKernels:
    """The loaded forward and backward kernels of `variant` on `device`."""
    assert not variant.is_decoding, "a decoding variant has a forward alone"
    return _load(variant, device)


def decode_kernel_for(variant: Variant, device: torch.device) -> Kernel:
    """The loaded forward kernel of the decoding variant `variant`."""
    assert variant.is_decoding
    return _load(variant, device)


def _load(variant: Variant, device: torch.device):
    index = device.index if device.index is not None else torch.cuda.current_device()
    key = (variant, index)
    kernels = _loaded.get(key)
    if kernels is not None:
        return kernels
    with _lock:
        kernels = _loaded.get(key)
        if kernels is None:
            with torch.cuda.device(index):
                directory = kernel_store().kernel_dir(variant, device_target(device))
                kernels = (Kernel(str(directory / FORWARD_MANIFEST)) if variant.is_decoding
                           else load_training(str(directory)))
            _check_kernels(kernels, variant, directory)
            _loaded[key] = kernels
    return kernels


def _check_kernels(kernels: Union[TrainingKernels, Kernel], variant: Variant,
                   directory) -> None:
    f = kernels if variant.is_decoding else kernels.forward
    backward_packed = variant.packed if variant.is_decoding else kernels.backward.packed
    have = (f.element_type, f.num_query_heads, f.num_kv_heads, f.head_dim,
            f.visibility, f.causal, f.chunk_size if f.visibility == "chunk" else 0,
            f.is_strided("q"), f.packed, backward_packed, f.page_size, f.pages_per_entry)
    want = (variant.dtype, variant.num_query_heads, variant.num_kv_heads,
            variant.head_dim, variant.visibility, variant.causal, variant.chunk_size,
            variant.strided, variant.packed, variant.packed, variant.page_size,
            variant.pages_per_entry)
    if have != want or abs(f.scale - variant.effective_scale) > 1e-6 * variant.effective_scale:
        raise ModaError("MODA_ERROR_MANIFEST",
                        f"kernels in {directory} are {have} scale {f.scale}, "
                        f"not the variant {variant.name}")


def _variant(q, k, v, depth_k, depth_v, causal, scale, visibility, chunk_size,
             packed=False, decode=False) -> Variant:
    """The variant of an operator call: its kernels take views (`strided`)
    when an input is a view they can read where it lies and dense kernels
    could not (a slice of a fused projection, a DepthStream's entries()):
    that saves a copy per call; dense inputs get the dense kernels, which
    index with fewer instructions. Packed sequences (`packed`) have kernels
    of their own, which take dense tensors only. The backward asks with the
    same inputs, so a forward and its backward are one variant's kernels.
    `decode`: the decoding variant of q's B and T (moda.kv_cache), which
    takes views."""
    if q.dtype not in TORCH_DTYPE_NAMES:
        raise ModaTypeError("MODA_ERROR_DTYPE",
                            f"q has dtype {q.dtype}; moda takes bfloat16, float16 or float32")
    kv_heads = (k if k is not None else depth_k).shape[-2]
    # A decoding variant always takes views: its keys are a KV cache's, a
    # view but for B = 1 or a full cache, and one kernel serves every step.
    strided = decode or (not packed and any(
        t is not None and not is_dense_operand(t) and is_kernel_view(t)
        for t in (q, k, v, depth_k, depth_v)))
    # q is [B, T, Hq, D], or [N, Hq, D] packed.
    return Variant.make(TORCH_DTYPE_NAMES[q.dtype], q.shape[-2], kv_heads, q.shape[-1],
                        visibility=visibility, causal=causal,
                        chunk_size=chunk_size if visibility == "chunk" else None,
                        scale=scale, strided=strided, packed=packed,
                        decode_batch=q.shape[0] if decode else 0,
                        decode_queries=q.shape[1] if decode else 0)


def _check_device(*tensors):
    for t in tensors:
        if t is not None and not t.is_cuda:
            raise ModaError("MODA_ERROR_INVALID_ARGUMENT",
                            f"moda.attention runs on CUDA tensors; got one on {t.device}")


def _lse_shape(q, packed):
    """lse's shape for q: [B, Hq, T] for q [B, T, Hq, D]; packed, [Hq, N]
    for q [N, Hq, D] (the packed kernels' layout, docs/runtime.md)."""
    if packed:
        return (q.shape[1], q.shape[0])
    return (q.shape[0], q.shape[2], q.shape[1])


# -- the operators -----------------------------------------------------------

@torch.library.custom_op("moda::attention_fwd", mutates_args=())
def attention_fwd(q: Tensor, k: Optional[Tensor], v: Optional[Tensor], depth_k: Tensor,
                  depth_v: Tensor, causal: bool, scale: Optional[float], visibility: str,
                  chunk_size: int, cu_seqlens: Optional[Tensor],
                  max_seqlen: int, decode: bool) -> Tuple[Tensor, Tensor]:
    _check_device(q, k, v, depth_k, depth_v, cu_seqlens)
    packed = cu_seqlens is not None
    out = q.new_empty(q.shape)
    lse = q.new_empty(_lse_shape(q, packed), dtype=torch.float32)
    if out.numel() == 0:
        return out, lse
    variant = _variant(q, k, v, depth_k, depth_v, causal, scale, visibility, chunk_size,
                       packed=packed, decode=decode)
    with torch.cuda.device(q.device):
        forward = (decode_kernel_for(variant, q.device) if decode
                   else kernels_for(variant, q.device).forward)
        run(forward, max_seqlen=max_seqlen if packed else None,
            q=as_kernel_operand(forward, "q", q),
            k=as_kernel_operand(forward, "k", k), v=as_kernel_operand(forward, "v", v),
            depth_k=as_kernel_operand(forward, "depth_k", depth_k),
            depth_v=as_kernel_operand(forward, "depth_v", depth_v), out=out, lse=lse,
            cu_seqlens=as_kernel_operand(forward, "cu_seqlens", cu_seqlens))
    return out, lse


@attention_fwd.register_fake
def _attention_fwd_fake(q, k, v, depth_k, depth_v, causal, scale, visibility, chunk_size,
                        cu_seqlens, max_seqlen, decode):
    out = q.new_empty(q.shape)
    lse = q.new_empty(_lse_shape(q, cu_seqlens is not None), dtype=torch.float32)
    return out, lse


@torch.library.custom_op("moda::attention_bwd", mutates_args=())
def attention_bwd(d_out: Tensor, q: Tensor, k: Optional[Tensor], v: Optional[Tensor],
                  depth_k: Tensor, depth_v: Tensor, output: Tensor, lse: Tensor, causal: bool,
                  scale: Optional[float], visibility: str, chunk_size: int,
                  cu_seqlens: Optional[Tensor],
                  max_seqlen: int) -> Tuple[Tensor, Tensor, Tensor, Tensor, Tensor]:
    # `output` is the forward's out (not named "out", to keep clear of the
    # out= convention of operator schemas).
    _check_device(d_out, q, k, v, depth_k, depth_v, output, lse, cu_seqlens)
    grads = _empty_grads(q, k, depth_k)
    if q.numel() == 0:
        return tuple(g.zero_() for g in grads)
    packed = cu_seqlens is not None
    variant = _variant(q, k, v, depth_k, depth_v, causal, scale, visibility, chunk_size,
                       packed=packed)
    kernel = kernels_for(variant, q.device).backward
    dq, dk, dv, ddk, ddv = grads
    tensors = {
        "q": as_kernel_operand(kernel, "q", q), "k": as_kernel_operand(kernel, "k", k),
        "v": as_kernel_operand(kernel, "v", v),
        "depth_k": as_kernel_operand(kernel, "depth_k", depth_k),
        "depth_v": as_kernel_operand(kernel, "depth_v", depth_v),
        "out": as_kernel_operand(kernel, "out", output),
        "lse": as_kernel_operand(kernel, "lse", lse),
        "d_out": as_kernel_operand(kernel, "d_out", d_out.to(q.dtype)),
        "cu_seqlens": as_kernel_operand(kernel, "cu_seqlens", cu_seqlens),
        "dq": dq, "d_depth_k": ddk, "d_depth_v": ddv,
    }
    if k is not None:
        tensors.update(dk=dk, dv=dv)
    allocate_scratch(kernel, tensors)
    with torch.cuda.device(q.device):
        launch(kernel, tensors, max_seqlen if packed else None)
    return dq, dk, dv, ddk, ddv


@torch.library.custom_op("moda::attention_paged_fwd", mutates_args=())
def attention_paged_fwd(q: Tensor, k_pages: Tensor, v_pages: Tensor, block_table: Tensor,
                        num_keys: int, depth_k: Tensor, depth_v: Tensor, causal: bool,
                        scale: Optional[float]) -> Tuple[Tensor, Tensor]:
    _check_device(q, k_pages, v_pages, block_table, depth_k, depth_v)
    out = q.new_empty(q.shape)
    lse = q.new_empty(_lse_shape(q, False), dtype=torch.float32)
    if out.numel() == 0:
        return out, lse
    variant = Variant.make(TORCH_DTYPE_NAMES[q.dtype], q.shape[2], k_pages.shape[2],
                           q.shape[3], causal=causal, scale=scale, strided=True,
                           decode_batch=q.shape[0], decode_queries=q.shape[1],
                           page_size=k_pages.shape[1], pages_per_entry=block_table.shape[1])
    with torch.cuda.device(q.device):
        forward = decode_kernel_for(variant, q.device)
        run(forward, num_keys=num_keys, q=as_kernel_operand(forward, "q", q),
            k=as_kernel_operand(forward, "k", k_pages),
            v=as_kernel_operand(forward, "v", v_pages),
            depth_k=as_kernel_operand(forward, "depth_k", depth_k),
            depth_v=as_kernel_operand(forward, "depth_v", depth_v), out=out, lse=lse,
            block_table=as_kernel_operand(forward, "block_table", block_table))
    return out, lse


@attention_paged_fwd.register_fake
def _attention_paged_fwd_fake(q, k_pages, v_pages, block_table, num_keys, depth_k, depth_v,
                              causal, scale):
    return q.new_empty(q.shape), q.new_empty(_lse_shape(q, False), dtype=torch.float32)


def _empty_grads(q, k, depth_k):
    """dq, dk, dv, d_depth_k, d_depth_v: dense tensors of their operands'
    shapes (dk, dv empty when there is no k)."""
    dq = q.new_empty(q.shape)
    if k is not None:
        dk, dv = k.new_empty(k.shape), k.new_empty(k.shape)
    else:
        dk, dv = q.new_empty((0,)), q.new_empty((0,))
    return dq, dk, dv, depth_k.new_empty(depth_k.shape), depth_k.new_empty(depth_k.shape)


@attention_bwd.register_fake
def _attention_bwd_fake(d_out, q, k, v, depth_k, depth_v, output, lse, causal, scale,
                        visibility, chunk_size, cu_seqlens, max_seqlen):
    return _empty_grads(q, k, depth_k)


def _setup_context(ctx, inputs, output):
    (q, k, v, depth_k, depth_v, causal, scale, visibility, chunk_size, cu_seqlens,
     max_seqlen, _decode) = inputs
    out, lse = output
    ctx.save_for_backward(q, k, v, depth_k, depth_v, out, lse, cu_seqlens)
    ctx.attributes = (causal, scale, visibility, chunk_size)
    ctx.max_seqlen = max_seqlen
    ctx.has_kv = k is not None
    # lse is returned for inspection; the backward kernels have no lse
    # gradient, so it is not differentiable.
    ctx.mark_non_differentiable(lse)


def _backward(ctx, d_out, _d_lse):
    q, k, v, depth_k, depth_v, out, lse, cu_seqlens = ctx.saved_tensors
    dq, dk, dv, ddk, ddv = torch.ops.moda.attention_bwd(
        d_out, q, k, v, depth_k, depth_v, out, lse, *ctx.attributes, cu_seqlens,
        ctx.max_seqlen)
    if not ctx.has_kv:
        dk = dv = None
    # No gradient for causal, scale, visibility, chunk_size, cu_seqlens,
    # max_seqlen and decode.
    return (dq, dk, dv, ddk, ddv) + (None,) * 7


attention_fwd.register_autograd(_backward, setup_context=_setup_context)


# -- the public function -----------------------------------------------------

def attention(q: Tensor, k: Optional[Tensor], v: Optional[Tensor],
              depth_k: Optional[Tensor] = None, depth_v: Optional[Tensor] = None, *,
              causal: bool = True, scale: Optional[float] = None,
              visibility: str = "per_position", chunk_size: Optional[int] = None,
              return_lse: bool = False, cu_seqlens: Optional[Tensor] = None,
              max_seqlen: Optional[int] = None):
    """Mixture-of-Depths Attention (MODA.md section 2), differentiable.

    q [B, T, Hq, D]; k, v [B, S, Hk, D] (None for visibility="depth_only");
    depth_k, depth_v [B, T, L, Hk, D] or None (L = 0: plain attention); CUDA
    tensors of one dtype (bfloat16, float16, float32). Query head hq reads
    key/value head hq // (Hq // Hk). causal: key s is visible to query t iff
    s <= t + (S - T). scale defaults to 1/sqrt(D) (it is rounded to f32).
    visibility: "per_position" (row t reads depth entries of position t),
    "chunk" (with chunk_size C: of positions floor(t/C)*C .. t) or
    "depth_only" (no sequence part; causal has no meaning there and is
    ignored). Returns out [B, T, Hq, D], and with return_lse also lse
    [B, Hq, T] float32 (not differentiable).

    Packed sequences (MODA.md section 7, FlashAttention's varlen
    convention): with cu_seqlens, int32 offsets [B + 1] on q's device (0,
    non-decreasing, the last the token count N), and max_seqlen, an int at
    least the longest length (a smaller one is correct, only slower; it is
    the kernels' T and is never read back from cu_seqlens), the tensors are
    token-major: q [N, Hq, D], k, v [N, Hk, D], depth_k, depth_v
    [N, L, Hk, D]; sequence b is tokens cu_seqlens[b] .. cu_seqlens[b + 1]
    and attends within itself only (positions, causal alignment and chunk
    starts restart at its first token). Returns out [N, Hq, D] and lse
    [Hq, N]. Tokens after cu_seqlens[-1] belong to no sequence: their out
    and gradients are left undefined (the offsets are not checked on the
    host, which would cost a synchronization).

    Bad arguments raise moda.ModaValueError or moda.ModaTypeError (both
    moda.ModaError, and ValueError or TypeError) before anything runs.
    """
    arguments = checked_arguments(q, k, v, depth_k, depth_v, causal=causal, scale=scale,
                                  visibility=visibility, chunk_size=chunk_size,
                                  cu_seqlens=cu_seqlens, max_seqlen=max_seqlen)
    out, lse = torch.ops.moda.attention_fwd(*arguments, False)
    return (out, lse) if return_lse else out


def checked_arguments(q, k, v, depth_k, depth_v, *, causal, scale, visibility, chunk_size,
                      cu_seqlens, max_seqlen):
    """Checks a call (moda.attention's rules) and returns the arguments of
    moda::attention_fwd but its last (decode): depth tensors with L = 0
    when there are none, causal off for depth_only, the chunk size 0 unless
    chunk visibility, max_seqlen 0 unless packed."""
    packed = _check_packing(q, cu_seqlens, max_seqlen)
    if packed:
        max_seqlen = _check_max_seqlen(max_seqlen)
    elif q.dim() != 4:
        raise ModaValueError("MODA_ERROR_SHAPE",
                             f"q must be [B, T, Hq, D] (or packed [N, Hq, D] with "
                             f"cu_seqlens and max_seqlen), got {tuple(q.shape)}")
    if visibility not in ("per_position", "chunk", "depth_only"):
        raise ModaValueError("MODA_ERROR_INVALID_ARGUMENT",
                             f"visibility {visibility!r}: per_position, chunk or depth_only")
    if visibility == "depth_only":
        if k is not None or v is not None:
            raise ModaValueError("MODA_ERROR_INVALID_ARGUMENT",
                                 "depth_only attention has no sequence part: pass k=v=None")
        if depth_k is None or depth_v is None:
            raise ModaValueError("MODA_ERROR_INVALID_ARGUMENT",
                                 "depth_only attention needs depth_k and depth_v")
        # Without sequence keys there is nothing to mask (the compiler
        # refuses `causal` there): one variant, whatever the caller passed.
        causal = False
    elif k is None or v is None:
        raise ModaValueError("MODA_ERROR_INVALID_ARGUMENT",
                             f"{visibility} attention needs k and v")
    if (depth_k is None) != (depth_v is None):
        raise ModaValueError("MODA_ERROR_INVALID_ARGUMENT",
                             "pass both depth_k and depth_v, or neither")
    chunk = chunk_size_of(visibility, chunk_size)
    depth_k, depth_v = _checked_operands(q, k, v, depth_k, depth_v, packed)
    for name, t in (("k", k), ("v", v), ("depth_k", depth_k), ("depth_v", depth_v)):
        if t is not None and t.dtype != q.dtype:
            raise ModaTypeError("MODA_ERROR_DTYPE",
                                f"{name} has dtype {t.dtype}, q has {q.dtype}: one dtype for all")
    return (q, k, v, depth_k, depth_v, bool(causal), None if scale is None else float(scale),
            visibility, chunk, cu_seqlens, max_seqlen if packed else 0)


def _check_packing(q, cu_seqlens, max_seqlen) -> bool:
    """Whether the call is over packed sequences; checks cu_seqlens (on the
    host side only: its values stay on the device) and q's rank."""
    if cu_seqlens is None and max_seqlen is None:
        return False
    if cu_seqlens is None:
        raise ModaValueError("MODA_ERROR_INVALID_ARGUMENT",
                             "max_seqlen is given without cu_seqlens: pass both "
                             "(packed sequences) or neither")
    if max_seqlen is None:
        raise ModaValueError("MODA_ERROR_INVALID_ARGUMENT",
                             "cu_seqlens is given without max_seqlen: pass max_seqlen, "
                             "the longest sequence's length (an int; moda does not read "
                             "it back from cu_seqlens)")
    if not isinstance(cu_seqlens, torch.Tensor):
        raise ModaTypeError("MODA_ERROR_INVALID_ARGUMENT",
                            f"cu_seqlens must be a tensor of int32 offsets, got "
                            f"{type(cu_seqlens).__name__}")
    if cu_seqlens.dtype != torch.int32:
        raise ModaTypeError("MODA_ERROR_DTYPE",
                            f"cu_seqlens must have dtype torch.int32, got {cu_seqlens.dtype}")
    if cu_seqlens.dim() != 1 or cu_seqlens.shape[0] < 1:
        raise ModaValueError("MODA_ERROR_SHAPE",
                             f"cu_seqlens must be 1-D with B + 1 >= 1 offsets, got shape "
                             f"{tuple(cu_seqlens.shape)}")
    if cu_seqlens.device != q.device:
        raise ModaValueError("MODA_ERROR_INVALID_ARGUMENT",
                             f"cu_seqlens is on {cu_seqlens.device}, q on {q.device}: "
                             "pass them on one device")
    if q.dim() != 3:
        raise ModaValueError("MODA_ERROR_SHAPE",
                             f"with cu_seqlens, q must be packed [N, Hq, D] (N tokens), "
                             f"got {tuple(q.shape)}")
    return True


def _check_max_seqlen(max_seqlen):
    """max_seqlen as an int (a SymInt under torch.compile) >= 0."""
    if isinstance(max_seqlen, bool):
        raise ModaTypeError("MODA_ERROR_INVALID_ARGUMENT",
                            f"max_seqlen must be an int, got {max_seqlen!r}")
    if not isinstance(max_seqlen, (int, torch.SymInt)):
        try:
            max_seqlen = operator.index(max_seqlen)   # numpy integers, 0-d int tensors
        except TypeError:
            raise ModaTypeError("MODA_ERROR_INVALID_ARGUMENT",
                                f"max_seqlen must be an int, got "
                                f"{type(max_seqlen).__name__}") from None
    if max_seqlen < 0:
        raise ModaValueError("MODA_ERROR_INVALID_ARGUMENT",
                             f"max_seqlen must be >= 0, got {max_seqlen}")
    return max_seqlen


def _checked_operands(q, k, v, depth_k, depth_v, packed):
    """Checks the shapes of a call against q's: padded, q [B, T, Hq, D], k
    and v [B, S, Hk, D], depth [B, T, L, Hk, D]; packed, q [N, Hq, D], k and
    v [N, Hk, D], depth [N, L, Hk, D]. Returns the depth tensors, with L = 0
    when there are none."""
    positions = q.shape[:-2]  # (B, T) or (N,)
    query_heads, head_dim = q.shape[-2:]
    if packed:
        kv_layout, depth_layout, prefix = "[N, Hk, D]", "[N, L, Hk, D]", "with cu_seqlens, "
        kv_lead = positions
        described = "packed "
    else:
        kv_layout, depth_layout, prefix = "[B, S, Hk, D]", "[B, T, L, Hk, D]", ""
        kv_lead = positions[:1]  # S may differ from T
        described = ""
    if k is not None:
        if (k.dim() != q.dim() or v.shape != k.shape
                or k.shape[:len(kv_lead)] != kv_lead or k.shape[-1] != head_dim):
            raise ModaValueError("MODA_ERROR_SHAPE",
                                 f"{prefix}k and v must be {described}{kv_layout} matching "
                                 f"q {tuple(q.shape)}; got {tuple(k.shape)}, {tuple(v.shape)}")
        kv_heads = k.shape[-2]
    else:
        kv_heads = depth_k.shape[-2] if depth_k.dim() == q.dim() + 1 else -1
    expected = (*positions, "L", kv_heads, head_dim)
    if depth_k is None:
        depth_k = q.new_empty((*positions, 0, kv_heads, head_dim))
        depth_v = q.new_empty((*positions, 0, kv_heads, head_dim))
    elif (depth_k.dim() != q.dim() + 1 or depth_v.shape != depth_k.shape
          or depth_k.shape[:len(positions)] != positions
          or depth_k.shape[-2:] != (kv_heads, head_dim)):
        raise ModaValueError("MODA_ERROR_SHAPE",
                             f"{prefix}depth_k and depth_v must be {described}{depth_layout} = "
                             f"[{', '.join(map(str, expected))}]; got {tuple(depth_k.shape)}, "
                             f"{tuple(depth_v.shape)}")
    _check_groups(query_heads, kv_heads)
    return depth_k, depth_v


def _check_groups(query_heads, kv_heads):
    if kv_heads <= 0 or query_heads % kv_heads:
        raise ModaValueError("MODA_ERROR_SHAPE",
                             f"Hq = {query_heads} is not a multiple of Hk = {kv_heads}")
