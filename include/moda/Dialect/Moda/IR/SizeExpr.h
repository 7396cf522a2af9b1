//===- SizeExpr.h - sizes of the kernel ABI as formulas ---------*- C++ -*-===//
//
// The extents, strides and grid dimensions of a kernel ABI (#moda.kernel_abi)
// as formulas of the runtime sizes B, T, S, L, so that one attribute states
// them for the launchers the lowerings build and for the manifest.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_DIALECT_MODA_IR_SIZEEXPR_H
#define MODA_DIALECT_MODA_IR_SIZEEXPR_H

#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/Hashing.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>

namespace mlir::moda {

/// ceil(coefficient * (product of `symbols`) / divisor) + addend: a tensor
/// extent or stride (exact: divisor 1) or a grid dimension (rounding up).
/// A symbol is a factor at most once; every size of the ABI is such a
/// product, and only the extent of packed sequences' offsets adds a
/// constant (`B+1`). Printed as `B`, `64`, `T*512`, `T*L`, `T*4 ceildiv
/// 128`, `B+1`. A stride may also be dynamic, printed `?`: the kernels take
/// it as an argument (a tensor that may be a view), and no formula gives
/// it.
struct SizeExpr {
  /// Bit i set: SizeSymbol(i) is a factor. A plain bit set (rather than a
  /// list) keeps the struct trivially copyable, as attribute storage needs.
  uint8_t symbols = 0;
  int64_t coefficient = 1;
  int64_t divisor = 1;
  /// A kernel argument rather than a formula (the fields above unused).
  bool dynamic = false;
  /// A constant added to an exact product: the n + 1 offsets of n packed
  /// sequences, `B+1`.
  int64_t addend = 0;

  static SizeExpr constant(int64_t value) { return {0, value, 1}; }
  static SizeExpr of(SizeSymbol symbol) {
    return {static_cast<uint8_t>(1u << static_cast<unsigned>(symbol)), 1, 1};
  }
  static SizeExpr getDynamic() { return {0, 1, 1, /*dynamic=*/true}; }
  bool isDynamic() const { return dynamic; }

  bool has(SizeSymbol symbol) const {
    return symbols & (1u << static_cast<unsigned>(symbol));
  }
  bool isConstant() const { return !dynamic && symbols == 0; }
  bool isExact() const { return divisor == 1; }
  /// The factors, in the order B, T, S, L, N.
  SmallVector<SizeSymbol, 4> getSymbols() const;

  /// The exact product of two exact expressions without a common symbol.
  SizeExpr operator*(const SizeExpr &other) const;
  /// This exact expression divided by `by`, rounding up.
  SizeExpr ceilDiv(int64_t by) const;
  /// This exact expression plus `value`.
  SizeExpr plus(int64_t value) const;

  bool operator==(const SizeExpr &other) const {
    return symbols == other.symbols && coefficient == other.coefficient &&
           divisor == other.divisor && dynamic == other.dynamic &&
           addend == other.addend;
  }
  bool operator!=(const SizeExpr &other) const { return !(*this == other); }
};

inline llvm::hash_code hash_value(const SizeExpr &expr) {
  return llvm::hash_combine(expr.symbols, expr.coefficient, expr.divisor,
                            expr.dynamic, expr.addend);
}

llvm::raw_ostream &operator<<(llvm::raw_ostream &os, const SizeExpr &expr);

/// The strides, in elements, of a contiguous row-major tensor of `shape`:
/// the product of the extents after each dimension.
SmallVector<SizeExpr> getContiguousStrides(ArrayRef<SizeExpr> shape);

} // namespace mlir::moda

namespace mlir {
template <>
struct FieldParser<moda::SizeExpr> {
  static FailureOr<moda::SizeExpr> parse(AsmParser &parser);
};
} // namespace mlir

#endif // MODA_DIALECT_MODA_IR_SIZEEXPR_H
