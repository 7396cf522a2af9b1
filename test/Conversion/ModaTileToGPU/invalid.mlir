// RUN: moda-opt %s -split-input-file -convert-moda-tile-to-gpu -verify-diagnostics

func.func private @no_layout(%a: tensor<32x16xf32>, %b: tensor<16x16xf32>) attributes {moda_tile.program, moda.kernel_abi = #moda.kernel_abi<op = attention, element_type = f32, num_query_heads = 1, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 16, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">, sizes = [B = ?, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"q" : f32, input, shape = [B, T, 1, 64], strides = [T*64, 64, 64, 1]>], launches = [#moda.abi_launch<"no_layout", grid = [T ceildiv 16, 1, B], threads = 32, dynamic_shared_memory = 0>]>} {
  // expected-error @+1 {{has no layout; run -moda-tile-assign-layouts before lowering tile programs to the GPU}}
  %r = moda_tile.dot %a, %b, %a : tensor<32x16xf32>, tensor<16x16xf32> -> tensor<32x16xf32>
  return
}

// -----

func.func private @mixed(%a: tensor<32x16xf32>, %b: tensor<16x16xf32>) attributes {moda_tile.program, moda.kernel_abi = #moda.kernel_abi<op = attention, element_type = f32, num_query_heads = 1, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 16, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">, sizes = [B = ?, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"q" : f32, input, shape = [B, T, 1, 64], strides = [T*64, 64, 64, 1]>], launches = [#moda.abi_launch<"mixed", grid = [T ceildiv 16, 1, B], threads = 32, dynamic_shared_memory = 0>]>} {
  %r = moda_tile.dot %a, %b, %a {layout = #moda_tile.layout<kind = fma, num_warps = 1>} : tensor<32x16xf32>, tensor<16x16xf32> -> tensor<32x16xf32>
  // expected-error @+1 {{has layout #moda_tile.layout<kind = fma, num_warps = 2> but another product of the program has #moda_tile.layout<kind = fma, num_warps = 1>}}
  %s = moda_tile.dot %a, %b, %a {layout = #moda_tile.layout<kind = fma, num_warps = 2>} : tensor<32x16xf32>, tensor<16x16xf32> -> tensor<32x16xf32>
  return
}

// -----

func.func private @rhs_rows(%q: memref<?xf16>, %i: index) attributes {moda_tile.program, moda.kernel_abi = #moda.kernel_abi<op = attention, element_type = f16, num_query_heads = 1, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 16, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">, sizes = [B = ?, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"q" : f16, input, shape = [B, T, 1, 64], strides = [T*64, 64, 64, 1]>], launches = [#moda.abi_launch<"rhs_rows", grid = [T ceildiv 16, 1, B], threads = 32, dynamic_shared_memory = 0>]>} {
  %query = moda_tile.load %q[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = query, heads = 1>} : memref<?xf16> -> tensor<32x64xf16>
  %zeros = arith.constant dense<0.0> : tensor<32x32xf32>
  %computed = arith.constant dense<1.0> : tensor<32x64xf16>
  // expected-error @+1 {{has a right operand that is not a loaded tile: the GPU lowering reads it from shared memory}}
  %s = moda_tile.dot %query, %computed, %zeros {layout = #moda_tile.layout<kind = fma, num_warps = 1>, transpose_rhs} : tensor<32x64xf16>, tensor<32x64xf16> -> tensor<32x32xf32>
  return
}

// -----

// expected-error @+1 {{has no moda.kernel_abi launching it, for its manifest}}
func.func private @no_description(%a: tensor<32x16xf32>, %b: tensor<16x16xf32>) attributes {moda_tile.program} {
  %r = moda_tile.dot %a, %b, %a {layout = #moda_tile.layout<kind = fma, num_warps = 1>} : tensor<32x16xf32>, tensor<16x16xf32> -> tensor<32x16xf32>
  return
}

// -----

// An ABI that launches another kernel does not describe this one.
// expected-error @+1 {{has no moda.kernel_abi launching it, for its manifest}}
func.func private @not_launched(%a: tensor<32x16xf32>, %b: tensor<16x16xf32>) attributes {moda_tile.program, moda.kernel_abi = #moda.kernel_abi<op = attention, element_type = f32, num_query_heads = 1, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 16, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">, sizes = [B = ?, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"q" : f32, input, shape = [B, T, 1, 64], strides = [T*64, 64, 64, 1]>], launches = [#moda.abi_launch<"another_kernel", grid = [T ceildiv 16, 1, B], threads = 32, dynamic_shared_memory = 0>]>} {
  %r = moda_tile.dot %a, %b, %a {layout = #moda_tile.layout<kind = fma, num_warps = 1>} : tensor<32x16xf32>, tensor<16x16xf32> -> tensor<32x16xf32>
  return
}

// -----

func.func private @narrow_rows(%q: memref<?xf16>, %k: memref<?xf16>, %i: index) attributes {moda_tile.program, moda.kernel_abi = #moda.kernel_abi<op = attention, element_type = f16, num_query_heads = 1, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 16, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">, sizes = [B = ?, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"q" : f16, input, shape = [B, T, 1, 64], strides = [T*64, 64, 64, 1]>], launches = [#moda.abi_launch<"narrow_rows", grid = [T ceildiv 16, 1, B], threads = 32, dynamic_shared_memory = 0>]>} {
  %query = moda_tile.load %q[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = query, heads = 1>} : memref<?xf16> -> tensor<32x4xf16>
  // expected-error @+1 {{has rows of 4 elements: the copy moves 16-byte chunks, 8 elements each}}
  %keys = moda_tile.load %k[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xf16> -> tensor<16x4xf16>
  %zeros = arith.constant dense<0.0> : tensor<32x16xf32>
  %s = moda_tile.dot %query, %keys, %zeros {layout = #moda_tile.layout<kind = fma, num_warps = 1>, transpose_rhs} : tensor<32x4xf16>, tensor<16x4xf16> -> tensor<32x16xf32>
  return
}

// -----

func.func private @keys_as_rows(%q: memref<?xf16>, %k: memref<?xf16>, %i: index) attributes {moda_tile.program, moda.kernel_abi = #moda.kernel_abi<op = attention, element_type = f16, num_query_heads = 1, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 16, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">, sizes = [B = ?, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"q" : f16, input, shape = [B, T, 1, 64], strides = [T*64, 64, 64, 1]>], launches = [#moda.abi_launch<"keys_as_rows", grid = [T ceildiv 16, 1, B], threads = 32, dynamic_shared_memory = 0>]>} {
  %query = moda_tile.load %q[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = query, heads = 1>} : memref<?xf16> -> tensor<32x64xf16>
  // expected-error @+1 {{is a shared tile that an op other than a product reading shared memory uses (moda_tile.dot)}}
  %keys = moda_tile.load %k[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xf16> -> tensor<32x64xf16>
  %zeros = arith.constant dense<0.0> : tensor<32x32xf32>
  %s = moda_tile.dot %keys, %keys, %zeros {layout = #moda_tile.layout<kind = fma, num_warps = 1>, transpose_rhs} : tensor<32x64xf16>, tensor<32x64xf16> -> tensor<32x32xf32>
  return
}

// -----

// expected-error @+1 {{needs 524288 bytes of shared tiles, more than the 232448 a block may opt in to on sm_90a}}
func.func private @too_much_shared(%q: memref<?xf16>, %k: memref<?xf16>, %i: index) attributes {moda_tile.program, moda.kernel_abi = #moda.kernel_abi<op = attention, element_type = f16, num_query_heads = 1, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 16, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">, sizes = [B = ?, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"q" : f16, input, shape = [B, T, 1, 64], strides = [T*64, 64, 64, 1]>], launches = [#moda.abi_launch<"too_much_shared", grid = [T ceildiv 16, 1, B], threads = 32, dynamic_shared_memory = 0>]>} {
  %query = moda_tile.load %q[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = query, heads = 1>} : memref<?xf16> -> tensor<32x64xf16>
  %keys = moda_tile.load %k[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xf16> -> tensor<4096x64xf16>
  %zeros = arith.constant dense<0.0> : tensor<32x4096xf32>
  %s = moda_tile.dot %query, %keys, %zeros {layout = #moda_tile.layout<kind = fma, num_warps = 1>, transpose_rhs} : tensor<32x64xf16>, tensor<4096x64xf16> -> tensor<32x4096xf32>
  return
}

// -----

// Tile sizes are products of the tile types (tile IR written by hand may
// have any shape, beyond the operator verifier's D <= 4096): counted with
// overflow checks, a tile past 2^40 bytes is refused, not wrapped around.
func.func private @tile_past_any_shared_memory(%q: memref<?xf16>, %k: memref<?xf16>, %i: index) attributes {moda_tile.program, moda.kernel_abi = #moda.kernel_abi<op = attention, element_type = f16, num_query_heads = 1, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 16, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">, sizes = [B = ?, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"q" : f16, input, shape = [B, T, 1, 64], strides = [T*64, 64, 64, 1]>], launches = [#moda.abi_launch<"tile_past_any_shared_memory", grid = [T ceildiv 16, 1, B], threads = 32, dynamic_shared_memory = 0>]>} {
  %query = moda_tile.load %q[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = query, heads = 1>} : memref<?xf16> -> tensor<32x4611686018427387904xf16>
  // expected-error @+1 {{needs a shared tile of 1099511627776 bytes or more, more than any target's shared memory}}
  %keys = moda_tile.load %k[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xf16> -> tensor<4096x4611686018427387904xf16>
  %zeros = arith.constant dense<0.0> : tensor<32x4096xf32>
  %s = moda_tile.dot %query, %keys, %zeros {layout = #moda_tile.layout<kind = fma, num_warps = 1>, transpose_rhs} : tensor<32x4611686018427387904xf16>, tensor<4096x4611686018427387904xf16> -> tensor<32x4096xf32>
  return
}

// -----

// expected-error @+1 {{has blocks of 16 rows: the mma_sync layout gives each of its 2 warps whole 16-row tiles}}
func.func private @mma_sync_rows(%q: memref<?xbf16>, %k: memref<?xbf16>, %i: index) attributes {moda_tile.program, moda.kernel_abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 1, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 16, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">, sizes = [B = ?, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"q" : bf16, input, shape = [B, T, 1, 64], strides = [T*64, 64, 64, 1]>], launches = [#moda.abi_launch<"mma_sync_rows", grid = [T ceildiv 16, 1, B], threads = 32, dynamic_shared_memory = 0>]>} {
  %query = moda_tile.load %q[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = query, heads = 1>} : memref<?xbf16> -> tensor<16x64xbf16>
  %keys = moda_tile.load %k[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> tensor<16x64xbf16>
  %zeros = arith.constant dense<0.0> : tensor<16x16xf32>
  %s = moda_tile.dot %query, %keys, %zeros {layout = #moda_tile.layout<kind = mma_sync, num_warps = 2>, transpose_rhs} : tensor<16x64xbf16>, tensor<16x64xbf16> -> tensor<16x16xf32>
  return
}

// -----

func.func private @mma_sync_f32(%q: memref<?xf32>, %k: memref<?xf32>, %i: index) attributes {moda_tile.program, moda.kernel_abi = #moda.kernel_abi<op = attention, element_type = f32, num_query_heads = 1, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 16, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">, sizes = [B = ?, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"q" : f32, input, shape = [B, T, 1, 64], strides = [T*64, 64, 64, 1]>], launches = [#moda.abi_launch<"mma_sync_f32", grid = [T ceildiv 16, 1, B], threads = 32, dynamic_shared_memory = 0>]>} {
  %query = moda_tile.load %q[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = query, heads = 1>} : memref<?xf32> -> tensor<16x64xf32>
  %keys = moda_tile.load %k[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xf32> -> tensor<16x64xf32>
  %zeros = arith.constant dense<0.0> : tensor<16x16xf32>
  // expected-error @+1 {{multiplies 'f32' tiles: the mma_sync layout takes bf16 or f16}}
  %s = moda_tile.dot %query, %keys, %zeros {layout = #moda_tile.layout<kind = mma_sync, num_warps = 1>, transpose_rhs} : tensor<16x64xf32>, tensor<16x64xf32> -> tensor<16x16xf32>
  return
}

// -----

func.func private @mma_sync_columns(%q: memref<?xbf16>, %k: memref<?xbf16>, %i: index) attributes {moda_tile.program, moda.kernel_abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 1, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 16, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">, sizes = [B = ?, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"q" : bf16, input, shape = [B, T, 1, 64], strides = [T*64, 64, 64, 1]>], launches = [#moda.abi_launch<"mma_sync_columns", grid = [T ceildiv 16, 1, B], threads = 32, dynamic_shared_memory = 0>]>} {
  %query = moda_tile.load %q[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = query, heads = 1>} : memref<?xbf16> -> tensor<16x64xbf16>
  %keys = moda_tile.load %k[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> tensor<8x64xbf16>
  %zeros = arith.constant dense<0.0> : tensor<16x8xf32>
  // expected-error @+1 {{is a 16x8x64 product: the mma_sync layout runs products whose reduction and result columns are multiples of 16}}
  %s = moda_tile.dot %query, %keys, %zeros {layout = #moda_tile.layout<kind = mma_sync, num_warps = 1>, transpose_rhs} : tensor<16x64xbf16>, tensor<8x64xbf16> -> tensor<16x8xf32>
  return
}

// -----

func.func private @mma_sync_split(%q: memref<?xbf16>, %k: memref<?xbf16>, %i: index) attributes {moda_tile.program, moda.kernel_abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 1, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 16, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">, sizes = [B = ?, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"q" : bf16, input, shape = [B, T, 1, 64], strides = [T*64, 64, 64, 1]>], launches = [#moda.abi_launch<"mma_sync_split", grid = [T ceildiv 16, 1, B], threads = 32, dynamic_shared_memory = 0>]>} {
  %query = moda_tile.load %q[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = query, heads = 1>} : memref<?xbf16> -> tensor<16x64xbf16>
  %keys = moda_tile.load %k[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> tensor<4x64xbf16>
  // expected-error @+1 {{has rows of 4 columns: the tensor-core layouts split rows into tiles of 8}}
  %zeros = arith.constant dense<0.0> : tensor<16x4xf32>
  %s = moda_tile.dot %query, %keys, %zeros {layout = #moda_tile.layout<kind = mma_sync, num_warps = 1>, transpose_rhs} : tensor<16x64xbf16>, tensor<4x64xbf16> -> tensor<16x4xf32>
  return
}

// -----

func.func private @unknown_future(%q: memref<?xbf16>, %f: !moda_tile.future<tensor<16x64xbf16>>, %i: index) attributes {moda_tile.program, moda.kernel_abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 1, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 16, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">, sizes = [B = ?, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"q" : bf16, input, shape = [B, T, 1, 64], strides = [T*64, 64, 64, 1]>], launches = [#moda.abi_launch<"unknown_future", grid = [T ceildiv 16, 1, B], threads = 32, dynamic_shared_memory = 0>]>} {
  %query = moda_tile.load %q[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = query, heads = 1>} : memref<?xbf16> -> tensor<16x64xbf16>
  %zeros = arith.constant dense<0.0> : tensor<16x16xf32>
  // expected-error @+1 {{waits for a future whose copy is not known here (it does not come from a moda_tile.async_load through the loops carrying it)}}
  %keys = moda_tile.wait %f {pending = 0 : i64} : !moda_tile.future<tensor<16x64xbf16>>
  %s = moda_tile.dot %query, %keys, %zeros {layout = #moda_tile.layout<kind = mma_sync, num_warps = 1>, transpose_rhs} : tensor<16x64xbf16>, tensor<16x64xbf16> -> tensor<16x16xf32>
  return
}

// -----

// expected-error @+1 {{has blocks of 64 rows: the wgmma layout gives each of its 2 warpgroups whole 64-row tiles}}
func.func private @wgmma_rows(%q: memref<?xbf16>, %k: memref<?xbf16>, %i: index) attributes {moda_tile.program, moda.kernel_abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 1, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 64, block_n = 16, block_depth = 16, num_warps = 8, num_stages = 1, mma = wgmma, target = "sm_90a">, sizes = [B = ?, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"q" : bf16, input, shape = [B, T, 1, 64], strides = [T*64, 64, 64, 1]>], launches = [#moda.abi_launch<"wgmma_rows", grid = [T ceildiv 64, 1, B], threads = 256, dynamic_shared_memory = 0>]>} {
  %query = moda_tile.load %q[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = query, heads = 1>} : memref<?xbf16> -> tensor<64x64xbf16>
  %keys = moda_tile.load %k[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> tensor<16x64xbf16>
  %zeros = arith.constant dense<0.0> : tensor<64x16xf32>
  %s = moda_tile.dot %query, %keys, %zeros {layout = #moda_tile.layout<kind = wgmma, num_warps = 8>, transpose_rhs} : tensor<64x64xbf16>, tensor<16x64xbf16> -> tensor<64x16xf32>
  return
}

// -----

func.func private @wgmma_unswizzled(%q: memref<?xbf16>, %k: memref<?xbf16>, %i: index) attributes {moda_tile.program, moda.kernel_abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 1, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 64, block_n = 16, block_depth = 16, num_warps = 4, num_stages = 1, mma = wgmma, target = "sm_90a">, sizes = [B = ?, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"q" : bf16, input, shape = [B, T, 1, 64], strides = [T*64, 64, 64, 1]>], launches = [#moda.abi_launch<"wgmma_unswizzled", grid = [T ceildiv 64, 1, B], threads = 128, dynamic_shared_memory = 0>]>} {
  %query = moda_tile.load %q[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = query, heads = 1>} : memref<?xbf16> -> tensor<64x32xbf16>
  %keys = moda_tile.load %k[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> tensor<16x32xbf16>
  %zeros = arith.constant dense<0.0> : tensor<64x16xf32>
  // expected-error @+1 {{reads a shared tile with rows of 64 bytes: wgmma's descriptors address whole 128-byte swizzled rows}}
  %s = moda_tile.dot %query, %keys, %zeros {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>, transpose_rhs} : tensor<64x32xbf16>, tensor<16x32xbf16> -> tensor<64x16xf32>
  return
}

// -----

func.func private @wgmma_wide(%q: memref<?xbf16>, %k: memref<?xbf16>, %i: index) attributes {moda_tile.program, moda.kernel_abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 1, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 64, block_n = 16, block_depth = 16, num_warps = 4, num_stages = 1, mma = wgmma, target = "sm_90a">, sizes = [B = ?, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"q" : bf16, input, shape = [B, T, 1, 64], strides = [T*64, 64, 64, 1]>], launches = [#moda.abi_launch<"wgmma_wide", grid = [T ceildiv 64, 1, B], threads = 128, dynamic_shared_memory = 0>]>} {
  %query = moda_tile.load %q[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = query, heads = 1>} : memref<?xbf16> -> tensor<64x64xbf16>
  %keys = moda_tile.load %k[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> tensor<512x64xbf16>
  %zeros = arith.constant dense<0.0> : tensor<64x512xf32>
  // expected-error @+1 {{has 512 result columns: a wgmma writes at most 256}}
  %s = moda_tile.dot %query, %keys, %zeros {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>, transpose_rhs} : tensor<64x64xbf16>, tensor<512x64xbf16> -> tensor<64x512xf32>
  return
}

// -----

// A copied tile (a wait's result) read as rows of the block.

func.func private @copied_keys_as_rows(%q: memref<?xbf16>, %k: memref<?xbf16>, %i: index) attributes {moda_tile.program, moda.kernel_abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 1, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 64, block_n = 16, block_depth = 16, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a">, sizes = [B = ?, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"q" : bf16, input, shape = [B, T, 1, 64], strides = [T*64, 64, 64, 1]>], launches = [#moda.abi_launch<"copied_keys_as_rows", grid = [T ceildiv 64, 1, B], threads = 128, dynamic_shared_memory = 0>]>} {
  %c0 = arith.constant 0 : index
  %query = moda_tile.load %q[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = query, heads = 1>} : memref<?xbf16> -> tensor<64x64xbf16>
  %zeros = arith.constant dense<0.0> : tensor<64x64xf32>
  %f = moda_tile.async_load %k[%i, %i, %c0] end %i extent %i slot %c0 {copy = #moda_tile.copy<kind = cp_async, stages = 2>, multi_buffer = 0 : i64, rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> !moda_tile.future<tensor<64x64xbf16>>
  moda_tile.commit
  %keys = moda_tile.wait %f {pending = 0 : i64} : !moda_tile.future<tensor<64x64xbf16>>
  %s = moda_tile.dot %query, %keys, %zeros {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>, transpose_rhs} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
  // expected-error @+1 {{uses a tile that lives in shared memory (a product's operand) as rows of the block (operand 0): only products read it there}}
  %t = moda_tile.dot %keys, %keys, %zeros {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>, transpose_rhs} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
  return
}

// -----

// A left operand said to be read from shared memory that the lowering
// brings in as per-row values (lse rows are never shared tiles).

func.func private @lse_from_shared(%q: memref<?xbf16>, %k: memref<?xbf16>, %lse: memref<?xf32>, %i: index) attributes {moda_tile.program, moda.kernel_abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 1, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 64, block_n = 16, block_depth = 16, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a">, sizes = [B = ?, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"q" : bf16, input, shape = [B, T, 1, 64], strides = [T*64, 64, 64, 1]>], launches = [#moda.abi_launch<"lse_from_shared", grid = [T ceildiv 64, 1, B], threads = 128, dynamic_shared_memory = 0>]>} {
  %query = moda_tile.load %q[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = query, heads = 1>} : memref<?xbf16> -> tensor<64x64xbf16>
  %keys = moda_tile.load %k[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> tensor<64x64xbf16>
  %stats = moda_tile.load %lse[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = lse, heads = 1>} : memref<?xf32> -> tensor<1x64xf32>
  %zeros = arith.constant dense<0.0> : tensor<64x64xf32>
  %row = arith.constant dense<0.0> : tensor<1x64xf32>
  %s = moda_tile.dot %query, %keys, %zeros {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>, transpose_rhs} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
  // expected-error @+1 {{reads its left operand from shared memory but it is not a tile loaded there}}
  %t = moda_tile.dot %stats, %keys, %row {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>, lhs_from_shared, transpose_rhs} : tensor<1x64xf32>, tensor<64x64xbf16> -> tensor<1x64xf32>
  return
}
