//===- ModuleCache.cpp - load kernel modules once per process -------------===//

#include "ModuleCache.h"

#include <climits>
#include <cstdlib>
#include <map>
#include <mutex>
#include <tuple>

namespace moda::runtime {

uint64_t hashContents(const std::string &bytes) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (unsigned char byte : bytes) {
    hash ^= byte;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

namespace {

using CacheKey = std::tuple<CUcontext, std::string, uint64_t>;

std::mutex cacheMutex;
std::map<CacheKey, CUmodule> moduleCache;

std::string artifactPath(const Manifest &manifest, const std::string &file) {
  return !file.empty() && file[0] == '/' ? file
                                         : manifest.directory + "/" + file;
}

std::string absolutePath(const std::string &path) {
  char resolved[PATH_MAX];
  return realpath(path.c_str(), resolved) ? std::string(resolved) : path;
}

/// The driver reads a cubin image or NUL-terminated PTX from memory; the
/// JIT error log is collected so that a PTX failure says what went wrong.
Error loadImage(const CudaDriver &driver, const std::string &image, bool isPtx,
                const std::string &path, CUmodule &module) {
  if (!isPtx) {
    if (CUresult result = driver.cuModuleLoadData(&module, image.data()))
      return cudaError(driver, result,
                       ("cuModuleLoadData('" + path + "')").c_str());
    return Error();
  }
  char log[8192] = {0};
  CUjit_option options[] = {CU_JIT_ERROR_LOG_BUFFER,
                            CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
  void *values[] = {log, reinterpret_cast<void *>(uintptr_t(sizeof log))};
  if (CUresult result = driver.cuModuleLoadDataEx(&module, image.c_str(), 2,
                                                  options, values)) {
    Error error = cudaError(driver, result,
                            ("cuModuleLoadDataEx('" + path + "')").c_str());
    if (log[0])
      error.message += std::string("; JIT log: ") + log;
    return error;
  }
  return Error();
}

Error loadCached(const CudaDriver &driver, CUcontext context,
                 const std::string &path, bool isPtx, CUmodule &module) {
  std::string image;
  Error error = readFile(path, kMaxModuleBytes, isPtx ? "PTX" : "cubin", image);
  if (error.failed())
    return error;
  CacheKey key{context, absolutePath(path), hashContents(image)};
  std::lock_guard<std::mutex> lock(cacheMutex);
  auto found = moduleCache.find(key);
  if (found != moduleCache.end()) {
    module = found->second;
    return Error();
  }
  error = loadImage(driver, image, isPtx, path, module);
  if (!error.failed())
    moduleCache.emplace(key, module);
  return error;
}

} // namespace

Error loadKernelModule(const CudaDriver &driver, CUcontext context,
                       const Manifest &manifest, LoadedModule &loaded) {
  std::string cubinFailure;
  if (!manifest.cubinFile.empty()) {
    Error error = loadCached(driver, context,
                             artifactPath(manifest, manifest.cubinFile),
                             /*isPtx=*/false, loaded.module);
    if (!error.failed()) {
      loaded.source = "cubin";
      return Error();
    }
    // A cubin for another architecture, or a missing one, is not fatal:
    // the PTX is the portable form of the same kernel.
    cubinFailure = error.message;
  }
  Error error = loadCached(driver, context,
                           artifactPath(manifest, manifest.ptxFile),
                           /*isPtx=*/true, loaded.module);
  if (error.failed()) {
    if (!cubinFailure.empty())
      error.message += " (after the cubin failed: " + cubinFailure + ")";
    return error;
  }
  loaded.source = "ptx";
  return Error();
}

} // namespace moda::runtime
