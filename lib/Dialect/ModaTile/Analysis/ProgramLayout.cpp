//===- ProgramLayout.cpp - the layout of a tile program --------------------===//

#include "moda/Dialect/ModaTile/Analysis/ProgramLayout.h"

using namespace mlir;
using namespace mlir::moda::tile;

FailureOr<LayoutAttr> mlir::moda::tile::getProgramLayout(func::FuncOp program) {
  LayoutAttr layout;
  WalkResult walk = program.walk([&](DotOp dot) {
    if (!dot.getLayoutAttr()) {
      dot.emitOpError("has no layout; run -moda-tile-assign-layouts before "
                      "lowering tile programs to the GPU");
      return WalkResult::interrupt();
    }
    if (layout && dot.getLayoutAttr() != layout) {
      dot.emitOpError() << "has layout " << dot.getLayoutAttr()
                        << " but another product of the program has "
                        << layout;
      return WalkResult::interrupt();
    }
    layout = dot.getLayoutAttr();
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();
  if (!layout)
    layout = program->getAttrOfType<LayoutAttr>(kProgramLayoutAttrName);
  if (!layout)
    return program.emitOpError("is a tile program without products and "
                               "without a layout; run "
                               "-moda-tile-assign-layouts before lowering "
                               "tile programs to the GPU");
  return layout;
}
