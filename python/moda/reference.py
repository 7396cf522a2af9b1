"""The float64 reference of MoDA forward in PyTorch (MODA.md section 2; packed
sequences, section 7: the same on each sequence alone)."""

import torch


ROWS_PER_PASS = 4096  # query rows per pass: bounds the [rows, S] logits


def attention_reference(q, k, v, depth_k, depth_v, *, causal, visibility,
                        chunk_size=0, scale=None):
    """out [B,T,Hq,D] and lse [B,Hq,T] in float64, computed head by head and,
    for per-position depth, ROWS_PER_PASS query rows at a time, so that long
    sequences fit in memory. k/v are None for depth_only; depth tensors are
    None without depth."""
    queries = q.shape[1]
    if visibility != "chunk" and queries > ROWS_PER_PASS:
        # Rows are independent; causal alignment is relative to the end, so a
        # pass over rows [r0, r1) sees keys s <= t + (S - T) as a whole would.
        outs, lses = [], []
        for r0 in range(0, queries, ROWS_PER_PASS):
            r1 = min(queries, r0 + ROWS_PER_PASS)
            keys = None if k is None else k.shape[1]
            # Trim keys no row of the pass sees (causal) to keep memory flat.
            kk, vv = k, v
            if k is not None and causal:
                last = r1 - 1 + (keys - queries)
                kk, vv = k[:, :max(0, last + 1)], v[:, :max(0, last + 1)]
            o, l = _attention_rows(q[:, r0:r1], kk, vv,
                                   None if depth_k is None else depth_k[:, r0:r1],
                                   None if depth_v is None else depth_v[:, r0:r1],
                                   causal=causal, visibility=visibility,
                                   chunk_size=chunk_size, scale=scale,
                                   row_offset=r0, total_queries=queries,
                                   total_keys=keys or 0)
            outs.append(o)
            lses.append(l)
        return torch.cat(outs, dim=1), torch.cat(lses, dim=2)
    return _attention_rows(q, k, v, depth_k, depth_v, causal=causal,
                           visibility=visibility, chunk_size=chunk_size,
                           scale=scale, row_offset=0, total_queries=queries,
                           total_keys=0 if k is None else k.shape[1])


def packed_attention_reference(q, k, v, depth_k, depth_v, cu_seqlens, *, causal,
                               visibility, chunk_size=0, scale=None):
    """The reference over packed sequences (MODA.md section 7): q [N, Hq, D],
    k/v [N, Hk, D] (None for depth_only), depth_k/depth_v [N, L, Hk, D] (None
    without depth) and the offsets cu_seqlens (B + 1 of them, a list or a
    tensor): attention_reference on each sequence's tokens alone, so that
    positions, causal alignment and chunk starts restart at each sequence.
    Returns out [N, Hq, D] and lse [Hq, N] in float64; tokens outside every
    sequence (after the last offset) get out 0 and lse -inf. Differentiable
    (torch autograd flows through the per-sequence slices)."""
    offsets = [int(x) for x in (cu_seqlens.tolist() if torch.is_tensor(cu_seqlens)
                                else cu_seqlens)]
    tokens, query_heads, head_dim = q.shape
    if (not offsets or offsets[0] != 0 or offsets[-1] > tokens
            or any(b < a for a, b in zip(offsets, offsets[1:]))):
        raise ValueError(f"cu_seqlens {offsets}: offsets from 0, non-decreasing, "
                         f"up to the {tokens} tokens")
    outs, lses = [], []
    for first, end in zip(offsets, offsets[1:]):
        if end == first:
            continue
        part = [None if t is None else t[first:end].unsqueeze(0)
                for t in (q, k, v, depth_k, depth_v)]
        out, lse = attention_reference(*part, causal=causal, visibility=visibility,
                                       chunk_size=chunk_size, scale=scale)
        outs.append(out[0])
        lses.append(lse[0])
    rest = tokens - offsets[-1]
    outs.append(torch.zeros(rest, query_heads, head_dim, dtype=torch.float64,
                            device=q.device))
    lses.append(torch.full((query_heads, rest), float("-inf"), dtype=torch.float64,
                           device=q.device))
    return torch.cat(outs, dim=0), torch.cat(lses, dim=1)


