//===- moda-opt.cpp - the moda optimizer driver ---------------------------===//
//
// mlir-opt with the moda dialect, its passes and pipelines: every upstream
// dialect, extension and pass is registered too, so every mlir-opt flag and
// pass works, and the moda pipelines can lower all the way to gpu.binary.
//
//===----------------------------------------------------------------------===//

#include "moda/InitModa.h"

#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::moda::registerAllModaDialects(registry);
  mlir::moda::registerAllModaPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "moda optimizer driver\n", registry));
}
