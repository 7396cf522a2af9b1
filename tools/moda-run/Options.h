//===- Options.h - command line of moda-run -------------------------------===//

#ifndef MODA_TOOLS_MODA_RUN_OPTIONS_H
#define MODA_TOOLS_MODA_RUN_OPTIONS_H

#include "moda/Runtime/moda_runtime.h"

#include <array>
#include <cstdint>
#include <string>

namespace moda::run {

enum class Distribution { Normal, Uniform };

struct Options {
  std::string manifestPath;
  /// Per moda_symbol: the value given on the command line, or -1.
  std::array<int64_t, MODA_NUM_SYMBOLS> sizes{{-1, -1, -1, -1, -1}};
  uint64_t seed = 0;
  int iters = 20;
  int warmup = 5;
  Distribution distribution = Distribution::Normal;
  bool check = true;
  std::string jsonPath; // empty: no JSON report
};

extern const char *const kUsage;

/// Parses argv; on failure returns false with `error` set.
bool parseOptions(int argc, char **argv, Options &options, std::string &error);

} // namespace moda::run

#endif // MODA_TOOLS_MODA_RUN_OPTIONS_H
