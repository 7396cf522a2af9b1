//===- ModaTypes.cpp - moda types -----------------------------------------===//

#include "moda/Dialect/Moda/IR/ModaDialect.h"

#include "mlir/IR/DialectImplementation.h"

using namespace mlir;
using namespace mlir::moda;

// Stream sizes are printed like tensor dimensions: an integer or `?`.
static void printSize(AsmPrinter &printer, int64_t size) {
  if (ShapedType::isDynamic(size))
    printer << "?";
  else
    printer << size;
}

Type DepthStreamType::parse(AsmParser &parser) {
  SMLoc loc = parser.getCurrentLocation();
  SmallVector<int64_t> entryShape;
  Type elementType;
  int64_t size = 0, capacity = 0;
  if (parser.parseLess() ||
      parser.parseDimensionList(entryShape, /*allowDynamic=*/true,
                                /*withTrailingX=*/true) ||
      parser.parseType(elementType) || parser.parseComma() ||
      parser.parseKeyword("size") || parser.parseEqual())
    return {};
  if (succeeded(parser.parseOptionalQuestion()))
    size = ShapedType::kDynamic;
  else if (parser.parseInteger(size))
    return {};
  if (parser.parseComma() || parser.parseKeyword("capacity") ||
      parser.parseEqual() || parser.parseInteger(capacity))
    return {};
  bool window = false;
  if (succeeded(parser.parseOptionalComma())) {
    if (parser.parseKeyword("window"))
      return {};
    window = true;
  }
  if (parser.parseGreater())
    return {};
  return parser.getChecked<DepthStreamType>(loc, parser.getContext(),
                                            ArrayRef<int64_t>(entryShape),
                                            elementType, size, capacity,
                                            window);
}

void DepthStreamType::print(AsmPrinter &printer) const {
  printer << "<";
  for (int64_t dim : getEntryShape()) {
    printSize(printer, dim);
    printer << "x";
  }
  printer << getElementType() << ", size = ";
  printSize(printer, getSize());
  printer << ", capacity = " << getCapacity();
  if (getWindow())
    printer << ", window";
  printer << ">";
}

LogicalResult
DepthStreamType::verify(function_ref<InFlightDiagnostic()> emitError,
                        ArrayRef<int64_t> entryShape, Type elementType,
                        int64_t size, int64_t capacity, bool window) {
  if (entryShape.size() != 4)
    return emitError() << "depth stream entry shape must have rank 4 "
                          "[B, T, Hk, D], got rank "
                       << entryShape.size();
  static constexpr StringLiteral staticDimNames[] = {"Hk", "D"};
  for (auto [dim, name] : llvm::zip(entryShape.drop_front(2), staticDimNames)) {
    if (ShapedType::isDynamic(dim) || dim <= 0)
      return emitError() << "depth stream '" << name
                         << "' must be a static positive size";
  }
  if (!isSupportedElementType(elementType))
    return emitError() << "depth stream element type must be bf16, f16 or "
                          "f32, got "
                       << elementType;
  if (capacity <= 0)
    return emitError() << "depth stream capacity must be positive, got "
                       << capacity;
  if (!ShapedType::isDynamic(size) && size < 0)
    return emitError() << "depth stream size must be non-negative, got "
                       << size;
  // A window keeps the most recent `capacity` of any number of entries.
  if (!window && !ShapedType::isDynamic(size) && size > capacity)
    return emitError() << "depth stream size " << size
                       << " is outside [0, capacity = " << capacity
                       << "] (a stream with `window` keeps the most recent "
                          "`capacity` entries of any number)";
  return success();
}

RankedTensorType DepthStreamType::getEntryType() const {
  return RankedTensorType::get(getEntryShape(), getElementType());
}

RankedTensorType DepthStreamType::getEntriesType() const {
  ArrayRef<int64_t> entry = getEntryShape();
  int64_t entries = getSize();
  if (getWindow() && !ShapedType::isDynamic(entries))
    entries = std::min(entries, getCapacity());
  return RankedTensorType::get({entry[0], entry[1], entries, entry[2],
                                entry[3]},
                               getElementType());
}

DepthStreamType DepthStreamType::withSize(int64_t newSize) const {
  return DepthStreamType::get(getContext(), getEntryShape(), getElementType(),
                              newSize, getCapacity(), getWindow());
}
