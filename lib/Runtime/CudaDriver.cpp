//===- CudaDriver.cpp - dlopen libcuda.so.1 and resolve the driver API ----===//

#include "CudaDriver.h"

#include <dlfcn.h>
#include <mutex>

namespace moda::runtime {

namespace {

#define MODA_STRINGIFY_EXPANDED(name) MODA_STRINGIFY(name)
#define MODA_STRINGIFY(name) #name

struct DriverState {
  CudaDriver driver;
  Error error;
};

void loadDriver(DriverState &state) {
  void *library = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    const char *reason = dlerror();
    state.error = makeError(MODA_ERROR_NO_DRIVER,
                            "CUDA driver not found (libcuda.so.1): %s",
                            reason ? reason : "dlopen failed");
    return;
  }
  // The library stays open for the life of the process: modules, contexts
  // and function pointers handed out refer into it.
#define MODA_RESOLVE_DRIVER_FUNCTION(name)                                     \
  if (!state.error.failed()) {                                                 \
    const char *symbol = MODA_STRINGIFY_EXPANDED(name);                        \
    state.driver.name =                                                        \
        reinterpret_cast<decltype(state.driver.name)>(dlsym(library, symbol)); \
    if (!state.driver.name)                                                    \
      state.error = makeError(MODA_ERROR_NO_DRIVER,                            \
                              "the CUDA driver (libcuda.so.1) lacks %s; it "   \
                              "is older than this runtime needs",              \
                              symbol);                                         \
  }
  MODA_CUDA_DRIVER_FUNCTIONS(MODA_RESOLVE_DRIVER_FUNCTION)
#undef MODA_RESOLVE_DRIVER_FUNCTION
  if (state.error.failed())
    return;
  if (CUresult result = state.driver.cuInit(0))
    state.error = cudaError(state.driver, result, "cuInit");
}

} // namespace

Error getCudaDriver(const CudaDriver *&driver) {
  static DriverState state;
  static std::once_flag once;
  std::call_once(once, [] { loadDriver(state); });
  driver = state.error.failed() ? nullptr : &state.driver;
  return state.error;
}

Error cudaError(const CudaDriver &driver, CUresult result, const char *call) {
  const char *name = nullptr;
  const char *description = nullptr;
  if (driver.cuGetErrorName(result, &name) != CUDA_SUCCESS || !name)
    name = "unknown CUDA error";
  if (driver.cuGetErrorString(result, &description) != CUDA_SUCCESS ||
      !description)
    description = "no description";
  return makeError(MODA_ERROR_CUDA, "%s failed: %s (%d): %s", call, name,
                   static_cast<int>(result), description);
}

Error ensureCurrentContext(const CudaDriver &driver, CUcontext &context) {
  if (CUresult result = driver.cuCtxGetCurrent(&context))
    return cudaError(driver, result, "cuCtxGetCurrent");
  if (context)
    return Error();
  CUdevice device;
  if (CUresult result = driver.cuDeviceGet(&device, 0))
    return cudaError(driver, result, "cuDeviceGet(0)");
  if (CUresult result = driver.cuDevicePrimaryCtxRetain(&context, device))
    return cudaError(driver, result, "cuDevicePrimaryCtxRetain");
  if (CUresult result = driver.cuCtxSetCurrent(context))
    return cudaError(driver, result, "cuCtxSetCurrent");
  return Error();
}

} // namespace moda::runtime
