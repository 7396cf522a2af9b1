//===- ModaAttrs.cpp - moda attributes ------------------------------------===//

#include "moda/Dialect/Moda/IR/ModaDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::moda;

LogicalResult
KernelConfigAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                         int64_t blockM, int64_t blockN, int64_t blockDepth,
                         int64_t numWarps, int64_t numStages, MmaKind mma,
                         StringRef target, int64_t kvSplits) {
  // Upper bounds far above any tile a block can hold (a block has at most
  // 1024 threads and 227 KiB of shared memory), so that sizes and grids
  // derived from them stay small integers.
  auto requireInRange = [&](StringRef name, int64_t value,
                            int64_t most) -> LogicalResult {
    if (value <= 0)
      return emitError() << "kernel config '" << name
                         << "' must be positive, got " << value;
    if (value > most)
      return emitError() << "kernel config '" << name << "' must be at most "
                         << most << ", got " << value;
    return success();
  };
  constexpr int64_t kMostTileRows = 4096, kMostStages = 8, kMostSplits = 256;
  if (failed(requireInRange("block_m", blockM, kMostTileRows)) ||
      failed(requireInRange("block_n", blockN, kMostTileRows)) ||
      failed(requireInRange("block_depth", blockDepth, kMostTileRows)) ||
      failed(requireInRange("num_stages", numStages, kMostStages)) ||
      failed(requireInRange("kv_splits", kvSplits, kMostSplits)))
    return failure();
  if (numWarps <= 0 || numWarps > 32 || !llvm::isPowerOf2_64(numWarps))
    return emitError() << "kernel config 'num_warps' must be a power of two "
                          "in [1, 32], got "
                       << numWarps;
  if (!target.starts_with("sm_"))
    return emitError() << "kernel config 'target' must name a GPU "
                          "architecture such as \"sm_90a\", got \""
                       << target << "\"";
  return success();
}

//===----------------------------------------------------------------------===//
// SizeExpr
//===----------------------------------------------------------------------===//

static constexpr SizeSymbol kSizeSymbols[] = {SizeSymbol::B, SizeSymbol::T,
                                              SizeSymbol::S, SizeSymbol::L,
                                              SizeSymbol::N};

SmallVector<SizeSymbol, 4> SizeExpr::getSymbols() const {
  SmallVector<SizeSymbol, 4> factors;
  for (SizeSymbol symbol : kSizeSymbols)
    if (has(symbol))
      factors.push_back(symbol);
  return factors;
}

SizeExpr SizeExpr::operator*(const SizeExpr &other) const {
  assert(isExact() && other.isExact() && "only exact sizes multiply");
  assert(addend == 0 && other.addend == 0 && "only products multiply");
  assert(!dynamic && !other.dynamic && "a dynamic stride has no formula");
  assert(!(symbols & other.symbols) && "a symbol is a factor at most once");
  return {static_cast<uint8_t>(symbols | other.symbols),
          coefficient * other.coefficient, 1};
}

SizeExpr SizeExpr::ceilDiv(int64_t by) const {
  assert(isExact() && by > 0 && "divides an exact size by a positive one");
  assert(!dynamic && addend == 0 && "divides a product");
  return {symbols, coefficient, by};
}

SizeExpr SizeExpr::plus(int64_t value) const {
  assert(isExact() && !dynamic && "adds to an exact product");
  SizeExpr sum = *this;
  if (isConstant())
    sum.coefficient += value; // a constant stays one number
  else
    sum.addend += value;
  return sum;
}

llvm::raw_ostream &mlir::moda::operator<<(llvm::raw_ostream &os,
                                          const SizeExpr &expr) {
  if (expr.isDynamic())
    return os << "?";
  SmallVector<SizeSymbol, 4> factors = expr.getSymbols();
  llvm::interleave(
      factors, os, [&](SizeSymbol symbol) { os << stringifySizeSymbol(symbol); },
      "*");
  if (factors.empty())
    os << expr.coefficient;
  else if (expr.coefficient != 1)
    os << "*" << expr.coefficient;
  if (expr.divisor != 1)
    os << " ceildiv " << expr.divisor;
  if (expr.addend != 0 && !factors.empty())
    os << "+" << expr.addend;
  return os;
}

