"""The tiny MoDA model of the GPU tests (torch.compile, torch.export, DDP,
FSDP2), its float64 twin, and the comparison of a training step with it."""

import copy

import torch
from torch import nn

from moda.reference import relative_error
from moda_torch_helpers import reference_attention


class TinyModa(nn.Module):
    """`layers` pre-norm MoDA blocks: a fused qkv projection (q, k, v are
    strided views of it), attention over the sequence and over the depth
    stream of the earlier layers' k, v (re-stacked: torch.stack, which
    torch.compile traces), an output projection and a small MLP."""

    def __init__(self, attention, d_model=128, heads_q=4, heads_kv=2, head_dim=64,
                 layers=3, dtype=torch.float32, device="cuda"):
        super().__init__()
        self.attention = attention
        self.hq, self.hk, self.d = heads_q, heads_kv, head_dim
        f = dict(dtype=dtype, device=device)
        self.norms = nn.ModuleList(nn.LayerNorm(d_model, **f) for _ in range(layers))
        self.qkv = nn.ModuleList(
            nn.Linear(d_model, (heads_q + 2 * heads_kv) * head_dim, bias=False, **f)
            for _ in range(layers))
        self.out = nn.ModuleList(nn.Linear(heads_q * head_dim, d_model, **f)
                                 for _ in range(layers))
        self.mlp = nn.ModuleList(nn.Sequential(nn.Linear(d_model, 2 * d_model, **f), nn.GELU(),
                                               nn.Linear(2 * d_model, d_model, **f))
                                 for _ in range(layers))

    def forward(self, x):
        b, t, _ = x.shape
        keys, values = [], []
        for norm, qkv, out, mlp in zip(self.norms, self.qkv, self.out, self.mlp):
            h = qkv(norm(x))
            q, k, v = h.split([self.hq * self.d, self.hk * self.d, self.hk * self.d], dim=-1)
            q = q.view(b, t, self.hq, self.d)
            k = k.view(b, t, self.hk, self.d)
            v = v.view(b, t, self.hk, self.d)
            depth_k = torch.stack(keys, dim=2) if keys else None
            depth_v = torch.stack(values, dim=2) if values else None
            o = self.attention(q, k, v, depth_k, depth_v, causal=True)
            x = x + out(o.reshape(b, t, self.hq * self.d))
            x = x + mlp(x)
            keys.append(k)
            values.append(v)
        return x


def reference_copy(model):
    """A float64 copy of `model` with the reference attention."""
    twin = copy.deepcopy(model)
    twin.attention = reference_attention
    return twin.double()


def compare_model(model, twin, x, target, tolerance, run=None):
    """Runs `run(x)` (default: model(x)), a training step's forward and
    backward, and the float64 twin (reference_copy(model), made before any
    wrapping); asserts the output and every parameter gradient of `model`
    within `tolerance` of the twin's (relative Frobenius error). Returns the
    errors."""
    run = model if run is None else run  # a compiled module has no truth value
    model.zero_grad(set_to_none=True)
    y = run(x)
    (y.float() * target.float()).sum().backward()
    twin.zero_grad(set_to_none=True)
    y_ref = twin(x.detach().double())
    (y_ref * target.double()).sum().backward()
    errors = {"out": relative_error(y.detach(), y_ref.detach())}
    params = dict(model.named_parameters())
    for name, p_ref in twin.named_parameters():
        grad = params[name].grad
        if hasattr(grad, "full_tensor"):          # FSDP2: a DTensor
            grad = grad.full_tensor()
        errors[name] = relative_error(grad, p_ref.grad) if grad is not None else float("inf")
    print("errors:", {k: f"{e:.1e}" for k, e in errors.items()})
    bad = {k: e for k, e in errors.items() if not e <= tolerance}
    assert not bad, f"errors above {tolerance}: {bad}"
    return errors
