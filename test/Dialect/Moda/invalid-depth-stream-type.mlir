// RUN: moda-opt %s -split-input-file -verify-diagnostics

// The !moda.depth_stream type.

// expected-error @+1 {{depth stream entry shape must have rank 4 [B, T, Hk, D], got rank 3}}
func.func private @rank(!moda.depth_stream<16x2x8xf16, size = 0, capacity = 4>)

// -----

// expected-error @+1 {{depth stream 'Hk' must be a static positive size}}
func.func private @dynamic_heads(!moda.depth_stream<1x16x?x8xf16, size = 0, capacity = 4>)

// -----

// expected-error @+1 {{depth stream 'D' must be a static positive size}}
func.func private @dynamic_head_dim(!moda.depth_stream<1x16x2x?xf16, size = 0, capacity = 4>)

// -----

// expected-error @+1 {{depth stream element type must be bf16, f16 or f32, got 'i8'}}
func.func private @element_type(!moda.depth_stream<1x16x2x8xi8, size = 0, capacity = 4>)

// -----

// expected-error @+1 {{depth stream capacity must be positive, got 0}}
func.func private @capacity(!moda.depth_stream<1x16x2x8xf16, size = 0, capacity = 0>)

// -----

// expected-error @+1 {{depth stream size 5 is outside [0, capacity = 4] (a stream with `window` keeps the most recent `capacity` entries of any number)}}
func.func private @over_capacity(!moda.depth_stream<1x16x2x8xf16, size = 5, capacity = 4>)

// -----

// expected-error @+1 {{depth stream size must be non-negative, got -1}}
func.func private @negative_size(!moda.depth_stream<1x16x2x8xf16, size = -1, capacity = 4, window>)

// -----

// expected-error @+1 {{expected 'window'}}
func.func private @other_policy(!moda.depth_stream<1x16x2x8xf16, size = 1, capacity = 4, ring>)

// -----

// expected-error @+1 {{expected ','}}
func.func private @syntax(!moda.depth_stream<1x16x2x8xf16, size = 1>)