SmallVector<SizeExpr> mlir::moda::getContiguousStrides(ArrayRef<SizeExpr> shape) {
  SmallVector<SizeExpr> strides(shape.size());
  SizeExpr inner = SizeExpr::constant(1);
  for (size_t i = shape.size(); i-- > 0;) {
    strides[i] = inner;
    if (i > 0) // (the outermost extent multiplies no stride)
      inner = inner * shape[i];
  }
  return strides;
}

FailureOr<SizeExpr> FieldParser<SizeExpr>::parse(AsmParser &parser) {
  if (succeeded(parser.parseOptionalQuestion()))
    return SizeExpr::getDynamic();
  SizeExpr expr;
  do {
    int64_t factor = 1;
    SMLoc factorAt = parser.getCurrentLocation();
    OptionalParseResult integer = parser.parseOptionalInteger(factor);
    if (integer.has_value()) {
      if (failed(*integer))
        return failure();
      if (__builtin_mul_overflow(expr.coefficient, factor, &expr.coefficient))
        return parser.emitError(factorAt)
               << "size expression's constant factors overflow 64 bits";
      continue;
    }
    StringRef name;
    SMLoc at = parser.getCurrentLocation();
    if (parser.parseKeyword(&name))
      return failure();
    std::optional<SizeSymbol> symbol = symbolizeSizeSymbol(name);
    if (!symbol)
      return parser.emitError(at) << "unknown size symbol '" << name
                                  << "', expected B, T, S, L or N";
    if (expr.has(*symbol))
      return parser.emitError(at)
             << "size symbol '" << name << "' is a factor twice";
    expr = expr * SizeExpr::of(*symbol);
  } while (succeeded(parser.parseOptionalStar()));
  if (succeeded(parser.parseOptionalPlus())) {
    SMLoc at = parser.getCurrentLocation();
    if (parser.parseInteger(expr.addend))
      return failure();
    if (expr.isConstant() || expr.addend < 0)
      return parser.emitError(at) << "a size expression adds a non-negative "
                                     "constant to a product of size symbols";
    return expr;
  }
  if (succeeded(parser.parseOptionalKeyword("ceildiv")) &&
      parser.parseInteger(expr.divisor))
    return failure();
  return expr;
}

/// `B = 2, T = ?, S = 0, L = ?`: the ABI's runtime sizes, named, in order.
static ParseResult parseAbiSizes(AsmParser &parser,
                                 SmallVector<int64_t> &sizes) {
  for (SizeSymbol symbol : kSizeSymbols) {
    if (!sizes.empty() && failed(parser.parseOptionalComma()))
      break;
    int64_t value = ShapedType::kDynamic;
    if (parser.parseKeyword(stringifySizeSymbol(symbol)) ||
        parser.parseEqual())
      return failure();
    if (failed(parser.parseOptionalQuestion()) && parser.parseInteger(value))
      return failure();
    sizes.push_back(value);
  }
  return success();
}

static void printAbiSizes(AsmPrinter &printer, ArrayRef<int64_t> sizes) {
  llvm::interleaveComma(llvm::zip(kSizeSymbols, sizes), printer, [&](auto pair) {
    auto [symbol, size] = pair;
    printer << stringifySizeSymbol(symbol) << " = ";
    if (ShapedType::isDynamic(size))
      printer << "?";
    else
      printer << size;
  });
}

//===----------------------------------------------------------------------===//
// The kernel ABI
//===----------------------------------------------------------------------===//

/// `expr` as the IR writes it, for diagnostics.
static std::string printed(const SizeExpr &expr) {
  std::string text;
  llvm::raw_string_ostream(text) << expr;
  return text;
}

/// A size expression's own rules: a formula (only strides may be ?, checked
/// by their tensor), a positive divisor, a non-negative coefficient.
/// `allowAddend`: the extent of the offsets of packed sequences (B+1), the
/// only size that adds a constant.
static LogicalResult verifySizeExpr(function_ref<InFlightDiagnostic()> emitError,
                                    const SizeExpr &expr, const Twine &what,
                                    bool allowAddend = false) {
  if (expr.isDynamic())
    return emitError() << what << " must be a formula of B, T, S, L, N, got ?";
  if (expr.addend != 0 && !allowAddend)
    return emitError() << what
                       << " may add a constant only as the extent of "
                          "'cu_seqlens' (B+1), got "
                       << printed(expr);
  if (expr.coefficient < 0)
    return emitError() << what << " must not be negative, got " << printed(expr);
  if (expr.divisor <= 0)
    return emitError() << what << " must divide by a positive number, got "
                       << printed(expr);
  return success();
}

