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

    With `window` (the paper's bounded depth, section 6.2) the stream keeps
    the most recent `capacity` entries: `size` counts every entry appended
    (it may pass the capacity), an append writes slot `size mod capacity`
    and a read sees `min(size, capacity)` entries. The softmax does not
    depend on the order of its entries, so the slots need no reordering.

    Example: `!moda.depth_stream<?x?x8x64xbf16, size = 2, capacity = 8>`,
    `!moda.depth_stream<1x128x2x64xbf16, size = 11, capacity = 4, window>`
  }];
  let parameters = (ins
    ArrayRefParameter<"int64_t", "entry shape [B, T, Hk, D]">:$entry_shape,
    "::mlir::Type":$element_type,
    "int64_t":$size,
    "int64_t":$capacity,
    "bool":$window
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The type of `depth_k` / `depth_v` as read back: [B, T, L, Hk, D],
    /// L = size (min(size, capacity) with `window`).
    ::mlir::RankedTensorType getEntriesType() const;
    /// The type of one appended entry: [B, T, Hk, D].
    ::mlir::RankedTensorType getEntryType() const;
    /// The same stream with another size.
    DepthStreamType withSize(int64_t newSize) const;
  }];
}

#endif // MODA_DIALECT_MODA_IR_MODATYPES_TD
