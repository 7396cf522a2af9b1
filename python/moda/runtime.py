"""ctypes bindings to moda's runtime C API (include/moda/Runtime/moda_runtime.h)."""

import ctypes
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Optional, Sequence

# The operators' element types; a tensor's dtype is one of them or i32 (the
# offsets of packed sequences, cu_seqlens).
ELEMENT_TYPES = ["bf16", "f16", "f32"]
DTYPES = {"bf16": 0, "f16": 1, "f32": 2, "i32": 3}
DTYPE_NAMES = {code: name for name, code in DTYPES.items()}
VISIBILITIES = ["per_position", "chunk", "depth_only"]
ROLE_NAMES = ["input", "output", "scratch"]  # moda_role
MAX_RANK = 8
# moda_runtime.h's MODA_RUNTIME_ABI_VERSION, which the structures below
# mirror.
ABI_VERSION = 3
NUM_SYMBOLS = 5
# N: the tokens of packed sequences, or the pages of a paged KV cache's pool
# (packed and paged kernels only).
SYMBOLS = ["B", "T", "S", "L", "N"]


class ModaError(RuntimeError):
    """A runtime call failed; `status` is the moda_status name."""

    def __init__(self, status: str, message: str):
        super().__init__(f"{status}: {message}")
        self.status = status


class ModaValueError(ModaError, ValueError):
    """A bad argument (a shape, a value, a combination of arguments) caught
    before anything runs: a ModaError and a ValueError."""


class ModaTypeError(ModaError, TypeError):
    """An argument of the wrong type or dtype caught before anything runs:
    a ModaError and a TypeError."""


class _Tensor(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("dtype", ctypes.c_int),
        ("rank", ctypes.c_int),
        ("shape", ctypes.POINTER(ctypes.c_int64)),
        ("strides", ctypes.POINTER(ctypes.c_int64)),
        ("data", ctypes.c_void_p),
    ]


class _Config(ctypes.Structure):
    _fields_ = [
        ("block_m", ctypes.c_int64),
        ("block_n", ctypes.c_int64),
        ("block_depth", ctypes.c_int64),
        ("num_warps", ctypes.c_int64),
        ("num_stages", ctypes.c_int64),
        ("mma", ctypes.c_char_p),
        ("kv_splits", ctypes.c_int64),
    ]


class _KernelInfo(ctypes.Structure):
    _fields_ = [
        ("entry", ctypes.c_char_p),
        ("target", ctypes.c_char_p),
        ("element_type", ctypes.c_int),
        ("causal", ctypes.c_int),
        ("visibility", ctypes.c_int),
        ("chunk_size", ctypes.c_int64),
        ("scale", ctypes.c_double),
        ("num_query_heads", ctypes.c_int64),
        ("num_kv_heads", ctypes.c_int64),
        ("head_dim", ctypes.c_int64),
        ("num_tensors", ctypes.c_int),
        ("fixed_sizes", ctypes.c_int64 * NUM_SYMBOLS),
        ("config", _Config),
        ("block", ctypes.c_uint * 3),
        ("dynamic_shared_memory", ctypes.c_uint),
        ("module_source", ctypes.c_char_p),
        ("op", ctypes.c_char_p),
        ("num_launches", ctypes.c_int),
        ("packed", ctypes.c_int),
        ("page_size", ctypes.c_int64),
        ("pages_per_entry", ctypes.c_int64),
    ]


class _TensorInfo(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("role", ctypes.c_int),
        ("dtype", ctypes.c_int),
        ("rank", ctypes.c_int),
        ("dims", ctypes.c_int64 * MAX_RANK),
        ("dim_symbols", ctypes.c_int * MAX_RANK),
        ("strided", ctypes.c_int),
        ("dim_addends", ctypes.c_int64 * MAX_RANK),
    ]


def _library_candidates():
    from .locate import runtime_library_candidates
    return runtime_library_candidates()


def _load_library():
    tried = []
    for candidate in _library_candidates():
        tried.append(str(candidate))
        if candidate.is_file():
            lib = ctypes.CDLL(str(candidate))
            version = (lib.moda_runtime_abi_version()
                       if hasattr(lib, "moda_runtime_abi_version") else 1)
            if version != ABI_VERSION:
                raise ModaError(
                    "MODA_ERROR_IO",
                    f"{candidate} has runtime ABI version {version}; this package "
                    f"reads version {ABI_VERSION} (rebuild the runtime or the package)")
            return _declare(lib)
    raise ModaError(
        "MODA_ERROR_IO",
        "libmoda_runtime.so not found (set MODA_RUNTIME_LIBRARY, copy it into "
        "the package's lib/ folder, or build it); tried " + ", ".join(tried),
    )


