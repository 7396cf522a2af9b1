//===- KernelManifest.h - the manifest of a compiled kernel -----*- C++ -*-===//
//
// The JSON manifest the runtime reads next to a kernel's PTX/cubin
// (docs/artifacts.md): everything needed to validate and launch a call.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_TARGET_KERNELMANIFEST_H
#define MODA_TARGET_KERNELMANIFEST_H

#include "moda/Dialect/Moda/IR/ModaDialect.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/Support/JSON.h"

#include <optional>

namespace mlir::moda {

struct KernelFiles {
  std::string ptx;                  // file name, relative to the manifest
  std::optional<std::string> cubin; // absent when ptxas was not run
  std::string target;               // e.g. sm_90a
};

/// A configuration as manifests and tuning reports write it: block_m,
/// block_n, block_depth, num_warps, num_stages, mma.
llvm::json::Object kernelConfigToJson(KernelConfigAttr config);

/// Builds the manifest of the artifact `name` (a forward kernel's name, or
/// a backward's, `moda_attention_grad_<n>`) from the ABI its kernels carry:
/// it prints what the ABI says (a forward's one launch as the top-level
/// grid, block and dynamic_shared_memory, a backward's as `launches`).
llvm::json::Object buildKernelManifest(StringRef name, KernelAbiAttr abi,
                                       const KernelFiles &files);

} // namespace mlir::moda

#endif // MODA_TARGET_KERNELMANIFEST_H
