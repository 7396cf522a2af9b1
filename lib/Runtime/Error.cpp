//===- Error.cpp - error formatting and the thread-local last error -------===//

#include "Error.h"

#include <cstdarg>
#include <cstdio>

namespace moda::runtime {

namespace {

thread_local std::string lastError;
/// Set instead of lastError when storing a message failed (out of memory);
/// moda_last_error() then returns it.
thread_local const char *lastErrorFallback = nullptr;

void storeLastError(const std::string &message) noexcept {
  try {
    lastError = message;
    lastErrorFallback = nullptr;
  } catch (...) {
    lastErrorFallback = "out of memory while recording an error message";
  }
}

std::string formatArguments(const char *format, va_list arguments) {
  va_list copy;
  va_copy(copy, arguments);
  int length = std::vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  if (length <= 0)
    return std::string();
  std::string text(static_cast<size_t>(length) + 1, '\0');
  std::vsnprintf(&text[0], text.size(), format, arguments);
  text.resize(static_cast<size_t>(length));
  return text;
}

} // namespace

std::string formatString(const char *format, ...) {
  va_list arguments;
  va_start(arguments, format);
  std::string text = formatArguments(format, arguments);
  va_end(arguments);
  return text;
}

Error makeError(moda_status status, const char *format, ...) {
  va_list arguments;
  va_start(arguments, format);
  Error error{status, formatArguments(format, arguments)};
  va_end(arguments);
  return error;
}

moda_status report(const Error &error) noexcept {
  if (error.failed())
    storeLastError(error.message);
  return error.status;
}

moda_status reportInternalError(const char *entryPoint,
                                const char *what) noexcept {
  try {
    storeLastError(std::string(entryPoint) + ": internal error: " + what);
  } catch (...) {
    lastErrorFallback = "internal error (out of memory)";
  }
  return MODA_ERROR_INTERNAL;
}

} // namespace moda::runtime

extern "C" {

const char *moda_last_error(void) {
  using namespace moda::runtime;
  return lastErrorFallback ? lastErrorFallback : lastError.c_str();
}

const char *moda_status_name(moda_status status) {
  switch (status) {
  case MODA_SUCCESS:
    return "MODA_SUCCESS";
  case MODA_ERROR_INVALID_ARGUMENT:
    return "MODA_ERROR_INVALID_ARGUMENT";
  case MODA_ERROR_IO:
    return "MODA_ERROR_IO";
  case MODA_ERROR_MANIFEST:
    return "MODA_ERROR_MANIFEST";
  case MODA_ERROR_DTYPE:
    return "MODA_ERROR_DTYPE";
  case MODA_ERROR_SHAPE:
    return "MODA_ERROR_SHAPE";
  case MODA_ERROR_SIZE_MISMATCH:
    return "MODA_ERROR_SIZE_MISMATCH";
  case MODA_ERROR_STRIDE:
    return "MODA_ERROR_STRIDE";
  case MODA_ERROR_ALIGNMENT:
    return "MODA_ERROR_ALIGNMENT";
  case MODA_ERROR_NO_DRIVER:
    return "MODA_ERROR_NO_DRIVER";
  case MODA_ERROR_CUDA:
    return "MODA_ERROR_CUDA";
  case MODA_ERROR_NOT_LOADED:
    return "MODA_ERROR_NOT_LOADED";
  case MODA_ERROR_INTERNAL:
    return "MODA_ERROR_INTERNAL";
  }
  return "unknown moda_status";
}

} // extern "C"
