// RUN: moda-opt %s -split-input-file -allow-unregistered-dialect -moda-buffer-depth-streams -verify-diagnostics

// Two appends to one stream value would both write its slot 0.

func.func @fork(%k: tensor<1x8x1x16xf16>) -> (tensor<1x8x1x1x16xf16>, tensor<1x8x1x1x16xf16>) {
  %s0 = moda.stream.empty : !moda.depth_stream<1x8x1x16xf16, size = 0, capacity = 2>
  // expected-note @+1 {{the other append}}
  %a = moda.stream.append %s0, %k, %k : !moda.depth_stream<1x8x1x16xf16, size = 0, capacity = 2>, tensor<1x8x1x16xf16>, tensor<1x8x1x16xf16> -> !moda.depth_stream<1x8x1x16xf16, size = 1, capacity = 2>
  // expected-error @+1 {{'moda.stream.append' op appends (directly or in a loop, branch or call) to a depth stream that another op appends to as well: both would write the same slot of its one buffer}}
  %b = moda.stream.append %s0, %k, %k : !moda.depth_stream<1x8x1x16xf16, size = 0, capacity = 2>, tensor<1x8x1x16xf16>, tensor<1x8x1x16xf16> -> !moda.depth_stream<1x8x1x16xf16, size = 1, capacity = 2>
  %dka, %dva = moda.stream.entries %a : !moda.depth_stream<1x8x1x16xf16, size = 1, capacity = 2> -> tensor<1x8x1x1x16xf16>, tensor<1x8x1x1x16xf16>
  %dkb, %dvb = moda.stream.entries %b : !moda.depth_stream<1x8x1x16xf16, size = 1, capacity = 2> -> tensor<1x8x1x1x16xf16>, tensor<1x8x1x1x16xf16>
  return %dka, %dkb : tensor<1x8x1x1x16xf16>, tensor<1x8x1x1x16xf16>
}

// -----

// A loop appends to the stream it was given, and so does an op after it:
// the latter would overwrite the loop's first entry.

func.func @after_loop(%k: tensor<1x8x1x16xf16>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %s0 = moda.stream.empty : !moda.depth_stream<1x8x1x16xf16, size = ?, capacity = 4>
  // expected-note @+1 {{the other append}}
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%s = %s0) -> (!moda.depth_stream<1x8x1x16xf16, size = ?, capacity = 4>) {
    %s1 = moda.stream.append %s, %k, %k : !moda.depth_stream<1x8x1x16xf16, size = ?, capacity = 4>, tensor<1x8x1x16xf16>, tensor<1x8x1x16xf16> -> !moda.depth_stream<1x8x1x16xf16, size = ?, capacity = 4>
    scf.yield %s1 : !moda.depth_stream<1x8x1x16xf16, size = ?, capacity = 4>
  }
  // expected-error @+1 {{appends (directly or in a loop, branch or call) to a depth stream that another op appends to as well}}
  %t = moda.stream.append %s0, %k, %k : !moda.depth_stream<1x8x1x16xf16, size = ?, capacity = 4>, tensor<1x8x1x16xf16>, tensor<1x8x1x16xf16> -> !moda.depth_stream<1x8x1x16xf16, size = ?, capacity = 4>
  return
}

// -----

// Inside a loop's body, the carried stream appended to twice.

func.func @twice_per_iteration(%k: tensor<1x8x1x16xf16>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %s0 = moda.stream.empty : !moda.depth_stream<1x8x1x16xf16, size = ?, capacity = 4>
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%s = %s0) -> (!moda.depth_stream<1x8x1x16xf16, size = ?, capacity = 4>) {
    // expected-note @+1 {{the other append}}
    %s1 = moda.stream.append %s, %k, %k : !moda.depth_stream<1x8x1x16xf16, size = ?, capacity = 4>, tensor<1x8x1x16xf16>, tensor<1x8x1x16xf16> -> !moda.depth_stream<1x8x1x16xf16, size = ?, capacity = 4>
    // expected-error @+1 {{appends (directly or in a loop, branch or call) to a depth stream that another op appends to as well}}
    %s2 = moda.stream.append %s, %k, %k : !moda.depth_stream<1x8x1x16xf16, size = ?, capacity = 4>, tensor<1x8x1x16xf16>, tensor<1x8x1x16xf16> -> !moda.depth_stream<1x8x1x16xf16, size = ?, capacity = 4>
    scf.yield %s1 : !moda.depth_stream<1x8x1x16xf16, size = ?, capacity = 4>
  }
  return
}

// -----

// An op the pass does not know takes a stream.

func.func @unknown_user() {
  %s0 = moda.stream.empty : !moda.depth_stream<1x8x1x16xf16, size = 0, capacity = 2>
  // expected-error @+1 {{'test.use' op takes a depth stream; moda-buffer-depth-streams knows moda.stream ops, scf.for, scf.if and func calls and returns}}
  "test.use"(%s0) : (!moda.depth_stream<1x8x1x16xf16, size = 0, capacity = 2>) -> ()
  return
}

// -----

// A full bounded stream's entries read after its next append: the append
// overwrote the oldest of them.

func.func @read_after_wrap(%s: !moda.depth_stream<1x8x1x16xf16, size = 2, capacity = 2, window>, %k: tensor<1x8x1x16xf16>) -> tensor<1x8x2x1x16xf16> {
  %dk, %dv = moda.stream.entries %s : !moda.depth_stream<1x8x1x16xf16, size = 2, capacity = 2, window> -> tensor<1x8x2x1x16xf16>, tensor<1x8x2x1x16xf16>
  // expected-note @+1 {{the append}}
  %t = moda.stream.append %s, %k, %k : !moda.depth_stream<1x8x1x16xf16, size = 2, capacity = 2, window>, tensor<1x8x1x16xf16>, tensor<1x8x1x16xf16> -> !moda.depth_stream<1x8x1x16xf16, size = 3, capacity = 2, window>
  // expected-error @+1 {{'func.return' op reads the entries of a depth stream with `window` after an append that may overwrite the oldest of them (its slot is the stream's size mod capacity): read them before the append}}
  return %dk : tensor<1x8x2x1x16xf16>
}
