#!/usr/bin/env python3
"""Writes a MoDA model graph (MODA.md section 4) as moda + linalg IR.

Each layer l, on x [B, T, d_model] (bf16):
  q, k, v  = x Wq, x Wk, x Wv        linalg.matmul (f32 accumulation), bf16
  attn     = moda.attention(q, k, v, depth = the stream's 2l entries)
  h        = RMSNorm(x + attn Wo) * g1           post-norm (linalg.generic)
  f        = SiLU(h W1) W2
  fk, fv   = h Wkv                   the FFN input's KV projection, split
  x'       = RMSNorm(h + f) * g2
  stream  += (k, v), (fk, fv)        layer l+1 reads L = 2(l+1) entries

Weights are the function's arguments, drawn at unit scale by whoever runs
the graph; each projection multiplies its f32 accumulator by
1/sqrt(fan_in) (the initialization scale, folded into the projection) before
rounding to bf16, so activations stay of unit scale at any width.

    python3 utils/make-model-graph.py --layers 4 --tokens 200 --query-heads 4 \
        > examples/model4.mlir
"""

import argparse
import math
import sys


class Graph:
    def __init__(self, batch, tokens):
        self.batch, self.tokens = batch, tokens
        self.lines, self.counter = [], 0

    def fresh(self, stem):
        self.counter += 1
        return f"%{stem}{self.counter}"

    def emit(self, line):
        self.lines.append("  " + line)

    def projection(self, x, x_type, rows, fan_in, weight, width, out_type,
                   activation=None):
        """x [rows, fan_in] (x_type) times weight [fan_in, width] bf16,
        accumulated in f32, scaled by 1/sqrt(fan_in), optionally SiLU, in
        out_type (bf16: rounded)."""
        acc_t = f"tensor<{rows}x{width}xf32>"
        out_t = f"tensor<{rows}x{width}x{out_type}>"
        empty, zero, acc, out_e, out = (self.fresh(s) for s in
                                        ("e", "z", "acc", "e", "p"))
        self.emit(f"{empty} = tensor.empty() : {acc_t}")
        self.emit(f"{zero} = linalg.fill ins(%zero : f32) outs({empty} : {acc_t}) -> {acc_t}")
        self.emit(f"{acc} = linalg.matmul ins({x}, {weight} : tensor<{rows}x{fan_in}x{x_type}>, "
                  f"tensor<{fan_in}x{width}xbf16>) outs({zero} : {acc_t}) -> {acc_t}")
        self.emit(f"{out_e} = tensor.empty() : {out_t}")
        scale = 1.0 / math.sqrt(fan_in)
        body = [f"%s = arith.mulf %a, %c : f32"]
        value = "%s"
        if activation == "silu":
            # y * sigmoid(y) = y / (1 + exp(-y))
            body += ["%one = arith.constant 1.0 : f32",
                     "%n = arith.negf %s : f32", "%x = math.exp %n : f32",
                     "%d = arith.addf %x, %one : f32", "%y = arith.divf %s, %d : f32"]
            value = "%y"
        if out_type == "f32":
            body += [f"linalg.yield {value} : f32"]
        else:
            body += [f"%t = arith.truncf {value} : f32 to {out_type}",
                     f"linalg.yield %t : {out_type}"]
        self.emit(f"{out} = linalg.generic {{indexing_maps = [#tile, #tile], "
                  f"iterator_types = [\"parallel\", \"parallel\"]}} ins({acc} : {acc_t}) "
                  f"outs({out_e} : {out_t}) {{")
        self.emit(f"^bb0(%a: f32, %o: {out_type}):")
        self.emit(f"  %c = arith.constant {scale:.9e} : f32")
        for line in body:
            self.emit("  " + line)
        self.emit(f"}} -> {out_t}")
        return out

    def residual_norm(self, x, delta, gain, rows, width, act):
        """RMSNorm(x + delta) * gain, [rows, width] in `act` (f32 or bf16;
        computed in f32)."""
        tile_t = f"tensor<{rows}x{width}x{act}>"
        row_t = f"tensor<{rows}xf32>"
        # The operands as f32: bf16 ones extended.
        if act == "bf16":
            widen = ["%x = arith.extf %a : bf16 to f32", "%d = arith.extf %b : bf16 to f32",
                     "%s = arith.addf %x, %d : f32"]
        else:
            widen = ["%s = arith.addf %a, %b : f32"]
        empty, zero, squares, out_e, out = (self.fresh(s) for s in
                                            ("e", "z", "ss", "e", "h"))
        self.emit(f"{empty} = tensor.empty() : {row_t}")
        self.emit(f"{zero} = linalg.fill ins(%zero : f32) outs({empty} : {row_t}) -> {row_t}")
        self.emit(f"{squares} = linalg.generic {{indexing_maps = [#tile, #tile, #row], "
                  f"iterator_types = [\"parallel\", \"reduction\"]}} ins({x}, {delta} : "
                  f"{tile_t}, {tile_t}) outs({zero} : {row_t}) {{")
        self.emit(f"^bb0(%a: {act}, %b: {act}, %acc: f32):")
        for line in widen + ["%q = arith.mulf %s, %s : f32",
                             "%r = arith.addf %acc, %q : f32", "linalg.yield %r : f32"]:
            self.emit("  " + line)
        self.emit(f"}} -> {row_t}")
        self.emit(f"{out_e} = tensor.empty() : {tile_t}")
        self.emit(f"{out} = linalg.generic {{indexing_maps = [#tile, #tile, #row, #column, #tile], "
                  f"iterator_types = [\"parallel\", \"parallel\"]}} ins({x}, {delta}, {squares}, "
                  f"{gain} : {tile_t}, {tile_t}, {row_t}, tensor<{width}xbf16>) "
                  f"outs({out_e} : {tile_t}) {{")
        self.emit(f"^bb0(%a: {act}, %b: {act}, %ss: f32, %g: bf16, %o: {act}):")
        result = (["%t = arith.truncf %y : f32 to bf16", "linalg.yield %t : bf16"]
                  if act == "bf16" else ["linalg.yield %y : f32"])
        for line in widen + [f"%w = arith.constant {float(width):.1f} : f32",
                             "%eps = arith.constant 9.99999997e-07 : f32",
                             "%m = arith.divf %ss, %w : f32", "%me = arith.addf %m, %eps : f32",
                             "%r = math.rsqrt %me : f32", "%n = arith.mulf %s, %r : f32",
                             "%gf = arith.extf %g : bf16 to f32", "%y = arith.mulf %n, %gf : f32"
                             ] + result:
            self.emit("  " + line)
        self.emit(f"}} -> {tile_t}")
        return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--tokens", type=int, default=37)
    parser.add_argument("--query-heads", type=int, default=2)
    parser.add_argument("--kv-heads", type=int, default=1)
    parser.add_argument("--head-dim", type=int, default=64)
    parser.add_argument("--ffn", type=int, default=256)
    parser.add_argument("--activations", choices=["f32", "bf16"], default="f32",
                        help="the residual stream's and norms' element type "
                             "(attention operands and weights are bf16)")
    args = parser.parse_args()
    act = args.activations
    B, T, Hq, Hk, D, F = (1, args.tokens, args.query_heads, args.kv_heads,
                          args.head_dim, args.ffn)
    model, kv = Hq * D, Hk * D
    cap = 2 * args.layers
    g = Graph(B, T)
    x_t = f"tensor<{B}x{T}x{model}x{act}>"
    flat = f"tensor<{B * T}x{model}x{act}>"
    heads = lambda h: f"tensor<{B}x{T}x{h}x{D}xbf16>"
    stream_t = lambda size: (f"!moda.depth_stream<{B}x{T}x{Hk}x{D}xbf16, size = {size}, "
                             f"capacity = {cap}>")
    args_ = [f"%input: {x_t}"]
    for l in range(args.layers):
        args_ += [f"%wq{l}: tensor<{model}x{model}xbf16>", f"%wk{l}: tensor<{model}x{kv}xbf16>",
                  f"%wv{l}: tensor<{model}x{kv}xbf16>", f"%wo{l}: tensor<{model}x{model}xbf16>",
                  f"%g1_{l}: tensor<{model}xbf16>", f"%w1_{l}: tensor<{model}x{F}xbf16>",
                  f"%w2_{l}: tensor<{F}x{model}xbf16>", f"%wkv{l}: tensor<{model}x{2 * kv}xbf16>",
                  f"%g2_{l}: tensor<{model}xbf16>"]
    g.emit("%zero = arith.constant 0.0 : f32")
    g.emit(f"%stream0 = moda.stream.empty : {stream_t(0)}")
    g.emit(f"%x2d_0 = tensor.collapse_shape %input [[0, 1], [2]] : {x_t} into {flat}")
    x2d, size = "%x2d_0", 0
    for l in range(args.layers):
        g.lines.append(f"  // Layer {l}: reads L = {size} depth entries per position.")
        q = g.projection(x2d, act, B * T, model, f"%wq{l}", model, "bf16")
        k = g.projection(x2d, act, B * T, model, f"%wk{l}", kv, "bf16")
        v = g.projection(x2d, act, B * T, model, f"%wv{l}", kv, "bf16")
        q4, k4, v4 = g.fresh("q"), g.fresh("k"), g.fresh("v")
        g.emit(f"{q4} = tensor.expand_shape {q} [[0, 1], [2, 3]] output_shape [{B}, {T}, {Hq}, {D}] "
               f": tensor<{B * T}x{model}xbf16> into {heads(Hq)}")
        g.emit(f"{k4} = tensor.expand_shape {k} [[0, 1], [2, 3]] output_shape [{B}, {T}, {Hk}, {D}] "
               f": tensor<{B * T}x{kv}xbf16> into {heads(Hk)}")
        g.emit(f"{v4} = tensor.expand_shape {v} [[0, 1], [2, 3]] output_shape [{B}, {T}, {Hk}, {D}] "
               f": tensor<{B * T}x{kv}xbf16> into {heads(Hk)}")
        depth_t = f"tensor<{B}x{T}x{size}x{Hk}x{D}xbf16>"
        dk, dv = g.fresh("dk"), g.fresh("dv")
        g.emit(f"{dk}, {dv} = moda.stream.entries %stream{l} : {stream_t(size)} -> {depth_t}, {depth_t}")
        out, lse = g.fresh("attn"), g.fresh("lse")
        g.emit(f"{out}, {lse} = moda.attention q({q4} : {heads(Hq)}) kv({k4}, {v4} : {heads(Hk)}, "
               f"{heads(Hk)}) depth({dk}, {dv} : {depth_t}, {depth_t}) {{causal}} -> "
               f"{heads(Hq)}, tensor<{B}x{Hq}x{T}xf32>")
        out2d = g.fresh("attn2d")
        g.emit(f"{out2d} = tensor.collapse_shape {out} [[0, 1], [2, 3]] : {heads(Hq)} into "
               f"tensor<{B * T}x{model}xbf16>")
        o = g.projection(out2d, "bf16", B * T, model, f"%wo{l}", model, act)
        h = g.residual_norm(x2d, o, f"%g1_{l}", B * T, model, act)
        a = g.projection(h, act, B * T, model, f"%w1_{l}", F, act, activation="silu")
        f = g.projection(a, act, B * T, F, f"%w2_{l}", model, act)
        fkv = g.projection(h, act, B * T, model, f"%wkv{l}", 2 * kv, "bf16")
        fk, fv, fk4, fv4 = g.fresh("fk"), g.fresh("fv"), g.fresh("fk"), g.fresh("fv")
        half = f"tensor<{B * T}x{kv}xbf16>"
        g.emit(f"{fk} = tensor.extract_slice {fkv}[0, 0] [{B * T}, {kv}] [1, 1] : "
               f"tensor<{B * T}x{2 * kv}xbf16> to {half}")
        g.emit(f"{fv} = tensor.extract_slice {fkv}[0, {kv}] [{B * T}, {kv}] [1, 1] : "
               f"tensor<{B * T}x{2 * kv}xbf16> to {half}")
        g.emit(f"{fk4} = tensor.expand_shape {fk} [[0, 1], [2, 3]] output_shape [{B}, {T}, {Hk}, {D}] "
               f": {half} into {heads(Hk)}")
        g.emit(f"{fv4} = tensor.expand_shape {fv} [[0, 1], [2, 3]] output_shape [{B}, {T}, {Hk}, {D}] "
               f": {half} into {heads(Hk)}")
        x2d = g.residual_norm(h, f, f"%g2_{l}", B * T, model, act)
        mid = g.fresh("stream")
        g.emit(f"{mid} = moda.stream.append %stream{l}, {k4}, {v4} : {stream_t(size)}, "
               f"{heads(Hk)}, {heads(Hk)} -> {stream_t(size + 1)}")
        g.emit(f"%stream{l + 1} = moda.stream.append {mid}, {fk4}, {fv4} : {stream_t(size + 1)}, "
               f"{heads(Hk)}, {heads(Hk)} -> {stream_t(size + 2)}")
        size += 2
    g.emit(f"%y = tensor.expand_shape {x2d} [[0, 1], [2]] output_shape [{B}, {T}, {model}] "
           f": {flat} into {x_t}")
    g.emit(f"return %y : {x_t}")
    command = " ".join(["utils/make-model-graph.py"] + sys.argv[1:])
    print(f"// A {args.layers}-layer MoDA model graph (MODA.md section 4), written by")
    print(f"//   {command}")
    print("// (whose docstring says what each layer computes): projections, post-norm "
          "RMSNorm, SiLU FFN,")
    print("// the FFN input's KV projection, and the depth stream threaded through the layers.")
    print(f"// B = {B}, T = {T}, Hq = {Hq}, Hk = {Hk}, D = {D}, d_model = {model}, ffn = {F}; "
          f"activations {act}.")
    print("#tile = affine_map<(d0, d1) -> (d0, d1)>")
    print("#row = affine_map<(d0, d1) -> (d0)>")
    print("#column = affine_map<(d0, d1) -> (d1)>")
    print("func.func @model(" + ",\n                 ".join(args_) + f")\n    -> {x_t} {{")
    print("\n".join(g.lines))
    print("}")


if __name__ == "__main__":
    main()
