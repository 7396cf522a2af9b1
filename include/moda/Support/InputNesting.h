//===- InputNesting.h - a bound on the nesting of textual IR -----*- C++ -*-===//
//
// MLIR's textual parser recurses once per nested bracket: a few thousand
// nested `[`, `{`, `(` or `<` exhaust the stack and the process dies (LLVM
// 22's mlir-opt too). Real IR nests a few dozen levels, so the tools refuse
// input nested deeper than a bound before parsing it, with a diagnostic
// that says where.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_SUPPORT_INPUTNESTING_H
#define MODA_SUPPORT_INPUTNESTING_H

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace mlir::moda {

/// The deepest nesting the tools accept.
inline constexpr unsigned kMostInputNesting = 256;

/// Where in `text` the nesting of brackets (outside string literals and
/// `//` comments; `->` closes nothing) first exceeds `limit`, as an offset;
/// std::nullopt when it never does.
std::optional<size_t> findTooDeepNesting(llvm::StringRef text,
                                         unsigned limit = kMostInputNesting);

/// The diagnostic for input `name` nested too deep at `offset` (line and
/// column), or std::nullopt when `text` is within the bound.
std::optional<std::string> checkInputNesting(llvm::StringRef name,
                                             llvm::StringRef text);

} // namespace mlir::moda

#endif // MODA_SUPPORT_INPUTNESTING_H
