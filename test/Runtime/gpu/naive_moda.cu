// A deliberately simple kernel that follows the ABI of docs/artifacts.md
// (per_position MoDA, one thread per folded query row), so that the runtime
// and moda-run can be checked end to end on a GPU before the compiler emits
// kernels. Variant fixed at compile time: ELEM, CAUSAL, HQ, HK, D, SCALE;
// with SKIP_LAST_LSE the last lse element stays unwritten (poison must fail).
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <stdint.h>

#ifndef ELEM
#define ELEM __nv_bfloat16
#endif
#ifndef KERNEL_NAME
#define KERNEL_NAME naive_moda
#endif
#define CAUSAL 1
#define HQ 8
#define HK 2
#define D 64
#define SCALE 0.125f
#define BLOCK_M 128

__device__ float load(const __nv_bfloat16 *p) { return __bfloat162float(*p); }
__device__ float load(const __half *p) { return __half2float(*p); }
__device__ float load(const float *p) { return *p; }
__device__ void store(__nv_bfloat16 *p, float x) { *p = __float2bfloat16(x); }
__device__ void store(__half *p, float x) { *p = __float2half(x); }
__device__ void store(float *p, float x) { *p = x; }

#define BUFFER(type, name)                                                     \
  type *name##_allocated, type *name, uint64_t name##_offset,                  \
      uint64_t name##_size, uint64_t name##_stride

extern "C" __global__ void __launch_bounds__(BLOCK_M)
    KERNEL_NAME(BUFFER(const ELEM, q), BUFFER(const ELEM, k),
                BUFFER(const ELEM, v), BUFFER(const ELEM, depth_k),
                BUFFER(const ELEM, depth_v), BUFFER(ELEM, out),
                BUFFER(float, lse), uint64_t B, uint64_t T, uint64_t S,
                uint64_t L) {
  const int64_t G = HQ / HK;
  const int64_t row = int64_t(blockIdx.x) * BLOCK_M + threadIdx.x;
  if (row >= int64_t(T) * G)
    return;
  const int64_t t = row / G, h = blockIdx.y, b = blockIdx.z;
  const int64_t hq = h * G + row % G;
  float query[D], accumulator[D];
  for (int d = 0; d < D; ++d) {
    query[d] = load(&q[((b * T + t) * HQ + hq) * D + d]) * SCALE;
    accumulator[d] = 0.f;
  }
  float maximum = -INFINITY, sum = 0.f;
  auto visit = [&](const ELEM *key, const ELEM *value) {
    float logit = 0.f;
    for (int d = 0; d < D; ++d)
      logit += query[d] * load(&key[d]);
    float rescale = logit > maximum ? __expf(maximum - logit) : 1.f;
    maximum = fmaxf(maximum, logit);
    float weight = __expf(logit - maximum);
    sum = sum * rescale + weight;
    for (int d = 0; d < D; ++d)
      accumulator[d] = accumulator[d] * rescale + weight * load(&value[d]);
  };
  int64_t last = CAUSAL ? min(int64_t(S) - 1, t + int64_t(S) - int64_t(T))
                        : int64_t(S) - 1;
  for (int64_t s = 0; s <= last; ++s)
    visit(&k[((b * S + s) * HK + h) * D], &v[((b * S + s) * HK + h) * D]);
  for (int64_t l = 0; l < int64_t(L); ++l) {
    int64_t at = (((b * T + t) * L + l) * HK + h) * D;
    visit(&depth_k[at], &depth_v[at]);
  }
  for (int d = 0; d < D; ++d)
    store(&out[((b * T + t) * HQ + hq) * D + d],
          sum > 0.f ? accumulator[d] / sum : 0.f);
#ifdef SKIP_LAST_LSE
  if (row == int64_t(T) * G - 1 && b == int64_t(B) - 1 && h == HK - 1)
    return;
#endif
  lse[(b * HQ + hq) * T + t] = sum > 0.f ? maximum + logf(sum) : -INFINITY;
}
