"""Writing moda IR: one moda.attention in a function, the unit that the
correctness suite, the tuner and the benchmark compile."""

CONFIG_FIELDS = ("block_m", "block_n", "block_depth", "num_warps", "num_stages", "mma")
CONFIG_DEFAULTS = {"num_stages": 1, "mma": "fma"}


def _tensor_types(shape, static, decode=None):
    """The types of q (and out), k/v, the depth tensors and lse; `decode`
    (B, T) makes B and T static and S, L dynamic."""
    e, hq, hk, d = shape["dtype"], shape["Hq"], shape["Hk"], shape["D"]
    if static:
        b, t, s, l = shape["B"], shape["T"], shape.get("S", shape["T"]), shape["L"]
    else:
        b = t = s = l = "?"
    if decode is not None:
        b, t = decode
    return (f"tensor<{b}x{t}x{hq}x{d}x{e}>", f"tensor<{b}x{s}x{hk}x{d}x{e}>",
            f"tensor<{b}x{t}x{l}x{hk}x{d}x{e}>", f"tensor<{b}x{hq}x{t}xf32>")


def _attributes(shape, config, target, strided=False):
    """The operator's attribute entries: visibility, causal, chunk size,
    `strided` (its kernels take views) and, when given, the pinned
    configuration."""
    visibility = shape.get("visibility", "per_position")
    attributes = [f"visibility = #moda.visibility<{visibility}>"]
    if shape["causal"]:
        attributes.append("causal")
    if visibility == "chunk":
        attributes.append(f"chunk_size = {shape['chunk']}")
    if shape.get("scale") is not None:
        # The attribute is an f32; nine significant digits name every f32
        # exactly (the caller rounds the scale to f32 first).
        attributes.append(f"scale = {float(shape['scale']):.9e} : f32")
    if config:
        full = dict(CONFIG_DEFAULTS, **config)
        # kv_splits (split-KV; 1 when not given) follows target, as the
        # attribute orders its fields.
        splits = f", kv_splits = {full['kv_splits']}" if full.get("kv_splits", 1) > 1 else ""
        attributes.append("config = #moda.config<" + ", ".join(
            f"{field} = {full[field]}" for field in CONFIG_FIELDS)
            + f', target = "{target}"{splits}>')
    if strided:
        attributes.append("strided")
    return attributes


def _packed_tensor_types(shape):
    """Packed sequences' types (every size dynamic): q (and out), k/v, the
    depth tensors, lse, cu_seqlens."""
    e, hq, hk, d = shape["dtype"], shape["Hq"], shape["Hk"], shape["D"]
    return (f"tensor<?x{hq}x{d}x{e}>", f"tensor<?x{hk}x{d}x{e}>",
            f"tensor<?x?x{hk}x{d}x{e}>", f"tensor<{hq}x?xf32>", "tensor<?xi32>")


def _operator_types(shape, static, strided, packed, decode=None):
    """q (and out), k/v, the depth tensors, lse and, packed, cu_seqlens
    (else None) of an operator of `shape`."""
    if decode is not None and (static or packed):
        raise ValueError("a decoding module's B and T are static, its S and L dynamic")
    if not packed:
        return _tensor_types(shape, static, decode) + (None,)
    if static or strided:
        raise ValueError("a packed module's sizes are dynamic and its tensors dense")
    return _packed_tensor_types(shape)


