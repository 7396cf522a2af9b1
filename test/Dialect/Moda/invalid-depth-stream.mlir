// RUN: moda-opt %s -split-input-file -verify-diagnostics

// The depth stream operations.

func.func @empty_missing_sizes(%b: index) {
  // expected-error @+1 {{expected 2 dynamic size operands (one per '?' in the entry shape), got 1}}
  %s = moda.stream.empty(%b) : !moda.depth_stream<?x?x2x8xf16, size = 0, capacity = 4>
  return
}

// -----

func.func @empty_not_empty() {
  // expected-error @+1 {{a new depth stream must have size 0 or ?, got size 2}}
  %s = moda.stream.empty : !moda.depth_stream<1x16x2x8xf16, size = 2, capacity = 4>
  return
}

// -----

func.func @append_wrong_entry(%s: !moda.depth_stream<1x16x2x8xf16, size = 0, capacity = 4>, %k: tensor<1x16x4x8xf16>) {
  // expected-error @+1 {{operand 'k' has type 'tensor<1x16x4x8xf16>', expected 'tensor<1x16x2x8xf16>' (as one stream entry [B, T, Hk, D])}}
  %t = moda.stream.append %s, %k, %k : !moda.depth_stream<1x16x2x8xf16, size = 0, capacity = 4>, tensor<1x16x4x8xf16>, tensor<1x16x4x8xf16> -> !moda.depth_stream<1x16x2x8xf16, size = 1, capacity = 4>
  return
}

// -----

func.func @append_wrong_value(%s: !moda.depth_stream<1x16x2x8xf16, size = 0, capacity = 4>, %k: tensor<1x16x2x8xf16>, %v: tensor<1x16x2x8xbf16>) {
  // expected-error @+1 {{operand 'v' has type 'tensor<1x16x2x8xbf16>', expected 'tensor<1x16x2x8xf16>' (as one stream entry [B, T, Hk, D])}}
  %t = moda.stream.append %s, %k, %v : !moda.depth_stream<1x16x2x8xf16, size = 0, capacity = 4>, tensor<1x16x2x8xf16>, tensor<1x16x2x8xbf16> -> !moda.depth_stream<1x16x2x8xf16, size = 1, capacity = 4>
  return
}

// -----

func.func @append_to_full(%s: !moda.depth_stream<1x16x2x8xf16, size = 4, capacity = 4>, %k: tensor<1x16x2x8xf16>) {
  // expected-error @+1 {{cannot append to a full depth stream: size 4 has reached capacity 4 (a stream with `window` would drop its oldest entry)}}
  %t = "moda.stream.append"(%s, %k, %k) : (!moda.depth_stream<1x16x2x8xf16, size = 4, capacity = 4>, tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) -> !moda.depth_stream<1x16x2x8xf16, size = 4, capacity = 4>
  return
}

// -----

// A window stream has no bound on its size but the 64-bit count's.
func.func @append_count_overflow(%s: !moda.depth_stream<1x16x2x8xf16, size = 9223372036854775807, capacity = 4, window>, %k: tensor<1x16x2x8xf16>) {
  // expected-error @+1 {{cannot append to a depth stream of size 9223372036854775807: its count of entries would overflow 64 bits}}
  %t = "moda.stream.append"(%s, %k, %k) : (!moda.depth_stream<1x16x2x8xf16, size = 9223372036854775807, capacity = 4, window>, tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) -> !moda.depth_stream<1x16x2x8xf16, size = 9223372036854775807, capacity = 4, window>
  return
}

// -----

func.func @append_wrong_result_size(%s: !moda.depth_stream<1x16x2x8xf16, size = 1, capacity = 4>, %k: tensor<1x16x2x8xf16>) {
  // expected-error @+1 {{result has type '!moda.depth_stream<1x16x2x8xf16, size = 3, capacity = 4>', expected '!moda.depth_stream<1x16x2x8xf16, size = 2, capacity = 4>' (the operand stream with one more entry)}}
  %t = moda.stream.append %s, %k, %k : !moda.depth_stream<1x16x2x8xf16, size = 1, capacity = 4>, tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16> -> !moda.depth_stream<1x16x2x8xf16, size = 3, capacity = 4>
  return
}

// -----

func.func @entries_wrong_depth(%s: !moda.depth_stream<1x16x2x8xf16, size = 2, capacity = 4>) {
  // expected-error @+1 {{result 'depth_k' has type 'tensor<1x16x4x2x8xf16>', expected 'tensor<1x16x2x2x8xf16>' (as [B, T, size, Hk, D])}}
  %dk, %dv = moda.stream.entries %s : !moda.depth_stream<1x16x2x8xf16, size = 2, capacity = 4> -> tensor<1x16x4x2x8xf16>, tensor<1x16x2x2x8xf16>
  return
}

// -----

func.func @entries_wrong_value(%s: !moda.depth_stream<1x16x2x8xf16, size = 2, capacity = 4>) {
  // expected-error @+1 {{result 'depth_v' has type 'tensor<1x16x2x2x8xbf16>', expected 'tensor<1x16x2x2x8xf16>' (as [B, T, size, Hk, D])}}
  %dk, %dv = moda.stream.entries %s : !moda.depth_stream<1x16x2x8xf16, size = 2, capacity = 4> -> tensor<1x16x2x2x8xf16>, tensor<1x16x2x2x8xbf16>
  return
}
