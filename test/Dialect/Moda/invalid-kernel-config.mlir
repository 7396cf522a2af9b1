// RUN: moda-opt %s -split-input-file -verify-diagnostics

// The #moda.config attribute.

// expected-error @+1 {{kernel config 'block_m' must be positive, got 0}}
func.func private @block_m() attributes {c = #moda.config<block_m = 0, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = mma_sync, target = "sm_90a">}

// -----

// expected-error @+1 {{kernel config 'block_n' must be positive, got -64}}
func.func private @block_n() attributes {c = #moda.config<block_m = 64, block_n = -64, block_depth = 64, num_warps = 4, num_stages = 2, mma = mma_sync, target = "sm_90a">}

// -----

// expected-error @+1 {{kernel config 'block_depth' must be positive, got 0}}
func.func private @block_depth() attributes {c = #moda.config<block_m = 64, block_n = 64, block_depth = 0, num_warps = 4, num_stages = 2, mma = mma_sync, target = "sm_90a">}

// -----

// expected-error @+1 {{kernel config 'num_stages' must be positive, got 0}}
func.func private @num_stages() attributes {c = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 0, mma = mma_sync, target = "sm_90a">}

// -----

// expected-error @+1 {{kernel config 'num_warps' must be a power of two in [1, 32], got 6}}
func.func private @num_warps() attributes {c = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 6, num_stages = 2, mma = mma_sync, target = "sm_90a">}

// -----

// expected-error @+1 {{kernel config 'target' must name a GPU architecture such as "sm_90a", got "gfx942"}}
func.func private @target() attributes {c = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = mma_sync, target = "gfx942">}

// -----

// expected-error @+2 {{expected ::mlir::moda::MmaKind to be one of: fma, mma_sync, wgmma}}
// expected-error @+1 {{failed to parse Moda_KernelConfigAttr parameter 'mma'}}
func.func private @mma() attributes {c = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = tensor_core, target = "sm_90a">}

// -----

// expected-error @+1 {{kernel config 'block_m' must be at most 4096, got 2147483648}}
func.func private @block_m_huge() attributes {c = #moda.config<block_m = 2147483648, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = mma_sync, target = "sm_90a">}

// -----

// expected-error @+1 {{kernel config 'num_stages' must be at most 8, got 100}}
func.func private @stages_many() attributes {c = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 100, mma = mma_sync, target = "sm_90a">}

// -----

// One compiler builds every kernel: a configuration names no lowering.
// expected-error @+1 {{duplicate or unknown struct parameter name: lowering}}
func.func private @lowering() attributes {c = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a", lowering = tile>}

// -----

// expected-error @+1 {{kernel config 'kv_splits' must be positive, got 0}}
func.func private @kv_splits_zero() attributes {c = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = mma_sync, target = "sm_90a", kv_splits = 0>}

// -----

// expected-error @+1 {{kernel config 'kv_splits' must be at most 256, got 300}}
func.func private @kv_splits_many() attributes {c = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = mma_sync, target = "sm_90a", kv_splits = 300>}
