//===- Kernel.cpp - C API: load, describe, validate and launch kernels ----===//

#include "CallValidation.h"
#include "CudaDriver.h"
#include "Manifest.h"
#include "ModuleCache.h"

#include <cstring>
#include <memory>
#include <vector>

using namespace moda::runtime;

struct moda_kernel {
  Manifest manifest;
  CUcontext context = nullptr; // the context the module was loaded in
  /// One per manifest launch, in order.
  std::vector<CUfunction> functions;
  const char *moduleSource = "none";
};

namespace {

Error requireArgument(const void *pointer, const char *what) {
  if (!pointer)
    return makeError(MODA_ERROR_INVALID_ARGUMENT, "%s is NULL", what);
  return Error();
}

Error loadFunction(moda_kernel &kernel) {
  const CudaDriver *driver;
  if (Error error = getCudaDriver(driver); error.failed())
    return error;
  if (Error error = ensureCurrentContext(*driver, kernel.context);
      error.failed())
    return error;
  LoadedModule loaded;
  if (Error error = loadKernelModule(*driver, kernel.context, kernel.manifest,
                                     loaded);
      error.failed())
    return error;
  for (const Launch &launch : kernel.manifest.launches) {
    CUfunction function;
    if (CUresult result = driver->cuModuleGetFunction(
            &function, loaded.module, launch.entry.c_str()))
      return cudaError(*driver, result,
                       ("cuModuleGetFunction('" + launch.entry + "')").c_str());
    // Past the 48 KiB every block may use (static and dynamic together),
    // dynamic shared memory is an opt-in of the function; opting in to what
    // fits anyway is harmless.
    if (unsigned shared = launch.dynamicSharedMemory; shared > 0)
      if (CUresult result = driver->cuFuncSetAttribute(
              function, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
              static_cast<int>(shared)))
        return cudaError(*driver, result,
                         "cuFuncSetAttribute(MAX_DYNAMIC_SHARED_SIZE_BYTES)");
    kernel.functions.push_back(function);
  }
  kernel.moduleSource = loaded.source;
  return Error();
}

/// The driver, once the kernel is known to be launchable in the current
/// context: a function handle belongs to the context it was loaded in.
Error prepareLaunch(const moda_kernel &kernel, const CudaDriver *&driver) {
  if (kernel.functions.empty())
    return makeError(MODA_ERROR_NOT_LOADED,
                     "kernel %s was loaded with moda_kernel_load_manifest_only "
                     "and cannot be launched",
                     kernel.manifest.entry.c_str());
  if (Error error = getCudaDriver(driver); error.failed())
    return error;
  CUcontext current;
  if (Error error = ensureCurrentContext(*driver, current); error.failed())
    return error;
  if (current != kernel.context)
    return makeError(MODA_ERROR_CUDA,
                     "kernel %s was loaded in another CUDA context than the "
                     "one current on this thread",
                     kernel.manifest.entry.c_str());
  return Error();
}

Error launchPlanned(const CudaDriver &driver, const moda_kernel &kernel,
                    const LaunchPlan &plan, CUstream stream) {
  if (plan.nothingToDo)
    return Error();
  // cuLaunchKernel takes one pointer per parameter; every parameter is a u64.
  std::vector<void *> arguments;
  arguments.reserve(plan.parameterValues.size());
  for (const uint64_t &value : plan.parameterValues)
    arguments.push_back(const_cast<uint64_t *>(&value));
  // The kernels in order on one stream: each starts after the previous one
  // ends. Every kernel takes the same parameters.
  for (size_t l = 0; l < kernel.functions.size(); ++l) {
    const Launch &launch = kernel.manifest.launches[l];
    const std::array<unsigned, 3> &grid = plan.launchGrids[l];
    if (grid[0] == 0 || grid[1] == 0 || grid[2] == 0)
      continue;
    if (CUresult result = driver.cuLaunchKernel(
            kernel.functions[l], grid[0], grid[1], grid[2], launch.block[0],
            launch.block[1], launch.block[2], launch.dynamicSharedMemory,
            stream, arguments.data(), nullptr))
      return cudaError(driver, result,
                       ("cuLaunchKernel('" + launch.entry + "')").c_str());
  }
  return Error();
}

/// Destroys the events of a benchmark on every path out of it.
class EventSet {
public:
  explicit EventSet(const CudaDriver &driver) : driver(driver) {}
  ~EventSet() {
    for (CUevent event : events)
      driver.cuEventDestroy(event);
  }

  Error create(size_t count) {
    for (size_t i = 0; i < count; ++i) {
      CUevent event;
      if (CUresult result = driver.cuEventCreate(&event, CU_EVENT_DEFAULT))
        return cudaError(driver, result, "cuEventCreate");
      events.push_back(event);
    }
    return Error();
  }

