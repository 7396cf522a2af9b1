//===- InitModa.cpp - register everything moda's tools use ----------------===//

#include "moda/InitModa.h"

#include "moda/Conversion/Passes.h"
#include "moda/Dialect/Moda/IR/ModaDialect.h"
#include "moda/Dialect/Moda/Transforms/Passes.h"
#include "moda/Dialect/ModaTile/IR/ModaTileDialect.h"
#include "moda/Dialect/ModaTile/Transforms/Passes.h"
#include "moda/Pipelines/Pipelines.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

void mlir::moda::registerAllModaDialects(DialectRegistry &registry) {
  registerAllDialects(registry);
  registerAllExtensions(registry);
  // gpu-module-to-binary and the ExecutionEngine translate to LLVM IR.
  registerAllToLLVMIRTranslations(registry);
  registry.insert<ModaDialect, tile::ModaTileDialect>();
}

void mlir::moda::registerAllModaPasses() {
  registerAllPasses();
  registerModaPasses();
  registerModaConversionPasses();
  tile::registerModaTilePasses();
  registerModaPipelines();
}
