// RUN: moda-opt %s -convert-moda-to-gpu -split-input-file | FileCheck %s

// moda.attention_grad becomes one gpu.module holding its kernels (dq, then
// dkv with a sequence part, then d_depth with a depth part) and a launcher
// that allocates the f32 scratch delta [B, Hq, T] on the device, launches the
// kernels in order and frees the scratch.

// CHECK-LABEL: func.func @full
// CHECK: call @moda_attention_grad_0_launch({{.*}}) : (memref<?xf16>, memref<?xf16>, memref<?xf16>, memref<?xf16>, memref<?xf16>, memref<?xf16>, memref<?xf32>, memref<?xf16>, memref<?xf16>, memref<?xf16>, memref<?xf16>, memref<?xf16>, memref<?xf16>, index, index, index, index) -> ()
// CHECK: func.func @moda_attention_grad_0_launch(
// CHECK: %[[DELTA:.*]] = gpu.alloc (%{{.*}}) : memref<?xf32>
// CHECK: gpu.launch_func @moda_attention_grad_0_module::@moda_attention_grad_0_dq blocks in ({{.*}}) threads in (%{{.*}}, %{{.*}}, %{{.*}}) args({{.*}}%[[DELTA]] : memref<?xf32>
// CHECK: gpu.launch_func @moda_attention_grad_0_module::@moda_attention_grad_0_dkv
// CHECK: gpu.launch_func @moda_attention_grad_0_module::@moda_attention_grad_0_d_depth
// CHECK: gpu.dealloc %[[DELTA]]
// CHECK: gpu.module @moda_attention_grad_0_module
// CHECK: gpu.func @moda_attention_grad_0_dq({{.*}}) workgroup(%{{.*}} : memref<2048xf16, #gpu.address_space<workgroup>>
// CHECK-SAME: kernel attributes {known_block_size = array<i32: 64, 1, 1>
// Every kernel carries the backward's ABI: the tensors with their roles
// (the gradients are outputs, delta scratch) and the launches in order,
// with the grids of two lanes per key or depth entry (D = 64): 64 threads,
// 32 slots.
// CHECK-SAME: moda.kernel_abi = #moda.kernel_abi<op = attention_grad, element_type = f16, num_query_heads = 4, num_kv_heads = 2, head_dim = 64, causal = true,
// CHECK-SAME: sizes = [B = 1, T = 40, S = 40, L = 3],
// CHECK-SAME: tensors = [<"q" : f16, input, {{[^>]*}}>, <"k" : f16, input, {{[^>]*}}>, <"v" : f16, input, {{[^>]*}}>, <"depth_k" : f16, input, {{[^>]*}}>, <"depth_v" : f16, input, {{[^>]*}}>, <"out" : f16, input, {{[^>]*}}>, <"lse" : f32, input, {{[^>]*}}>, <"d_out" : f16, input, {{[^>]*}}>,
// CHECK-SAME: <"dq" : f16, output, {{[^>]*}}>, <"dk" : f16, output, {{[^>]*}}>, <"dv" : f16, output, {{[^>]*}}>, <"d_depth_k" : f16, output, {{[^>]*}}>, <"d_depth_v" : f16, output, {{[^>]*}}>, <"delta" : f32, scratch, shape = [B, 4, T], strides = [T*4, T, 1]>],
// CHECK-SAME: launches = [<"moda_attention_grad_0_dq", grid = [T*2 ceildiv 32, 2, B], threads = 64, dynamic_shared_memory = 0, writes = ["dq"]>,
// CHECK-SAME: <"moda_attention_grad_0_dkv", grid = [S ceildiv 32, 2, B], threads = 64, dynamic_shared_memory = 0, writes = ["dk", "dv"]>,
// CHECK-SAME: <"moda_attention_grad_0_d_depth", grid = [T*L ceildiv 32, 2, B], threads = 64, dynamic_shared_memory = 0, writes = ["d_depth_k", "d_depth_v"]>]>
// CHECK-NOT: gpu.func
// CHECK: gpu.barrier
// CHECK: gpu.shuffle xor
// CHECK: math.exp2
// CHECK: gpu.func @moda_attention_grad_0_dkv({{.*}}) workgroup(%{{.*}} : memref<2048xf16, #gpu.address_space<workgroup>> {{.*}}, %{{.*}} : memref<2048xf16, #gpu.address_space<workgroup>> {{.*}}, %{{.*}} : memref<32xf32, #gpu.address_space<workgroup>> {{.*}}, %{{.*}} : memref<32xf32, #gpu.address_space<workgroup>>
// CHECK-SAME: moda.kernel_abi = #moda.kernel_abi<op = attention_grad,
// CHECK: gpu.func @moda_attention_grad_0_d_depth({{.*}}) kernel
// CHECK-SAME: moda.kernel_abi = #moda.kernel_abi<op = attention_grad,
// With D = 64 a depth entry is split over two lanes: 32 columns each, dot
// products summed with a butterfly shuffle.
// CHECK: vector.load %{{.*}} : memref<?xf16>, vector<32xf16>
// CHECK: gpu.shuffle xor %{{.*}}, %{{.*}}, %{{.*}} : f32
func.func @full(%q: tensor<1x40x4x64xf16>, %k: tensor<1x40x2x64xf16>, %v: tensor<1x40x2x64xf16>,
                %kd: tensor<1x40x3x2x64xf16>, %vd: tensor<1x40x3x2x64xf16>,
                %o: tensor<1x40x4x64xf16>, %lse: tensor<1x4x40xf32>, %do: tensor<1x40x4x64xf16>)
    -> (tensor<1x40x4x64xf16>, tensor<1x40x2x64xf16>, tensor<1x40x3x2x64xf16>) {
  %dq, %dk, %dv, %dkd, %dvd = moda.attention_grad q(%q : tensor<1x40x4x64xf16>)
      kv(%k, %v : tensor<1x40x2x64xf16>, tensor<1x40x2x64xf16>)
      depth(%kd, %vd : tensor<1x40x3x2x64xf16>, tensor<1x40x3x2x64xf16>)
      out(%o, %lse : tensor<1x40x4x64xf16>, tensor<1x4x40xf32>)
      d_out(%do : tensor<1x40x4x64xf16>) {causal, config = #moda.config<block_m = 32, block_n = 32, block_depth = 16, num_warps = 2, num_stages = 1, mma = fma, target = "sm_90a">}
      -> dq(tensor<1x40x4x64xf16>)
         dkv(tensor<1x40x2x64xf16>, tensor<1x40x2x64xf16>)
         d_depth(tensor<1x40x3x2x64xf16>, tensor<1x40x3x2x64xf16>)
  return %dq, %dk, %dkd : tensor<1x40x4x64xf16>, tensor<1x40x2x64xf16>, tensor<1x40x3x2x64xf16>
}

// -----

// Depth-only attention has no sequence keys: no dkv kernel.

// CHECK-LABEL: func.func @depth_only
// CHECK: func.func @moda_attention_grad_0_launch(
// CHECK: gpu.launch_func @moda_attention_grad_0_module::@moda_attention_grad_0_dq
// CHECK-NOT: _dkv
// CHECK: gpu.launch_func @moda_attention_grad_0_module::@moda_attention_grad_0_d_depth
// CHECK: gpu.module @moda_attention_grad_0_module
// CHECK-NOT: gpu.func @moda_attention_grad_0_dkv
func.func @depth_only(%q: tensor<?x?x4x64xbf16>, %kd: tensor<?x?x?x2x64xbf16>, %vd: tensor<?x?x?x2x64xbf16>,
                      %o: tensor<?x?x4x64xbf16>, %lse: tensor<?x4x?xf32>, %do: tensor<?x?x4x64xbf16>)
    -> tensor<?x?x4x64xbf16> {
  %dq, %dkd, %dvd = moda.attention_grad q(%q : tensor<?x?x4x64xbf16>)
      depth(%kd, %vd : tensor<?x?x?x2x64xbf16>, tensor<?x?x?x2x64xbf16>)
      out(%o, %lse : tensor<?x?x4x64xbf16>, tensor<?x4x?xf32>)
      d_out(%do : tensor<?x?x4x64xbf16>) {visibility = #moda.visibility<depth_only>, config = #moda.config<block_m = 32, block_n = 32, block_depth = 16, num_warps = 2, num_stages = 1, mma = fma, target = "sm_90a">}
      -> dq(tensor<?x?x4x64xbf16>) d_depth(tensor<?x?x?x2x64xbf16>, tensor<?x?x?x2x64xbf16>)
  return %dq : tensor<?x?x4x64xbf16>
}

// -----

// Without depth: dq and dkv only. A forward and its backward in one module
// get kernels of their own.

// CHECK-LABEL: func.func @train
// CHECK: call @moda_attention_0_launch
// CHECK: call @moda_attention_grad_0_launch
// CHECK: func.func @moda_attention_grad_0_launch(
// CHECK: _dq
// CHECK: _dkv
// CHECK-NOT: _d_depth
// CHECK: gpu.dealloc
// CHECK-DAG: gpu.module @moda_attention_grad_0_module
// CHECK-DAG: gpu.module @moda_attention_0_module
func.func @train(%q: tensor<2x33x2x64xbf16>, %k: tensor<2x33x1x64xbf16>, %do: tensor<2x33x2x64xbf16>)
    -> (tensor<2x33x2x64xbf16>, tensor<2x33x1x64xbf16>) {
  %o, %lse = moda.attention q(%q : tensor<2x33x2x64xbf16>) kv(%k, %k : tensor<2x33x1x64xbf16>, tensor<2x33x1x64xbf16>) {config = #moda.config<block_m = 32, block_n = 32, block_depth = 16, num_warps = 2, num_stages = 1, mma = fma, target = "sm_90a">} -> tensor<2x33x2x64xbf16>, tensor<2x2x33xf32>
  %dq, %dk, %dv = moda.attention_grad q(%q : tensor<2x33x2x64xbf16>)
      kv(%k, %k : tensor<2x33x1x64xbf16>, tensor<2x33x1x64xbf16>)
      out(%o, %lse : tensor<2x33x2x64xbf16>, tensor<2x2x33xf32>)
      d_out(%do : tensor<2x33x2x64xbf16>) {config = #moda.config<block_m = 32, block_n = 32, block_depth = 16, num_warps = 2, num_stages = 1, mma = fma, target = "sm_90a">}
      -> dq(tensor<2x33x2x64xbf16>) dkv(tensor<2x33x1x64xbf16>, tensor<2x33x1x64xbf16>)
  return %dq, %dk : tensor<2x33x2x64xbf16>, tensor<2x33x1x64xbf16>
}
