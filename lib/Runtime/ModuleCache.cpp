//===- ModuleCache.cpp - load kernel modules once per process -------------===//

#include "ModuleCache.h"

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

/// `path` is resolved (resolveArtifactPath): the cache key names the file
/// itself, whatever links lead to it.
Error loadCached(const CudaDriver &driver, CUcontext context,
                 const std::string &path, bool isPtx, CUmodule &module) {
  std::string image;
  Error error =
      readFile(path, kMaxModuleBytes, isPtx ? "PTX" : "cubin", image);
  if (error.failed())
    return error;
  CacheKey key{context, path, hashContents(image)};
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

/// Resolves and loads one artifact of the manifest.
Error loadArtifact(const CudaDriver &driver, CUcontext context,
                   const Manifest &manifest, const std::string &file,
                   bool isPtx, CUmodule &module) {
  std::string path;
  if (Error error = resolveArtifactPath(manifest, file, path); error.failed())
    return error;
  return loadCached(driver, context, path, isPtx, module);
}

} // namespace

Error loadKernelModule(const CudaDriver &driver, CUcontext context,
                       const Manifest &manifest, LoadedModule &loaded) {
  std::string cubinFailure;
  if (!manifest.cubinFile.empty()) {
    Error error = loadArtifact(driver, context, manifest, manifest.cubinFile,
                               /*isPtx=*/false, loaded.module);
    if (!error.failed()) {
      loaded.source = "cubin";
      return Error();
    }
    // A cubin for another architecture, or a missing one, is not fatal:
    // the PTX is the portable form of the same kernel. A cubin outside the
    // manifest's folder is (MODA_ERROR_MANIFEST): the manifest is wrong.
    if (error.status == MODA_ERROR_MANIFEST)
      return error;
    cubinFailure = error.message;
  }
  Error error = loadArtifact(driver, context, manifest, manifest.ptxFile,
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
