//===- Options.cpp - command line of moda-run -----------------------------===//

#include "Options.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace moda::run {

const char *const kUsage =
    "usage: moda-run <manifest.json> [--B n] [--T n] [--S n] [--L n] [--N n]\n"
    "                [--seed n] [--iters n] [--warmup n]\n"
    "                [--init normal|uniform] [--no-check] [--json out.json]\n"
    "\n"
    "Runs the kernel of <manifest.json> on fresh random inputs, checks out and\n"
    "lse against the float64 reference (docs/semantics.md tolerances) and times\n"
    "it with CUDA events. Sizes the manifest fixes are the defaults; dynamic\n"
    "sizes that a tensor uses must be given; a kernel over a paged KV cache\n"
    "takes --S (the cached keys) and --N (its pool's pages; default: the\n"
    "pages the keys take, plus one). Exit status: 0 PASS, 1 FAIL,\n"
    "2 usage or runtime error.\n";

namespace {

bool parseInteger(const char *text, int64_t minimum, int64_t &value) {
  if (!text || !*text)
    return false;
  errno = 0;
  char *end = nullptr;
  long long parsed = std::strtoll(text, &end, 10);
  if (errno != 0 || *end != '\0' || parsed < minimum)
    return false;
  value = parsed;
  return true;
}

} // namespace

bool parseOptions(int argc, char **argv, Options &options, std::string &error) {
  for (int i = 1; i < argc; ++i) {
    std::string argument = argv[i];
    if (argument == "--help" || argument == "-h") {
      error = "";
      return false;
    }
    if (argument == "--no-check") {
      options.check = false;
      continue;
    }
    if (argument.rfind("--", 0) != 0) {
      if (!options.manifestPath.empty()) {
        error = "more than one manifest given: '" + options.manifestPath +
                "' and '" + argument + "'";
        return false;
      }
      options.manifestPath = argument;
      continue;
    }
    if (i + 1 >= argc) {
      error = "option " + argument + " needs a value";
      return false;
    }
    const char *value = argv[++i];
    int64_t number = 0;
    bool valid = true;
    bool known = true;
    static const char *const symbolOptions[MODA_NUM_SYMBOLS] = {
        "--B", "--T", "--S", "--L", "--N"};
    int symbol = -1;
    for (int s = 0; s < MODA_NUM_SYMBOLS; ++s)
      if (argument == symbolOptions[s])
        symbol = s;
    if (symbol >= 0) {
      valid = parseInteger(value, 0, number);
      options.sizes[symbol] = number;
    } else if (argument == "--seed") {
      valid = parseInteger(value, 0, number);
      options.seed = static_cast<uint64_t>(number);
    } else if (argument == "--iters") {
      valid = parseInteger(value, 1, number) && number <= 1000000;
      options.iters = static_cast<int>(number);
    } else if (argument == "--warmup") {
      valid = parseInteger(value, 0, number) && number <= 1000000;
      options.warmup = static_cast<int>(number);
    } else if (argument == "--init") {
      valid = !std::strcmp(value, "normal") || !std::strcmp(value, "uniform");
      options.distribution = !std::strcmp(value, "uniform")
                                 ? Distribution::Uniform
                                 : Distribution::Normal;
    } else if (argument == "--json") {
      options.jsonPath = value;
    } else {
      known = false;
    }
    if (!known) {
      error = "unknown option " + argument;
      return false;
    }
    if (!valid) {
      error = "invalid value '" + std::string(value) + "' for " + argument;
      return false;
    }
  }
  if (options.manifestPath.empty()) {
    error = "no manifest given";
    return false;
  }
  return true;
}

} // namespace moda::run
