//===- EntryPointGuardTest.cpp - no exception crosses the C API -----------===//
//
// Every C entry point runs its body through guardEntryPoint: a C caller
// cannot catch a C++ exception, so whatever escapes must become a status and
// a message instead.
//
//===----------------------------------------------------------------------===//

#include "Error.h"

#include <gtest/gtest.h>

#include <stdexcept>

using namespace moda::runtime;

namespace {

TEST(GuardEntryPoint, ReportsTheBodysError) {
  moda_status status = guardEntryPoint("moda_test_entry", [] {
    return makeError(MODA_ERROR_SHAPE, "tensor %s is wrong", "q");
  });
  EXPECT_EQ(status, MODA_ERROR_SHAPE);
  EXPECT_STREQ(moda_last_error(), "tensor q is wrong");
}

TEST(GuardEntryPoint, SuccessLeavesThePreviousMessage) {
  guardEntryPoint("moda_test_entry",
                  [] { return makeError(MODA_ERROR_IO, "earlier failure"); });
  EXPECT_EQ(guardEntryPoint("moda_test_entry", [] { return Error(); }),
            MODA_SUCCESS);
  EXPECT_STREQ(moda_last_error(), "earlier failure");
}

TEST(GuardEntryPoint, OutOfMemoryBecomesAnInternalError) {
  moda_status status = guardEntryPoint("moda_test_entry", []() -> Error {
    throw std::bad_alloc();
  });
  EXPECT_EQ(status, MODA_ERROR_INTERNAL);
  EXPECT_STREQ(moda_last_error(),
               "moda_test_entry: internal error: out of memory");
}

TEST(GuardEntryPoint, StandardExceptionsKeepTheirMessage) {
  moda_status status = guardEntryPoint("moda_test_entry", []() -> Error {
    throw std::out_of_range("index 9 past the end");
  });
  EXPECT_EQ(status, MODA_ERROR_INTERNAL);
  EXPECT_STREQ(moda_last_error(),
               "moda_test_entry: internal error: index 9 past the end");
}

TEST(GuardEntryPoint, AnyOtherThrownValueIsCaughtToo) {
  moda_status status =
      guardEntryPoint("moda_test_entry", []() -> Error { throw 42; });
  EXPECT_EQ(status, MODA_ERROR_INTERNAL);
  EXPECT_STREQ(moda_last_error(),
               "moda_test_entry: internal error: unknown exception");
  EXPECT_STREQ(moda_status_name(MODA_ERROR_INTERNAL), "MODA_ERROR_INTERNAL");
}

} // namespace