def reference_forward_and_grads(inputs, d_out, *, causal, visibility, chunk_size=0,
                                scale=None, cu_seqlens=None):
    """out, lse and the gradients of (out * d_out).sum() w.r.t. `inputs` (q,
    k, v, depth_k, depth_v; None for absent ones), all float64: torch
    autograd through attention_reference, or with cu_seqlens through
    packed_attention_reference. An input no output depends on gets zeros."""
    leaves = [None if t is None else t.detach().double().requires_grad_(True)
              for t in inputs]
    options = dict(causal=causal, visibility=visibility, chunk_size=chunk_size,
                   scale=scale)
    if cu_seqlens is None:
        out, lse = attention_reference(*leaves, **options)
    else:
        out, lse = packed_attention_reference(*leaves, cu_seqlens, **options)
    if out.requires_grad:  # (packed sequences without tokens: nothing does)
        (out * d_out.double()).sum().backward()
    grads = [None if t is None else
             (t.grad if t.grad is not None else torch.zeros_like(t)) for t in leaves]
    return out.detach(), lse.detach(), grads


def _attention_rows(q, k, v, depth_k, depth_v, *, causal, visibility, chunk_size,
                    scale, row_offset, total_queries, total_keys):
    """The reference for query rows [row_offset, row_offset + q.shape[1]) of
    a problem with `total_queries` queries and `total_keys` keys; k/v hold
    the keys those rows may see (a causal prefix of the full key set)."""
    q = q.double()
    batch, queries, query_heads, head_dim = q.shape
    scale = head_dim ** -0.5 if scale is None else scale
    kv_source = k if k is not None else depth_k
    kv_heads = kv_source.shape[-2]
    group = query_heads // kv_heads
    out = torch.zeros_like(q)
    lse = torch.full((batch, query_heads, queries), float("-inf"),
                     dtype=torch.float64, device=q.device)
    positions = torch.arange(queries, device=q.device)  # local row index
    global_rows = positions + row_offset
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
                    visible = s[None, :] <= global_rows[:, None] + (total_keys - total_queries)
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


# A gradient whose float64 reference is exactly zero (a key that is the only
# one its rows see has weight 1 whatever its logit: dS = 0, so dk = 0 and
# dq = 0) has no relative error; its rounding residue is measured against
# the gradient of the values (dv, or dvd for the depth part and for dq
# without sequence keys), the same rows' output gradient flowing through the
# same keys. Candidates in order: the first present.
ZERO_REFERENCE_COMPANIONS = {"dq": ("dv", "dvd"), "dk": ("dv",), "dkd": ("dvd",)}


def gradient_errors(computed, expected):
    """rel_err_<name> for each gradient `expected` has ({"dq", "dk", "dv",
    "dkd", "dvd"} to a float64 tensor or None; `computed` the same names),
    inf where `computed` lacks it or holds a NaN/Inf, and
    zero_reference_<name> where the reference is exactly zero and the
    error is measured against its companion gradient instead."""
    errors = {}
    for name, ref in expected.items():
        if ref is None:
            continue
        grad = computed.get(name)
        if grad is None:
            errors[f"rel_err_{name}"] = float("inf")
            continue
        other = next((expected[c] for c in ZERO_REFERENCE_COMPANIONS.get(name, ())
                      if expected.get(c) is not None), None)
        if (torch.count_nonzero(ref) == 0 and ref.numel() > 0
                and other is not None and torch.count_nonzero(other) > 0):
            grad = grad.double()
            errors[f"rel_err_{name}"] = (
                float(torch.linalg.norm(grad) / torch.linalg.norm(other))
                if torch.isfinite(grad).all() else float("inf"))
            errors[f"zero_reference_{name}"] = True
        else:
            errors[f"rel_err_{name}"] = relative_error(grad, ref)
    return errors
