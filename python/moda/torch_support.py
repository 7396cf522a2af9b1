"""Running kernels on PyTorch CUDA tensors (imported only when used)."""

import torch

from .runtime import ModaError, TensorArg

TORCH_DTYPES = {"bf16": torch.bfloat16, "f16": torch.float16, "f32": torch.float32}
_NAMES = {dtype: name for name, dtype in TORCH_DTYPES.items()}


def tensor_arg(name, tensor) -> TensorArg:
    # Packed sequences' offsets are int32, as FlashAttention's cu_seqlens.
    if name == "cu_seqlens" and tensor.dtype == torch.int32:
        dtype = "i32"
    elif tensor.dtype in _NAMES:
        dtype = _NAMES[tensor.dtype]
    else:
        raise ModaError("MODA_ERROR_DTYPE",
                        f"tensor '{name}' has dtype {tensor.dtype}; moda takes "
                        "bfloat16, float16 or float32 (int32 for cu_seqlens)")
    if not tensor.is_cuda:
        raise ModaError("MODA_ERROR_INVALID_ARGUMENT",
                        f"tensor '{name}' is on {tensor.device}, not on a CUDA device")
    return TensorArg(name, dtype, list(tensor.shape),
                     tensor.data_ptr(), list(tensor.stride()))


def _refuse_packed(kernel):
    """These helpers shape lse and delta as [B, Hq, T] and pass no T: a
    packed kernel is launched with Kernel.launch(..., sizes={"T": ...})."""
    if kernel.packed:
        raise ModaError("MODA_ERROR_INVALID_ARGUMENT",
                        f"kernel {kernel.entry} takes packed sequences: launch it "
                        "with Kernel.launch(args, stream, sizes={'T': max_seqlen}) "
                        "(bench/packed_suite.py does)")


def run(kernel, **tensors):
    """Launches `kernel` on the current stream; allocates out/lse if absent."""
    _refuse_packed(kernel)
    q = tensors["q"]
    batch, queries = q.shape[0], q.shape[1]
    if tensors["out"] is None:
        tensors["out"] = torch.empty_like(q)
    if tensors["lse"] is None:
        tensors["lse"] = torch.empty(batch, kernel.num_query_heads, queries,
                                     dtype=torch.float32, device=q.device)
    wanted = kernel.input_names + ["out", "lse"]
    missing = [n for n in wanted if tensors.get(n) is None]
    if missing:
        raise ModaError("MODA_ERROR_INVALID_ARGUMENT",
                        f"kernel {kernel.entry} needs tensors {missing}")
    extra = [n for n, t in tensors.items() if t is not None and n not in wanted]
    if extra:
        raise ModaError("MODA_ERROR_INVALID_ARGUMENT",
                        f"kernel {kernel.entry} ({kernel.visibility}) takes no {extra}")
    args = [tensor_arg(n, tensors[n]) for n in wanted]
    kernel.launch(args, torch.cuda.current_stream().cuda_stream)
    return tensors["out"], tensors["lse"]


GRAD_OF = {"q": "dq", "k": "dk", "v": "dv", "depth_k": "d_depth_k",
           "depth_v": "d_depth_v"}


def run_grad(kernel, poison=False, **tensors):
    """Launches an attention_grad kernel (dq, then dkv, then d_depth, on the
    current stream); allocates the gradients and the scratch delta."""
    _refuse_packed(kernel)
    q = tensors["q"]
    batch, queries = q.shape[0], q.shape[1]
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
    tensors["delta"] = torch.empty(batch, kernel.num_query_heads, queries,
                                   dtype=torch.float32, device=q.device)
    args = [tensor_arg(n, tensors[n]) for n in names]
    kernel.launch(args, torch.cuda.current_stream().cuda_stream)
    return tuple(tensors.get(GRAD_OF[n]) for n in ("q", "k", "v", "depth_k",
                                                    "depth_v"))
