//===- FileReadingTest.cpp - what files the runtime reads -----------------===//
//
// The runtime reads only regular files, and at most kMaxManifestBytes of a
// manifest (kMaxModuleBytes of a PTX or cubin): a path naming a device, a
// FIFO or a huge file is an error, never an unbounded read. A manifest's
// PTX and cubin must resolve, links followed, inside the manifest's folder.
//
//===----------------------------------------------------------------------===//

#include "Manifest.h"
#include "TestManifests.h"

#include "moda/Runtime/moda_runtime.h"

#include <gtest/gtest.h>

#include <climits>
#include <cstdlib>

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

/// A fresh folder in the test temp directory: <temp>/moda_runtime_test_<name>.
std::string makeFolder(const std::string &name) {
  std::string path = ::testing::TempDir() + "moda_runtime_test_" + name;
  std::string command = "rm -rf '" + path + "' && mkdir -p '" + path + "'";
  EXPECT_EQ(std::system(command.c_str()), 0);
  return path;
}

TEST(ArtifactPath, ResolvesInsideTheManifestsFolder) {
  std::string folder = makeFolder("artifacts_inside");
  ASSERT_EQ(std::system(("mkdir '" + folder + "/sub' && touch '" + folder +
                         "/sub/k.ptx' && ln -s sub/k.ptx '" + folder +
                         "/link.ptx'")
                            .c_str()),
            0);
  Manifest manifest;
  manifest.directory = folder;
  std::string resolved;
  char real[PATH_MAX];
  ASSERT_NE(realpath(folder.c_str(), real), nullptr);
  // A link that stays inside the folder is followed.
  Error error = resolveArtifactPath(manifest, "link.ptx", resolved);
  ASSERT_FALSE(error.failed()) << error.message;
  EXPECT_EQ(resolved, std::string(real) + "/sub/k.ptx");
  error = resolveArtifactPath(manifest, "missing.ptx", resolved);
  EXPECT_EQ(error.status, MODA_ERROR_IO);
  EXPECT_EQ(error.message, "cannot open '" + folder +
                               "/missing.ptx': No such file or directory");
}

TEST(ArtifactPath, ASymbolicLinkOutOfTheFolderIsRefused) {
  std::string folder = makeFolder("artifacts_escape");
  std::string outside = writeTempFile("outside.ptx", "secret");
  ASSERT_EQ(symlink(outside.c_str(), (folder + "/k.ptx").c_str()), 0);
  ASSERT_EQ(symlink("/", (folder + "/root").c_str()), 0);
  Manifest manifest;
  manifest.directory = folder;
  std::string resolved;
  char real[PATH_MAX], realOutside[PATH_MAX];
  ASSERT_NE(realpath(folder.c_str(), real), nullptr);
  ASSERT_NE(realpath(outside.c_str(), realOutside), nullptr);
  Error error = resolveArtifactPath(manifest, "k.ptx", resolved);
  EXPECT_EQ(error.status, MODA_ERROR_MANIFEST);
  EXPECT_EQ(error.message, "'" + folder + "/k.ptx' resolves to '" +
                               realOutside +
                               "', outside the manifest's folder '" + real +
                               "'");
  error = resolveArtifactPath(manifest, "root/etc/passwd", resolved);
  EXPECT_EQ(error.status, MODA_ERROR_MANIFEST);
  // A folder that is a prefix of the real one's name is not inside it.
  std::string sibling = folder + "_sibling";
  ASSERT_EQ(std::system(("rm -rf '" + sibling + "' && mkdir '" + sibling +
                         "' && touch '" + sibling + "/k.ptx'")
                            .c_str()),
            0);
  ASSERT_EQ(symlink((sibling + "/k.ptx").c_str(),
                    (folder + "/sibling.ptx").c_str()),
            0);
  error = resolveArtifactPath(manifest, "sibling.ptx", resolved);
  EXPECT_EQ(error.status, MODA_ERROR_MANIFEST) << error.message;
}

} // namespace
