//===- BufferDepthStreams.cpp - the depth stream as one buffer ------------===//
//
// The stage between a model graph's functional depth stream and memory: a
// `!moda.depth_stream` value becomes a key buffer, a value buffer (each
// [B, T, capacity, Hk, D]) and the number of slots filled, by a 1:N type
// conversion that also carries streams through scf.for / scf.if and
// function boundaries. An append writes slot `size` of the buffers it was
// given, in place once bufferized; a second append to one stream value, or
// a window stream's entries read after its next append, would make
// bufferization copy the whole buffer to keep the first one's readers
// right (silently: the cost of the O(L^2) re-stacking this pass exists to
// remove), so both are rejected before anything changes.
//
//===----------------------------------------------------------------------===//

#include "moda/Dialect/Moda/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::moda {
#define GEN_PASS_DEF_MODABUFFERDEPTHSTREAMS
#include "moda/Dialect/Moda/Transforms/Passes.h.inc"
} // namespace mlir::moda

using namespace mlir;
using namespace mlir::moda;

namespace {

/// The buffers' type: [B, T, capacity, Hk, D] of the stream's elements.
RankedTensorType getBufferType(DepthStreamType stream) {
  ArrayRef<int64_t> entry = stream.getEntryShape();
  return RankedTensorType::get(
      {entry[0], entry[1], stream.getCapacity(), entry[2], entry[3]},
      stream.getElementType());
}

/// A stream in memory: its key and value buffers and its size.
struct BufferedStream {
  Value keys, values, size;
  static BufferedStream of(ValueRange converted) {
    return {converted[0], converted[1], converted[2]};
  }
  SmallVector<Value> asRange() const { return {keys, values, size}; }
};

/// Size `dim` of `tensor` as a fold result: its static size, or tensor.dim.
OpFoldResult getDimSize(OpBuilder &b, Location loc, Value tensor,
                        int64_t dim) {
  int64_t size = cast<RankedTensorType>(tensor.getType()).getDimSize(dim);
  if (!ShapedType::isDynamic(size))
    return b.getIndexAttr(size);
  return tensor::DimOp::create(b, loc, tensor, dim).getResult();
}

struct EmptyToBuffers : OpConversionPattern<StreamEmptyOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(StreamEmptyOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType bufferType = getBufferType(op.getStream().getType());
    // The dynamic sizes of the entry shape are B and T, the buffers' first
    // two dimensions (Hk, D and the capacity are static).
    SmallVector<Value> dynamicSizes;
    for (ValueRange size : adaptor.getDynamicSizes())
      dynamicSizes.push_back(size.front());
    // Allocations, not tensor.empty: two equal empties would be merged by
    // CSE into one tensor that both buffers then share.
    Value keys = bufferization::AllocTensorOp::create(rewriter, loc, bufferType,
                                                      dynamicSizes);
    Value values = bufferization::AllocTensorOp::create(
        rewriter, loc, bufferType, dynamicSizes);
    Value size = arith::ConstantIndexOp::create(rewriter, loc, 0);
    rewriter.replaceOpWithMultiple(op, {{keys, values, size}});
    return success();
  }
};

/// The slot the next append writes: `size`, or with `window` the oldest
/// entry's, `size mod capacity` (a constant when the size is one).
Value getSlot(OpBuilder &b, Location loc, Value size, DepthStreamType type) {
  if (!type.getWindow())
    return size;
  int64_t capacity = type.getCapacity();
  if (std::optional<int64_t> known = getConstantIntValue(size))
    return arith::ConstantIndexOp::create(b, loc, *known % capacity);
  return arith::RemUIOp::create(b, loc, size,
                                arith::ConstantIndexOp::create(b, loc, capacity));
}

/// The entries a read sees: `size`, or with `window` at most `capacity`.
Value getNumEntries(OpBuilder &b, Location loc, Value size,
                    DepthStreamType type) {
  if (!type.getWindow())
    return size;
  return arith::MinUIOp::create(
      b, loc, size, arith::ConstantIndexOp::create(b, loc, type.getCapacity()));
}

