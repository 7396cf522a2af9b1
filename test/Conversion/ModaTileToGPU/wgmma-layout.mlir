// RUN: moda-opt %s -split-input-file -convert-moda-tile-to-gpu | FileCheck %s

// The wgmma layout: one warpgroup (four warps), a 64-row block (one m-tile).
// The key tile lands in a swizzled buffer of the dynamic shared memory,
// 1024-byte aligned (the kernel rounds the start up; the manifest's 3056
// bytes are the tile's 2048 and 1008 of slack); every thread fences its
// writes to the async proxy before the barrier. Q K^T is four k16 steps of
// one m64n16k16 wgmma, A from registers, B K-major through a descriptor
// (scale-d 0 on the first step: the zero accumulator is not read; every
// operand register is made before the fence, so the first wgmma follows
// it but for its scale-d flag), then
// committed and waited for (the accumulators pass through the wait, so no
// read of them is scheduled above it); the row max and sum combine over a row's four
// lanes; P V (onto a nonzero accumulator) is one k16 step reading the tile
// N-major (transposed); only the first lane of a row writes its lse.

// CHECK-LABEL: gpu.func @program
// CHECK-SAME: known_block_size = array<i32: 128, 1, 1>
// CHECK-SAME: dynamic_shared_memory = 3056
// CHECK: %[[BYTES:.*]] = gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
// CHECK: %[[START:.*]] = memref.extract_aligned_pointer_as_index %[[BYTES]]
// CHECK: %[[NEG:.*]] = arith.subi %{{.*}}, %[[START]]
// CHECK: %[[ALIGN:.*]] = arith.andi %[[NEG]], %c1023
// CHECK: %[[OFFSET:.*]] = arith.addi %[[ALIGN]], %c0
// CHECK: %[[SHARED:.*]] = memref.view %[[BYTES]][%[[OFFSET]]][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<1024xbf16, #gpu.address_space<workgroup>>
// CHECK: nvgpu.device_async_copy %{{.*}}, %[[SHARED]][%{{.*}}], 8, %{{.*}} {bypassL1}
// CHECK: nvvm.cp.async.wait.group 0
// CHECK-NEXT: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK-NEXT: gpu.barrier
// CHECK: nvvm.wgmma.fence.aligned
// CHECK-NEXT: arith.constant {{.*}} : i32
// CHECK-NEXT: wgmma.mma_async.sync.aligned.m64n16k16.f32.bf16.bf16 {{.*}}, p, 1, 1, 0;
// CHECK-COUNT-3: wgmma.mma_async.sync.aligned.m64n16k16.f32.bf16.bf16 {{.*}}, p, 1, 1, 0;
// CHECK-NOT: wgmma.mma_async
// CHECK: nvvm.wgmma.commit.group.sync.aligned
// CHECK-NEXT: llvm.inline_asm has_side_effects {{.*}}"wgmma.wait_group.sync.aligned 0;"
// CHECK: vector.reduction <maximumf>
// CHECK: gpu.shuffle  xor %{{.*}}, %c1_i32
// CHECK: gpu.shuffle  xor %{{.*}}, %c2_i32
// CHECK: vector.reduction <add>
// CHECK: nvvm.wgmma.fence.aligned
// CHECK: wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16 {{.*}}, p, 1, 1, 1;
// CHECK-NOT: wgmma.mma_async
// CHECK: nvvm.wgmma.commit.group.sync.aligned
// CHECK-NEXT: llvm.inline_asm has_side_effects {{.*}}"wgmma.wait_group.sync.aligned 0;"
// CHECK: math.log
// CHECK: %[[FIRST_LANE:.*]] = arith.cmpi eq, %{{.*}}, %c0
// CHECK: arith.andi %[[FIRST_LANE]]
// CHECK: memref.store %{{.*}} : memref<?xf32>
// CHECK: gpu.return
// CHECK-NOT: moda_tile
func.func private @program(%q: memref<?xbf16>, %k: memref<?xbf16>, %out: memref<?xbf16>, %lse: memref<?xf32>, %T: index, %S: index) attributes {moda_tile.program, moda.kernel_abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 1, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 64, block_n = 16, block_depth = 16, num_warps = 4, num_stages = 1, mma = wgmma, target = "sm_90a">, sizes = [B = ?, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"q" : bf16, input, shape = [B, T, 1, 64], strides = [T*64, 64, 64, 1]>], launches = [#moda.abi_launch<"program", grid = [T ceildiv 64, 1, B], threads = 128, dynamic_shared_memory = 0>]>} {
  %block = moda_tile.program_id x
  %head = moda_tile.program_id y
  %batch = moda_tile.program_id z
  %c0 = arith.constant 0 : index
  %query = moda_tile.load %q[%batch, %head, %block] end %T extent %T {copy = #moda_tile.copy<kind = vector>, rows = #moda_tile.rows<kind = query, heads = 1>} : memref<?xbf16> -> tensor<64x64xbf16>
  %keys = moda_tile.load %k[%batch, %head, %c0] end %S extent %S {copy = #moda_tile.copy<kind = cp_async, stages = 1>, rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> tensor<16x64xbf16>
  %zeros = arith.constant dense<0.0> : tensor<64x16xf32>
  %s = moda_tile.dot %query, %keys, %zeros {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>, transpose_rhs} : tensor<64x64xbf16>, tensor<16x64xbf16> -> tensor<64x16xf32>
  %max0 = arith.constant dense<0xFF800000> : tensor<64xf32>
  %sum0 = arith.constant dense<0.0> : tensor<64xf32>
  %acc0 = arith.constant dense<1.0> : tensor<64x64xf32>
  %max1, %p, %alpha, %sum1 = moda_tile.softmax_update %s, %max0, %sum0 {exp2_scale = 0.18 : f32} : tensor<64x16xf32>, tensor<64xf32>
  %acc1 = moda_tile.dot %p, %keys, %acc0 {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>} : tensor<64x16xf32>, tensor<16x64xbf16> -> tensor<64x64xf32>
  %o, %l = moda_tile.finalize %acc1, %max1, %sum1 {exp2_scale = 0.18 : f32} : tensor<64x64xf32>, tensor<64xf32> -> tensor<64x64xbf16>
  moda_tile.store %o, %out[%batch, %head, %block] end %T extent %T {rows = #moda_tile.rows<kind = query, heads = 1>} : tensor<64x64xbf16>, memref<?xbf16>
  moda_tile.store %l, %lse[%batch, %head, %block] end %T extent %T {rows = #moda_tile.rows<kind = lse, heads = 1>} : tensor<64xf32>, memref<?xf32>
  return
}

// -----

// Async products (moda-tile-async-dots): each is committed and not waited
// for; the dot_wait is one wgmma.wait_group leaving the younger product
// running, the older one's eight accumulator registers (a 64x16 tile over
// 128 threads) passing through it, and so do its sixteen A-operand words
// (the query's 64x64 bf16 fragments, four k-steps of four b32 registers):
// a wgmma reads them while it runs, so they are held, unreused, to here.

// CHECK-LABEL: gpu.func @async_products
// CHECK: wgmma.mma_async.sync.aligned.m64n16k16
// CHECK: nvvm.wgmma.commit.group.sync.aligned
// CHECK-NOT: wait_group
// CHECK: wgmma.mma_async.sync.aligned.m64n16k16
// CHECK: nvvm.wgmma.commit.group.sync.aligned
// CHECK-NOT: wait_group
// CHECK: llvm.inline_asm has_side_effects asm_dialect = att "wgmma.wait_group.sync.aligned 1;", "=f,=f,=f,=f,=f,=f,=f,=f,=r,=r,=r,=r,=r,=r,=r,=r,=r,=r,=r,=r,=r,=r,=r,=r,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23"
// CHECK: vector.from_elements
// CHECK: vector.reduction <maximumf>
// CHECK: "wgmma.wait_group.sync.aligned 0;"
// CHECK: gpu.return
func.func private @async_products(%q: memref<?xbf16>, %k: memref<?xbf16>, %out: memref<?xbf16>, %lse: memref<?xf32>, %T: index, %S: index) attributes {moda_tile.program, moda.kernel_abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 1, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 64, block_n = 16, block_depth = 16, num_warps = 4, num_stages = 1, mma = wgmma, target = "sm_90a">, sizes = [B = ?, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"q" : bf16, input, shape = [B, T, 1, 64], strides = [T*64, 64, 64, 1]>], launches = [#moda.abi_launch<"async_products", grid = [T ceildiv 64, 1, B], threads = 128, dynamic_shared_memory = 0>]>} {
  %block = moda_tile.program_id x
  %head = moda_tile.program_id y
  %batch = moda_tile.program_id z
  %c0 = arith.constant 0 : index
  %query = moda_tile.load %q[%batch, %head, %block] end %T extent %T {copy = #moda_tile.copy<kind = vector>, rows = #moda_tile.rows<kind = query, heads = 1>} : memref<?xbf16> -> tensor<64x64xbf16>
  %keys = moda_tile.load %k[%batch, %head, %c0] end %S extent %S {copy = #moda_tile.copy<kind = cp_async, stages = 1>, rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> tensor<16x64xbf16>
  %zeros = arith.constant dense<0.0> : tensor<64x16xf32>
  %s = moda_tile.dot %query, %keys, %zeros {async, layout = #moda_tile.layout<kind = wgmma, num_warps = 4>, transpose_rhs} : tensor<64x64xbf16>, tensor<16x64xbf16> -> tensor<64x16xf32>
  %t = moda_tile.dot %query, %keys, %zeros {async, layout = #moda_tile.layout<kind = wgmma, num_warps = 4>, transpose_rhs} : tensor<64x64xbf16>, tensor<16x64xbf16> -> tensor<64x16xf32>
  %s1 = moda_tile.dot_wait %s {pending = 1 : i64} : tensor<64x16xf32>
  %max0 = arith.constant dense<0xFF800000> : tensor<64xf32>
  %sum0 = arith.constant dense<0.0> : tensor<64xf32>
  %max1, %p, %alpha, %sum1 = moda_tile.softmax_update %s1, %max0, %sum0 {exp2_scale = 0.18 : f32} : tensor<64x16xf32>, tensor<64xf32>
  %t1 = moda_tile.dot_wait %t {pending = 0 : i64} : tensor<64x16xf32>
  %max2, %p2, %alpha2, %sum2 = moda_tile.softmax_update %t1, %max1, %sum1 {exp2_scale = 0.18 : f32} : tensor<64x16xf32>, tensor<64xf32>
  moda_tile.store %max2, %lse[%batch, %head, %block] end %T extent %T {rows = #moda_tile.rows<kind = lse, heads = 1>} : tensor<64xf32>, memref<?xf32>
  return
}

// -----

// A left operand from shared memory (lhs_from_shared): the key tile, loaded
// once before the loop, has a buffer of its own (8192 bytes; the loop's
// streamed query tile another, 2048) and stays there; each wgmma of the
// loop reads A through a descriptor (no A registers: "{$0 .. $7}, $8, $9,
// p": A's descriptor, then B's) in K-major.

// CHECK-LABEL: gpu.func @held_keys
// CHECK-SAME: dynamic_shared_memory = 11248
// CHECK: memref.view {{.*}} to memref<4096xbf16, #gpu.address_space<workgroup>>
// CHECK: memref.view {{.*}} to memref<1024xbf16, #gpu.address_space<workgroup>>
// CHECK: scf.for
// CHECK: nvvm.wgmma.fence.aligned
// CHECK-NEXT: arith.constant {{.*}} : i32
// CHECK-NEXT: llvm.inline_asm has_side_effects {{.*}}"{\0A.reg .pred p;\0Asetp.ne.b32 p, $10, 0;\0Awgmma.mma_async.sync.aligned.m64n16k16.f32.bf16.bf16 {$0, $1, $2, $3, $4, $5, $6, $7}, $8, $9, p, 1, 1, 0, 0;
func.func private @held_keys(%q: memref<?xbf16>, %k: memref<?xbf16>, %lse: memref<?xf32>, %T: index, %S: index, %n: index) attributes {moda_tile.program, moda.kernel_abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 1, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 64, block_n = 16, block_depth = 16, num_warps = 4, num_stages = 1, mma = wgmma, target = "sm_90a">, sizes = [B = ?, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"q" : bf16, input, shape = [B, T, 1, 64], strides = [T*64, 64, 64, 1]>], launches = [#moda.abi_launch<"held_keys", grid = [T ceildiv 64, 1, B], threads = 128, dynamic_shared_memory = 0>]>} {
  %block = moda_tile.program_id x
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %keys = moda_tile.load %k[%c0, %c0, %block] end %S extent %S {copy = #moda_tile.copy<kind = vector>, rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> tensor<64x64xbf16>
  %zeros = arith.constant dense<0.0> : tensor<64x16xf32>
  %max0 = arith.constant dense<0xFF800000> : tensor<64xf32>
  %max = scf.for %j = %c0 to %n step %c1 iter_args(%m = %max0) -> (tensor<64xf32>) {
    %rows = moda_tile.load %q[%c0, %c0, %j] end %T extent %T {copy = #moda_tile.copy<kind = vector>, rows = #moda_tile.rows<kind = query, heads = 1>} : memref<?xbf16> -> tensor<16x64xbf16>
    %s = moda_tile.dot %keys, %rows, %zeros {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>, lhs_from_shared, transpose_rhs} : tensor<64x64xbf16>, tensor<16x64xbf16> -> tensor<64x16xf32>
    %m1, %p, %alpha, %sum = moda_tile.softmax_update %s, %m, %max0 {exp2_scale = 0.18 : f32} : tensor<64x16xf32>, tensor<64xf32>
    scf.yield %m1 : tensor<64xf32>
  }
  moda_tile.store %max, %lse[%c0, %c0, %block] end %T extent %T {rows = #moda_tile.rows<kind = lse, heads = 1>} : tensor<64xf32>, memref<?xf32>
  return
}

// -----

// Products chained through an async accumulator are waited for with the
// last one: that wait holds both products' A registers (sixteen b32 words
// each), so neither product's operands are reused while they run.

// CHECK-LABEL: gpu.func @chained_products
// CHECK-COUNT-2: nvvm.wgmma.commit.group.sync.aligned
// CHECK: "wgmma.wait_group.sync.aligned 0;", "=f,=f,=f,=f,=f,=f,=f,=f,=r,=r,=r,=r,=r,=r,=r,=r,=r,=r,=r,=r,=r,=r,=r,=r,=r,=r,=r,=r,=r,=r,=r,=r,=r,=r,=r,=r,=r,=r,=r,=r,0,
// CHECK: gpu.return
func.func private @chained_products(%q: memref<?xbf16>, %k: memref<?xbf16>, %out: memref<?xbf16>, %lse: memref<?xf32>, %T: index, %S: index) attributes {moda_tile.program, moda.kernel_abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 1, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 64, block_n = 16, block_depth = 16, num_warps = 4, num_stages = 1, mma = wgmma, target = "sm_90a">, sizes = [B = ?, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"q" : bf16, input, shape = [B, T, 1, 64], strides = [T*64, 64, 64, 1]>], launches = [#moda.abi_launch<"chained_products", grid = [T ceildiv 64, 1, B], threads = 128, dynamic_shared_memory = 0>]>} {
  %block = moda_tile.program_id x
  %head = moda_tile.program_id y
  %batch = moda_tile.program_id z
  %c0 = arith.constant 0 : index
  %query = moda_tile.load %q[%batch, %head, %block] end %T extent %T {copy = #moda_tile.copy<kind = vector>, rows = #moda_tile.rows<kind = query, heads = 1>} : memref<?xbf16> -> tensor<64x64xbf16>
  %keys = moda_tile.load %k[%batch, %head, %c0] end %S extent %S {copy = #moda_tile.copy<kind = cp_async, stages = 1>, rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> tensor<16x64xbf16>
  %zeros = arith.constant dense<0.0> : tensor<64x16xf32>
  %s = moda_tile.dot %query, %keys, %zeros {async, layout = #moda_tile.layout<kind = wgmma, num_warps = 4>, transpose_rhs} : tensor<64x64xbf16>, tensor<16x64xbf16> -> tensor<64x16xf32>
  %t = moda_tile.dot %query, %keys, %s {async, layout = #moda_tile.layout<kind = wgmma, num_warps = 4>, transpose_rhs} : tensor<64x64xbf16>, tensor<16x64xbf16> -> tensor<64x16xf32>
  %t1 = moda_tile.dot_wait %t {pending = 0 : i64} : tensor<64x16xf32>
  %max0 = arith.constant dense<0xFF800000> : tensor<64xf32>
  %sum0 = arith.constant dense<0.0> : tensor<64xf32>
  %max1, %p, %alpha, %sum1 = moda_tile.softmax_update %t1, %max0, %sum0 {exp2_scale = 0.18 : f32} : tensor<64x16xf32>, tensor<64xf32>
  moda_tile.store %max1, %lse[%batch, %head, %block] end %T extent %T {rows = #moda_tile.rows<kind = lse, heads = 1>} : tensor<64xf32>, memref<?xf32>
  return
}
