// RUN: moda-opt %s -split-input-file -convert-moda-tile-to-gpu -verify-diagnostics

func.func private @no_layout(%a: tensor<32x16xf32>, %b: tensor<16x16xf32>) attributes {moda_tile.program, moda.kernel = {}} {
  // expected-error @+1 {{has no layout; run -moda-tile-assign-layouts before lowering tile programs to the GPU}}
  %r = moda_tile.dot %a, %b, %a : tensor<32x16xf32>, tensor<16x16xf32> -> tensor<32x16xf32>
  return
}

// -----

// expected-error @+1 {{has layout #moda_tile.layout<kind = wgmma, num_warps = 4>, which has no GPU lowering from tile programs yet (only fma); convert-moda-to-gpu builds such kernels}}
func.func private @wgmma(%a: tensor<64x64xbf16>, %b: tensor<64x64xbf16>, %c: tensor<64x64xf32>) attributes {moda_tile.program, moda.kernel = {}} {
  %r = moda_tile.dot %a, %b, %c {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
  return
}

// -----

func.func private @mixed(%a: tensor<32x16xf32>, %b: tensor<16x16xf32>) attributes {moda_tile.program, moda.kernel = {}} {
  %r = moda_tile.dot %a, %b, %a {layout = #moda_tile.layout<kind = fma, num_warps = 1>} : tensor<32x16xf32>, tensor<16x16xf32> -> tensor<32x16xf32>
  // expected-error @+1 {{has layout #moda_tile.layout<kind = fma, num_warps = 2> but another product of the program has #moda_tile.layout<kind = fma, num_warps = 1>}}
  %s = moda_tile.dot %a, %b, %a {layout = #moda_tile.layout<kind = fma, num_warps = 2>} : tensor<32x16xf32>, tensor<16x16xf32> -> tensor<32x16xf32>
  return
}

// -----

func.func private @cp_async(%q: memref<?xf16>, %k: memref<?xf16>, %i: index) attributes {moda_tile.program, moda.kernel = {}} {
  %query = moda_tile.load %q[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = query, heads = 1>} : memref<?xf16> -> tensor<32x64xf16>
  // expected-error @+1 {{has copy kind 'cp_async', which the fma layout's GPU lowering does not implement (it copies with vector loads)}}
  %keys = moda_tile.load %k[%i, %i, %i] end %i extent %i {copy = #moda_tile.copy<kind = cp_async, stages = 2>, rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xf16> -> tensor<16x64xf16>
  %zeros = arith.constant dense<0.0> : tensor<32x16xf32>
  %s = moda_tile.dot %query, %keys, %zeros {layout = #moda_tile.layout<kind = fma, num_warps = 1>, transpose_rhs} : tensor<32x64xf16>, tensor<16x64xf16> -> tensor<32x16xf32>
  return
}

// -----

func.func private @rhs_rows(%q: memref<?xf16>, %i: index) attributes {moda_tile.program, moda.kernel = {}} {
  %query = moda_tile.load %q[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = query, heads = 1>} : memref<?xf16> -> tensor<32x64xf16>
  %zeros = arith.constant dense<0.0> : tensor<32x32xf32>
  // expected-error @+1 {{has a right operand that is not a tile of keys, values or depth entries: the fma layout reads it from shared memory}}
  %s = moda_tile.dot %query, %query, %zeros {layout = #moda_tile.layout<kind = fma, num_warps = 1>, transpose_rhs} : tensor<32x64xf16>, tensor<32x64xf16> -> tensor<32x32xf32>
  return
}

// -----

// expected-error @+1 {{has no moda.kernel description for its manifest}}
func.func private @no_description(%a: tensor<32x16xf32>, %b: tensor<16x16xf32>) attributes {moda_tile.program} {
  %r = moda_tile.dot %a, %b, %a {layout = #moda_tile.layout<kind = fma, num_warps = 1>} : tensor<32x16xf32>, tensor<16x16xf32> -> tensor<32x16xf32>
  return
}

// -----

func.func private @escaping_shared_tile(%q: memref<?xf16>, %k: memref<?xf16>, %i: index, %n: index) attributes {moda_tile.program, moda.kernel = {}} {
  %query = moda_tile.load %q[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = query, heads = 1>} : memref<?xf16> -> tensor<32x64xf16>
  // expected-error @+1 {{is a shared tile used outside its own block: its buffer could be overwritten while still in use}}
  %keys = moda_tile.load %k[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xf16> -> tensor<16x64xf16>
  %zeros = arith.constant dense<0.0> : tensor<32x16xf32>
  %r = scf.for %j = %i to %n step %i iter_args(%acc = %zeros) -> (tensor<32x16xf32>) {
    %s = moda_tile.dot %query, %keys, %acc {layout = #moda_tile.layout<kind = fma, num_warps = 1>, transpose_rhs} : tensor<32x64xf16>, tensor<16x64xf16> -> tensor<32x16xf32>
    scf.yield %s : tensor<32x16xf32>
  }
  return
}

// -----

func.func private @narrow_rows(%q: memref<?xf16>, %k: memref<?xf16>, %i: index) attributes {moda_tile.program, moda.kernel = {}} {
  %query = moda_tile.load %q[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = query, heads = 1>} : memref<?xf16> -> tensor<32x4xf16>
  // expected-error @+1 {{has rows of 4 elements: the vector copy moves 16-byte chunks, 8 elements each}}
  %keys = moda_tile.load %k[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xf16> -> tensor<16x4xf16>
  %zeros = arith.constant dense<0.0> : tensor<32x16xf32>
  %s = moda_tile.dot %query, %keys, %zeros {layout = #moda_tile.layout<kind = fma, num_warps = 1>, transpose_rhs} : tensor<32x4xf16>, tensor<16x4xf16> -> tensor<32x16xf32>
  return
}

// -----

func.func private @keys_as_rows(%q: memref<?xf16>, %k: memref<?xf16>, %i: index) attributes {moda_tile.program, moda.kernel = {}} {
  %query = moda_tile.load %q[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = query, heads = 1>} : memref<?xf16> -> tensor<32x64xf16>
  %keys = moda_tile.load %k[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xf16> -> tensor<32x64xf16>
  %zeros = arith.constant dense<0.0> : tensor<32x32xf32>
  // expected-error @+1 {{uses a tile of keys, values or depth entries as rows of the block (operand 0): the fma layout keeps those in shared memory}}
  %s = moda_tile.dot %keys, %keys, %zeros {layout = #moda_tile.layout<kind = fma, num_warps = 1>, transpose_rhs} : tensor<32x64xf16>, tensor<32x64xf16> -> tensor<32x32xf32>
  return
}

// -----

// expected-error @+1 {{needs 524288 bytes of shared tiles, more than the 49152 a block declares statically}}
func.func private @too_much_shared(%q: memref<?xf16>, %k: memref<?xf16>, %i: index) attributes {moda_tile.program, moda.kernel = {}} {
  %query = moda_tile.load %q[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = query, heads = 1>} : memref<?xf16> -> tensor<32x64xf16>
  %keys = moda_tile.load %k[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xf16> -> tensor<4096x64xf16>
  %zeros = arith.constant dense<0.0> : tensor<32x4096xf32>
  %s = moda_tile.dot %query, %keys, %zeros {layout = #moda_tile.layout<kind = fma, num_warps = 1>, transpose_rhs} : tensor<32x64xf16>, tensor<4096x64xf16> -> tensor<32x4096xf32>
  return
}