def attention_module(shape, *, config=None, static=False, target="sm_90a",
                     strided=False, packed=False, decode=None, paged=None):
    """`func.func @attention` holding one moda.attention.

    `shape`: dtype, Hq, Hk, D, causal; optionally visibility ("per_position",
    "chunk" with chunk, "depth_only"), scale (default 1/sqrt(D)) and, with `static`, the sizes B, T, S
    (default T) and L. Without `static`, B, T, S and L are dynamic: one kernel
    serves every size. `config` (block_m, block_n, block_depth, num_warps
    [, num_stages, mma]) is pinned in the IR when given. `strided`: the
    kernels take their operands as views. `packed`: the tensors hold packed
    sequences (token-major, every size dynamic; the offsets %cu and the
    bound %max of their lengths are arguments too). `decode` (B, T): a
    decoding forward, B and T static, the cache length S and L dynamic.
    `paged` (page_size, W), decoding only: the keys and values are a pool
    of pages [?, page_size, Hk, D], and the block table %table [B, W] and
    the cache length %S are arguments too."""
    visibility = shape.get("visibility", "per_position")
    if paged is not None and decode is None:
        raise ValueError("a paged KV cache is read by decoding modules only")
    q, kv, depth, lse, offsets = _operator_types(shape, static, strided, packed, decode)
    if paged is not None:
        kv = f"tensor<?x{paged[0]}x{shape['Hk']}x{shape['D']}x{shape['dtype']}>"
    arguments, operands = [f"%q: {q}"], ""
    if visibility != "depth_only":
        arguments += [f"%k: {kv}", f"%v: {kv}"]
        operands += f" kv(%k, %v : {kv}, {kv})"
    arguments += [f"%dk: {depth}", f"%dv: {depth}"]
    operands += f" depth(%dk, %dv : {depth}, {depth})"
    if packed:
        arguments += [f"%cu: {offsets}", "%max: index"]
        operands += f" packed(%cu, %max : {offsets})"
    if paged is not None:
        table = f"tensor<{decode[0]}x{paged[1]}xi32>"
        arguments += [f"%table: {table}", "%S: index"]
        operands += f" paged(%table, %S : {table})"
    attributes = _attributes(shape, config, target, strided)
    return (f"func.func @attention({', '.join(arguments)}) -> ({q}, {lse}) {{\n"
            f"  %o, %l = moda.attention q(%q : {q}){operands} {{{', '.join(attributes)}}}"
            f" -> {q}, {lse}\n  return %o, %l : {q}, {lse}\n}}\n")


def training_module(shape, *, config=None, static=False, target="sm_90a",
                    strided=False, packed=False):
    """`func.func @train` holding one moda.attention and the
    moda.attention_grad of its output, fed by its out and lse: moda-compile
    writes the forward (`moda_attention_0`) and the backward
    (`moda_attention_grad_0`) of one variant. `shape`, `config` and
    `strided` and `packed` as for attention_module; the configuration, when
    given, is pinned on both, and so are `strided` and `packed`."""
    visibility = shape.get("visibility", "per_position")
    q, kv, depth, lse, offsets = _operator_types(shape, static, strided, packed)
    arguments, operands, grads = [f"%q: {q}"], "", ""
    results, types = ["%dq"], [q]
    if visibility != "depth_only":
        arguments += [f"%k: {kv}", f"%v: {kv}"]
        operands += f" kv(%k, %v : {kv}, {kv})"
        grads += f" dkv({kv}, {kv})"
        results += ["%dk", "%dv"]
        types += [kv, kv]
    arguments += [f"%kd: {depth}", f"%vd: {depth}", f"%do: {q}"]
    operands += f" depth(%kd, %vd : {depth}, {depth})"
    # The forward takes `packed(...)` after its operands, the backward after
    # d_out.
    sequences = ""
    if packed:
        arguments += [f"%cu: {offsets}", "%max: index"]
        sequences = f" packed(%cu, %max : {offsets})"
    grads += f" d_depth({depth}, {depth})"
    results += ["%dkd", "%dvd"]
    types += [depth, depth]
    attrs = ", ".join(_attributes(shape, config, target, strided))
    return (f"func.func @train({', '.join(arguments)}) -> ({', '.join(types)}) {{\n"
            f"  %o, %l = moda.attention q(%q : {q}){operands}{sequences} {{{attrs}}}"
            f" -> {q}, {lse}\n"
            f"  {', '.join(results)} = moda.attention_grad q(%q : {q}){operands}\n"
            f"      out(%o, %l : {q}, {lse}) d_out(%do : {q}){sequences} {{{attrs}}}\n"
            f"      -> dq({q}){grads}\n"
            f"  return {', '.join(results)} : {', '.join(types)}\n}}\n")
