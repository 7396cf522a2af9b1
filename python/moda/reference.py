"""The float64 reference of MoDA forward in PyTorch (MODA.md section 2)."""

import torch


def attention_reference(q, k, v, depth_k, depth_v, *, causal, visibility,
                        chunk_size=0, scale=None):
    """out [B,T,Hq,D] and lse [B,Hq,T] in float64, computed head by head so
    that long sequences fit in memory. k/v are None for depth_only; depth
    tensors are None without depth."""
    q = q.double()
    batch, queries, query_heads, head_dim = q.shape
    scale = head_dim ** -0.5 if scale is None else scale
    kv_source = k if k is not None else depth_k
    kv_heads = kv_source.shape[-2]
    group = query_heads // kv_heads
    out = torch.zeros_like(q)
    lse = torch.full((batch, query_heads, queries), float("-inf"),
                     dtype=torch.float64, device=q.device)
    positions = torch.arange(queries, device=q.device)
    for b in range(batch):
        for hq in range(query_heads):
            h = hq // group
            qh = q[b, :, hq]                                      # [T, D]
            logits, values = [], []
            if k is not None:
                keys = k[b, :, h].double()                        # [S, D]
                z = scale * qh @ keys.T                           # [T, S]
                if causal:
                    s = torch.arange(keys.shape[0], device=q.device)
                    visible = s[None, :] <= positions[:, None] + (keys.shape[0] - queries)
                    z = z.masked_fill(~visible, float("-inf"))
                logits.append(z)
                values.append(("seq", v[b, :, h].double()))
            if depth_k is not None and depth_k.shape[2] > 0:
                dk = depth_k[b, :, :, h].double()                 # [T, L, D]
                dv = depth_v[b, :, :, h].double()
                if visibility == "chunk":
                    # Row t sees the entries of positions floor(t/C)*C .. t.
                    L = dk.shape[1]
                    flat_k = dk.reshape(queries * L, head_dim)
                    y = scale * qh @ flat_k.T                     # [T, T*L]
                    entry_position = torch.arange(queries * L, device=q.device) // L
                    start = (positions // chunk_size) * chunk_size
                    visible = (entry_position[None, :] >= start[:, None]) & \
                              (entry_position[None, :] <= positions[:, None])
                    logits.append(y.masked_fill(~visible, float("-inf")))
                    values.append(("flat", dv.reshape(queries * L, head_dim)))
                else:
                    y = scale * torch.einsum("td,tld->tl", qh, dk)
                    logits.append(y)
                    values.append(("own", dv))
            if not logits:
                continue
            all_logits = torch.cat(logits, dim=1)
            row_lse = torch.logsumexp(all_logits, dim=1)
            finite = torch.isfinite(row_lse)
            p = torch.exp(all_logits - torch.where(finite, row_lse, 0)[:, None])
            p = torch.where(finite[:, None], p, 0)
            acc = torch.zeros(queries, head_dim, dtype=torch.float64, device=q.device)
            offset = 0
            for (kind, value), z in zip(values, logits):
                part = p[:, offset:offset + z.shape[1]]
                offset += z.shape[1]
                if kind == "own":
                    acc += torch.einsum("tl,tld->td", part, value)
                else:
                    acc += part @ value
            out[b, :, hq] = acc
            lse[b, hq] = row_lse
    return out, lse


def relative_error(actual, expected):
    """||actual - expected||_F / ||expected||_F; inf on any NaN/Inf."""
    actual = actual.double()
    if not torch.isfinite(actual).all():
        return float("inf")
    denominator = torch.linalg.norm(expected)
    if denominator == 0:
        return 0.0 if torch.linalg.norm(actual) == 0 else float("inf")
    return float(torch.linalg.norm(actual - expected) / denominator)


def lse_error(actual, expected):
    """Relative error over finite entries; -inf must match -inf exactly."""
    actual = actual.double()
    expected_inf = torch.isneginf(expected)
    if not torch.equal(torch.isneginf(actual), expected_inf):
        return float("inf")
    finite = ~expected_inf
    a, e = actual[finite], expected[finite]
    if not torch.isfinite(a).all():
        return float("inf")
    if e.numel() == 0:
        return 0.0
    floor = max(float(torch.linalg.norm(e)), e.numel() ** 0.5)
    return float(torch.linalg.norm(a - e)) / floor
