//===- Error.h - errors carried inside the runtime ------------------------===//
//
// Internal functions return an Error; only the C API entry points turn it
// into the thread-local message that moda_last_error() reads. That keeps the
// manifest and validation code free of global state and testable on its own.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_LIB_RUNTIME_ERROR_H
#define MODA_LIB_RUNTIME_ERROR_H

#include "moda/Runtime/moda_runtime.h"

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

/// Stores `error` as this thread's last error and returns its status.
moda_status report(const Error &error);

} // namespace moda::runtime

#endif // MODA_LIB_RUNTIME_ERROR_H
