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

/// Builds the manifest of the kernel `kernelName` from its `moda.kernel`
/// description (AttentionKernelSpec::describe).
FailureOr<llvm::json::Object>
buildKernelManifest(StringRef kernelName, DictionaryAttr description,
                    const KernelFiles &files);

/// One kernel of the backward, as moda-compile found it in its gpu.module:
/// its name and its `moda.kernel` description (describeGradKernel).
struct GradKernelEntry {
  std::string name;
  DictionaryAttr description;
};

/// Builds the manifest of the backward `opName` (op = "attention_grad")
/// whose kernels, one PTX/cubin, are `kernels` in launch order.
FailureOr<llvm::json::Object>
buildGradKernelManifest(StringRef opName, ArrayRef<GradKernelEntry> kernels,
                        const KernelFiles &files);

} // namespace mlir::moda

#endif // MODA_TARGET_KERNELMANIFEST_H