  CUevent operator[](size_t i) const { return events[i]; }

private:
  const CudaDriver &driver;
  std::vector<CUevent> events;
};

Error benchmark(moda_kernel *kernel, const moda_tensor *tensors,
                int numTensors, const int64_t *sizes, CUstream stream,
                int warmup, int iters, float *timesMs) {
  if (Error error = requireArgument(kernel, "kernel"); error.failed())
    return error;
  if (warmup < 0 || iters < 1)
    return makeError(MODA_ERROR_INVALID_ARGUMENT,
                     "warmup must be >= 0 and iters >= 1 (got %d and %d)",
                     warmup, iters);
  if (Error error = requireArgument(timesMs, "times_ms"); error.failed())
    return error;
  LaunchPlan plan;
  if (Error error =
          planLaunch(kernel->manifest, tensors, numTensors, sizes, plan);
      error.failed())
    return error;
  const CudaDriver *driver;
  if (Error error = prepareLaunch(*kernel, driver); error.failed())
    return error;
  for (int i = 0; i < warmup; ++i)
    if (Error error = launchPlanned(*driver, *kernel, plan, stream);
        error.failed())
      return error;
  // Event i marks the start of timed launch i and the end of launch i - 1:
  // launches stay back to back, with no host synchronization between them.
  EventSet events(*driver);
  if (Error error = events.create(static_cast<size_t>(iters) + 1);
      error.failed())
    return error;
  for (int i = 0; i < iters; ++i) {
    if (CUresult result = driver->cuEventRecord(events[i], stream))
      return cudaError(*driver, result, "cuEventRecord");
    if (Error error = launchPlanned(*driver, *kernel, plan, stream);
        error.failed())
      return error;
  }
  if (CUresult result = driver->cuEventRecord(events[iters], stream))
    return cudaError(*driver, result, "cuEventRecord");
  if (CUresult result = driver->cuEventSynchronize(events[iters]))
    return cudaError(*driver, result, "cuEventSynchronize");
  for (int i = 0; i < iters; ++i)
    if (CUresult result =
            driver->cuEventElapsedTime(&timesMs[i], events[i], events[i + 1]))
      return cudaError(*driver, result, "cuEventElapsedTime");
  return Error();
}

/// moda_kernel_load and moda_kernel_load_manifest_only: `*out` is NULL on
/// every failure.
Error loadKernel(const char *manifestPath, bool loadModule, moda_kernel **out) {
  if (Error error = requireArgument(out, "out"); error.failed())
    return error;
  *out = nullptr;
  if (Error error = requireArgument(manifestPath, "manifest_path");
      error.failed())
    return error;
  auto kernel = std::make_unique<moda_kernel>();
  if (Error error = readManifest(manifestPath, kernel->manifest);
      error.failed())
    return error;
  if (loadModule)
    if (Error error = loadFunction(*kernel); error.failed())
      return error;
  *out = kernel.release();
  return Error();
}

Error describeKernel(const moda_kernel *kernel, moda_kernel_info *out) {
  if (Error error = requireArgument(kernel, "kernel"); error.failed())
    return error;
  if (Error error = requireArgument(out, "out"); error.failed())
    return error;
  const Manifest &m = kernel->manifest;
  moda_kernel_info info;
  std::memset(&info, 0, sizeof info);
  info.entry = m.entry.c_str();
  info.target = m.target.c_str();
  info.element_type = m.elementType;
  info.causal = m.causal ? 1 : 0;
  info.visibility = m.visibility;
  info.chunk_size = m.chunkSize;
  info.scale = m.scale;
  info.num_query_heads = m.numQueryHeads;
  info.num_kv_heads = m.numKvHeads;
  info.head_dim = m.headDim;
  info.num_tensors = static_cast<int>(m.tensors.size());
  for (int symbol = 0; symbol < MODA_NUM_SYMBOLS; ++symbol)
    info.fixed_sizes[symbol] = m.fixedSizes[symbol];
  info.config = {m.blockM,    m.blockN,      m.blockDepth, m.numWarps,
                 m.numStages, m.mma.c_str(), m.kvSplits};
  for (int i = 0; i < 3; ++i)
    info.block[i] = m.block[i];
  info.dynamic_shared_memory = m.dynamicSharedMemory;
  info.module_source = kernel->moduleSource;
  info.op = m.op.c_str();
  info.num_launches = static_cast<int>(m.launches.size());
  info.packed = m.packed ? 1 : 0;
  info.page_size = m.pageSize;
  info.pages_per_entry = m.pagesPerEntry;
  *out = info;
  return Error();
}

Error describeTensor(const moda_kernel *kernel, int index,
                     moda_tensor_info *out) {
  if (Error error = requireArgument(kernel, "kernel"); error.failed())
    return error;
  if (Error error = requireArgument(out, "out"); error.failed())
    return error;
  const Manifest &m = kernel->manifest;
  if (index < 0 || index >= static_cast<int>(m.tensors.size()))
    return makeError(MODA_ERROR_INVALID_ARGUMENT,
                     "tensor index %d is out of range [0, %zu)", index,
                     m.tensors.size());
  const TensorSpec &spec = m.tensors[index];
  moda_tensor_info info;
  std::memset(&info, 0, sizeof info);
  info.name = spec.name.c_str();
  info.role = spec.role;
  info.dtype = spec.dtype;
  info.rank = static_cast<int>(spec.shape.size());
  info.strided = spec.strided ? 1 : 0;
  for (size_t d = 0; d < spec.shape.size(); ++d) {
    const Dimension &dimension = spec.shape[d];
    info.dim_symbols[d] = dimension.symbol;
    info.dims[d] = dimension.isSymbolic() ? m.fixedSizes[dimension.symbol]
                                          : dimension.extent;
    info.dim_addends[d] = dimension.addend;
  }
  *out = info;
  return Error();
}

Error validate(const moda_kernel *kernel, const moda_tensor *tensors,
               int numTensors, const int64_t *sizes) {
  if (Error error = requireArgument(kernel, "kernel"); error.failed())
    return error;
  LaunchPlan plan;
  return planLaunch(kernel->manifest, tensors, numTensors, sizes, plan);
}

Error launch(moda_kernel *kernel, const moda_tensor *tensors, int numTensors,
             const int64_t *sizes, CUstream stream) {
  if (Error error = requireArgument(kernel, "kernel"); error.failed())
    return error;
  LaunchPlan plan;
  if (Error error =
          planLaunch(kernel->manifest, tensors, numTensors, sizes, plan);
      error.failed())
    return error;
  const CudaDriver *driver;
  if (Error error = prepareLaunch(*kernel, driver); error.failed())
    return error;
  return launchPlanned(*driver, *kernel, plan, stream);
}

} // namespace

