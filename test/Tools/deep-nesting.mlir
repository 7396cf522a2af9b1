// RUN: not moda-opt %S/Inputs/deeply-nested.mlir 2>&1 | FileCheck %s
// RUN: not moda-opt < %S/Inputs/deeply-nested.mlir 2>&1 | FileCheck %s --check-prefix=STDIN
// RUN: moda-opt --allow-unregistered-dialect < %s | FileCheck %s --check-prefix=FINE
// RUN: not moda-compile %S/Inputs/deeply-nested.mlir -o %t 2>&1 | FileCheck %s
// RUN: not moda-cpu-check --input=%S/Inputs/deeply-nested.mlir 2>&1 | FileCheck %s
// RUN: moda-opt %s --allow-unregistered-dialect | FileCheck %s --check-prefix=FINE

// Brackets nested deeper than the parser's stack can take are refused
// before parsing, with where (MLIR's textual parser recurses once per
// bracket: LLVM 22's mlir-opt dies on this input). Brackets in strings and
// comments, and arrows, do not count: the op below parses.

// CHECK: deeply-nested.mlir:2:{{[0-9]+}}: error: brackets nested more than 256 deep: refused before parsing
// STDIN: -:2:{{[0-9]+}}: error: brackets nested more than 256 deep: refused before parsing

// FINE: "test.op"() {s = "
// FINE-SAME: "} : () -> ()
// [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[
"test.op"() {s = "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["} : () -> ()
