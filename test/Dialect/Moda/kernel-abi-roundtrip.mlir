// RUN: moda-opt %s | FileCheck %s
// RUN: moda-opt %s | moda-opt | FileCheck %s

// The kernel ABI (#moda.kernel_abi) and its parts on their own: size
// expressions (symbols, products, constants, ceildiv), named sizes with `?`,
// tensors, and launches with and without writes. Inside the ABI its
// parts print without their prefix (`<"q" : ...>`), as MLIR prints an
// attribute parameter of a known kind.

// CHECK: abi = #moda.kernel_abi<op = attention_grad, element_type = f16, num_query_heads = 4, num_kv_heads = 2, head_dim = 32, causal = true, visibility = chunk, chunk_size = 8, scale = 2.500000e-01 : f64, config = <block_m = 64, block_n = 32, block_depth = 16, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a">,
// CHECK-SAME: sizes = [B = 2, T = ?, S = ?, L = 3],
// CHECK-SAME: tensors = [<"q" : f16, input, shape = [B, T, 4, 32], strides = [T*128, 128, 32, 1]>,
// CHECK-SAME: <"dq" : f16, output, shape = [B, T, 4, 32], strides = [T*128, 128, 32, 1]>,
// CHECK-SAME: <"d_depth_k" : f16, output, shape = [B, T, L, 2, 32], strides = [T*L*64, L*64, 64, 32, 1]>,
// CHECK-SAME: <"delta" : f32, scratch, shape = [B, 4, T], strides = [T*4, T, 1]>],
// CHECK-SAME: launches = [<"grad_dq", grid = [T*2 ceildiv 64, 2, B], threads = 128, dynamic_shared_memory = 16384, writes = ["dq"]>,
// CHECK-SAME: <"grad_d_depth", grid = [T*L ceildiv 128, 2, B], threads = 128, dynamic_shared_memory = 0, writes = ["d_depth_k"]>,
// CHECK-SAME: <"grad_nothing", grid = [1, 1, 1], threads = 32, dynamic_shared_memory = 0>]>
func.func private @abi() attributes {abi = #moda.kernel_abi<op = attention_grad, element_type = f16, num_query_heads = 4, num_kv_heads = 2, head_dim = 32, causal = true, visibility = chunk, chunk_size = 8, scale = 0.25 : f64, config = #moda.config<block_m = 64, block_n = 32, block_depth = 16, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a">, sizes = [B = 2, T = ?, S = ?, L = 3], tensors = [#moda.abi_tensor<"q" : f16, input, shape = [B, T, 4, 32], strides = [T*128, 128, 32, 1]>, #moda.abi_tensor<"dq" : f16, output, shape = [B, T, 4, 32], strides = [T*128, 128, 32, 1]>, #moda.abi_tensor<"d_depth_k" : f16, output, shape = [B, T, L, 2, 32], strides = [L*T*64, L*64, 64, 32, 1]>, #moda.abi_tensor<"delta" : f32, scratch, shape = [B, 4, T], strides = [4*T, T, 1]>], launches = [#moda.abi_launch<"grad_dq", grid = [T*2 ceildiv 64, 2, B], threads = 128, dynamic_shared_memory = 16384, writes = ["dq"]>, #moda.abi_launch<"grad_d_depth", grid = [T*L ceildiv 128, 2, B], threads = 128, dynamic_shared_memory = 0, writes = ["d_depth_k"]>, #moda.abi_launch<"grad_nothing", grid = [1, 1, 1], threads = 32, dynamic_shared_memory = 0>]>}

// A size expression multiplies its constants and writes its symbols in the
// order B, T, S, L, the constant last.
// CHECK: tensor = #moda.abi_tensor<"k" : bf16, input, shape = [B, S, 2, 64], strides = [S*128, 128, 64, 1]>
func.func private @tensor() attributes {tensor = #moda.abi_tensor<"k" : bf16, input, shape = [B, S, 2, 64], strides = [2*S*64, 2*64, 64, 1]>}

// A view's strides are kernel arguments: ? for each dimension but the
// innermost.
// CHECK-LABEL: func.func private @view
// CHECK: tensor = #moda.abi_tensor<"depth_k" : bf16, input, shape = [B, T, L, 2, 64], strides = [?, ?, ?, ?, 1]>
func.func private @view() attributes {tensor = #moda.abi_tensor<"depth_k" : bf16, input, shape = [B, T, L, 2, 64], strides = [?, ?, ?, ?, 1]>}

// A packed operator's ABI: the offsets of its B sequences (`B+1`, i32),
// the N tokens, and the fifth size N.
// CHECK: func.func private @packed()
// CHECK-SAME: sizes = [B = 3, T = ?, S = ?, L = 0, N = 300]
// CHECK-SAME: <"q" : bf16, input, shape = [N, 8, 64], strides = [512, 64, 1]>
// CHECK-SAME: <"lse" : f32, output, shape = [8, N], strides = [N, 1]>
// CHECK-SAME: <"cu_seqlens" : i32, input, shape = [B+1], strides = [1]>
func.func private @packed() attributes {abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 8, num_kv_heads = 2, head_dim = 64, causal = true, visibility = per_position, chunk_size = 0, scale = 0.125 : f64, config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 1, mma = fma, target = "sm_90a">, sizes = [B = 3, T = ?, S = ?, L = 0, N = 300], tensors = [#moda.abi_tensor<"q" : bf16, input, shape = [N, 8, 64], strides = [512, 64, 1]>, #moda.abi_tensor<"lse" : f32, output, shape = [8, N], strides = [N, 1]>, #moda.abi_tensor<"cu_seqlens" : i32, input, shape = [B+1], strides = [1]>], launches = [#moda.abi_launch<"packed", grid = [T*4 ceildiv 64, 2, B], threads = 128, dynamic_shared_memory = 0, writes = ["lse"]>]>}
