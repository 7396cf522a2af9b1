//===- TestManifests.cpp - manifests for the runtime unit tests -----------===//

#include "TestManifests.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

namespace moda::test {

std::string readInput(const std::string &name) {
  std::ifstream file(std::string(MODA_TEST_INPUTS_DIR) + "/" + name,
                     std::ios::binary);
  EXPECT_TRUE(file) << "cannot open test input " << name;
  return std::string(std::istreambuf_iterator<char>(file), {});
}

std::string exampleManifest() { return readInput("attention.json"); }

std::string gradManifest() { return readInput("attention_grad.json"); }

std::string replaceOnce(const std::string &text, const std::string &from,
                        const std::string &to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "'" << from << "' not in the manifest";
  if (at == std::string::npos)
    return text;
  EXPECT_EQ(text.find(from, at + 1), std::string::npos)
      << "'" << from << "' occurs more than once";
  return text.substr(0, at) + to + text.substr(at + from.size());
}

std::string writeTempFile(const std::string &name, const std::string &contents) {
  std::string path = ::testing::TempDir() + "moda_runtime_test_" + name;
  std::ofstream(path, std::ios::binary) << contents;
  return path;
}

} // namespace moda::test