LogicalResult
AbiTensorAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                      StringRef name, Type elementType, AbiTensorRole role,
                      ArrayRef<SizeExpr> shape, ArrayRef<SizeExpr> strides) {
  // The offsets of packed sequences and the block table of a paged KV
  // cache are i32 (FlashAttention's cu_seqlens and block_table).
  bool indices = name == kCuSeqlensTensorName || name == kBlockTableTensorName;
  if (indices ? !elementType.isInteger(32)
              : !isSupportedElementType(elementType))
    return emitError() << "ABI tensor '" << name << "' must have element type "
                       << (indices ? "i32" : "bf16, f16 or f32") << ", got "
                       << elementType;
  if (shape.size() != strides.size())
    return emitError() << "ABI tensor '" << name << "' has " << shape.size()
                       << " dimensions but " << strides.size() << " strides";
  for (auto [i, extent] : llvm::enumerate(shape)) {
    if (extent.isDynamic())
      return emitError() << "ABI tensor '" << name << "' extent " << i
                         << " must be a size symbol or a constant, got ?";
    if (failed(verifySizeExpr(emitError, extent,
                              "ABI tensor '" + name + "' extent " + Twine(i),
                              /*allowAddend=*/name == kCuSeqlensTensorName)))
      return failure();
    // A manifest names an extent by its symbol or gives its value.
    if (!extent.isExact() || extent.getSymbols().size() > 1 ||
        (!extent.isConstant() && extent.coefficient != 1))
      return emitError() << "ABI tensor '" << name << "' extent " << i
                         << " must be a size symbol or a constant, got "
                         << printed(extent);
  }
  // Dynamic strides come as a set: every one but the innermost, which is 1
  // (a view's rows are contiguous, and the kernels load them as vectors).
  if (llvm::any_of(strides, [](const SizeExpr &s) { return s.isDynamic(); })) {
    if (strides.back() != SizeExpr::constant(1))
      return emitError() << "ABI tensor '" << name
                         << "' with dynamic strides must have innermost "
                            "stride 1, got "
                         << printed(strides.back());
    for (auto [i, stride] : llvm::enumerate(strides.drop_back()))
      if (!stride.isDynamic())
        return emitError() << "ABI tensor '" << name << "' stride " << i
                           << " must be ? like its others but the "
                              "innermost, got "
                           << printed(stride);
    return success();
  }
  for (auto [i, stride] : llvm::enumerate(strides)) {
    if (failed(verifySizeExpr(emitError, stride,
                              "ABI tensor '" + name + "' stride " + Twine(i))))
      return failure();
    if (!stride.isExact())
      return emitError() << "ABI tensor '" << name << "' stride " << i
                         << " must be exact, got " << printed(stride);
  }
  return success();
}

LogicalResult
AbiLaunchAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                      StringRef kernel, ArrayRef<SizeExpr> grid,
                      int64_t threads, int64_t dynamicSharedMemory,
                      ArrayRef<StringAttr> writes) {
  if (grid.size() != 3)
    return emitError() << "ABI launch '" << kernel
                       << "' must have a grid of 3 dimensions, got "
                       << grid.size();
  for (auto [i, blocks] : llvm::enumerate(grid)) {
    if (failed(verifySizeExpr(emitError, blocks,
                              "ABI launch '" + kernel + "' grid dimension " +
                                  Twine(i))))
      return failure();
    // The manifest's forms: {constant}, {symbol[, times], multiplier,
    // divisor}.
    if (blocks.getSymbols().size() > 2)
      return emitError() << "ABI launch '" << kernel << "' grid dimension "
                         << i << " multiplies more than two size symbols: "
                         << printed(blocks);
    if (blocks.isConstant() && !blocks.isExact())
      return emitError() << "ABI launch '" << kernel << "' grid dimension "
                         << i << " is a constant and must not divide, got "
                         << printed(blocks);
  }
  if (threads < 1 || threads > 1024)
    return emitError() << "ABI launch '" << kernel
                       << "' threads must lie in [1, 1024], got " << threads;
  if (dynamicSharedMemory < 0)
    return emitError() << "ABI launch '" << kernel
                       << "' dynamic_shared_memory must not be negative, got "
                       << dynamicSharedMemory;
  return success();
}

