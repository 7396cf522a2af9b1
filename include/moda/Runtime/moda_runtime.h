/*===- moda_runtime.h - C API: load and launch moda kernel artifacts ------===*
 *
 * Loads a kernel written by the compiler (<name>.json manifest plus
 * <name>.cubin / <name>.ptx, see docs/artifacts.md), validates every call
 * against the manifest and launches it through the CUDA driver API, which is
 * loaded at run time (dlopen of libcuda.so.1): the library links no CUDA.
 * docs/runtime.md describes the API in full.
 *
 * Every function returning moda_status sets a thread-local message on
 * failure, read with moda_last_error(). On a validation error nothing is
 * launched. No C++ exception ever leaves this API: an unexpected one (out
 * of memory, say) becomes MODA_ERROR_INTERNAL with its message.
 *
 *===----------------------------------------------------------------------===*/

#ifndef MODA_RUNTIME_MODA_RUNTIME_H
#define MODA_RUNTIME_MODA_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define MODA_API __attribute__((visibility("default")))
#else
#define MODA_API
#endif

typedef enum moda_status {
  MODA_SUCCESS = 0,
  MODA_ERROR_INVALID_ARGUMENT = 1, /* null pointer, bad count or index */
  MODA_ERROR_IO = 2,               /* a file cannot be read */
  MODA_ERROR_MANIFEST = 3,         /* malformed JSON or manifest */
  MODA_ERROR_DTYPE = 4,            /* tensor dtype differs from the manifest */
  MODA_ERROR_SHAPE = 5,            /* rank or a static dimension differs */
  MODA_ERROR_SIZE_MISMATCH = 6,    /* a size symbol bound inconsistently */
  MODA_ERROR_STRIDE = 7,           /* not dense and contiguous */
  MODA_ERROR_ALIGNMENT = 8,        /* data pointer not 16-byte aligned */
  MODA_ERROR_NO_DRIVER = 9,        /* libcuda.so.1 missing or incomplete */
  MODA_ERROR_CUDA = 10,            /* a CUDA driver call failed */
  MODA_ERROR_NOT_LOADED = 11,      /* kernel loaded with manifest_only */
  MODA_ERROR_INTERNAL = 12         /* out of memory, or a bug in the runtime */
} moda_status;

/* MODA_I32: the offsets of packed sequences (cu_seqlens). */
typedef enum moda_dtype {
  MODA_BF16 = 0,
  MODA_F16 = 1,
  MODA_F32 = 2,
  MODA_I32 = 3
} moda_dtype;

typedef enum moda_visibility {
  MODA_VISIBILITY_PER_POSITION = 0,
  MODA_VISIBILITY_CHUNK = 1,
  MODA_VISIBILITY_DEPTH_ONLY = 2
} moda_visibility;

/* A scratch tensor (the backward's delta, a split-KV forward's partial_out
 * and partial_lse) is passed by the caller like an
 * output; its contents on entry do not matter and on exit are unspecified. */
typedef enum moda_role {
  MODA_ROLE_INPUT = 0,
  MODA_ROLE_OUTPUT = 1,
  MODA_ROLE_SCRATCH = 2
} moda_role;

/* Size symbols, in kernel parameter order. N, the tokens of packed
 * sequences, is a size of packed kernels (moda_kernel_info.packed);
 * there B counts the sequences and T (= S with sequence keys) is the longest
 * sequence's length as the caller bounds it (max_seqlen), which no tensor
 * carries: the caller passes it in `sizes` (moda_kernel_launch_sized). A
 * kernel over a paged KV cache (moda_kernel_info.page_size) takes N, the
 * pages of its pool, too, and S from `sizes`. */
typedef enum moda_symbol {
  MODA_SYMBOL_B = 0,
  MODA_SYMBOL_T = 1,
  MODA_SYMBOL_S = 2,
  MODA_SYMBOL_L = 3,
  MODA_SYMBOL_N = 4,
  MODA_NUM_SYMBOLS = 5
} moda_symbol;

#define MODA_MAX_RANK 8

