//===- ModaTileTypes.td - moda_tile types ------------------*- tablegen -*-===//

#ifndef MODA_DIALECT_MODATILE_IR_MODATILETYPES_TD
#define MODA_DIALECT_MODATILE_IR_MODATILETYPES_TD

include "moda/Dialect/ModaTile/IR/ModaTileDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/BuiltinTypeInterfaces.td"

def ModaTile_FutureType : TypeDef<ModaTile_Dialect, "Future"> {
  let mnemonic = "future";
  let summary = "a tile whose asynchronous copy is in flight";
  let description = [{
    The result of `moda_tile.async_load`: the tile `tile` will be there once
    a `moda_tile.wait` on it returns. Software pipelining carries futures
    through loops so that the copies of later iterations overlap the work
    of this one.
  }];
  let parameters = (ins "RankedTensorType":$tile);
  let assemblyFormat = "`<` $tile `>`";
}

#endif // MODA_DIALECT_MODATILE_IR_MODATILETYPES_TD
