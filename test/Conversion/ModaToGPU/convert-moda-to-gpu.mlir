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
// The kernel carries the operator's ABI: what the launcher launches and what
// the manifest says.
// CHECK-SAME: moda.kernel_abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 8, num_kv_heads = 2, head_dim = 64, causal = true, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = <block_m = 128, {{[^>]*}}>,
// CHECK-SAME: sizes = [B = ?, T = 100, S = 100, L = 3],
// CHECK-SAME: tensors = [<"q" : bf16, input, shape = [B, T, 8, 64], strides = [T*512, 512, 64, 1]>, <"k" : bf16, input, shape = [B, S, 2, 64], strides = [S*128, 128, 64, 1]>, <"v" : {{[^>]*}}>, <"depth_k" : bf16, input, shape = [B, T, L, 2, 64], strides = [T*L*128, L*128, 128, 64, 1]>, <"depth_v" : {{[^>]*}}>,
// CHECK-SAME: <"out" : bf16, output, shape = [B, T, 8, 64], strides = [T*512, 512, 64, 1]>, <"lse" : f32, output, shape = [B, 8, T], strides = [T*8, T, 1]>],
// CHECK-SAME: launches = [<"moda_attention_0", grid = [T*4 ceildiv 128, 2, B], threads = 256, dynamic_shared_memory = 0, writes = ["out", "lse"]>]>
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