LogicalResult KernelAbiAttr::verify(
    function_ref<InFlightDiagnostic()> emitError, AbiOperator op,
    Type elementType, int64_t numQueryHeads, int64_t numKVHeads,
    int64_t headDim, BoolAttr causal, DepthVisibility visibility,
    int64_t chunkSize, FloatAttr scale, KernelConfigAttr config,
    ArrayRef<int64_t> sizes, ArrayRef<AbiTensorAttr> tensors,
    ArrayRef<AbiLaunchAttr> launches) {
  if (!isSupportedElementType(elementType))
    return emitError() << "kernel ABI element type must be bf16, f16 or f32, "
                          "got "
                       << elementType;
  if (numKVHeads <= 0 || numQueryHeads <= 0 || numQueryHeads % numKVHeads)
    return emitError() << "kernel ABI num_query_heads = " << numQueryHeads
                       << " must be a positive multiple of num_kv_heads = "
                       << numKVHeads;
  if (headDim <= 0)
    return emitError() << "kernel ABI head_dim must be positive, got "
                       << headDim;
  // N, the tokens of packed sequences or the pages of a paged KV cache,
  // exactly for the ABIs of packed and paged operators (those whose
  // kernels take the sequences' offsets or a block table).
  auto hasTensor = [&](StringRef name) {
    return llvm::any_of(tensors, [&](AbiTensorAttr tensor) {
      return tensor.getName() == name;
    });
  };
  bool packed = hasTensor(kCuSeqlensTensorName);
  bool paged = hasTensor(kBlockTableTensorName);
  if (packed && paged)
    return emitError() << "kernel ABI has both tensors 'cu_seqlens' and "
                          "'block_table': packed sequences and a paged KV "
                          "cache are not supported together";
  if (paged && op != AbiOperator::Attention)
    return emitError() << "kernel ABI of " << stringifyAbiOperator(op)
                       << " has a tensor 'block_table': a paged KV cache "
                          "serves the forward only";
  // The layouts a manifest describes a paged cache by: the table [B, W],
  // k and v [N, page_size, Hk, D] (W and page_size constants).
  for (AbiTensorAttr tensor : tensors) {
    ArrayRef<SizeExpr> shape = tensor.getShape();
    auto isSymbol = [&](unsigned dim, SizeSymbol symbol) {
      return shape[dim] == SizeExpr::of(symbol);
    };
    auto isConstant = [&](unsigned dim) {
      return shape[dim].isConstant() && shape[dim].coefficient > 0;
    };
    if (tensor.getName() == kBlockTableTensorName &&
        !(shape.size() == 2 && isSymbol(0, SizeSymbol::B) && isConstant(1)))
      return emitError() << "kernel ABI tensor 'block_table' must have shape "
                            "[B, W] with W a positive constant";
    if (paged && (tensor.getName() == "k" || tensor.getName() == "v") &&
        !(shape.size() == 4 && isSymbol(0, SizeSymbol::N) && isConstant(1)))
      return emitError() << "kernel ABI tensor '" << tensor.getName()
                         << "' of a paged KV cache must have shape [N, "
                            "page_size, Hk, D] with page_size a positive "
                            "constant";
  }
  size_t expectedSizes =
      std::size(kSizeSymbols) - (packed || paged ? 0 : 1);
  if (sizes.size() != expectedSizes)
    return emitError() << "kernel ABI sizes must give B, T, S and L"
                       << (packed  ? ", and N for packed sequences"
                           : paged ? ", and N for the pages of a paged KV cache"
                                   : "")
                       << ", got " << sizes.size() << " sizes";
  if (!packed && !paged) {
    auto usesTokens = [](ArrayRef<SizeExpr> exprs) {
      return llvm::any_of(exprs, [](const SizeExpr &expr) {
        return expr.has(SizeSymbol::N);
      });
    };
    bool tokens =
        llvm::any_of(tensors,
                     [&](AbiTensorAttr tensor) {
                       return usesTokens(tensor.getShape()) ||
                              usesTokens(tensor.getStrides());
                     }) ||
        llvm::any_of(launches, [&](AbiLaunchAttr launch) {
          return usesTokens(launch.getGrid());
        });
    if (tokens)
      return emitError() << "kernel ABI uses size N, the tokens of packed "
                            "sequences or the pages of a paged KV cache, but "
                            "has no tensor 'cu_seqlens' or 'block_table'";
  }
  for (auto [symbol, size] : llvm::zip(kSizeSymbols, sizes))
    if (size < 0 && !ShapedType::isDynamic(size))
      return emitError() << "kernel ABI size " << stringifySizeSymbol(symbol)
                         << " must be a non-negative integer or ?, got "
                         << size;
  llvm::StringSet<> names;
  for (AbiTensorAttr tensor : tensors) {
    if (!names.insert(tensor.getName()).second)
      return emitError() << "kernel ABI tensor '" << tensor.getName()
                         << "' appears twice";
    // Views: any tensor but the row statistics (what the runtime accepts,
    // docs/artifacts.md).
    if (tensor.getNumStrideArguments() > 0 &&
        (tensor.getName() == "lse" || tensor.getName() == "delta"))
      return emitError() << "kernel ABI tensor '" << tensor.getName()
                         << "' cannot have dynamic strides: the row "
                            "statistics are contiguous";
    if (tensor.getNumStrideArguments() > 0 &&
        tensor.getName() == kBlockTableTensorName)
      return emitError() << "kernel ABI tensor 'block_table' cannot have "
                            "dynamic strides: the block table is contiguous";
  }
  // The forward is one program, or split-KV's split and merge programs.
  size_t forwardLaunches = config.getKvSplits() > 1 ? 2 : 1;
  if (op == AbiOperator::Attention && launches.size() != forwardLaunches)
    return emitError() << "kernel ABI of attention with kv_splits = "
                       << config.getKvSplits() << " must have "
                       << forwardLaunches << " launch"
                       << (forwardLaunches == 1 ? "" : "es") << ", got "
                       << launches.size();
  for (AbiLaunchAttr launch : launches)
    for (StringAttr written : launch.getWrites()) {
      const AbiTensorAttr *tensor = llvm::find_if(
          tensors, [&](AbiTensorAttr t) { return t.getName() == written; });
      if (tensor == tensors.end() ||
          tensor->getRole() != AbiTensorRole::Output)
        return emitError() << "kernel ABI launch '" << launch.getKernel()
                           << "' writes '" << written.getValue()
                           << "', which is not an output tensor";
    }
  return success();
}

