//===- moda-opt.cpp - the moda optimizer driver ---------------------------===//
//
// mlir-opt with the moda dialect, its passes and pipelines: every upstream
// dialect, extension and pass is registered too, so every mlir-opt flag and
// pass works, and the moda pipelines can lower all the way to gpu.binary.
//
//===----------------------------------------------------------------------===//

#include "moda/Conversion/Passes.h"
#include "moda/Dialect/Moda/IR/ModaDialect.h"
#include "moda/Dialect/Moda/Transforms/Passes.h"
#include "moda/Pipelines/Pipelines.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  // gpu-module-to-binary translates kernels to LLVM IR for the NVPTX backend.
  mlir::registerAllToLLVMIRTranslations(registry);
  registry.insert<mlir::moda::ModaDialect>();

  mlir::registerAllPasses();
  mlir::moda::registerModaPasses();
  mlir::moda::registerModaConversionPasses();
  mlir::moda::registerModaPipelines();

  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "moda optimizer driver\n", registry));
}
