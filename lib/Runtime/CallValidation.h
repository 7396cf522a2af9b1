//===- CallValidation.h - check a call against the manifest ---------------===//
//
// Everything a launch needs that does not touch the driver: the caller's
// tensors are matched against the manifest, the size symbols are bound, and
// the kernel parameters and grid are computed. Kept apart from the CUDA code
// so that it is testable on machines without a GPU.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_LIB_RUNTIME_CALLVALIDATION_H
#define MODA_LIB_RUNTIME_CALLVALIDATION_H

#include "Manifest.h"

#include <array>
#include <cstdint>
#include <vector>

namespace moda::runtime {

/// Device pointers must be aligned to this many bytes (vectorized accesses).
constexpr uintptr_t kRequiredAlignment = 16;

struct LaunchPlan {
  /// B, T, S, L, N as bound from the tensors and the caller's sizes
  /// (unbound: the fixed value or 0).
  std::array<int64_t, MODA_NUM_SYMBOLS> sizes{{0, 0, 0, 0, 0}};
  /// The kernel's parameters in order, each a u64 (docs/artifacts.md).
  std::vector<uint64_t> parameterValues;
  std::array<unsigned, 3> grid{{0, 0, 0}};
  std::array<unsigned, 3> block{{0, 0, 0}};
  unsigned dynamicSharedMemory = 0;
  /// True when every output is empty: there is nothing to launch.
  bool nothingToDo = false;
  /// The grid of each of the manifest's launches, in order (`grid` above is
  /// the first's). A launch whose grid is empty has nothing to compute (its
  /// outputs are empty) and is skipped.
  std::vector<std::array<unsigned, 3>> launchGrids;
};

/// Validates `tensors` against `manifest` and computes the launch; `sizes`
/// (MODA_NUM_SYMBOLS entries, -1 where the tensors give the size, or null)
/// are sizes no tensor carries (a packed kernel's T). On error the plan is
/// unusable and the message names the tensor and dimension.
Error planLaunch(const Manifest &manifest, const moda_tensor *tensors,
                 int numTensors, const int64_t *sizes, LaunchPlan &plan);

/// planLaunch with every size from the tensors.
inline Error planLaunch(const Manifest &manifest, const moda_tensor *tensors,
                        int numTensors, LaunchPlan &plan) {
  return planLaunch(manifest, tensors, numTensors, /*sizes=*/nullptr, plan);
}

} // namespace moda::runtime

#endif // MODA_LIB_RUNTIME_CALLVALIDATION_H
