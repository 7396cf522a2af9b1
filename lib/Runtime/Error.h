//===- Error.h - errors carried inside the runtime ------------------------===//
//
// Internal functions return an Error; only the C API entry points turn it
// into the thread-local message that moda_last_error() reads. That keeps the
// manifest and validation code free of global state and testable on its own.
//
// A C caller (ctypes, moda-run) cannot catch a C++ exception, and one that
// unwinds through a C frame terminates the process. So every entry point
// runs its body through guardEntryPoint, which turns whatever escapes into
// MODA_ERROR_INTERNAL.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_LIB_RUNTIME_ERROR_H
#define MODA_LIB_RUNTIME_ERROR_H

#include "moda/Runtime/moda_runtime.h"

#include <exception>
#include <new>
#include <string>

namespace moda::runtime {

struct Error {
  moda_status status = MODA_SUCCESS;
  std::string message;

  bool failed() const { return status != MODA_SUCCESS; }
};

/// printf-style message.
std::string formatString(const char *format, ...)
    __attribute__((format(printf, 1, 2)));

Error makeError(moda_status status, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/// Stores `error` as this thread's last error and returns its status. Never
/// throws: if the message cannot be stored (out of memory), a fixed one is.
moda_status report(const Error &error) noexcept;

/// Reports MODA_ERROR_INTERNAL: "<entryPoint>: internal error: <what>".
moda_status reportInternalError(const char *entryPoint,
                                const char *what) noexcept;

/// Runs `body` (which returns an Error) and reports its outcome; an
/// exception escaping it is reported as MODA_ERROR_INTERNAL instead of
/// crossing into the C caller.
template <typename Body>
moda_status guardEntryPoint(const char *entryPoint, Body &&body) noexcept {
  try {
    return report(body());
  } catch (const std::bad_alloc &) {
    return reportInternalError(entryPoint, "out of memory");
  } catch (const std::exception &exception) {
    return reportInternalError(entryPoint, exception.what());
  } catch (...) {
    return reportInternalError(entryPoint, "unknown exception");
  }
}

} // namespace moda::runtime

#endif // MODA_LIB_RUNTIME_ERROR_H
