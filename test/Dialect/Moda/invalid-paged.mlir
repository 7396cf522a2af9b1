// RUN: moda-opt %s -split-input-file -verify-diagnostics

// The rules of moda.attention over a paged KV cache: the block table's
// type and batch size, a static page size that the key tiles divide, and
// the variants a paged cache supports.

func.func @table_not_i32(%q: tensor<2x1x4x64xbf16>, %k: tensor<8x64x2x64xbf16>, %t: tensor<2x4xi64>, %s: index) {
  // expected-error @+1 {{operand 'block_table' must be a two-dimensional tensor of i32 page ids [B, W], got 'tensor<2x4xi64>'}}
  %o, %l = moda.attention q(%q : tensor<2x1x4x64xbf16>) kv(%k, %k : tensor<8x64x2x64xbf16>, tensor<8x64x2x64xbf16>) paged(%t, %s : tensor<2x4xi64>) -> tensor<2x1x4x64xbf16>, tensor<2x4x1xf32>
  return
}

// -----

func.func @table_width_dynamic(%q: tensor<2x1x4x64xbf16>, %k: tensor<8x64x2x64xbf16>, %t: tensor<2x?xi32>, %s: index) {
  // expected-error @+1 {{operand 'block_table' pages per batch entry W (dimension 1) must be static and positive, got ?}}
  %o, %l = moda.attention q(%q : tensor<2x1x4x64xbf16>) kv(%k, %k : tensor<8x64x2x64xbf16>, tensor<8x64x2x64xbf16>) paged(%t, %s : tensor<2x?xi32>) -> tensor<2x1x4x64xbf16>, tensor<2x4x1xf32>
  return
}

// -----

func.func @table_batch(%q: tensor<2x1x4x64xbf16>, %k: tensor<8x64x2x64xbf16>, %t: tensor<3x4xi32>, %s: index) {
  // expected-error @+1 {{operand 'block_table' batch size B (dimension 0) is 3, expected 2 (from operand 'q')}}
  %o, %l = moda.attention q(%q : tensor<2x1x4x64xbf16>) kv(%k, %k : tensor<8x64x2x64xbf16>, tensor<8x64x2x64xbf16>) paged(%t, %s : tensor<3x4xi32>) -> tensor<2x1x4x64xbf16>, tensor<2x4x1xf32>
  return
}

// -----

func.func @page_size_dynamic(%q: tensor<2x1x4x64xbf16>, %k: tensor<8x?x2x64xbf16>, %t: tensor<2x4xi32>, %s: index) {
  // expected-error @+1 {{operand 'k' page size (dimension 1) must be static and positive for a paged KV cache, got ?}}
  %o, %l = moda.attention q(%q : tensor<2x1x4x64xbf16>) kv(%k, %k : tensor<8x?x2x64xbf16>, tensor<8x?x2x64xbf16>) paged(%t, %s : tensor<2x4xi32>) -> tensor<2x1x4x64xbf16>, tensor<2x4x1xf32>
  return
}

// -----

func.func @tiles_straddle_pages(%q: tensor<2x1x4x64xbf16>, %k: tensor<8x96x2x64xbf16>, %t: tensor<2x4xi32>, %s: index) {
  // expected-error @+1 {{config block_n = 64 must divide the page size 96 (operand 'k' dimension 1): a key tile must lie in one page}}
  %o, %l = moda.attention q(%q : tensor<2x1x4x64xbf16>) kv(%k, %k : tensor<8x96x2x64xbf16>, tensor<8x96x2x64xbf16>) paged(%t, %s : tensor<2x4xi32>) {config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 3, mma = wgmma, target = "sm_90a">} -> tensor<2x1x4x64xbf16>, tensor<2x4x1xf32>
  return
}

// -----