/* The largest `scale` the compiler's verifier and the manifest reader accept
 * (2^16). The logits are f32: with scale <= 2^16 they overflow to inf only
 * when |<q, k>| itself exceeds 2^112, i.e. never for f16 inputs and only for
 * bf16/f32 inputs near the end of their range. The usual scale is
 * 1/sqrt(D) <= 1; a scale beyond 2^16 is a mistake (docs/semantics.md). */
#define MODA_MAX_SCALE 65536.0

/* One argument of a launch. shape and strides (in elements) have `rank`
 * entries; strides may be NULL, meaning dense row-major. A tensor the
 * manifest marks strided (moda_tensor_info.strided) may be a view: its
 * innermost stride 1, its others non-negative multiples of 16 bytes, an
 * output's elements distinct. Every other tensor must be dense row-major
 * (strides of size-1 dimensions are ignored). data is a device pointer,
 * 16-byte aligned; it may be NULL for an empty tensor. */
typedef struct moda_tensor {
  const char *name;
  int dtype; /* moda_dtype */
  int rank;
  const int64_t *shape;
  const int64_t *strides;
  void *data;
} moda_tensor;

typedef struct moda_kernel moda_kernel;

typedef struct moda_kernel_config {
  int64_t block_m, block_n, block_depth, num_warps, num_stages;
  const char *mma;
  /* Blocks sharing a block of query rows' keys (split-KV; 1: none). */
  int64_t kv_splits;
} moda_kernel_config;

/* What the manifest says; strings live as long as the kernel. */
typedef struct moda_kernel_info {
  const char *entry;  /* PTX entry name ("kernel") */
  const char *target; /* e.g. "sm_90a" */
  int element_type;   /* moda_dtype */
  int causal;
  int visibility;     /* moda_visibility */
  int64_t chunk_size;
  double scale;
  int64_t num_query_heads, num_kv_heads, head_dim;
  int num_tensors;
  /* The value the manifest fixes for each moda_symbol, or -1 if dynamic. */
  int64_t fixed_sizes[MODA_NUM_SYMBOLS];
  moda_kernel_config config;
  unsigned block[3];
  unsigned dynamic_shared_memory;
  /* "cubin", "ptx" (JIT compiled) or "none" (loaded with manifest_only). */
  const char *module_source;
  /* "attention" or "attention_grad". */
  const char *op;
  /* Kernels one launch runs, in order (1 for attention; dq, [dkv],
   * [d_depth] for attention_grad). `entry`, `block` and
   * `dynamic_shared_memory` describe the first. */
  int num_launches;
  /* The tensors hold packed sequences (tensor "cu_seqlens" holds their
   * offsets): a call passes T in `sizes`. */
  int packed;
  /* A paged KV cache (0 and 0: not paged): k and v are a pool of N pages
   * of page_size keys, tensor "block_table" ([B, pages_per_entry] i32)
   * names each batch entry's pages, and a call passes S, the keys each
   * entry has cached, in `sizes`. */
  int64_t page_size, pages_per_entry;
} moda_kernel_info;

/* One tensor of the manifest. A dimension is static (dim_symbols[i] < 0,
 * dims[i] its extent) or symbolic (dim_symbols[i] is a moda_symbol, dims[i]
 * the value the manifest fixes or -1 if dynamic; its extent is that size
 * plus dim_addends[i]: cu_seqlens holds B + 1 offsets). strided: the
 * kernels take it as a view (see moda_tensor); 0: it must be dense. */
typedef struct moda_tensor_info {
  const char *name;
  int role;  /* moda_role */
  int dtype; /* moda_dtype */
  int rank;
  int64_t dims[MODA_MAX_RANK];
  int dim_symbols[MODA_MAX_RANK];
  int strided;
  int64_t dim_addends[MODA_MAX_RANK];
} moda_tensor_info;

/* The version of this header's structures and calls, which a binding built
 * against another version (moda_kernel_info and moda_tensor_info grew with
 * packed sequences: version 2; moda_kernel_info with a paged KV cache:
 * version 3) must refuse rather than misread. */
