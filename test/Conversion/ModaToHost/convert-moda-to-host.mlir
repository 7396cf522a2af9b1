// RUN: moda-opt %s -convert-moda-to-host | FileCheck %s

// The CPU path: the same block body, one thread per block. The block
// function takes the block ids as arguments and keeps its tiles on the
// stack; the launcher loops over the grid.

// CHECK-LABEL: func.func @attention
// CHECK: call @moda_attention_0_launch

// CHECK-LABEL: func.func private @moda_attention_0_block
// CHECK-SAME: (%{{.*}}: memref<?xf16>, {{.*}}, %[[BX:[^:]*]]: index, %[[BY:[^:]*]]: index, %[[BZ:[^:]*]]: index)
// The block function carries the ABI, its launch the grid the launcher
// loops over.
// CHECK-SAME: moda.kernel_abi = #moda.kernel_abi<op = attention, element_type = f16, num_query_heads = 8, num_kv_heads = 1, head_dim = 64, causal = false, visibility = chunk, chunk_size = 5,
// CHECK-SAME: launches = [<"moda_attention_0_block", grid = [T*8 ceildiv 16, 1, B], threads = 32, dynamic_shared_memory = 0, writes = ["out", "lse"]>]>
// CHECK-COUNT-4: memref.alloca() {alignment = 16 : i64} : memref<{{[0-9]+}}xf16>
// CHECK-NOT: gpu.
// CHECK: vector.load
// CHECK: math.exp2
// CHECK: return

// CHECK-LABEL: func.func @moda_attention_0_launch
// CHECK: %[[BLOCKS:.*]] = arith.ceildivui
// CHECK: scf.for %[[Z:.*]] = %c0 to %{{.*}} step %c1
// CHECK: scf.for %[[Y:.*]] = %c0 to %{{.*}} step %c1
// CHECK: scf.for %[[X:.*]] = %c0 to %[[BLOCKS]] step %c1
// CHECK: func.call @moda_attention_0_block({{.*}}, %[[X]], %[[Y]], %[[Z]])
func.func @attention(%q: tensor<2x33x8x64xf16>, %k: tensor<2x33x1x64xf16>, %dk: tensor<2x33x1x1x64xf16>) -> tensor<2x33x8x64xf16> {
  %o, %l = moda.attention q(%q : tensor<2x33x8x64xf16>) kv(%k, %k : tensor<2x33x1x64xf16>, tensor<2x33x1x64xf16>) depth(%dk, %dk : tensor<2x33x1x1x64xf16>, tensor<2x33x1x1x64xf16>) {visibility = #moda.visibility<chunk>, chunk_size = 5, config = #moda.config<block_m = 16, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">} -> tensor<2x33x8x64xf16>, tensor<2x8x33xf32>
  return %o : tensor<2x33x8x64xf16>
}
