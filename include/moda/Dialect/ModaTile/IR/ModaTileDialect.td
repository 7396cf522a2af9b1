//===- ModaTileDialect.td - the moda_tile dialect ----------*- tablegen -*-===//
//
// The program of one thread block of a MoDA kernel, on tiles: the stage
// between the operator (moda.attention) and a target's instructions.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_DIALECT_MODATILE_IR_MODATILEDIALECT_TD
#define MODA_DIALECT_MODATILE_IR_MODATILEDIALECT_TD

include "mlir/IR/OpBase.td"

def ModaTile_Dialect : Dialect {
  let name = "moda_tile";
  let cppNamespace = "::mlir::moda::tile";
  let summary = "the program of one thread block of a MoDA kernel, on tiles";
  let description = [{
    A tile program is a `func.func` marked `moda_tile.program` whose body is
    what one thread block computes, written on whole tiles (ranked tensors)
    with no thread indexing: load a tile of rows of a tensor, multiply tiles
    (`moda_tile.dot`), mask scores by a visibility rule, update an online
    softmax, store rows. Which sequence keys and depth entries a query
    position sees is an attribute (`#moda_tile.visibility`), asked by
    `moda_tile.visible_range` for loop bounds and by `moda_tile.mask` for
    scores: the rule is written once, in `Visibility.cpp`, and every lowering
    expands it from there.

    `moda_tile.launch` runs a tile program over a grid of blocks; the grid
    formula is written once, by the pass that builds the program. The target
    lowerings (`convert-moda-tile-to-host`, ...) give each op its
    instructions; later stages attach layouts and copy kinds to the tiles as
    attributes.
  }];
  let useDefaultAttributePrinterParser = 1;
  let useDefaultTypePrinterParser = 1;
  let dependentDialects = ["::mlir::func::FuncDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::tensor::TensorDialect"];
}

class ModaTile_Op<string mnemonic, list<Trait> traits = []>
    : Op<ModaTile_Dialect, mnemonic, traits>;

#endif // MODA_DIALECT_MODATILE_IR_MODATILEDIALECT_TD
