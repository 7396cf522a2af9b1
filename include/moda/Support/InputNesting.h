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
#include "llvm/Support/MemoryBuffer.h"

#include <memory>

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

/// Input `path` (`-`: standard input) read whole, ready for the parser;
/// null, with `error` set (the file cannot be read, or its brackets nest
/// too deep: where, line and column), otherwise.
std::unique_ptr<llvm::MemoryBuffer> openParsableInput(llvm::StringRef path,
                                                      std::string &error);

} // namespace mlir::moda

#endif // MODA_SUPPORT_INPUTNESTING_H