// Every entry point that can fail runs through guardEntryPoint (Error.h);
// the others (moda_kernel_free, moda_dtype_name) cannot throw.
extern "C" {

moda_status moda_kernel_load_manifest_only(const char *manifest_path,
                                           moda_kernel **out) {
  return guardEntryPoint("moda_kernel_load_manifest_only", [&] {
    return loadKernel(manifest_path, /*loadModule=*/false, out);
  });
}

moda_status moda_kernel_load(const char *manifest_path, moda_kernel **out) {
  return guardEntryPoint("moda_kernel_load", [&] {
    return loadKernel(manifest_path, /*loadModule=*/true, out);
  });
}

void moda_kernel_free(moda_kernel *kernel) {
  // Modules stay in the process-wide cache; only the description goes.
  delete kernel;
}

moda_status moda_kernel_get_info(const moda_kernel *kernel,
                                 moda_kernel_info *out) {
  return guardEntryPoint("moda_kernel_get_info",
                         [&] { return describeKernel(kernel, out); });
}

moda_status moda_kernel_get_tensor_info(const moda_kernel *kernel, int index,
                                        moda_tensor_info *out) {
  return guardEntryPoint("moda_kernel_get_tensor_info",
                         [&] { return describeTensor(kernel, index, out); });
}

moda_status moda_kernel_validate(const moda_kernel *kernel,
                                 const moda_tensor *tensors, int num_tensors) {
  return guardEntryPoint("moda_kernel_validate", [&] {
    return validate(kernel, tensors, num_tensors, /*sizes=*/nullptr);
  });
}

moda_status moda_kernel_launch(moda_kernel *kernel, const moda_tensor *tensors,
                               int num_tensors, void *stream) {
  return guardEntryPoint("moda_kernel_launch", [&] {
    return launch(kernel, tensors, num_tensors, /*sizes=*/nullptr,
                  static_cast<CUstream>(stream));
  });
}

moda_status moda_kernel_benchmark(moda_kernel *kernel,
                                  const moda_tensor *tensors, int num_tensors,
                                  void *stream, int warmup, int iters,
                                  float *times_ms) {
  return guardEntryPoint("moda_kernel_benchmark", [&] {
    return benchmark(kernel, tensors, num_tensors, /*sizes=*/nullptr,
                     static_cast<CUstream>(stream), warmup, iters, times_ms);
  });
}

moda_status moda_kernel_validate_sized(const moda_kernel *kernel,
                                       const moda_tensor *tensors,
                                       int num_tensors, const int64_t *sizes) {
  return guardEntryPoint("moda_kernel_validate_sized", [&] {
    return validate(kernel, tensors, num_tensors, sizes);
  });
}

moda_status moda_kernel_launch_sized(moda_kernel *kernel,
                                     const moda_tensor *tensors,
                                     int num_tensors, const int64_t *sizes,
                                     void *stream) {
  return guardEntryPoint("moda_kernel_launch_sized", [&] {
    return launch(kernel, tensors, num_tensors, sizes,
                  static_cast<CUstream>(stream));
  });
}

moda_status moda_kernel_benchmark_sized(moda_kernel *kernel,
                                        const moda_tensor *tensors,
                                        int num_tensors, const int64_t *sizes,
                                        void *stream, int warmup, int iters,
                                        float *times_ms) {
  return guardEntryPoint("moda_kernel_benchmark_sized", [&] {
    return benchmark(kernel, tensors, num_tensors, sizes,
                     static_cast<CUstream>(stream), warmup, iters, times_ms);
  });
}

const char *moda_dtype_name(int dtype) { return dtypeName(dtype); }

int moda_runtime_abi_version(void) { return MODA_RUNTIME_ABI_VERSION; }

} // extern "C"