struct AppendToInsertSlices : OpConversionPattern<StreamAppendOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(StreamAppendOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    BufferedStream stream = BufferedStream::of(adaptor.getStream());
    DepthStreamType type = op.getStream().getType();
    if (ShapedType::isDynamic(type.getSize()) && !type.getWindow()) {
      // The verifier checks a static size; a loop's stream is checked here,
      // before the slot past the end would be written.
      Value capacity =
          arith::ConstantIndexOp::create(rewriter, loc, type.getCapacity());
      Value fits = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::ult, stream.size, capacity);
      cf::AssertOp::create(
          rewriter, loc, fits,
          "moda.stream.append: the depth stream is full (size has reached "
          "its capacity)");
    }
    Value k = adaptor.getK().front(), v = adaptor.getV().front();
    // The entry [B, T, Hk, D] goes to [0, 0, size, 0, 0] with sizes
    // [B, T, 1, Hk, D] (a rank-reducing insert).
    SmallVector<OpFoldResult> offsets(5, rewriter.getIndexAttr(0));
    offsets[2] = getAsOpFoldResult(
        getSlot(rewriter, loc, stream.size, type));
    SmallVector<OpFoldResult> sizes = {
        getDimSize(rewriter, loc, k, 0), getDimSize(rewriter, loc, k, 1),
        rewriter.getIndexAttr(1), getDimSize(rewriter, loc, k, 2),
        getDimSize(rewriter, loc, k, 3)};
    SmallVector<OpFoldResult> strides(5, rewriter.getIndexAttr(1));
    Value keys = tensor::InsertSliceOp::create(rewriter, loc, k, stream.keys,
                                               offsets, sizes, strides);
    Value values = tensor::InsertSliceOp::create(
        rewriter, loc, v, stream.values, offsets, sizes, strides);
    // A constant size stays one, so that slots stay static offsets.
    Value size;
    if (std::optional<int64_t> known = getConstantIntValue(stream.size))
      size = arith::ConstantIndexOp::create(rewriter, loc, *known + 1);
    else
      size = arith::AddIOp::create(
          rewriter, loc, stream.size,
          arith::ConstantIndexOp::create(rewriter, loc, 1));
    rewriter.replaceOpWithMultiple(op, {{keys, values, size}});
    return success();
  }
};

struct EntriesToSlices : OpConversionPattern<StreamEntriesOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(StreamEntriesOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    BufferedStream stream = BufferedStream::of(adaptor.getStream());
    DepthStreamType streamType = op.getStream().getType();
    // The entries the read sees, built once, where something asks.
    Value numEntries;
    auto getEntries = [&]() {
      if (!numEntries)
        numEntries = getNumEntries(rewriter, loc, stream.size, streamType);
      return numEntries;
    };
    auto slice = [&](Value buffer, Value result) -> Value {
      auto type = cast<RankedTensorType>(result.getType());
      SmallVector<OpFoldResult> offsets(5, rewriter.getIndexAttr(0));
      SmallVector<OpFoldResult> strides(5, rewriter.getIndexAttr(1));
      // Slots [0, size): the static sizes of the result type where it has
      // them (the verifier matched them to the stream's), else the
      // buffer's dimensions and the stream's size.
      SmallVector<OpFoldResult> sizes;
      for (int64_t dim = 0; dim < 5; ++dim) {
        if (!type.isDynamicDim(dim))
          sizes.push_back(rewriter.getIndexAttr(type.getDimSize(dim)));
        else if (dim == 2)
          sizes.push_back(getEntries());
        else
          sizes.push_back(getDimSize(rewriter, loc, buffer, dim));
      }
      return tensor::ExtractSliceOp::create(rewriter, loc, type, buffer,
                                            offsets, sizes, strides);
    };
    // A static L read from a stream whose size is not static: the types
    // only had to be compatible, so the size is checked where it is known.
    auto resultType = cast<RankedTensorType>(op.getDepthK().getType());
    if (ShapedType::isDynamic(streamType.getSize()) &&
        !resultType.isDynamicDim(2)) {
      Value matches = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::eq, getEntries(),
          arith::ConstantIndexOp::create(rewriter, loc,
                                         resultType.getDimSize(2)));
      cf::AssertOp::create(rewriter, loc, matches,
                           "moda.stream.entries: the stream holds another "
                           "number of entries than the result type says");
    }
    Value keys = slice(stream.keys, op.getDepthK());
    Value values = slice(stream.values, op.getDepthV());
    rewriter.replaceOp(op, {keys, values});
    return success();
  }
};

