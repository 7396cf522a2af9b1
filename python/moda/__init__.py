"""moda: Mixture-of-Depths Attention kernels compiled by moda-compile.

With PyTorch:

    import moda
    out = moda.attention(q, k, v, depth_k, depth_v, causal=True)   # a torch op
    out = moda.attention(q, k, v, depth_k, depth_v,                 # packed sequences:
                         cu_seqlens=cu, max_seqlen=m)               # q [N, Hq, D]
    stream = moda.DepthStream(B, T, capacity, Hk, D, torch.bfloat16, "cuda")
    cache = moda.KVCache(B, capacity, layers, Hk, D, dtype=torch.bfloat16,
                         device="cuda")                             # decoding:
    out = moda.attention_with_kv_cache(q, k, v, cache, layer, depth_k, depth_v)

Lower level (no compile-on-demand):

    kernel = moda.load("artifacts/moda_attention_0.json")
    out, lse = kernel(q, k, v, depth_k, depth_v)   # torch CUDA tensors

The package is pure Python: it reaches moda's runtime (libmoda_runtime.so,
C API in include/moda/Runtime/moda_runtime.h) through ctypes and the
compiler (moda-compile) as a subprocess; see moda.locate for where it looks.
PyTorch is imported only by what needs it (attention, DepthStream, KVCache,
attention_with_kv_cache).
"""

__version__ = "0.1.0"

from .runtime import ModaError, ModaTypeError, ModaValueError, TensorArg
from .kernel import Kernel, load
from .variant import Variant
from .cache import KernelNotFound, KernelStore, Target

__all__ = ["DepthStream", "KVCache", "Kernel", "KernelNotFound", "KernelStore", "ModaError",
           "ModaTypeError", "ModaValueError", "Target", "TensorArg", "Variant", "attention",
           "attention_with_kv_cache", "load"]


def __getattr__(name):
    # PyTorch-dependent parts load on first use, so that `import moda` works
    # without torch (compiling bundles, inspecting manifests).
    if name == "attention":
        from .ops import attention
        return attention
    if name == "DepthStream":
        from .depth_stream import DepthStream
        return DepthStream
    if name in ("KVCache", "attention_with_kv_cache"):
        from . import kv_cache
        return getattr(kv_cache, name)
    raise AttributeError(f"module 'moda' has no attribute {name!r}")
