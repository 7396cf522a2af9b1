//===- ModuleCache.h - load kernel modules once per process ---------------===//
//
// A CUmodule is loaded once per (context, absolute file path, contents hash)
// and kept for the life of the process, so loading the same artifact twice,
// e.g. one kernel object per call site, costs one file read and no JIT. The
// contents are part of the key: a recompiled artifact at the same path is
// loaded anew.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_LIB_RUNTIME_MODULECACHE_H
#define MODA_LIB_RUNTIME_MODULECACHE_H

#include "CudaDriver.h"
#include "Manifest.h"

#include <cstdint>
#include <string>

namespace moda::runtime {

struct LoadedModule {
  CUmodule module = nullptr;
  /// "cubin" or "ptx": which artifact the module came from.
  const char *source = "none";
};

/// Loads the manifest's cubin if it is present and the driver accepts it,
/// else its PTX (JIT-compiled; the error log is part of a failure message).
Error loadKernelModule(const CudaDriver &driver, CUcontext context,
                       const Manifest &manifest, LoadedModule &loaded);

/// 64-bit FNV-1a of `bytes`: the contents part of the cache key.
uint64_t hashContents(const std::string &bytes);

} // namespace moda::runtime

#endif // MODA_LIB_RUNTIME_MODULECACHE_H
