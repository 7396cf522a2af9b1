//===- moda-opt.cpp - the moda optimizer driver ---------------------------===//
//
// mlir-opt with the moda dialect, its passes and pipelines: every upstream
// dialect, extension and pass is registered too, so every mlir-opt flag and
// pass works, and the moda pipelines can lower all the way to gpu.binary.
//
//===----------------------------------------------------------------------===//

#include "moda/InitModa.h"
#include "moda/Support/InputNesting.h"

#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

#include "llvm/Support/ToolOutputFile.h"

#include "llvm/Support/raw_ostream.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::moda::registerAllModaDialects(registry);
  mlir::moda::registerAllModaPasses();
  auto [inputFilename, outputFilename] = mlir::registerAndParseCLIOptions(
      argc, argv, "moda optimizer driver\n", registry);
  // The listings read no input: MlirOptMain gives them.
  mlir::MlirOptMainConfig config = mlir::MlirOptMainConfig::createFromCLOptions();
  if (config.shouldShowDialects() || config.shouldListPasses())
    return mlir::asMainReturnCode(mlir::MlirOptMain(
        argc, argv, inputFilename, outputFilename, registry));
  // The input (a file or standard input) is read once, here, to refuse
  // nesting the parser cannot take; its buffer goes to the parser as
  // MlirOptMain would pass it.
  std::string error;
  std::unique_ptr<llvm::MemoryBuffer> input =
      mlir::moda::openParsableInput(inputFilename, error);
  if (!input) {
    llvm::errs() << error << "\n";
    return 1;
  }
  std::unique_ptr<llvm::ToolOutputFile> output =
      mlir::openOutputFile(outputFilename, &error);
  if (!output) {
    llvm::errs() << error << "\n";
    return 1;
  }
  if (mlir::failed(mlir::MlirOptMain(output->os(), std::move(input), registry,
                                     config)))
    return 1;
  output->keep();
  return 0;
}