#define MODA_RUNTIME_ABI_VERSION 3
MODA_API int moda_runtime_abi_version(void);

/* The message of the last failure on this thread ("" if none). */
MODA_API const char *moda_last_error(void);
/* "MODA_ERROR_SHAPE" etc. */
MODA_API const char *moda_status_name(moda_status status);
MODA_API const char *moda_dtype_name(int dtype);

/* Reads the manifest and loads its module: the cubin if present and
 * loadable, else the PTX (JIT). Uses the context current on the calling
 * thread, or else retains device 0's primary context and makes it current.
 * Modules are cached per process by (context, absolute path, contents). */
MODA_API moda_status moda_kernel_load(const char *manifest_path,
                                      moda_kernel **out);
/* Reads and checks the manifest only; no driver needed. Such a kernel can be
 * queried and validated; launching it fails with MODA_ERROR_NOT_LOADED. */
MODA_API moda_status moda_kernel_load_manifest_only(const char *manifest_path,
                                                    moda_kernel **out);
MODA_API void moda_kernel_free(moda_kernel *kernel);

MODA_API moda_status moda_kernel_get_info(const moda_kernel *kernel,
                                          moda_kernel_info *out);
MODA_API moda_status moda_kernel_get_tensor_info(const moda_kernel *kernel,
                                                 int index,
                                                 moda_tensor_info *out);

/* Checks a call against the manifest without launching (no driver needed). */
MODA_API moda_status moda_kernel_validate(const moda_kernel *kernel,
                                          const moda_tensor *tensors,
                                          int num_tensors);
/* Validates, then launches on `stream` (a CUstream; NULL: the legacy default
 * stream). Asynchronous: returns once the launch is queued. */
MODA_API moda_status moda_kernel_launch(moda_kernel *kernel,
                                        const moda_tensor *tensors,
                                        int num_tensors, void *stream);
/* Validates once, launches `warmup` times, then `iters` times, each between
 * two CUDA events; writes each timed launch's milliseconds to times_ms[i].
 * Synchronizes the stream. */
MODA_API moda_status moda_kernel_benchmark(moda_kernel *kernel,
                                           const moda_tensor *tensors,
                                           int num_tensors, void *stream,
                                           int warmup, int iters,
                                           float *times_ms);

/* The same three calls with sizes no tensor carries: `sizes` has
 * MODA_NUM_SYMBOLS entries, each a size (it must agree with the tensors
 * that carry it) or -1 (the tensors give it); NULL is all -1. A packed
 * kernel needs sizes[MODA_SYMBOL_T], the longest sequence's length
 * (max_seqlen: any value is correct, one below the longest length only
 * slower, docs/semantics.md); its S is T with sequence keys. */
MODA_API moda_status moda_kernel_validate_sized(const moda_kernel *kernel,
                                                const moda_tensor *tensors,
                                                int num_tensors,
                                                const int64_t *sizes);
MODA_API moda_status moda_kernel_launch_sized(moda_kernel *kernel,
                                              const moda_tensor *tensors,
                                              int num_tensors,
                                              const int64_t *sizes,
                                              void *stream);
MODA_API moda_status moda_kernel_benchmark_sized(
    moda_kernel *kernel, const moda_tensor *tensors, int num_tensors,
    const int64_t *sizes, void *stream, int warmup, int iters,
    float *times_ms);

/* Device helpers (same context rule as moda_kernel_load), so that tools and
 * tests need nothing but this library. */
MODA_API moda_status moda_device_name(char *buffer, size_t size);
MODA_API moda_status moda_device_alloc(size_t bytes, void **out);
MODA_API moda_status moda_device_free(void *pointer);
MODA_API moda_status moda_copy_to_device(void *device_dst,
                                         const void *host_src, size_t bytes);
MODA_API moda_status moda_copy_to_host(void *host_dst, const void *device_src,
                                       size_t bytes);
MODA_API moda_status moda_device_memset(void *device_dst, unsigned char value,
                                        size_t bytes);
MODA_API moda_status moda_stream_synchronize(void *stream);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* MODA_RUNTIME_MODA_RUNTIME_H */
