//===- ModaDialect.td - the moda dialect -------------------*- tablegen -*-===//
//
// The dialect for Mixture-of-Depths Attention: the attention operator (forward
// and backward) and the depth stream that carries earlier layers' keys/values
// through a model graph.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_DIALECT_MODA_IR_MODADIALECT_TD
#define MODA_DIALECT_MODA_IR_MODADIALECT_TD

include "mlir/IR/OpBase.td"

def Moda_Dialect : Dialect {
  let name = "moda";
  let cppNamespace = "::mlir::moda";
  let summary = "Mixture-of-Depths Attention and the depth stream of a model";
  let description = [{
    The `moda` dialect represents Mixture-of-Depths Attention (MoDA): each
    attention head attends, in one softmax, to the current layer's sequence
    keys/values and to the keys/values that the same token position produced
    in earlier layers ("depth KV").

    It has two layers of abstraction:

    * `moda.attention` and `moda.attention_grad`: the forward and backward
      operator on tensors, in the framework layout `q: [B, T, Hq, D]`,
      `k, v: [B, S, Hk, D]`, `depth_k, depth_v: [B, T, L, Hk, D]`, with the
      variants of the specification (causal or not, grouped-query heads,
      per-position or chunk-visible depth, depth-only attention).
    * the depth stream (`!moda.depth_stream`, `moda.stream.empty`,
      `moda.stream.append`, `moda.stream.entries`): the keys/values that the
      layers of a model append one entry at a time, as SSA values, so that a
      later pass can give the whole stream one preallocated buffer.

    Kernel configurations (`#moda.config`) are attributes in the IR, attached
    by the configuration-selection pass and read by the lowering.
  }];
  let useDefaultTypePrinterParser = 1;
  let useDefaultAttributePrinterParser = 1;
  let extraClassDeclaration = [{
    /// Registers the attributes (ModaAttrs.cpp, next to their parsers).
    void registerAttributes();
  }];
  // Canonicalization materializes zero-sized depth tensors with tensor.empty
  // (and their sizes the stream type fixes with arith.constant).
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect"];
}

class Moda_Op<string mnemonic, list<Trait> traits = []>
    : Op<Moda_Dialect, mnemonic, traits>;

#endif // MODA_DIALECT_MODA_IR_MODADIALECT_TD
