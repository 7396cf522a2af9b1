//===- GradCase.h - one backward case and its run on the host ---*- C++ -*-===//
//
// A backward case is one moda.attention followed by the moda.attention_grad
// of its output: both compiled by moda's host pipeline (the same kernels as
// the GPU's, one thread per block) and run in-process, the forward's out and
// lse feeding the backward as in training. The five gradients are judged
// against the float64 reference backward (MODA.md sections 3 and 6), or,
// for the finite-difference check, against central differences of the
// float64 reference forward.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_TOOLS_MODA_CPU_CHECK_GRADCASE_H
#define MODA_TOOLS_MODA_CPU_CHECK_GRADCASE_H

#include "AttentionCase.h"

#include <array>

namespace moda::cpucheck {

/// dq, dk, dv, d_depth_k, d_depth_v.
inline constexpr const char *kGradNames[5] = {"dq", "dk", "dv", "dkd", "dvd"};

struct GradResult {
  bool compiled = false;
  std::string error;
  /// Relative error of each gradient; -1 for a gradient the variant lacks.
  std::array<double, 5> errors{{-1, -1, -1, -1, -1}};
  double tolerance = 0;
  bool passed() const {
    if (!compiled)
      return false;
    bool any = false;
    for (double e : errors) {
      if (e < 0)
        continue;
      any = true;
      if (!(e <= tolerance))
        return false;
    }
    return any;
  }
};

/// The case as a module: @train(q, [k, v], [dk, dv], d_out) running the
/// forward and its backward.
std::string gradCaseToMLIR(const AttentionCase &c);

/// Compiles and runs the forward and backward of `c` on inputs drawn from
/// `seed` through the host pipeline; compares the gradients with
/// reference::attentionBackward.
GradResult runGradOnHost(mlir::MLIRContext &context, const AttentionCase &c,
                         uint64_t seed);

/// Runs the kernels of `c` (f32) and compares their gradients with central
/// finite differences (step `step`) of reference::attentionForward of the
/// loss sum(out * d_out), over every input element.
GradResult runFiniteDifferenceCheck(mlir::MLIRContext &context,
                                    const AttentionCase &c, uint64_t seed,
                                    double step);

} // namespace moda::cpucheck

#endif // MODA_TOOLS_MODA_CPU_CHECK_GRADCASE_H
