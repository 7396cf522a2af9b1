//===- moda-opt.cpp - the moda optimizer driver ---------------------------===//
//
// mlir-opt with the moda dialect, its passes and pipelines: every upstream
// dialect, extension and pass is registered too, so every mlir-opt flag and
// pass works, and the moda pipelines can lower all the way to gpu.binary.
//
//===----------------------------------------------------------------------===//

#include "moda/InitModa.h"
#include "moda/Support/InputNesting.h"

#include "mlir/Tools/mlir-opt/MlirOptMain.h"

#include "llvm/Support/raw_ostream.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::moda::registerAllModaDialects(registry);
  mlir::moda::registerAllModaPasses();
  auto [inputFilename, outputFilename] = mlir::registerAndParseCLIOptions(
      argc, argv, "moda optimizer driver\n", registry);
  // A file is read here first, to refuse nesting the parser cannot take
  // (standard input can be read once only: it goes to the parser as is).
  if (inputFilename != "-") {
    std::string error;
    if (!mlir::moda::openParsableInput(inputFilename, error)) {
      llvm::errs() << error << "\n";
      return 1;
    }
  }
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, inputFilename, outputFilename, registry));
}
