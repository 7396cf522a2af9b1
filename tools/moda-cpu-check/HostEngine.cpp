//===- HostEngine.cpp - a module compiled for the host, ready to call -----===//

#include "HostEngine.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Pass/PassManager.h"

std::unique_ptr<mlir::ExecutionEngine>
moda::cpucheck::compileForHost(mlir::MLIRContext &context,
                               mlir::ModuleOp module,
                               std::string &error) {
  mlir::PassManager pm(&context);
  mlir::moda::buildHostLLVMPipeline(pm);
  if (mlir::failed(pm.run(module))) {
    error = "the host pipeline failed";
    return nullptr;
  }
  // The options hold a function_ref: the transformer it refers to must
  // outlive ExecutionEngine::create (a temporary would dangle).
  std::function<llvm::Error(llvm::Module *)> optimize =
      mlir::makeOptimizingTransformer(2, 0, nullptr);
  mlir::ExecutionEngineOptions options;
  options.transformer = optimize;
  // memrefCopy (bufferized tensor copies) and the bf16/f16 conversions that
  // the host has no instruction for come from MLIR's runtime libraries.
  const llvm::StringRef runtimeLibraries[] = {
      MODA_MLIR_LIBRARY_DIR "/libmlir_c_runner_utils.so",
      MODA_MLIR_LIBRARY_DIR "/libmlir_float16_utils.so"};
  options.sharedLibPaths = runtimeLibraries;
  auto engine = mlir::ExecutionEngine::create(module, options);
  if (!engine) {
    error = llvm::toString(engine.takeError());
    return nullptr;
  }
  return std::move(*engine);
}
