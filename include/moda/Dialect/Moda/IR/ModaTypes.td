//===- ModaTypes.td - moda types ---------------------------*- tablegen -*-===//

#ifndef MODA_DIALECT_MODA_IR_MODATYPES_TD
#define MODA_DIALECT_MODA_IR_MODATYPES_TD

include "moda/Dialect/Moda/IR/ModaDialect.td"
include "mlir/IR/AttrTypeBase.td"

def Moda_DepthStreamType : TypeDef<Moda_Dialect, "DepthStream"> {
  let mnemonic = "depth_stream";
  let summary = "the depth keys/values a model's layers have appended so far";
  let description = [{
    A depth stream holds, for every position of every sequence in a batch,
    the key/value entries that earlier layers appended. One entry has the
    shape `[B, T, Hk, D]` (one layer's `k` or FFN key/value projection); the
    stream holds `size` of them out of a fixed `capacity`, and reads back as
    `depth_k, depth_v : [B, T, size, Hk, D]`.

    `B` and `T` may be dynamic (`?`); `Hk`, `D` and `capacity` are static.
    `size` is static or `?` (a stream carried through a loop over layers).

    Example: `!moda.depth_stream<?x?x8x64xbf16, size = 2, capacity = 8>`
  }];
  let parameters = (ins
    ArrayRefParameter<"int64_t", "entry shape [B, T, Hk, D]">:$entry_shape,
    "::mlir::Type":$element_type,
    "int64_t":$size,
    "int64_t":$capacity
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The type of `depth_k` / `depth_v` as read back: [B, T, size, Hk, D].
    ::mlir::RankedTensorType getEntriesType() const;
    /// The type of one appended entry: [B, T, Hk, D].
    ::mlir::RankedTensorType getEntryType() const;
    /// The same stream with another size.
    DepthStreamType withSize(int64_t newSize) const;
  }];
}

#endif // MODA_DIALECT_MODA_IR_MODATYPES_TD
