"""moda: run kernels compiled by moda-compile (Mixture-of-Depths Attention).

    import moda
    kernel = moda.load("artifacts/moda_attention_0.json")
    out, lse = kernel(q, k, v, depth_k, depth_v)   # torch CUDA tensors

The package is pure Python: it reaches moda's runtime (libmoda_runtime.so,
C API in include/moda/Runtime/moda_runtime.h) through ctypes.
"""

from .runtime import ModaError, TensorArg
from .kernel import Kernel, load

__all__ = ["Kernel", "ModaError", "TensorArg", "load"]
