//===- CudaDriver.h - the CUDA driver API, loaded at run time -------------===//
//
// The runtime never links libcuda: it opens libcuda.so.1 with dlopen on first
// use and resolves the functions below with dlsym. So it builds and its
// validation runs on machines without a GPU; there, every call that needs the
// driver fails with MODA_ERROR_NO_DRIVER.
//
// cuda.h #defines many API names to versioned symbols (cuMemAlloc ->
// cuMemAlloc_v2, cuEventElapsedTime -> cuEventElapsedTime_v2, ...). The
// members below are spelled with the unversioned names, which the same macros
// rewrite, and dlsym looks up the macro-expanded (versioned) name, so each
// pointer always has the type of the symbol it holds.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_LIB_RUNTIME_CUDADRIVER_H
#define MODA_LIB_RUNTIME_CUDADRIVER_H

#include "Error.h"

#include <cuda.h>

namespace moda::runtime {

#define MODA_CUDA_DRIVER_FUNCTIONS(X)                                          \
  X(cuInit)                                                                    \
  X(cuGetErrorName)                                                            \
  X(cuGetErrorString)                                                          \
  X(cuDeviceGet)                                                               \
  X(cuDeviceGetName)                                                           \
  X(cuDevicePrimaryCtxRetain)                                                  \
  X(cuCtxGetCurrent)                                                           \
  X(cuCtxSetCurrent)                                                           \
  X(cuCtxGetDevice)                                                            \
  X(cuModuleLoadData)                                                          \
  X(cuModuleLoadDataEx)                                                        \
  X(cuModuleGetFunction)                                                       \
  X(cuFuncSetAttribute)                                                        \
  X(cuLaunchKernel)                                                            \
  X(cuMemAlloc)                                                                \
  X(cuMemFree)                                                                 \
  X(cuMemcpyHtoD)                                                              \
  X(cuMemcpyDtoH)                                                              \
  X(cuMemsetD8)                                                                \
  X(cuStreamSynchronize)                                                       \
  X(cuEventCreate)                                                             \
  X(cuEventRecord)                                                             \
  X(cuEventSynchronize)                                                        \
  X(cuEventElapsedTime)                                                        \
  X(cuEventDestroy)

struct CudaDriver {
#define MODA_DECLARE_DRIVER_FUNCTION(name) decltype(&::name) name = nullptr;
  MODA_CUDA_DRIVER_FUNCTIONS(MODA_DECLARE_DRIVER_FUNCTION)
#undef MODA_DECLARE_DRIVER_FUNCTION
};

/// The process-wide driver table; loads libcuda.so.1 and calls cuInit(0) on
/// first use (thread-safe). The outcome of the first call is final.
Error getCudaDriver(const CudaDriver *&driver);

/// "<call> failed: CUDA_ERROR_NAME (description)".
Error cudaError(const CudaDriver &driver, CUresult result, const char *call);

/// The context current on this thread; if there is none, device 0's primary
/// context, retained for the life of the process and made current (the
/// context PyTorch and the CUDA runtime use, so pointers are interchangeable).
Error ensureCurrentContext(const CudaDriver &driver, CUcontext &context);

} // namespace moda::runtime

#endif // MODA_LIB_RUNTIME_CUDADRIVER_H
