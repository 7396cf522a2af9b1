// RUN: moda-opt %s -convert-moda-to-gpu | FileCheck %s

// The attention becomes a launcher call on flat buffers; the launcher
// computes the grid (ceil(T * G / block_m), Hk, B) and launches a gpu.func
// kernel of num_warps * 32 threads in a gpu.module of its own.

// CHECK: module attributes {gpu.container_module}
// CHECK-LABEL: func.func @attention
// CHECK-SAME: (%[[Q:[^:]*]]: tensor<?x100x8x64xbf16>
// CHECK: %[[B:.*]] = tensor.dim %[[Q]], %c0
// CHECK: %[[T:.*]] = tensor.dim %[[Q]], %c1
// CHECK: %[[OUT:.*]] = memref.alloc(%[[B]]) : memref<?x100x8x64xbf16>
// CHECK: %[[LSE:.*]] = memref.alloc(%[[B]]) : memref<?x8x100xf32>
// CHECK: bufferization.to_buffer %[[Q]] read_only
// CHECK: memref.collapse_shape
// CHECK: call @moda_attention_0_launch({{.*}}) : (memref<?xbf16>, memref<?xbf16>, memref<?xbf16>, memref<?xbf16>, memref<?xbf16>, memref<?xbf16>, memref<?xf32>, index, index, index, index) -> ()
// CHECK: bufferization.to_tensor %[[OUT]] restrict writable
// CHECK: bufferization.to_tensor %[[LSE]] restrict writable

// CHECK-LABEL: func.func @moda_attention_0_launch
// CHECK-SAME: (%{{.*}}: memref<?xbf16>, {{.*}}, %[[LB:[^:]*]]: index, %[[LT:[^:]*]]: index, %{{[^:]*}}: index, %{{[^:]*}}: index)
// CHECK: %[[G:.*]] = arith.constant 4 : index
// CHECK: %[[ROWS:.*]] = arith.muli %[[LT]], %[[G]]
// CHECK: %[[BM:.*]] = arith.constant 128 : index
// CHECK: %[[BLOCKS:.*]] = arith.ceildivui %[[ROWS]], %[[BM]]
// CHECK: gpu.launch_func @moda_attention_0_module::@moda_attention_0 blocks in (%[[BLOCKS]], %{{.*}}, %[[LB]]) threads in (%{{.*}}, %{{.*}}, %{{.*}})

// CHECK: gpu.module @moda_attention_0_module
// CHECK: gpu.func @moda_attention_0
// CHECK-SAME: workgroup(%{{.*}} : memref<4096xbf16, #gpu.address_space<workgroup>> {llvm.align = 16 : i64}
// CHECK-SAME: kernel
// CHECK-SAME: known_block_size = array<i32: 256, 1, 1>
// CHECK-SAME: moda.kernel = {causal = true, chunk_size = 0 : i64, config = #moda.config<{{.*}}>, dynamic_shared_memory = 0 : i64, element_type = bf16, head_dim = 64 : i64, num_kv_heads = 2 : i64, num_query_heads = 8 : i64, scale = 1.250000e-01 : f64, static_sizes = array<i64: -1, 100, 100, 3>, tensors = ["q", "k", "v", "depth_k", "depth_v", "out", "lse"], visibility = "per_position"}
// CHECK-DAG: gpu.block_id x
// CHECK-DAG: gpu.thread_id x
// Tiles are staged by all threads between barriers, with 16-byte loads.
// CHECK: gpu.barrier
// CHECK: vector.load {{.*}} {alignment = 16 : i64} : memref<?xbf16>, vector<8xbf16>
// CHECK: vector.store {{.*}} {alignment = 16 : i64} : memref<4096xbf16, #gpu.address_space<workgroup>>, vector<8xbf16>
// CHECK: gpu.barrier
// The online softmax in the log2 domain.
// CHECK: vector.reduction <add>
// CHECK: arith.maxnumf
// CHECK: math.exp2
// CHECK: vector.fma
// CHECK: math.log
// CHECK: gpu.return
func.func @attention(%q: tensor<?x100x8x64xbf16>, %k: tensor<?x100x2x64xbf16>, %dk: tensor<?x100x3x2x64xbf16>) -> (tensor<?x100x8x64xbf16>, tensor<?x8x100xf32>) {
  %o, %l = moda.attention q(%q : tensor<?x100x8x64xbf16>) kv(%k, %k : tensor<?x100x2x64xbf16>, tensor<?x100x2x64xbf16>) depth(%dk, %dk : tensor<?x100x3x2x64xbf16>, tensor<?x100x3x2x64xbf16>) {causal, config = #moda.config<block_m = 128, block_n = 64, block_depth = 64, num_warps = 8, num_stages = 1, mma = fma, target = "sm_90a">} -> tensor<?x100x8x64xbf16>, tensor<?x8x100xf32>
  return %o, %l : tensor<?x100x8x64xbf16>, tensor<?x8x100xf32>
}
