// RUN: rm -rf %t && not moda-compile %moda_src_root/examples/attention.mlir -o %t --cuda-path=%t.nocuda 2>&1 | FileCheck %s --check-prefix=CUDA
// RUN: not ls %t
// RUN: rm -rf %t && not moda-compile %moda_src_root/examples/attention.mlir -o %t --ptxas=%t.noptxas 2>&1 | FileCheck %s --check-prefix=PTXAS
// RUN: ls %t | count 0

// A failed compile is one clear message, a non-zero exit and no artifact:
// without libdevice nothing is compiled to PTX (it would carry unresolved
// __nv_* externs); when ptxas cannot assemble, the PTX written for it is
// removed again.

// CUDA: moda-compile: libdevice not found at {{.*}}nocuda/nvvm/libdevice/libdevice.10.bc (is --cuda-path={{.*}}nocuda a CUDA toolkit?); nothing was written
// PTXAS: moda-compile: ptxas failed on {{.*}}moda_attention_0.ptx
