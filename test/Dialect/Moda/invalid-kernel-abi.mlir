// RUN: moda-opt %s -split-input-file -verify-diagnostics

// The kernel ABI (#moda.kernel_abi, #moda.abi_tensor, #moda.abi_launch):
// one case per rule of the verifiers and of the size-expression parser.

// expected-error @+2 {{unknown size symbol 'H', expected B, T, S, L or N}}
// expected-error @+1 {{failed to parse Moda_AbiTensorAttr parameter 'shape'}}
func.func private @unknown_symbol() attributes {t = #moda.abi_tensor<"q" : f16, input, shape = [B, H], strides = [1, 1]>}

// -----

// Constant factors whose product leaves 64 bits (found by the dialect fuzz
// target as a signed overflow under UBSan).
// expected-error @+2 {{size expression's constant factors overflow 64 bits}}
// expected-error @+1 {{failed to parse Moda_AbiTensorAttr parameter 'strides'}}
func.func private @overflowing_factors() attributes {t = #moda.abi_tensor<"q" : f16, input, shape = [B, 2], strides = [9223372036854775807*64, 1]>}

// -----

// expected-error @+2 {{size symbol 'T' is a factor twice}}
// expected-error @+1 {{failed to parse Moda_AbiTensorAttr parameter 'strides'}}
func.func private @square() attributes {t = #moda.abi_tensor<"q" : f16, input, shape = [B, T], strides = [T*T, 1]>}

// -----

// expected-error @+1 {{ABI tensor 'q' must have element type bf16, f16 or f32, got 'i8'}}
func.func private @tensor_type() attributes {t = #moda.abi_tensor<"q" : i8, input, shape = [B, T], strides = [T, 1]>}

// -----

// expected-error @+1 {{ABI tensor 'q' has 2 dimensions but 1 strides}}
func.func private @stride_rank() attributes {t = #moda.abi_tensor<"q" : f16, input, shape = [B, T], strides = [1]>}

// -----

// expected-error @+1 {{ABI tensor 'q' extent 1 must not be negative, got -4}}
func.func private @negative_extent() attributes {t = #moda.abi_tensor<"q" : f16, input, shape = [B, -4], strides = [4, 1]>}

// -----

// expected-error @+1 {{ABI tensor 'q' extent 1 must be a size symbol or a constant, got T*4}}
func.func private @product_extent() attributes {t = #moda.abi_tensor<"q" : f16, input, shape = [B, T*4], strides = [T*4, 1]>}

// -----

// expected-error @+1 {{ABI tensor 'q' stride 0 must divide by a positive number, got T ceildiv 0}}
func.func private @zero_divisor() attributes {t = #moda.abi_tensor<"q" : f16, input, shape = [B, T], strides = [T ceildiv 0, 1]>}

// -----

// expected-error @+1 {{ABI tensor 'q' stride 0 must be exact, got T ceildiv 2}}
func.func private @inexact_stride() attributes {t = #moda.abi_tensor<"q" : f16, input, shape = [B, T], strides = [T ceildiv 2, 1]>}

// -----

// expected-error @+1 {{ABI tensor 'q' with dynamic strides must have innermost stride 1, got ?}}
func.func private @dynamic_innermost_stride() attributes {t = #moda.abi_tensor<"q" : f16, input, shape = [B, T], strides = [?, ?]>}

// -----

// expected-error @+1 {{ABI tensor 'q' stride 0 must be ? like its others but the innermost, got T*64}}
func.func private @partly_dynamic_strides() attributes {t = #moda.abi_tensor<"q" : f16, input, shape = [B, T, 64], strides = [T*64, ?, 1]>}

// -----

// expected-error @+1 {{kernel ABI tensor 'lse' cannot have dynamic strides: the row statistics are contiguous}}
func.func private @strided_lse() attributes {abi = #moda.kernel_abi<op = attention, element_type = f16, num_query_heads = 1, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 16, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">, sizes = [B = ?, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"lse" : f32, output, shape = [B, 1, T], strides = [?, ?, 1]>], launches = [#moda.abi_launch<"program", grid = [T ceildiv 16, 1, B], threads = 32, dynamic_shared_memory = 0, writes = ["lse"]>]>}

// -----

// expected-error @+1 {{kernel ABI tensor 'delta' cannot have dynamic strides: the row statistics are contiguous}}
func.func private @strided_delta() attributes {abi = #moda.kernel_abi<op = attention_grad, element_type = f16, num_query_heads = 1, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 16, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">, sizes = [B = ?, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"delta" : f32, scratch, shape = [B, 1, T], strides = [?, ?, 1]>], launches = [#moda.abi_launch<"program", grid = [T ceildiv 16, 1, B], threads = 32, dynamic_shared_memory = 0>]>}

// -----

// expected-error @+1 {{ABI tensor 'q' extent 1 must be a size symbol or a constant, got ?}}
func.func private @dynamic_extent() attributes {t = #moda.abi_tensor<"q" : f16, input, shape = [B, ?], strides = [?, 1]>}

// -----

// expected-error @+1 {{ABI launch 'k' grid dimension 0 must be a formula of B, T, S, L, N, got ?}}
func.func private @dynamic_grid() attributes {l = #moda.abi_launch<"k", grid = [?, 1, B], threads = 32, dynamic_shared_memory = 0>}

// -----

// expected-error @+1 {{ABI launch 'k' must have a grid of 3 dimensions, got 2}}
func.func private @grid_rank() attributes {l = #moda.abi_launch<"k", grid = [T, B], threads = 32, dynamic_shared_memory = 0>}

// -----

// expected-error @+1 {{ABI launch 'k' grid dimension 0 must divide by a positive number, got T ceildiv -2}}
func.func private @negative_divisor() attributes {l = #moda.abi_launch<"k", grid = [T ceildiv -2, 1, B], threads = 32, dynamic_shared_memory = 0>}

// -----

// expected-error @+1 {{ABI launch 'k' grid dimension 0 multiplies more than two size symbols: T*S*L}}
func.func private @three_symbols() attributes {l = #moda.abi_launch<"k", grid = [T*S*L, 1, B], threads = 32, dynamic_shared_memory = 0>}

// -----

// expected-error @+1 {{ABI launch 'k' grid dimension 1 is a constant and must not divide, got 8 ceildiv 2}}
func.func private @constant_divides() attributes {l = #moda.abi_launch<"k", grid = [T, 8 ceildiv 2, B], threads = 32, dynamic_shared_memory = 0>}

// -----

// expected-error @+1 {{ABI launch 'k' threads must lie in [1, 1024], got 2048}}
func.func private @threads() attributes {l = #moda.abi_launch<"k", grid = [T, 1, B], threads = 2048, dynamic_shared_memory = 0>}

// -----

// expected-error @+1 {{ABI launch 'k' dynamic_shared_memory must not be negative, got -1}}
func.func private @shared_memory() attributes {l = #moda.abi_launch<"k", grid = [T, 1, B], threads = 32, dynamic_shared_memory = -1>}

// -----

#config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = mma_sync, target = "sm_90a">
#q = #moda.abi_tensor<"q" : bf16, input, shape = [B, T, 2, 64], strides = [T*128, 128, 64, 1]>
#launch = #moda.abi_launch<"k", grid = [T*2 ceildiv 64, 1, B], threads = 128, dynamic_shared_memory = 0>
// expected-error @+1 {{kernel ABI element type must be bf16, f16 or f32, got 'f64'}}
func.func private @element_type() attributes {abi = #moda.kernel_abi<op = attention, element_type = f64, num_query_heads = 2, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.0 : f64, config = #config, sizes = [B = ?, T = ?, S = ?, L = ?], tensors = [#q], launches = [#launch]>}

// -----

#config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = mma_sync, target = "sm_90a">
#q = #moda.abi_tensor<"q" : bf16, input, shape = [B, T, 2, 64], strides = [T*128, 128, 64, 1]>
#launch = #moda.abi_launch<"k", grid = [T*2 ceildiv 64, 1, B], threads = 128, dynamic_shared_memory = 0>
// expected-error @+1 {{kernel ABI num_query_heads = 3 must be a positive multiple of num_kv_heads = 2}}
func.func private @heads() attributes {abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 3, num_kv_heads = 2, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.0 : f64, config = #config, sizes = [B = ?, T = ?, S = ?, L = ?], tensors = [#q], launches = [#launch]>}

// -----

#config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = mma_sync, target = "sm_90a">
#q = #moda.abi_tensor<"q" : bf16, input, shape = [B, T, 2, 64], strides = [T*128, 128, 64, 1]>
#launch = #moda.abi_launch<"k", grid = [T*2 ceildiv 64, 1, B], threads = 128, dynamic_shared_memory = 0>
// expected-error @+1 {{kernel ABI head_dim must be positive, got 0}}
func.func private @head_dim() attributes {abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 2, num_kv_heads = 1, head_dim = 0, causal = false, visibility = per_position, chunk_size = 0, scale = 1.0 : f64, config = #config, sizes = [B = ?, T = ?, S = ?, L = ?], tensors = [#q], launches = [#launch]>}

// -----

#config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = mma_sync, target = "sm_90a">
#q = #moda.abi_tensor<"q" : bf16, input, shape = [B, T, 2, 64], strides = [T*128, 128, 64, 1]>
#launch = #moda.abi_launch<"k", grid = [T*2 ceildiv 64, 1, B], threads = 128, dynamic_shared_memory = 0>
// expected-error @+1 {{kernel ABI sizes must give B, T, S and L, got 2 sizes}}
func.func private @sizes() attributes {abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 2, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.0 : f64, config = #config, sizes = [B = ?, T = ?], tensors = [#q], launches = [#launch]>}

// -----

#config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = mma_sync, target = "sm_90a">
#q = #moda.abi_tensor<"q" : bf16, input, shape = [B, T, 2, 64], strides = [T*128, 128, 64, 1]>
#launch = #moda.abi_launch<"k", grid = [T*2 ceildiv 64, 1, B], threads = 128, dynamic_shared_memory = 0>
// expected-error @+1 {{expected 'S'}}
func.func private @sizes_order() attributes {abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 2, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.0 : f64, config = #config, sizes = [B = ?, T = ?, L = ?, S = ?], tensors = [#q], launches = [#launch]>}

// -----

#config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = mma_sync, target = "sm_90a">
#q = #moda.abi_tensor<"q" : bf16, input, shape = [B, T, 2, 64], strides = [T*128, 128, 64, 1]>
#launch = #moda.abi_launch<"k", grid = [T*2 ceildiv 64, 1, B], threads = 128, dynamic_shared_memory = 0>
// expected-error @+1 {{kernel ABI size T must be a non-negative integer or ?, got -5}}
func.func private @negative_size() attributes {abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 2, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.0 : f64, config = #config, sizes = [B = ?, T = -5, S = ?, L = ?], tensors = [#q], launches = [#launch]>}

// -----

#config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = mma_sync, target = "sm_90a">
#q = #moda.abi_tensor<"q" : bf16, input, shape = [B, T, 2, 64], strides = [T*128, 128, 64, 1]>
#launch = #moda.abi_launch<"k", grid = [T*2 ceildiv 64, 1, B], threads = 128, dynamic_shared_memory = 0>
// expected-error @+1 {{kernel ABI tensor 'q' appears twice}}
func.func private @duplicate_tensor() attributes {abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 2, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.0 : f64, config = #config, sizes = [B = ?, T = ?, S = ?, L = ?], tensors = [#q, #q], launches = [#launch]>}

// -----

#config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = mma_sync, target = "sm_90a">
#q = #moda.abi_tensor<"q" : bf16, input, shape = [B, T, 2, 64], strides = [T*128, 128, 64, 1]>
#launch = #moda.abi_launch<"k", grid = [T*2 ceildiv 64, 1, B], threads = 128, dynamic_shared_memory = 0>
// expected-error @+1 {{kernel ABI of attention with kv_splits = 1 must have 1 launch, got 2}}
func.func private @forward_launches() attributes {abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 2, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.0 : f64, config = #config, sizes = [B = ?, T = ?, S = ?, L = ?], tensors = [#q], launches = [#launch, #launch]>}

// -----

#config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = mma_sync, target = "sm_90a">
#q = #moda.abi_tensor<"q" : bf16, input, shape = [B, T, 2, 64], strides = [T*128, 128, 64, 1]>
#launch = #moda.abi_launch<"k", grid = [T*2 ceildiv 64, 1, B], threads = 128, dynamic_shared_memory = 0, writes = ["q"]>
// expected-error @+1 {{kernel ABI launch 'k' writes 'q', which is not an output tensor}}
func.func private @writes_input() attributes {abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 2, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.0 : f64, config = #config, sizes = [B = ?, T = ?, S = ?, L = ?], tensors = [#q], launches = [#launch]>}

// -----

// A packed operator's ABI (it has the offsets "cu_seqlens") gives N too.
// expected-error @+1 {{kernel ABI sizes must give B, T, S and L, and N for packed sequences, got 4 sizes}}
func.func private @packed_without_tokens() attributes {abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 8, num_kv_heads = 2, head_dim = 64, causal = true, visibility = per_position, chunk_size = 0, scale = 0.125 : f64, config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 1, mma = fma, target = "sm_90a">, sizes = [B = 3, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"cu_seqlens" : i32, input, shape = [B+1], strides = [1]>], launches = [#moda.abi_launch<"packed", grid = [T*4 ceildiv 64, 2, B], threads = 128, dynamic_shared_memory = 0>]>}

// -----

// expected-error @+1 {{kernel ABI sizes must give B, T, S and L, got 5 sizes}}
func.func private @tokens_without_offsets() attributes {abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 8, num_kv_heads = 2, head_dim = 64, causal = true, visibility = per_position, chunk_size = 0, scale = 0.125 : f64, config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 1, mma = fma, target = "sm_90a">, sizes = [B = 3, T = ?, S = ?, L = 0, N = 7], tensors = [#moda.abi_tensor<"lse" : f32, output, shape = [B, 8, T], strides = [T*8, T, 1]>], launches = [#moda.abi_launch<"packed", grid = [T*4 ceildiv 64, 2, B], threads = 128, dynamic_shared_memory = 0>]>}

// -----

// expected-error @+1 {{ABI tensor 'cu_seqlens' must have element type i32, got 'i64'}}
func.func private @offsets_i64() attributes {t = #moda.abi_tensor<"cu_seqlens" : i64, input, shape = [B+1], strides = [1]>}

// -----

// expected-error @+1 {{ABI tensor 'q' must have element type bf16, f16 or f32, got 'i32'}}
func.func private @tensor_i32() attributes {t = #moda.abi_tensor<"q" : i32, input, shape = [B], strides = [1]>}

// -----

// expected-error @+2 {{a size expression adds a non-negative constant to a product of size symbols}}
// expected-error @+1 {{failed to parse Moda_AbiTensorAttr parameter 'shape'}}
func.func private @constant_plus() attributes {t = #moda.abi_tensor<"cu_seqlens" : i32, input, shape = [4+1], strides = [1]>}

// -----

// Only the offsets' extent adds a constant (B+1).
// expected-error @+1 {{ABI tensor 'q' extent 0 may add a constant only as the extent of 'cu_seqlens' (B+1), got B+1}}
func.func private @addend_elsewhere() attributes {t = #moda.abi_tensor<"q" : bf16, input, shape = [B+1, 64], strides = [64, 1]>}

// -----

// expected-error @+1 {{ABI launch 'k' grid dimension 2 may add a constant only as the extent of 'cu_seqlens' (B+1), got B+1}}
func.func private @addend_in_grid() attributes {l = #moda.abi_launch<"k", grid = [1, 1, B+1], threads = 32, dynamic_shared_memory = 0>}

// -----

// N, the tokens or pages, belongs to packed and paged ABIs (those with cu_seqlens or block_table).
// expected-error @+1 {{kernel ABI uses size N, the tokens of packed sequences or the pages of a paged KV cache, but has no tensor 'cu_seqlens' or 'block_table'}}
func.func private @tokens_unpacked() attributes {abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 8, num_kv_heads = 2, head_dim = 64, causal = true, visibility = per_position, chunk_size = 0, scale = 0.125 : f64, config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 1, mma = fma, target = "sm_90a">, sizes = [B = 3, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"lse" : f32, output, shape = [8, N], strides = [N, 1]>], launches = [#moda.abi_launch<"packed", grid = [T*4 ceildiv 64, 2, B], threads = 128, dynamic_shared_memory = 0>]>}

// -----

// expected-error @+1 {{ABI tensor 'block_table' must have element type i32, got 'i64'}}
func.func private @block_table_i64() attributes {t = #moda.abi_tensor<"block_table" : i64, input, shape = [B, 8], strides = [8, 1]>}

// -----

// expected-error @+1 {{kernel ABI sizes must give B, T, S and L, and N for the pages of a paged KV cache, got 4 sizes}}
func.func private @paged_without_pages() attributes {abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 8, num_kv_heads = 2, head_dim = 64, causal = true, visibility = per_position, chunk_size = 0, scale = 0.125 : f64, config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 1, mma = fma, target = "sm_90a">, sizes = [B = 3, T = 1, S = ?, L = 0], tensors = [#moda.abi_tensor<"block_table" : i32, input, shape = [B, 8], strides = [8, 1]>], launches = [#moda.abi_launch<"paged", grid = [1, 2, B], threads = 128, dynamic_shared_memory = 0>]>}

// -----

// expected-error @+1 {{kernel ABI has both tensors 'cu_seqlens' and 'block_table': packed sequences and a paged KV cache are not supported together}}
func.func private @paged_and_packed() attributes {abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 8, num_kv_heads = 2, head_dim = 64, causal = true, visibility = per_position, chunk_size = 0, scale = 0.125 : f64, config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 1, mma = fma, target = "sm_90a">, sizes = [B = 3, T = 1, S = ?, L = 0, N = ?], tensors = [#moda.abi_tensor<"block_table" : i32, input, shape = [B, 8], strides = [8, 1]>, #moda.abi_tensor<"cu_seqlens" : i32, input, shape = [B+1], strides = [1]>], launches = [#moda.abi_launch<"paged", grid = [1, 2, B], threads = 128, dynamic_shared_memory = 0>]>}

// -----

// expected-error @+1 {{kernel ABI tensor 'block_table' cannot have dynamic strides: the block table is contiguous}}
func.func private @strided_block_table() attributes {abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 8, num_kv_heads = 2, head_dim = 64, causal = true, visibility = per_position, chunk_size = 0, scale = 0.125 : f64, config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 1, mma = fma, target = "sm_90a">, sizes = [B = 3, T = 1, S = ?, L = 0, N = ?], tensors = [#moda.abi_tensor<"block_table" : i32, input, shape = [B, 8], strides = [?, 1]>], launches = [#moda.abi_launch<"paged", grid = [1, 2, B], threads = 128, dynamic_shared_memory = 0>]>}

// -----

// expected-error @+1 {{kernel ABI tensor 'block_table' must have shape [B, W] with W a positive constant}}
func.func private @block_table_rank_one() attributes {abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 8, num_kv_heads = 2, head_dim = 64, causal = true, visibility = per_position, chunk_size = 0, scale = 0.125 : f64, config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 1, mma = fma, target = "sm_90a">, sizes = [B = 3, T = 1, S = ?, L = 0, N = ?], tensors = [#moda.abi_tensor<"block_table" : i32, input, shape = [B], strides = [1]>], launches = [#moda.abi_launch<"paged", grid = [1, 2, B], threads = 128, dynamic_shared_memory = 0>]>}

// -----

// expected-error @+1 {{kernel ABI tensor 'k' of a paged KV cache must have shape [N, page_size, Hk, D] with page_size a positive constant}}
func.func private @paged_keys_per_batch() attributes {abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 8, num_kv_heads = 2, head_dim = 64, causal = true, visibility = per_position, chunk_size = 0, scale = 0.125 : f64, config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 1, mma = fma, target = "sm_90a">, sizes = [B = 3, T = 1, S = ?, L = 0, N = ?], tensors = [#moda.abi_tensor<"k" : bf16, input, shape = [B, S, 2, 64], strides = [S*128, 128, 64, 1]>, #moda.abi_tensor<"block_table" : i32, input, shape = [B, 8], strides = [8, 1]>], launches = [#moda.abi_launch<"paged", grid = [1, 2, B], threads = 128, dynamic_shared_memory = 0>]>}

// -----

// expected-error @+1 {{kernel ABI of attention_grad has a tensor 'block_table': a paged KV cache serves the forward only}}
func.func private @paged_grad() attributes {abi = #moda.kernel_abi<op = attention_grad, element_type = bf16, num_query_heads = 8, num_kv_heads = 2, head_dim = 64, causal = true, visibility = per_position, chunk_size = 0, scale = 0.125 : f64, config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 1, mma = fma, target = "sm_90a">, sizes = [B = 3, T = 1, S = ?, L = 0, N = ?], tensors = [#moda.abi_tensor<"block_table" : i32, input, shape = [B, 8], strides = [8, 1]>], launches = [#moda.abi_launch<"paged", grid = [1, 2, B], threads = 128, dynamic_shared_memory = 0>]>}