func.func @paged_chunk(%q: tensor<2x1x4x64xbf16>, %k: tensor<8x64x2x64xbf16>, %dk: tensor<2x1x3x2x64xbf16>, %t: tensor<2x4xi32>, %s: index) {
  // expected-error @+1 {{takes a paged KV cache, which supports visibility = per_position only, got visibility = chunk}}
  %o, %l = moda.attention q(%q : tensor<2x1x4x64xbf16>) kv(%k, %k : tensor<8x64x2x64xbf16>, tensor<8x64x2x64xbf16>) depth(%dk, %dk : tensor<2x1x3x2x64xbf16>, tensor<2x1x3x2x64xbf16>) paged(%t, %s : tensor<2x4xi32>) {visibility = #moda.visibility<chunk>, chunk_size = 4} -> tensor<2x1x4x64xbf16>, tensor<2x4x1xf32>
  return
}

// -----

func.func @paged_depth_only(%q: tensor<2x1x4x64xbf16>, %dk: tensor<2x1x3x2x64xbf16>, %t: tensor<2x4xi32>, %s: index) {
  // expected-error @+1 {{takes a paged KV cache (operand 'block_table') but no sequence keys (operands 'k' and 'v')}}
  %o, %l = moda.attention q(%q : tensor<2x1x4x64xbf16>) depth(%dk, %dk : tensor<2x1x3x2x64xbf16>, tensor<2x1x3x2x64xbf16>) paged(%t, %s : tensor<2x4xi32>) {visibility = #moda.visibility<depth_only>} -> tensor<2x1x4x64xbf16>, tensor<2x4x1xf32>
  return
}

// -----

func.func @paged_and_packed(%q: tensor<30x4x64xbf16>, %k: tensor<30x2x64xbf16>, %cu: tensor<3xi32>, %max: index, %t: tensor<2x4xi32>) {
  // expected-error @+1 {{takes a paged KV cache (operand 'block_table') and packed sequences (operand 'cu_seqlens'); only one of them is supported at a time}}
  %o, %l = moda.attention q(%q : tensor<30x4x64xbf16>) kv(%k, %k : tensor<30x2x64xbf16>, tensor<30x2x64xbf16>) packed(%cu, %max : tensor<3xi32>) paged(%t, %max : tensor<2x4xi32>) -> tensor<30x4x64xbf16>, tensor<4x30xf32>
  return
}

// -----

func.func @pages_of_other_heads(%q: tensor<2x1x4x64xbf16>, %k: tensor<8x64x1x64xbf16>, %v: tensor<8x64x2x64xbf16>, %t: tensor<2x4xi32>, %s: index) {
  // expected-error @+1 {{operand 'v' has type 'tensor<8x64x2x64xbf16>', expected 'tensor<8x64x1x64xbf16>' (as operand 'k')}}
  %o, %l = moda.attention q(%q : tensor<2x1x4x64xbf16>) kv(%k, %v : tensor<8x64x1x64xbf16>, tensor<8x64x2x64xbf16>) paged(%t, %s : tensor<2x4xi32>) -> tensor<2x1x4x64xbf16>, tensor<2x4x1xf32>
  return
}

// -----

// (Generic form: the custom syntax cannot write a table without num_keys.)
func.func @table_without_num_keys(%q: tensor<2x1x4x64xbf16>, %k: tensor<8x64x2x64xbf16>, %t: tensor<2x4xi32>) {
  // expected-error @+1 {{operands 'block_table' and 'num_keys' must be given together (a paged KV cache)}}
  %o, %l = "moda.attention"(%q, %k, %k, %t) <{operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0, 0, 1, 0>}> : (tensor<2x1x4x64xbf16>, tensor<8x64x2x64xbf16>, tensor<8x64x2x64xbf16>, tensor<2x4xi32>) -> (tensor<2x1x4x64xbf16>, tensor<2x4x1xf32>)
  return
}

// -----

func.func @num_keys_past_the_table(%q: tensor<2x1x4x64xbf16>, %k: tensor<8x64x2x64xbf16>, %t: tensor<2x4xi32>) {
  %s = arith.constant 257 : index
  // expected-error @+1 {{operand 'num_keys' = 257 must be in [0, 256]: the block table gives a batch entry 4 pages of 64 keys}}
  %o, %l = moda.attention q(%q : tensor<2x1x4x64xbf16>) kv(%k, %k : tensor<8x64x2x64xbf16>, tensor<8x64x2x64xbf16>) paged(%t, %s : tensor<2x4xi32>) -> tensor<2x1x4x64xbf16>, tensor<2x4x1xf32>
  return
}
