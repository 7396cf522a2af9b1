// RUN: rm -rf %t && not moda-compile %moda_src_root/examples/attention.mlir -o %t --ptxas=%S/Inputs/ptxas-spills.sh 2>&1 | FileCheck %s --check-prefix=REFUSED
// RUN: ls %t | count 0
// RUN: moda-compile %moda_src_root/examples/attention.mlir -o %t --ptxas=%S/Inputs/ptxas-spills.sh --allow-spills | FileCheck %s --check-prefix=ALLOWED
// RUN: FileCheck %s --input-file %t/moda_attention_0.json --check-prefix=MANIFEST

// A kernel for which ptxas -v reports register spills is an error (one
// message, exit 1, no artifact left) unless --allow-spills accepts it; the
// manifest then records the spills. Inputs/ptxas-spills.sh stands in for a
// ptxas that reports them.

// REFUSED: moda-compile: kernel moda_attention_0 spills registers (ptxas -v: 24 bytes spill stores, 16 bytes spill loads); choose a configuration with smaller tiles, or pass --allow-spills to accept it; nothing was written
// ALLOWED: moda-compile: moda_attention_0 -> {{.*}}moda_attention_0.ptx (+cubin)
// MANIFEST: "spill_loads": 16
// MANIFEST: "spill_stores": 24
