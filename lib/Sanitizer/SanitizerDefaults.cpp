//===- SanitizerDefaults.cpp - ASan/UBSan defaults of sanitized builds ----===//
//
// Linked into every executable of a -DMODA_SANITIZE=ON build (the tools,
// the unit tests, the fuzz targets); $ASAN_OPTIONS / $UBSAN_OPTIONS still
// override these.
//
// allow_user_poisoning=0: LLVM's headers poison and unpoison the slabs of
// llvm::BumpPtrAllocator when they are compiled with ASan (Allocator.h,
// LLVM_ADDRESS_SANITIZER_BUILD). Our code is, Debian's libMLIR is not, and
// both allocate from the same allocators (the context's storage uniquer):
// a slab our inlined code poisons is then written by libMLIR's allocations,
// which never unpoison it, and ASan reports a use-after-poison that is not
// a bug (e.g. StringAttr::get from SelectKernelConfig). Only these manual
// annotations are ignored; ASan's own redzones, use-after-free and
// out-of-bounds checks stay on.
//
//===----------------------------------------------------------------------===//

extern "C" const char *__asan_default_options() {
  return "allow_user_poisoning=0";
}

extern "C" const char *__ubsan_default_options() {
  return "print_stacktrace=1";
}
