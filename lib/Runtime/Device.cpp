//===- Device.cpp - C API: device memory, copies and the device name ------===//
//
// Just enough of the driver for tools and tests to run a kernel with nothing
// but this library; frameworks bring their own allocations instead.
//
//===----------------------------------------------------------------------===//

#include "CudaDriver.h"

using namespace moda::runtime;

namespace {

/// The driver, with a context current (see ensureCurrentContext).
Error driverWithContext(const CudaDriver *&driver) {
  if (Error error = getCudaDriver(driver); error.failed())
    return error;
  CUcontext context;
  return ensureCurrentContext(*driver, context);
}

CUdeviceptr devicePointer(const void *pointer) {
  return static_cast<CUdeviceptr>(reinterpret_cast<uintptr_t>(pointer));
}

Error deviceName(char *buffer, size_t size) {
  if (!buffer || size == 0)
    return makeError(MODA_ERROR_INVALID_ARGUMENT,
                     "buffer is NULL or size is 0");
  buffer[0] = '\0';
  const CudaDriver *driver;
  if (Error error = driverWithContext(driver); error.failed())
    return error;
  CUdevice device;
  if (CUresult result = driver->cuCtxGetDevice(&device))
    return cudaError(*driver, result, "cuCtxGetDevice");
  int length = size > 1024 ? 1024 : static_cast<int>(size);
  if (CUresult result = driver->cuDeviceGetName(buffer, length, device))
    return cudaError(*driver, result, "cuDeviceGetName");
  return Error();
}

Error allocate(size_t bytes, void **out) {
  if (!out)
    return makeError(MODA_ERROR_INVALID_ARGUMENT, "out is NULL");
  *out = nullptr;
  const CudaDriver *driver;
  if (Error error = driverWithContext(driver); error.failed())
    return error;
  CUdeviceptr pointer = 0;
  // cuMemAlloc rejects 0 bytes; an empty buffer is a NULL pointer.
  if (bytes == 0)
    return Error();
  if (CUresult result = driver->cuMemAlloc(&pointer, bytes))
    return cudaError(*driver, result, "cuMemAlloc");
  *out = reinterpret_cast<void *>(static_cast<uintptr_t>(pointer));
  return Error();
}

Error release(void *pointer) {
  if (!pointer)
    return Error();
  const CudaDriver *driver;
  if (Error error = driverWithContext(driver); error.failed())
    return error;
  if (CUresult result = driver->cuMemFree(devicePointer(pointer)))
    return cudaError(*driver, result, "cuMemFree");
  return Error();
}

Error copy(void *destination, const void *source, size_t bytes, bool toDevice) {
  if (bytes == 0)
    return Error();
  if (!destination || !source)
    return makeError(MODA_ERROR_INVALID_ARGUMENT,
                     "copy of %zu bytes with a NULL pointer", bytes);
  const CudaDriver *driver;
  if (Error error = driverWithContext(driver); error.failed())
    return error;
  if (toDevice) {
    if (CUresult result =
            driver->cuMemcpyHtoD(devicePointer(destination), source, bytes))
      return cudaError(*driver, result, "cuMemcpyHtoD");
  } else if (CUresult result = driver->cuMemcpyDtoH(
                 destination, devicePointer(source), bytes)) {
    return cudaError(*driver, result, "cuMemcpyDtoH");
  }
  return Error();
}

Error fill(void *destination, unsigned char value, size_t bytes) {
  if (bytes == 0)
    return Error();
  if (!destination)
    return makeError(MODA_ERROR_INVALID_ARGUMENT, "device_dst is NULL");
  const CudaDriver *driver;
  if (Error error = driverWithContext(driver); error.failed())
    return error;
  if (CUresult result =
          driver->cuMemsetD8(devicePointer(destination), value, bytes))
    return cudaError(*driver, result, "cuMemsetD8");
  return Error();
}

Error synchronize(void *stream) {
  const CudaDriver *driver;
  if (Error error = driverWithContext(driver); error.failed())
    return error;
  if (CUresult result =
          driver->cuStreamSynchronize(static_cast<CUstream>(stream)))
    return cudaError(*driver, result, "cuStreamSynchronize");
  return Error();
}

} // namespace

extern "C" {

moda_status moda_device_name(char *buffer, size_t size) {
  return guardEntryPoint("moda_device_name",
                         [&] { return deviceName(buffer, size); });
}

moda_status moda_device_alloc(size_t bytes, void **out) {
  return guardEntryPoint("moda_device_alloc",
                         [&] { return allocate(bytes, out); });
}

moda_status moda_device_free(void *pointer) {
  return guardEntryPoint("moda_device_free", [&] { return release(pointer); });
}

moda_status moda_copy_to_device(void *device_dst, const void *host_src,
                                size_t bytes) {
  return guardEntryPoint("moda_copy_to_device", [&] {
    return copy(device_dst, host_src, bytes, /*toDevice=*/true);
  });
}

moda_status moda_copy_to_host(void *host_dst, const void *device_src,
                              size_t bytes) {
  return guardEntryPoint("moda_copy_to_host", [&] {
    return copy(host_dst, device_src, bytes, /*toDevice=*/false);
  });
}

moda_status moda_device_memset(void *device_dst, unsigned char value,
                               size_t bytes) {
  return guardEntryPoint("moda_device_memset",
                         [&] { return fill(device_dst, value, bytes); });
}

moda_status moda_stream_synchronize(void *stream) {
  return guardEntryPoint("moda_stream_synchronize",
                         [&] { return synchronize(stream); });
}

} // extern "C"