AbiLaunchAttr KernelAbiAttr::getLaunch(StringRef kernel) const {
  for (AbiLaunchAttr launch : getLaunches())
    if (launch.getKernel() == kernel)
      return launch;
  return {};
}

KernelAbiAttr KernelAbiAttr::withDynamicSharedMemory(StringRef kernel,
                                                     int64_t bytes) const {
  assert(getLaunch(kernel) && "the ABI has no launch of this kernel");
  SmallVector<AbiLaunchAttr> launches(getLaunches());
  for (AbiLaunchAttr &launch : launches)
    if (launch.getKernel() == kernel)
      launch = AbiLaunchAttr::get(getContext(), kernel, launch.getGrid(),
                                  launch.getThreads(), bytes,
                                  launch.getWrites());
  return KernelAbiAttr::get(getContext(), getOp(), getElementType(),
                            getNumQueryHeads(), getNumKvHeads(), getHeadDim(),
                            getCausal(), getVisibility(), getChunkSize(),
                            getScale(), getConfig(), getSizes(), getTensors(),
                            launches);
}

#define GET_ATTRDEF_CLASSES
#include "moda/Dialect/Moda/IR/ModaAttrs.cpp.inc"

void ModaDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "moda/Dialect/Moda/IR/ModaAttrs.cpp.inc"
      >();
}
