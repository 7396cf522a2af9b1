// RUN: moda-opt %s -split-input-file -verify-diagnostics

// A moda_tile.if_seen whose mask is itself invalid (its `group` misspelled):
// the mask's own error, and the step's rules (which ask the mask's fields)
// are not checked on it. Found by the ModaDialectFuzzer (it crashed the
// verifier, which read the mask's missing group).

func.func @masked_step(%query: tensor<32x64xbf16>, %keys: tensor<16x64xbf16>, %max: tensor<32xf32>, %sum: tensor<32xf32>, %acc: tensor<32x64xf32>, %r: index, %c: index, %T: index, %S: index, %L: index) -> (tensor<32xf32>, tensor<32xf32>, tensor<32x64xf32>) {
  %next:3 = moda_tile.if_seen rows %r columns %c (T = %T, S = %S, L = %L) carrying %max, %sum, %acc {columns = 16 : i64, group = 2 : i64, visibility = #moda_tile.visibility<part = depth>} : tensor<32xf32>, tensor<32xf32>, tensor<32x64xf32> {
    %zeros = arith.constant dense<0.0> : tensor<32x16xf32>
    %s = moda_tile.dot %query, %keys, %zeros {transpose_rhs} : tensor<32x64xbf16>, tensor<16x64xbf16> -> tensor<32x16xf32>
    // expected-error @+1 {{requires attribute 'group'}}
    %masked = moda_tile.mask %s rows %r columns %c (T = %T, S = %S, L = %L) {aroup = 2 : i64, visibility = #moda_tile.visibility<part = depth>} : tensor<32x16xf32>
    %max1, %p, %alpha, %sum1 = moda_tile.softmax_update %masked, %max, %sum {exp2_scale = 0.125 : f32} : tensor<32x16xf32>, tensor<32xf32>
    %scaled = moda_tile.scale_rows %acc, %alpha : tensor<32x64xf32>, tensor<32xf32>
    %acc1 = moda_tile.dot %p, %keys, %scaled : tensor<32x16xf32>, tensor<16x64xbf16> -> tensor<32x64xf32>
    moda_tile.yield %max1, %sum1, %acc1 : tensor<32xf32>, tensor<32xf32>, tensor<32x64xf32>
  }
  return %next#0, %next#1, %next#2 : tensor<32xf32>, tensor<32xf32>, tensor<32x64xf32>
}
