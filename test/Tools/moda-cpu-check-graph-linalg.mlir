// RUN: %python %moda_src_root/utils/make-model-graph.py --layers 2 --tokens 19 > %t.f32.mlir
// RUN: moda-cpu-check --input %t.f32.mlir --whole-graph | FileCheck %s
// RUN: %python %moda_src_root/utils/make-model-graph.py --layers 2 --tokens 19 --activations bf16 > %t.bf16.mlir
// RUN: moda-cpu-check --input %t.bf16.mlir --whole-graph | FileCheck %s

// A model graph with its projections (linalg.matmul), post-norm RMSNorm and
// SiLU FFN (linalg.generic), compiled whole for the host and judged against
// the float64 interpretation of every op (GraphInterpreter.cpp), with f32 and
// with bf16 activations.

// CHECK: PASS graph @model  result 0 (out)
// CHECK: cpu-graph-check: 1 passed, 0 failed
