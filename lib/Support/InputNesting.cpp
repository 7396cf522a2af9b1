//===- InputNesting.cpp - a bound on the nesting of textual IR ------------===//

#include "moda/Support/InputNesting.h"

#include "mlir/Support/FileUtilities.h"

#include "llvm/Support/FormatVariadic.h"

using namespace mlir::moda;

std::optional<size_t> mlir::moda::findTooDeepNesting(llvm::StringRef text,
                                                     unsigned limit) {
  unsigned depth = 0;
  bool inString = false;
  for (size_t i = 0, e = text.size(); i < e; ++i) {
    char c = text[i];
    if (inString) {
      if (c == '\\')
        ++i; // an escaped character, a quote among them
      else if (c == '"' || c == '\n')
        inString = false;
      continue;
    }
    switch (c) {
    case '"':
      inString = true;
      break;
    case '/':
      if (i + 1 < e && text[i + 1] == '/')
        i = std::min(text.find('\n', i), e); // the comment's end
      break;
    case '(':
    case '[':
    case '{':
    case '<':
      if (++depth > limit)
        return i;
      break;
    case '>':
      if (i > 0 && text[i - 1] == '-')
        break; // an arrow
      [[fallthrough]];
    case ')':
    case ']':
    case '}':
      depth = depth ? depth - 1 : 0;
      break;
    default:
      break;
    }
  }
  return std::nullopt;
}

std::unique_ptr<llvm::MemoryBuffer>
mlir::moda::openParsableInput(llvm::StringRef path, std::string &error) {
  std::unique_ptr<llvm::MemoryBuffer> input = mlir::openInputFile(path, &error);
  if (!input)
    return nullptr;
  llvm::StringRef text = input->getBuffer();
  std::optional<size_t> offset = findTooDeepNesting(text);
  if (!offset)
    return input;
  llvm::StringRef before = text.take_front(*offset);
  size_t lineStart = before.rfind('\n');
  size_t column =
      *offset - (lineStart == llvm::StringRef::npos ? 0 : lineStart + 1) + 1;
  error = llvm::formatv("{0}:{1}:{2}: error: brackets nested more than {3} "
                        "deep: refused before parsing (MLIR's parser would "
                        "exhaust the stack)",
                        path, before.count('\n') + 1, column,
                        kMostInputNesting)
              .str();
  return nullptr;
}
