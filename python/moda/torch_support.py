"""Running kernels on PyTorch CUDA tensors (imported only when used)."""

import torch

from .runtime import ModaError, TensorArg

TORCH_DTYPES = {"bf16": torch.bfloat16, "f16": torch.float16, "f32": torch.float32}
_NAMES = {dtype: name for name, dtype in TORCH_DTYPES.items()}


def tensor_arg(name, tensor) -> TensorArg:
    # Packed sequences' offsets and a paged cache's block table are int32,
    # as FlashAttention's cu_seqlens and block_table.
    if name in ("cu_seqlens", "block_table") and tensor.dtype == torch.int32:
        dtype = "i32"
    elif tensor.dtype in _NAMES:
        dtype = _NAMES[tensor.dtype]
    else:
        raise ModaError("MODA_ERROR_DTYPE",
                        f"tensor '{name}' has dtype {tensor.dtype}; moda takes "
                        "bfloat16, float16 or float32 (int32 for cu_seqlens and "
                        "block_table)")
    if not tensor.is_cuda:
        raise ModaError("MODA_ERROR_INVALID_ARGUMENT",
                        f"tensor '{name}' is on {tensor.device}, not on a CUDA device")
    return TensorArg(name, dtype, list(tensor.shape),
                     tensor.data_ptr(), list(tensor.stride()))


def rows_shape(kernel, q):
    """The shape of lse for queries
    `q`: [B, Hq, T], or [Hq, N] for a packed kernel (q [N, Hq, D])."""
    if kernel.packed:
        return (kernel.num_query_heads, q.shape[0])
    return (q.shape[0], kernel.num_query_heads, q.shape[1])


def allocate_scratch(kernel, tensors):
    """Allocates the kernel's scratch tensors (the backward's delta, a
    split-KV forward's partial_out and partial_lse) into `tensors`, their
    shapes the manifest's evaluated on the call's sizes: B and T from q, or,
    packed, the tokens N."""
    q = tensors["q"]
    sizes = {"N": q.shape[0]} if kernel.packed else {"B": q.shape[0], "T": q.shape[1]}
    for spec in kernel.tensors:
        if spec.role == "scratch":
            shape = [sizes[d] if isinstance(d, str) else d for d in spec.dims]
            tensors[spec.name] = torch.empty(shape, dtype=torch.float32, device=q.device)


def launch(kernel, tensors, max_seqlen=None, num_keys=None):
    """Launches `kernel` on the current stream with `tensors` (by manifest
    name; None stands for absent). A packed kernel takes the bound of its
    sequences' lengths, `max_seqlen`, as the size T that no tensor carries,
    a paged kernel the cached keys, `num_keys`, as the size S
    (docs/runtime.md); any other kernel takes neither."""
    names = [t.name for t in kernel.tensors]
    missing = [n for n in names if tensors.get(n) is None]
    if missing:
        raise ModaError("MODA_ERROR_INVALID_ARGUMENT",
                        f"kernel {kernel.entry} needs tensors {missing}")
    extra = [n for n, t in tensors.items() if t is not None and n not in names]
    if extra:
        raise ModaError("MODA_ERROR_INVALID_ARGUMENT",
                        f"kernel {kernel.entry} ({kernel.visibility}"
                        f"{', packed' if kernel.packed else ''}) takes no {extra}")
    # The sizes no tensor carries: (kernel takes it, the value, its symbol,
    # the argument's name, what the kernel reads, what the value is).
    sizes = {}
    for takes, value, symbol, argument, reads, meaning in (
            (kernel.packed, max_seqlen, "T", "max_seqlen", "packed sequences",
             "the longest sequence's length, with cu_seqlens"),
            (kernel.paged, num_keys, "S", "num_keys", "a paged KV cache",
             "the keys each sequence has cached, with block_table")):
        if takes and value is None:
            raise ModaError("MODA_ERROR_INVALID_ARGUMENT",
                            f"kernel {kernel.entry} reads {reads}: pass {argument} "
                            f"({meaning})")
        if not takes and value is not None:
            raise ModaError("MODA_ERROR_INVALID_ARGUMENT",
                            f"kernel {kernel.entry} does not read {reads}: it takes "
                            f"no {argument}")
        if takes:
            sizes[symbol] = int(value)
    args = [tensor_arg(n, tensors[n]) for n in names]
    kernel.launch(args, torch.cuda.current_stream().cuda_stream, sizes=sizes or None)


def run(kernel, max_seqlen=None, num_keys=None, **tensors):
    """Launches a forward kernel on the current stream; allocates out/lse if
    absent. Packed kernels take cu_seqlens among the tensors and
    `max_seqlen`; paged kernels block_table and `num_keys`."""
    q = tensors["q"]
    if tensors.get("out") is None:
        tensors["out"] = torch.empty_like(q)
    if tensors.get("lse") is None:
        tensors["lse"] = torch.empty(rows_shape(kernel, q), dtype=torch.float32,
                                     device=q.device)
    allocate_scratch(kernel, tensors)
    launch(kernel, tensors, max_seqlen, num_keys)
    return tensors["out"], tensors["lse"]


GRAD_OF = {"q": "dq", "k": "dk", "v": "dv", "depth_k": "d_depth_k",
           "depth_v": "d_depth_v"}


def run_grad(kernel, poison=False, max_seqlen=None, **tensors):
    """Launches an attention_grad kernel (dq, then dkv, then d_depth, on the
    current stream); allocates the gradients and the scratch delta. Packed
    kernels take cu_seqlens among the tensors and `max_seqlen`."""
    q = tensors["q"]
    names = [t.name for t in kernel.tensors]
    for name in ("k", "v", "depth_k", "depth_v"):
        if (tensors[name] is None) == (name in names):
            raise ModaError("MODA_ERROR_INVALID_ARGUMENT",
                            f"kernel {kernel.entry} ({kernel.visibility}) "
                            f"{'needs' if name in names else 'takes no'} {name}")
    for name, grad in GRAD_OF.items():
        if name in names:
            tensors[grad] = (torch.full_like(tensors[name], float("nan")) if poison
                             else torch.empty_like(tensors[name]))
    allocate_scratch(kernel, tensors)
    launch(kernel, tensors, max_seqlen)
    return tuple(tensors.get(GRAD_OF[n]) for n in ("q", "k", "v", "depth_k",
                                                    "depth_v"))
