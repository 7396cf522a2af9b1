//===- SharedTilePlan.cpp - which shared buffer each tile load fills ------===//

#include "SharedTilePlan.h"

using namespace mlir;
using namespace mlir::moda;
using namespace mlir::moda::tile;

bool SharedTilePlan::isShared(LoadOp load) {
  return load.getRows().getKind() != RowKind::Query;
}

FailureOr<SharedTilePlan> SharedTilePlan::plan(func::FuncOp program,
                                               Attribute memorySpace) {
  SharedTilePlan result;
  WalkResult escapes = program.walk([&](LoadOp load) {
    if (!isShared(load))
      return WalkResult::advance();
    for (Operation *user : load->getUsers())
      if (user->getBlock() != load->getBlock()) {
        load.emitOpError("is a shared tile used outside its own block: its "
                         "buffer could be overwritten while still in use");
        return WalkResult::interrupt();
      }
    return WalkResult::advance();
  });
  if (escapes.wasInterrupted())
    return failure();
  // (position among its block's shared loads, type) -> buffer.
  DenseMap<std::pair<unsigned, Type>, unsigned> buffers;
  DenseMap<Block *, unsigned> loadsSoFar;
  program.walk([&](LoadOp load) {
    if (!isShared(load))
      return;
    RankedTensorType type = load.getResult().getType();
    auto bufferType = MemRefType::get({type.getNumElements()},
                                      type.getElementType(), AffineMap(),
                                      memorySpace);
    unsigned position = loadsSoFar[load->getBlock()]++;
    auto [it, inserted] =
        buffers.try_emplace({position, bufferType}, result.bufferTypes.size());
    if (inserted)
      result.bufferTypes.push_back(bufferType);
    result.bufferOf[load] = it->second;
  });
  return result;
}

int64_t SharedTilePlan::getBytes() const {
  int64_t bytes = 0;
  for (MemRefType type : bufferTypes)
    bytes += type.getNumElements() * type.getElementTypeBitWidth() / 8;
  return bytes;
}
