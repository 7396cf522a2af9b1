//===- TestManifests.h - manifests for the runtime unit tests -------------===//

#ifndef MODA_TEST_RUNTIME_TESTMANIFESTS_H
#define MODA_TEST_RUNTIME_TESTMANIFESTS_H

#include <string>

namespace moda::test {

/// The file `name` of test/Runtime/Inputs, the valid manifests the tests
/// edit (and the fuzzers' seeds and fixed manifests).
std::string readInput(const std::string &name);

/// Inputs/attention.json: the example manifest of docs/artifacts.md,
/// verbatim: bf16, causal, per_position, Hq = 8, Hk = 2, D = 64, every size
/// dynamic.
std::string exampleManifest();

/// Inputs/attention_views.json is the example with q, depth_k and out taken
/// as views ("strided", their strides after the sizes).

/// Inputs/attention_grad.json: its backward (op attention_grad), SIMT
/// kernels dq, dkv and d_depth.
std::string gradManifest();

/// `text` with the one occurrence of `from` replaced by `to`; the test fails
/// if `from` does not occur exactly once (so a stale edit cannot pass).
std::string replaceOnce(const std::string &text, const std::string &from,
                        const std::string &to);

/// Writes `contents` to a fresh file in the test temp directory; its path.
std::string writeTempFile(const std::string &name, const std::string &contents);

} // namespace moda::test

#endif // MODA_TEST_RUNTIME_TESTMANIFESTS_H
