//===- FileReadingTest.cpp - bounded reads of manifests and modules -------===//
//
// The runtime reads only regular files, and at most kMaxManifestBytes of a
// manifest (kMaxModuleBytes of a PTX or cubin): a path naming a device, a
// FIFO or a huge file is an error, never an unbounded read.
//
//===----------------------------------------------------------------------===//

#include "Manifest.h"
#include "TestManifests.h"

#include "moda/Runtime/moda_runtime.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

using namespace moda::runtime;
using moda::test::writeTempFile;

namespace {

/// The status and message of moda_kernel_load_manifest_only(path).
std::pair<moda_status, std::string> loadManifestOnly(const std::string &path) {
  moda_kernel *kernel = reinterpret_cast<moda_kernel *>(0x1);
  moda_status status = moda_kernel_load_manifest_only(path.c_str(), &kernel);
  EXPECT_EQ(kernel, nullptr);
  return {status, moda_last_error()};
}

TEST(FileReading, DevZeroIsRefusedNotReadForever) {
  EXPECT_EQ(loadManifestOnly("/dev/zero"),
            std::make_pair(MODA_ERROR_IO,
                           std::string("cannot read '/dev/zero': not a "
                                       "regular file")));
}

TEST(FileReading, DirectoriesAndFifosAreRefused) {
  std::string directory = ::testing::TempDir();
  std::string contents;
  Error error = readFile(directory, kMaxManifestBytes, "manifest", contents);
  EXPECT_EQ(error.status, MODA_ERROR_IO);
  EXPECT_EQ(error.message, "cannot read '" + directory + "': not a regular file");
  // Opening a FIFO for reading would wait for a writer; it must not.
  std::string fifo = ::testing::TempDir() + "moda_runtime_test_fifo";
  unlink(fifo.c_str());
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(loadManifestOnly(fifo),
            std::make_pair(MODA_ERROR_IO, "cannot read '" + fifo +
                                              "': not a regular file"));
  unlink(fifo.c_str());
}

TEST(FileReading, AManifestOverTheCapIsRefusedBeforeParsing) {
  // Sparse: one byte past the cap costs no disk space.
  std::string path = writeTempFile("huge.json", "");
  ASSERT_EQ(truncate(path.c_str(), off_t(kMaxManifestBytes) + 1), 0);
  EXPECT_EQ(loadManifestOnly(path),
            std::make_pair(MODA_ERROR_IO,
                           "cannot read '" + path +
                               "': larger than 1048576 bytes, the most a "
                               "manifest may have"));
}

TEST(FileReading, TheCapIsInclusive) {
  std::string path = writeTempFile("sixteen.bin", std::string(16, 'x'));
  std::string contents;
  Error error = readFile(path, 16, "cubin", contents);
  ASSERT_FALSE(error.failed()) << error.message;
  EXPECT_EQ(contents, std::string(16, 'x'));
  error = readFile(path, 15, "cubin", contents);
  EXPECT_EQ(error.status, MODA_ERROR_IO);
  EXPECT_EQ(error.message, "cannot read '" + path +
                               "': larger than 15 bytes, the most a cubin "
                               "may have");
}

TEST(FileReading, BinaryContentsArePreserved) {
  std::string bytes("\x7f" "ELF\0\x01\xff", 7);
  std::string path = writeTempFile("binary.cubin", bytes);
  std::string contents;
  ASSERT_FALSE(readFile(path, kMaxModuleBytes, "cubin", contents).failed());
  EXPECT_EQ(contents, bytes);
}

} // namespace