def _declare(lib):
    status = ctypes.c_int
    kernel_p = ctypes.c_void_p
    lib.moda_last_error.restype = ctypes.c_char_p
    lib.moda_status_name.restype = ctypes.c_char_p
    lib.moda_status_name.argtypes = [ctypes.c_int]
    for name in ("moda_kernel_load", "moda_kernel_load_manifest_only"):
        fn = getattr(lib, name)
        fn.restype = status
        fn.argtypes = [ctypes.c_char_p, ctypes.POINTER(kernel_p)]
    lib.moda_kernel_free.restype = None
    lib.moda_kernel_free.argtypes = [kernel_p]
    lib.moda_kernel_get_info.restype = status
    lib.moda_kernel_get_info.argtypes = [kernel_p, ctypes.POINTER(_KernelInfo)]
    lib.moda_kernel_get_tensor_info.restype = status
    lib.moda_kernel_get_tensor_info.argtypes = [
        kernel_p, ctypes.c_int, ctypes.POINTER(_TensorInfo)]
    lib.moda_kernel_validate.restype = status
    lib.moda_kernel_validate.argtypes = [kernel_p, ctypes.POINTER(_Tensor), ctypes.c_int]
    lib.moda_kernel_launch.restype = status
    lib.moda_kernel_launch.argtypes = [
        kernel_p, ctypes.POINTER(_Tensor), ctypes.c_int, ctypes.c_void_p]
    lib.moda_kernel_benchmark.restype = status
    lib.moda_kernel_benchmark.argtypes = [
        kernel_p, ctypes.POINTER(_Tensor), ctypes.c_int, ctypes.c_void_p,
        ctypes.c_int, ctypes.c_int, ctypes.POINTER(ctypes.c_float)]
    sizes_p = ctypes.POINTER(ctypes.c_int64)
    lib.moda_kernel_validate_sized.restype = status
    lib.moda_kernel_validate_sized.argtypes = [
        kernel_p, ctypes.POINTER(_Tensor), ctypes.c_int, sizes_p]
    lib.moda_kernel_launch_sized.restype = status
    lib.moda_kernel_launch_sized.argtypes = [
        kernel_p, ctypes.POINTER(_Tensor), ctypes.c_int, sizes_p, ctypes.c_void_p]
    lib.moda_kernel_benchmark_sized.restype = status
    lib.moda_kernel_benchmark_sized.argtypes = [
        kernel_p, ctypes.POINTER(_Tensor), ctypes.c_int, sizes_p, ctypes.c_void_p,
        ctypes.c_int, ctypes.c_int, ctypes.POINTER(ctypes.c_float)]
    lib.moda_device_name.restype = status
    lib.moda_device_name.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
    return lib


_lib = None


def library():
    """The runtime library, loaded on first use."""
    global _lib
    if _lib is None:
        _lib = _load_library()
    return _lib


def check(status_code: int):
    if status_code != 0:
        lib = library()
        raise ModaError(lib.moda_status_name(status_code).decode(),
                        lib.moda_last_error().decode())


@dataclass
class TensorArg:
    """One call argument: a device pointer with its shape, strides (elements)
    and element type."""

    name: str
    dtype: str
    shape: Sequence[int]
    data: int
    strides: Optional[Sequence[int]] = None


def pack_sizes(sizes: Optional[Dict[str, int]]):
    """The sizes[] array of the *_sized calls for {symbol: value} (the
    others -1: the tensors give them), or None."""
    if not sizes:
        return None
    unknown = set(sizes) - set(SYMBOLS)
    if unknown:
        raise ValueError(f"unknown size symbols {sorted(unknown)} (expected {SYMBOLS})")
    return (ctypes.c_int64 * NUM_SYMBOLS)(*(sizes.get(s, -1) for s in SYMBOLS))


def pack_tensors(args: Sequence[TensorArg]):
    """The moda_tensor array for `args`; the returned keep-alive list owns the
    buffers it points into."""
    array = (_Tensor * len(args))()
    keep = []
    for slot, arg in zip(array, args):
        name = arg.name.encode()
        shape = (ctypes.c_int64 * len(arg.shape))(*arg.shape)
        strides = None
        if arg.strides is not None:
            strides = (ctypes.c_int64 * len(arg.strides))(*arg.strides)
        keep += [name, shape, strides]
        slot.name = name
        slot.dtype = DTYPES[arg.dtype]
        slot.rank = len(arg.shape)
        slot.shape = shape
        slot.strides = strides
        slot.data = arg.data
    return array, keep
