//===- ModaDialectFuzzer.cpp - libFuzzer target: the moda dialect ---------===//
//
// The input is a module's text. It is parsed (which verifies it) with the
// moda and moda_tile dialects and the upstream ones their tests use; a module
// that parses is printed and parsed again (the custom printers and parsers
// must round-trip what they accept), then run through moda-opt's pipeline up
// to configuration selection: canonicalize, moda-buffer-depth-streams,
// moda-select-kernel-config (the heuristic: no tuning database). Any step may refuse the input with a
// diagnostic; none may crash, hang, trip ASan/UBSan, or produce IR that no
// longer verifies (the pass manager verifies after each pass).
//
//===----------------------------------------------------------------------===//

#include "moda/Dialect/Moda/IR/ModaDialect.h"
#include "moda/Dialect/Moda/Transforms/Passes.h"
#include "moda/Dialect/ModaTile/IR/ModaTileDialect.h"
#include "moda/Support/InputNesting.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <cstdlib>
#include <string>

using namespace mlir;

static MLIRContext &getContext() {
  static MLIRContext *context = [] {
    // No tuning database from the environment: the heuristic only, and no
    // file is read.
    unsetenv("MODA_TUNING_DB");
    DialectRegistry registry;
    registry.insert<moda::ModaDialect, moda::tile::ModaTileDialect,
                    func::FuncDialect, arith::ArithDialect, scf::SCFDialect,
                    tensor::TensorDialect>();
    auto *ctx = new MLIRContext(registry, MLIRContext::Threading::DISABLED);
    ctx->loadAllAvailableDialects();
    // Diagnostics are the expected outcome of most inputs: drop them.
    ctx->getDiagEngine().registerHandler([](Diagnostic &) { return success(); });
    return ctx;
  }();
  return *context;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  MLIRContext &context = getContext();
  // MLIR's lexer reads the byte past the end (a source file's buffer is
  // null-terminated): the tools' inputs are, the fuzzer's bytes are not.
  std::string text(reinterpret_cast<const char *>(data), size);
  // Refused by the tools before parsing, as here (MLIR's parser recurses
  // per bracket and would exhaust the stack).
  if (moda::findTooDeepNesting(text))
    return 0;
  ParserConfig config(&context);
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(text, config);
  if (!module)
    return 0;

  // What the printer writes, the parser must read back.
  std::string printed;
  {
    llvm::raw_string_ostream os(printed);
    module->print(os);
  }
  OwningOpRef<ModuleOp> reparsed = parseSourceString<ModuleOp>(printed, config);
  if (!reparsed) {
    std::fprintf(stderr, "printed module does not parse again:\n%s\n",
                 printed.c_str());
    std::abort();
  }

  PassManager pm(&context);
  pm.addPass(createCanonicalizerPass());
  pm.addPass(moda::createModaBufferDepthStreams());
  pm.addPass(moda::createModaSelectKernelConfig());
  (void)pm.run(*module); // a refusal is a diagnostic, a failure is fine
  return 0;
}
