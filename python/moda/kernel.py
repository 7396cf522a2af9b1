"""A compiled moda kernel: its manifest, validation and launch."""

import ctypes
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from .runtime import ModaError

from .runtime import (DTYPE_NAMES, ROLE_NAMES, SYMBOLS, VISIBILITIES, TensorArg, _KernelInfo,
                      _TensorInfo, check, library, pack_sizes, pack_tensors)


@dataclass
class TensorSpec:
    """One tensor of the manifest: dims are ints or size symbols ("B+1": the
    B + 1 offsets of packed sequences); strided: the kernels take it as a
    view (innermost stride 1, the others multiples of 16 bytes), else it
    must be dense."""

    name: str
    role: str
    dtype: str
    dims: List[object]
    strided: bool = False


class Kernel:
    """A kernel artifact (manifest + PTX/cubin) loaded through the runtime.

    `driver=False` reads and checks the manifest only: the kernel can then be
    inspected and calls validated on machines without a GPU."""

    def __init__(self, manifest: str, driver: bool = True):
        lib = library()
        self._handle = ctypes.c_void_p()
        loader = lib.moda_kernel_load if driver else lib.moda_kernel_load_manifest_only
        check(loader(str(Path(manifest)).encode(), ctypes.byref(self._handle)))
        info = _KernelInfo()
        check(lib.moda_kernel_get_info(self._handle, ctypes.byref(info)))
        self.entry = info.entry.decode()
        # "attention" (one kernel) or "attention_grad" (dq, [dkv], [d_depth]
        # launched in order by one call).
        self.op = info.op.decode()
        self.num_launches = info.num_launches
        # Packed sequences: calls pass T (max_seqlen) in `sizes`.
        self.packed = bool(info.packed)
        # A paged KV cache (0 and 0: none): k and v are a pool of pages of
        # page_size keys, block_table has pages_per_entry pages per batch
        # entry, and calls pass S (the cached keys) in `sizes`.
        self.page_size = info.page_size
        self.pages_per_entry = info.pages_per_entry
        self.paged = self.page_size > 0
        self.element_type = DTYPE_NAMES[info.element_type]
        self.causal = bool(info.causal)
        self.visibility = VISIBILITIES[info.visibility]
        self.chunk_size = info.chunk_size
        self.scale = info.scale
        self.num_query_heads = info.num_query_heads
        self.num_kv_heads = info.num_kv_heads
        self.head_dim = info.head_dim
        self.fixed_sizes = {s: v for s, v in zip(SYMBOLS, info.fixed_sizes) if v >= 0}
        self.config = {
            "block_m": info.config.block_m, "block_n": info.config.block_n,
            "block_depth": info.config.block_depth,
            "num_warps": info.config.num_warps,
            "num_stages": info.config.num_stages,
            "mma": info.config.mma.decode(),
            "kv_splits": info.config.kv_splits,
        }
        self.tensors: List[TensorSpec] = []
        for index in range(info.num_tensors):
            t = _TensorInfo()
            check(lib.moda_kernel_get_tensor_info(self._handle, index, ctypes.byref(t)))
            dims = [t.dims[i] if t.dim_symbols[i] < 0 else
                    SYMBOLS[t.dim_symbols[i]] + (f"+{t.dim_addends[i]}" if t.dim_addends[i] else "")
                    for i in range(t.rank)]
            self.tensors.append(TensorSpec(t.name.decode(), ROLE_NAMES[t.role],
                                           DTYPE_NAMES[t.dtype], dims, bool(t.strided)))

    def __del__(self):
        handle = getattr(self, "_handle", None)
        if handle:
            library().moda_kernel_free(handle)

    def is_strided(self, name: str) -> bool:
        """Whether the kernels take tensor `name` as a view."""
        return any(t.name == name and t.strided for t in self.tensors)

    @property
    def input_names(self) -> List[str]:
        return [t.name for t in self.tensors if t.role == "input"]

    # `sizes` ({"T": max_seqlen} for a packed kernel, {"S": keys} for a
    # paged one) gives sizes no tensor carries; the tensors give the others.

    def validate(self, args: Sequence[TensorArg],
                 sizes: Optional[Dict[str, int]] = None) -> None:
        """Checks a call against the manifest; raises ModaError."""
        array, _keep = pack_tensors(args)
        check(library().moda_kernel_validate_sized(self._handle, array, len(args),
                                                   pack_sizes(sizes)))

    def launch(self, args: Sequence[TensorArg], stream: int = 0,
               sizes: Optional[Dict[str, int]] = None) -> None:
        array, _keep = pack_tensors(args)
        check(library().moda_kernel_launch_sized(self._handle, array, len(args),
                                                 pack_sizes(sizes),
                                                 ctypes.c_void_p(stream)))

    def benchmark(self, args: Sequence[TensorArg], warmup: int, iters: int,
                  stream: int = 0, sizes: Optional[Dict[str, int]] = None) -> List[float]:
        """Milliseconds of `iters` launches, each timed with CUDA events."""
        array, _keep = pack_tensors(args)
        times = (ctypes.c_float * iters)()
        check(library().moda_kernel_benchmark_sized(self._handle, array, len(args),
                                                    pack_sizes(sizes),
                                                    ctypes.c_void_p(stream), warmup,
                                                    iters, times))
        return list(times)

    # -- PyTorch -------------------------------------------------------------

    def torch_args(self, tensors: Dict[str, "object"]) -> List[TensorArg]:
        """TensorArgs for PyTorch CUDA tensors, by name."""
        from .torch_support import tensor_arg
        return [tensor_arg(name, tensor) for name, tensor in tensors.items()]

    def __call__(self, q, k=None, v=None, depth_k=None, depth_v=None,
                 out=None, lse=None, cu_seqlens=None, max_seqlen=None,
                 block_table=None, num_keys=None):
        """Runs the kernel on PyTorch CUDA tensors; returns (out, lse). A
        packed kernel takes token-major tensors (q [N, Hq, D], lse [Hq, N]),
        the int32 offsets `cu_seqlens` and `max_seqlen` (T). A paged kernel
        takes k and v as pools of pages [P, page_size, Hk, D], the int32
        `block_table` [B, pages_per_entry] and `num_keys` (S)."""
        if self.op != "attention":
            raise ModaError("MODA_ERROR_INVALID_ARGUMENT",
                            f"{self.entry} is an {self.op} kernel: call "
                            "backward(), or use moda.autograd")
        from .torch_support import run
        return run(self, max_seqlen=max_seqlen, num_keys=num_keys, q=q, k=k, v=v,
                   depth_k=depth_k, depth_v=depth_v, out=out, lse=lse,
                   cu_seqlens=cu_seqlens, block_table=block_table)

    def backward(self, q, k, v, depth_k, depth_v, out, lse, d_out, poison=False,
                 cu_seqlens=None, max_seqlen=None):
        """Runs an attention_grad kernel on PyTorch CUDA tensors: the
        forward's inputs, its out and lse, and the output gradient (a packed
        kernel also takes `cu_seqlens` and `max_seqlen`). Returns
        (dq, dk, dv, d_depth_k, d_depth_v), None for absent operands. The
        scratch `delta` is allocated here, on the current stream; `poison`
        fills the gradients with NaN first."""
        if self.op != "attention_grad":
            raise ModaError("MODA_ERROR_INVALID_ARGUMENT",
                            f"{self.entry} is an {self.op} kernel, not a backward")
        from .torch_support import run_grad
        return run_grad(self, poison=poison, max_seqlen=max_seqlen, q=q, k=k, v=v,
                        depth_k=depth_k, depth_v=depth_v, out=out, lse=lse, d_out=d_out,
                        cu_seqlens=cu_seqlens)


def load(manifest: str) -> Kernel:
    """Loads a kernel artifact (the manifest written by moda-compile)."""
    return Kernel(manifest)