/// Fails, naming the two appends, where a stream value is appended to (in
/// itself or through a loop, branch or call it is passed to) more than
/// once; and where a stream reaches an op this pass does not convert.
/// With `window`, an append may write a slot the stream's entries hold (the
/// oldest, once the stream has wrapped): fails where they are read after
/// the append `writer`.
LogicalResult
checkNoReadAfterWrap(Value stream, Operation *writer,
                     function_ref<bool(Operation *, Operation *)> isBefore) {
  auto type = cast<DepthStreamType>(stream.getType());
  if (!type.getWindow() || (!ShapedType::isDynamic(type.getSize()) &&
                            type.getSize() < type.getCapacity()))
    return success();
  for (Operation *user : stream.getUsers()) {
    auto entries = dyn_cast<StreamEntriesOp>(user);
    if (!entries)
      continue;
    SmallVector<Operation *> reads = {entries};
    for (Operation *read : entries->getUsers())
      reads.push_back(read);
    for (Operation *read : reads) {
      if (!isBefore(writer, read))
        continue;
      InFlightDiagnostic diag =
          read->emitOpError()
          << "reads the entries of a depth stream with `window` after an "
             "append that may overwrite the oldest of them (its slot is "
             "the stream's size mod capacity): read them before the append";
      diag.attachNote(writer->getLoc()) << "the append";
      return diag;
    }
  }
  return success();
}

LogicalResult checkSingleAppendPerStream(Value stream) {
  SmallVector<Operation *> writers;
  for (OpOperand &use : stream.getUses()) {
    Operation *user = use.getOwner();
    if (isa<StreamEntriesOp, scf::YieldOp, func::ReturnOp>(user))
      continue;
    if (!isa<StreamAppendOp, scf::ForOp, scf::IfOp, func::CallOp>(user))
      return user->emitOpError()
             << "takes a depth stream; moda-buffer-depth-streams knows "
                "moda.stream ops, scf.for, scf.if and func calls and returns";
    writers.push_back(user);
  }
  // Every user is nested in the block that defines the stream: program
  // order is that of their ancestors there.
  Block *block = stream.getParentBlock();
  auto isBefore = [&](Operation *a, Operation *b) {
    Operation *aInBlock = block->findAncestorOpInBlock(*a);
    Operation *bInBlock = block->findAncestorOpInBlock(*b);
    return aInBlock && bInBlock && aInBlock->isBeforeInBlock(bInBlock);
  };
  if (writers.size() == 1)
    return checkNoReadAfterWrap(stream, writers.front(), isBefore);
  if (writers.empty())
    return success();
  // Report the later of two writers in program order.
  llvm::sort(writers, isBefore);
  InFlightDiagnostic diag =
      writers[1]->emitOpError()
      << "appends (directly or in a loop, branch or call) to a depth "
         "stream that another op appends to as well: both would write the "
         "same slot of its one buffer";
  diag.attachNote(writers[0]->getLoc()) << "the other append";
  return diag;
}

LogicalResult checkSingleAppendPerStream(ModuleOp module) {
  WalkResult result = module.walk([&](Operation *op) -> WalkResult {
    auto isStream = [](Value v) { return isa<DepthStreamType>(v.getType()); };
    for (Value value : llvm::make_filter_range(op->getResults(), isStream))
      if (failed(checkSingleAppendPerStream(value)))
        return WalkResult::interrupt();
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (Value value :
             llvm::make_filter_range(block.getArguments(), isStream))
          if (failed(checkSingleAppendPerStream(value)))
            return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return failure(result.wasInterrupted());
}

struct ModaBufferDepthStreamsPass
    : mlir::moda::impl::ModaBufferDepthStreamsBase<ModaBufferDepthStreamsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (failed(checkSingleAppendPerStream(module)))
      return signalPassFailure();

    MLIRContext *ctx = &getContext();
    TypeConverter converter;
    converter.addConversion([](Type type) { return type; });
    converter.addConversion(
        [](DepthStreamType stream, SmallVectorImpl<Type> &results) {
          RankedTensorType buffer = getBufferType(stream);
          results.append({buffer, buffer, IndexType::get(stream.getContext())});
          return success();
        });

    ConversionTarget target(*ctx);
    target.addIllegalOp<StreamEmptyOp, StreamAppendOp, StreamEntriesOp>();
    target.addLegalDialect<arith::ArithDialect, bufferization::BufferizationDialect,
                           cf::ControlFlowDialect, tensor::TensorDialect>();
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp function) {
      return converter.isSignatureLegal(function.getFunctionType()) &&
             converter.isLegal(&function.getBody());
    });
    target.addDynamicallyLegalOp<func::CallOp, func::ReturnOp>(
        [&](Operation *op) { return converter.isLegal(op); });
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });

    RewritePatternSet patterns(ctx);
    patterns.add<EmptyToBuffers, AppendToInsertSlices, EntriesToSlices>(
        converter, ctx);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                   converter);
    populateCallOpTypeConversionPattern(patterns, converter);
    populateReturnOpTypeConversionPattern(patterns, converter);
    scf::populateSCFStructuralTypeConversionsAndLegality(converter, patterns,
                                                         target);
    if (failed(applyPartialConversion(module, target, std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
