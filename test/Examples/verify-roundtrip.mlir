// RUN: moda-opt %moda_src_root/examples/model4.mlir --verify-roundtrip | FileCheck %s
// RUN: moda-opt %moda_src_root/examples/attention.mlir --verify-roundtrip | FileCheck %s --check-prefix=ATTN
// RUN: moda-opt %moda_src_root/examples/model_loop.mlir --verify-roundtrip | FileCheck %s --check-prefix=LOOP

// mlir-opt's --verify-roundtrip prints each example in the custom and the
// generic form and as bytecode, parses each back and compares: every moda
// op, type and attribute in the examples survives all three.

// CHECK: func.func @model
// CHECK-COUNT-4: moda.attention
// ATTN: func.func @attention
// ATTN: moda.attention
// LOOP: func.func @model
// LOOP: scf.for
// LOOP: moda.stream.entries {{.*}} capacity = 4, window>
// LOOP: moda.attention
