//===- TestCalls.h - calls of a manifest's kernel, for tests and fuzzers --===//
//
// The unit tests and the fuzzers build moda_tensor arrays the same way and
// check a successful launch plan against the same rules; both live here,
// free of GoogleTest so that the fuzz targets can link them.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_TEST_RUNTIME_TESTCALLS_H
#define MODA_TEST_RUNTIME_TESTCALLS_H

#include "CallValidation.h"
#include "Manifest.h"

#include "moda/Runtime/moda_runtime.h"

#include <array>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace moda::test {

/// The tensors of one call. It owns the shapes (and strides) its
/// moda_tensor entries point at; a deque never moves its elements, so those
/// pointers stay valid as tensors are added, reordered or removed.
struct Call {
  std::deque<std::vector<int64_t>> shapes;
  std::deque<std::vector<int64_t>> strides;
  std::vector<moda_tensor> tensors;

  Call() = default;
  // Moving a deque keeps its elements in place; copying would not.
  Call(Call &&) = default;
  Call &operator=(Call &&) = default;
  Call(const Call &) = delete;

  /// Appends a dense tensor (strides NULL) at the fake device `address`.
  moda_tensor &add(const char *name, int dtype, std::vector<int64_t> shape,
                   uintptr_t address);

  /// The tensor named `name`; throws std::out_of_range if there is none.
  moda_tensor &operator[](const char *name);

  const moda_tensor *data() const { return tensors.data(); }
  int size() const { return static_cast<int>(tensors.size()); }
};

/// A valid call of `manifest`'s kernel for `sizes` (B, T, S, L): every
/// tensor of the manifest, in its order, each symbolic dimension set to its
/// size and each static one to the manifest's extent, dense, at distinct
/// 16-byte-aligned fake device addresses (validation never dereferences
/// them).
Call makeCall(const runtime::Manifest &manifest,
              const std::array<int64_t, MODA_NUM_SYMBOLS> &sizes);

/// The sizes[] a call of `manifest`'s kernel for `sizes` passes besides its
/// tensors: T for a packed kernel, S for a paged one (no tensor carries
/// them), else none (all -1).
std::array<int64_t, MODA_NUM_SYMBOLS>
callSizes(const runtime::Manifest &manifest,
          const std::array<int64_t, MODA_NUM_SYMBOLS> &sizes);

/// What every successful plan of a call must satisfy: one value per
/// parameter in the ABI's form (a buffer is its tensor's address twice, 0,
/// its element count, 1; a size is the bound B, T, S or L), and, unless the
/// plan has nothing to do, each launch's grid exactly the manifest's
/// formula: x = ceil(work / divisor), y = num_kv_heads, z = B, so that no
/// row, head or batch entry is left out. Returns "" when all hold, else the
/// first violation.
std::string checkPlan(const runtime::Manifest &manifest,
                      const moda_tensor *tensors, int numTensors,
                      const runtime::LaunchPlan &plan);

} // namespace moda::test

#endif // MODA_TEST_RUNTIME_TESTCALLS_H
