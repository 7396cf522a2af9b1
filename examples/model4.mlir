// A 4-layer MoDA model graph (MODA.md section 4), written by
//   utils/make-model-graph.py --layers 4 --tokens 200 --query-heads 4
// (whose docstring says what each layer computes): projections, post-norm RMSNorm, SiLU FFN,
// the FFN input's KV projection, and the depth stream threaded through the layers.
// B = 1, T = 200, Hq = 4, Hk = 1, D = 64, d_model = 256, ffn = 256; activations f32.
#tile = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#column = affine_map<(d0, d1) -> (d1)>
func.func @model(%input: tensor<1x200x256xf32>,
                 %wq0: tensor<256x256xbf16>,
                 %wk0: tensor<256x64xbf16>,
                 %wv0: tensor<256x64xbf16>,
                 %wo0: tensor<256x256xbf16>,
                 %g1_0: tensor<256xbf16>,
                 %w1_0: tensor<256x256xbf16>,
                 %w2_0: tensor<256x256xbf16>,
                 %wkv0: tensor<256x128xbf16>,
                 %g2_0: tensor<256xbf16>,
                 %wq1: tensor<256x256xbf16>,
                 %wk1: tensor<256x64xbf16>,
                 %wv1: tensor<256x64xbf16>,
                 %wo1: tensor<256x256xbf16>,
                 %g1_1: tensor<256xbf16>,
                 %w1_1: tensor<256x256xbf16>,
                 %w2_1: tensor<256x256xbf16>,
                 %wkv1: tensor<256x128xbf16>,
                 %g2_1: tensor<256xbf16>,
                 %wq2: tensor<256x256xbf16>,
                 %wk2: tensor<256x64xbf16>,
                 %wv2: tensor<256x64xbf16>,
                 %wo2: tensor<256x256xbf16>,
                 %g1_2: tensor<256xbf16>,
                 %w1_2: tensor<256x256xbf16>,
                 %w2_2: tensor<256x256xbf16>,
                 %wkv2: tensor<256x128xbf16>,
                 %g2_2: tensor<256xbf16>,
                 %wq3: tensor<256x256xbf16>,
                 %wk3: tensor<256x64xbf16>,
                 %wv3: tensor<256x64xbf16>,
                 %wo3: tensor<256x256xbf16>,
                 %g1_3: tensor<256xbf16>,
                 %w1_3: tensor<256x256xbf16>,
                 %w2_3: tensor<256x256xbf16>,
                 %wkv3: tensor<256x128xbf16>,
                 %g2_3: tensor<256xbf16>)
    -> tensor<1x200x256xf32> {
  %zero = arith.constant 0.0 : f32
  %stream0 = moda.stream.empty : !moda.depth_stream<1x200x1x64xbf16, size = 0, capacity = 8>
  %x2d_0 = tensor.collapse_shape %input [[0, 1], [2]] : tensor<1x200x256xf32> into tensor<200x256xf32>
  // Layer 0: reads L = 0 depth entries per position.
  %e1 = tensor.empty() : tensor<200x256xf32>
  %z2 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<200x256xf32>) -> tensor<200x256xf32>
  %acc3 = linalg.matmul ins(%x2d_0, %wq0 : tensor<200x256xf32>, tensor<256x256xbf16>) outs(%z2 : tensor<200x256xf32>) -> tensor<200x256xf32>
  %e4 = tensor.empty() : tensor<200x256xbf16>
  %p5 = linalg.generic {indexing_maps = [#tile, #tile], iterator_types = ["parallel", "parallel"]} ins(%acc3 : tensor<200x256xf32>) outs(%e4 : tensor<200x256xbf16>) {
  ^bb0(%a: f32, %o: bf16):
    %c = arith.constant 6.250000000e-02 : f32
    %s = arith.mulf %a, %c : f32
    %t = arith.truncf %s : f32 to bf16
    linalg.yield %t : bf16
  } -> tensor<200x256xbf16>
  %e6 = tensor.empty() : tensor<200x64xf32>
  %z7 = linalg.fill ins(%zero : f32) outs(%e6 : tensor<200x64xf32>) -> tensor<200x64xf32>
  %acc8 = linalg.matmul ins(%x2d_0, %wk0 : tensor<200x256xf32>, tensor<256x64xbf16>) outs(%z7 : tensor<200x64xf32>) -> tensor<200x64xf32>
  %e9 = tensor.empty() : tensor<200x64xbf16>
  %p10 = linalg.generic {indexing_maps = [#tile, #tile], iterator_types = ["parallel", "parallel"]} ins(%acc8 : tensor<200x64xf32>) outs(%e9 : tensor<200x64xbf16>) {
  ^bb0(%a: f32, %o: bf16):
    %c = arith.constant 6.250000000e-02 : f32
    %s = arith.mulf %a, %c : f32
    %t = arith.truncf %s : f32 to bf16
    linalg.yield %t : bf16
  } -> tensor<200x64xbf16>
  %e11 = tensor.empty() : tensor<200x64xf32>
  %z12 = linalg.fill ins(%zero : f32) outs(%e11 : tensor<200x64xf32>) -> tensor<200x64xf32>
  %acc13 = linalg.matmul ins(%x2d_0, %wv0 : tensor<200x256xf32>, tensor<256x64xbf16>) outs(%z12 : tensor<200x64xf32>) -> tensor<200x64xf32>
  %e14 = tensor.empty() : tensor<200x64xbf16>
  %p15 = linalg.generic {indexing_maps = [#tile, #tile], iterator_types = ["parallel", "parallel"]} ins(%acc13 : tensor<200x64xf32>) outs(%e14 : tensor<200x64xbf16>) {
  ^bb0(%a: f32, %o: bf16):
    %c = arith.constant 6.250000000e-02 : f32
    %s = arith.mulf %a, %c : f32
    %t = arith.truncf %s : f32 to bf16
    linalg.yield %t : bf16
  } -> tensor<200x64xbf16>
  %q16 = tensor.expand_shape %p5 [[0, 1], [2, 3]] output_shape [1, 200, 4, 64] : tensor<200x256xbf16> into tensor<1x200x4x64xbf16>
  %k17 = tensor.expand_shape %p10 [[0, 1], [2, 3]] output_shape [1, 200, 1, 64] : tensor<200x64xbf16> into tensor<1x200x1x64xbf16>
  %v18 = tensor.expand_shape %p15 [[0, 1], [2, 3]] output_shape [1, 200, 1, 64] : tensor<200x64xbf16> into tensor<1x200x1x64xbf16>
  %dk19, %dv20 = moda.stream.entries %stream0 : !moda.depth_stream<1x200x1x64xbf16, size = 0, capacity = 8> -> tensor<1x200x0x1x64xbf16>, tensor<1x200x0x1x64xbf16>
  %attn21, %lse22 = moda.attention q(%q16 : tensor<1x200x4x64xbf16>) kv(%k17, %v18 : tensor<1x200x1x64xbf16>, tensor<1x200x1x64xbf16>) depth(%dk19, %dv20 : tensor<1x200x0x1x64xbf16>, tensor<1x200x0x1x64xbf16>) {causal} -> tensor<1x200x4x64xbf16>, tensor<1x4x200xf32>
  %attn2d23 = tensor.collapse_shape %attn21 [[0, 1], [2, 3]] : tensor<1x200x4x64xbf16> into tensor<200x256xbf16>
  %e24 = tensor.empty() : tensor<200x256xf32>
  %z25 = linalg.fill ins(%zero : f32) outs(%e24 : tensor<200x256xf32>) -> tensor<200x256xf32>
  %acc26 = linalg.matmul ins(%attn2d23, %wo0 : tensor<200x256xbf16>, tensor<256x256xbf16>) outs(%z25 : tensor<200x256xf32>) -> tensor<200x256xf32>
  %e27 = tensor.empty() : tensor<200x256xf32>
  %p28 = linalg.generic {indexing_maps = [#tile, #tile], iterator_types = ["parallel", "parallel"]} ins(%acc26 : tensor<200x256xf32>) outs(%e27 : tensor<200x256xf32>) {
  ^bb0(%a: f32, %o: f32):
    %c = arith.constant 6.250000000e-02 : f32
    %s = arith.mulf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<200x256xf32>
  %e29 = tensor.empty() : tensor<200xf32>
  %z30 = linalg.fill ins(%zero : f32) outs(%e29 : tensor<200xf32>) -> tensor<200xf32>
  %ss31 = linalg.generic {indexing_maps = [#tile, #tile, #row], iterator_types = ["parallel", "reduction"]} ins(%x2d_0, %p28 : tensor<200x256xf32>, tensor<200x256xf32>) outs(%z30 : tensor<200xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %s = arith.addf %a, %b : f32
    %q = arith.mulf %s, %s : f32
    %r = arith.addf %acc, %q : f32
    linalg.yield %r : f32
  } -> tensor<200xf32>
  %e32 = tensor.empty() : tensor<200x256xf32>
  %h33 = linalg.generic {indexing_maps = [#tile, #tile, #row, #column, #tile], iterator_types = ["parallel", "parallel"]} ins(%x2d_0, %p28, %ss31, %g1_0 : tensor<200x256xf32>, tensor<200x256xf32>, tensor<200xf32>, tensor<256xbf16>) outs(%e32 : tensor<200x256xf32>) {
  ^bb0(%a: f32, %b: f32, %ss: f32, %g: bf16, %o: f32):
    %s = arith.addf %a, %b : f32
    %w = arith.constant 256.0 : f32
    %eps = arith.constant 9.99999997e-07 : f32
    %m = arith.divf %ss, %w : f32
    %me = arith.addf %m, %eps : f32
    %r = math.rsqrt %me : f32
    %n = arith.mulf %s, %r : f32
    %gf = arith.extf %g : bf16 to f32
    %y = arith.mulf %n, %gf : f32
    linalg.yield %y : f32
  } -> tensor<200x256xf32>
  %e34 = tensor.empty() : tensor<200x256xf32>
  %z35 = linalg.fill ins(%zero : f32) outs(%e34 : tensor<200x256xf32>) -> tensor<200x256xf32>
  %acc36 = linalg.matmul ins(%h33, %w1_0 : tensor<200x256xf32>, tensor<256x256xbf16>) outs(%z35 : tensor<200x256xf32>) -> tensor<200x256xf32>
  %e37 = tensor.empty() : tensor<200x256xf32>
  %p38 = linalg.generic {indexing_maps = [#tile, #tile], iterator_types = ["parallel", "parallel"]} ins(%acc36 : tensor<200x256xf32>) outs(%e37 : tensor<200x256xf32>) {
  ^bb0(%a: f32, %o: f32):
    %c = arith.constant 6.250000000e-02 : f32
    %s = arith.mulf %a, %c : f32
    %one = arith.constant 1.0 : f32
    %n = arith.negf %s : f32
    %x = math.exp %n : f32
    %d = arith.addf %x, %one : f32
    %y = arith.divf %s, %d : f32
    linalg.yield %y : f32
  } -> tensor<200x256xf32>
  %e39 = tensor.empty() : tensor<200x256xf32>
  %z40 = linalg.fill ins(%zero : f32) outs(%e39 : tensor<200x256xf32>) -> tensor<200x256xf32>
  %acc41 = linalg.matmul ins(%p38, %w2_0 : tensor<200x256xf32>, tensor<256x256xbf16>) outs(%z40 : tensor<200x256xf32>) -> tensor<200x256xf32>
  %e42 = tensor.empty() : tensor<200x256xf32>
  %p43 = linalg.generic {indexing_maps = [#tile, #tile], iterator_types = ["parallel", "parallel"]} ins(%acc41 : tensor<200x256xf32>) outs(%e42 : tensor<200x256xf32>) {
  ^bb0(%a: f32, %o: f32):
    %c = arith.constant 6.250000000e-02 : f32
    %s = arith.mulf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<200x256xf32>
  %e44 = tensor.empty() : tensor<200x128xf32>
  %z45 = linalg.fill ins(%zero : f32) outs(%e44 : tensor<200x128xf32>) -> tensor<200x128xf32>
  %acc46 = linalg.matmul ins(%h33, %wkv0 : tensor<200x256xf32>, tensor<256x128xbf16>) outs(%z45 : tensor<200x128xf32>) -> tensor<200x128xf32>
  %e47 = tensor.empty() : tensor<200x128xbf16>
  %p48 = linalg.generic {indexing_maps = [#tile, #tile], iterator_types = ["parallel", "parallel"]} ins(%acc46 : tensor<200x128xf32>) outs(%e47 : tensor<200x128xbf16>) {
  ^bb0(%a: f32, %o: bf16):
    %c = arith.constant 6.250000000e-02 : f32
    %s = arith.mulf %a, %c : f32
    %t = arith.truncf %s : f32 to bf16
    linalg.yield %t : bf16
  } -> tensor<200x128xbf16>
  %fk49 = tensor.extract_slice %p48[0, 0] [200, 64] [1, 1] : tensor<200x128xbf16> to tensor<200x64xbf16>
  %fv50 = tensor.extract_slice %p48[0, 64] [200, 64] [1, 1] : tensor<200x128xbf16> to tensor<200x64xbf16>
  %fk51 = tensor.expand_shape %fk49 [[0, 1], [2, 3]] output_shape [1, 200, 1, 64] : tensor<200x64xbf16> into tensor<1x200x1x64xbf16>
  %fv52 = tensor.expand_shape %fv50 [[0, 1], [2, 3]] output_shape [1, 200, 1, 64] : tensor<200x64xbf16> into tensor<1x200x1x64xbf16>
  %e53 = tensor.empty() : tensor<200xf32>
  %z54 = linalg.fill ins(%zero : f32) outs(%e53 : tensor<200xf32>) -> tensor<200xf32>
  %ss55 = linalg.generic {indexing_maps = [#tile, #tile, #row], iterator_types = ["parallel", "reduction"]} ins(%h33, %p43 : tensor<200x256xf32>, tensor<200x256xf32>) outs(%z54 : tensor<200xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %s = arith.addf %a, %b : f32
    %q = arith.mulf %s, %s : f32
    %r = arith.addf %acc, %q : f32
    linalg.yield %r : f32
  } -> tensor<200xf32>
  %e56 = tensor.empty() : tensor<200x256xf32>
  %h57 = linalg.generic {indexing_maps = [#tile, #tile, #row, #column, #tile], iterator_types = ["parallel", "parallel"]} ins(%h33, %p43, %ss55, %g2_0 : tensor<200x256xf32>, tensor<200x256xf32>, tensor<200xf32>, tensor<256xbf16>) outs(%e56 : tensor<200x256xf32>) {
  ^bb0(%a: f32, %b: f32, %ss: f32, %g: bf16, %o: f32):
    %s = arith.addf %a, %b : f32
    %w = arith.constant 256.0 : f32
    %eps = arith.constant 9.99999997e-07 : f32
    %m = arith.divf %ss, %w : f32
    %me = arith.addf %m, %eps : f32
    %r = math.rsqrt %me : f32
    %n = arith.mulf %s, %r : f32
    %gf = arith.extf %g : bf16 to f32
    %y = arith.mulf %n, %gf : f32
    linalg.yield %y : f32
  } -> tensor<200x256xf32>
  %stream58 = moda.stream.append %stream0, %k17, %v18 : !moda.depth_stream<1x200x1x64xbf16, size = 0, capacity = 8>, tensor<1x200x1x64xbf16>, tensor<1x200x1x64xbf16> -> !moda.depth_stream<1x200x1x64xbf16, size = 1, capacity = 8>
  %stream1 = moda.stream.append %stream58, %fk51, %fv52 : !moda.depth_stream<1x200x1x64xbf16, size = 1, capacity = 8>, tensor<1x200x1x64xbf16>, tensor<1x200x1x64xbf16> -> !moda.depth_stream<1x200x1x64xbf16, size = 2, capacity = 8>
  // Layer 1: reads L = 2 depth entries per position.
  %e59 = tensor.empty() : tensor<200x256xf32>
  %z60 = linalg.fill ins(%zero : f32) outs(%e59 : tensor<200x256xf32>) -> tensor<200x256xf32>
  %acc61 = linalg.matmul ins(%h57, %wq1 : tensor<200x256xf32>, tensor<256x256xbf16>) outs(%z60 : tensor<200x256xf32>) -> tensor<200x256xf32>
  %e62 = tensor.empty() : tensor<200x256xbf16>
  %p63 = linalg.generic {indexing_maps = [#tile, #tile], iterator_types = ["parallel", "parallel"]} ins(%acc61 : tensor<200x256xf32>) outs(%e62 : tensor<200x256xbf16>) {
  ^bb0(%a: f32, %o: bf16):
    %c = arith.constant 6.250000000e-02 : f32
    %s = arith.mulf %a, %c : f32
    %t = arith.truncf %s : f32 to bf16
    linalg.yield %t : bf16
  } -> tensor<200x256xbf16>
  %e64 = tensor.empty() : tensor<200x64xf32>
  %z65 = linalg.fill ins(%zero : f32) outs(%e64 : tensor<200x64xf32>) -> tensor<200x64xf32>
  %acc66 = linalg.matmul ins(%h57, %wk1 : tensor<200x256xf32>, tensor<256x64xbf16>) outs(%z65 : tensor<200x64xf32>) -> tensor<200x64xf32>
  %e67 = tensor.empty() : tensor<200x64xbf16>
  %p68 = linalg.generic {indexing_maps = [#tile, #tile], iterator_types = ["parallel", "parallel"]} ins(%acc66 : tensor<200x64xf32>) outs(%e67 : tensor<200x64xbf16>) {
  ^bb0(%a: f32, %o: bf16):
    %c = arith.constant 6.250000000e-02 : f32
    %s = arith.mulf %a, %c : f32
    %t = arith.truncf %s : f32 to bf16
    linalg.yield %t : bf16
  } -> tensor<200x64xbf16>
  %e69 = tensor.empty() : tensor<200x64xf32>
  %z70 = linalg.fill ins(%zero : f32) outs(%e69 : tensor<200x64xf32>) -> tensor<200x64xf32>
  %acc71 = linalg.matmul ins(%h57, %wv1 : tensor<200x256xf32>, tensor<256x64xbf16>) outs(%z70 : tensor<200x64xf32>) -> tensor<200x64xf32>
  %e72 = tensor.empty() : tensor<200x64xbf16>
  %p73 = linalg.generic {indexing_maps = [#tile, #tile], iterator_types = ["parallel", "parallel"]} ins(%acc71 : tensor<200x64xf32>) outs(%e72 : tensor<200x64xbf16>) {
  ^bb0(%a: f32, %o: bf16):
    %c = arith.constant 6.250000000e-02 : f32
    %s = arith.mulf %a, %c : f32
    %t = arith.truncf %s : f32 to bf16
    linalg.yield %t : bf16
  } -> tensor<200x64xbf16>
  %q74 = tensor.expand_shape %p63 [[0, 1], [2, 3]] output_shape [1, 200, 4, 64] : tensor<200x256xbf16> into tensor<1x200x4x64xbf16>
  %k75 = tensor.expand_shape %p68 [[0, 1], [2, 3]] output_shape [1, 200, 1, 64] : tensor<200x64xbf16> into tensor<1x200x1x64xbf16>
  %v76 = tensor.expand_shape %p73 [[0, 1], [2, 3]] output_shape [1, 200, 1, 64] : tensor<200x64xbf16> into tensor<1x200x1x64xbf16>
  %dk77, %dv78 = moda.stream.entries %stream1 : !moda.depth_stream<1x200x1x64xbf16, size = 2, capacity = 8> -> tensor<1x200x2x1x64xbf16>, tensor<1x200x2x1x64xbf16>
  %attn79, %lse80 = moda.attention q(%q74 : tensor<1x200x4x64xbf16>) kv(%k75, %v76 : tensor<1x200x1x64xbf16>, tensor<1x200x1x64xbf16>) depth(%dk77, %dv78 : tensor<1x200x2x1x64xbf16>, tensor<1x200x2x1x64xbf16>) {causal} -> tensor<1x200x4x64xbf16>, tensor<1x4x200xf32>
  %attn2d81 = tensor.collapse_shape %attn79 [[0, 1], [2, 3]] : tensor<1x200x4x64xbf16> into tensor<200x256xbf16>
  %e82 = tensor.empty() : tensor<200x256xf32>
  %z83 = linalg.fill ins(%zero : f32) outs(%e82 : tensor<200x256xf32>) -> tensor<200x256xf32>
  %acc84 = linalg.matmul ins(%attn2d81, %wo1 : tensor<200x256xbf16>, tensor<256x256xbf16>) outs(%z83 : tensor<200x256xf32>) -> tensor<200x256xf32>
  %e85 = tensor.empty() : tensor<200x256xf32>
  %p86 = linalg.generic {indexing_maps = [#tile, #tile], iterator_types = ["parallel", "parallel"]} ins(%acc84 : tensor<200x256xf32>) outs(%e85 : tensor<200x256xf32>) {
  ^bb0(%a: f32, %o: f32):
    %c = arith.constant 6.250000000e-02 : f32
    %s = arith.mulf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<200x256xf32>
  %e87 = tensor.empty() : tensor<200xf32>
  %z88 = linalg.fill ins(%zero : f32) outs(%e87 : tensor<200xf32>) -> tensor<200xf32>
  %ss89 = linalg.generic {indexing_maps = [#tile, #tile, #row], iterator_types = ["parallel", "reduction"]} ins(%h57, %p86 : tensor<200x256xf32>, tensor<200x256xf32>) outs(%z88 : tensor<200xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %s = arith.addf %a, %b : f32
    %q = arith.mulf %s, %s : f32
    %r = arith.addf %acc, %q : f32
    linalg.yield %r : f32
  } -> tensor<200xf32>
  %e90 = tensor.empty() : tensor<200x256xf32>
  %h91 = linalg.generic {indexing_maps = [#tile, #tile, #row, #column, #tile], iterator_types = ["parallel", "parallel"]} ins(%h57, %p86, %ss89, %g1_1 : tensor<200x256xf32>, tensor<200x256xf32>, tensor<200xf32>, tensor<256xbf16>) outs(%e90 : tensor<200x256xf32>) {
  ^bb0(%a: f32, %b: f32, %ss: f32, %g: bf16, %o: f32):
    %s = arith.addf %a, %b : f32
    %w = arith.constant 256.0 : f32
    %eps = arith.constant 9.99999997e-07 : f32
    %m = arith.divf %ss, %w : f32
    %me = arith.addf %m, %eps : f32
    %r = math.rsqrt %me : f32
    %n = arith.mulf %s, %r : f32
    %gf = arith.extf %g : bf16 to f32
    %y = arith.mulf %n, %gf : f32
    linalg.yield %y : f32
  } -> tensor<200x256xf32>
  %e92 = tensor.empty() : tensor<200x256xf32>
  %z93 = linalg.fill ins(%zero : f32) outs(%e92 : tensor<200x256xf32>) -> tensor<200x256xf32>
  %acc94 = linalg.matmul ins(%h91, %w1_1 : tensor<200x256xf32>, tensor<256x256xbf16>) outs(%z93 : tensor<200x256xf32>) -> tensor<200x256xf32>
  %e95 = tensor.empty() : tensor<200x256xf32>
  %p96 = linalg.generic {indexing_maps = [#tile, #tile], iterator_types = ["parallel", "parallel"]} ins(%acc94 : tensor<200x256xf32>) outs(%e95 : tensor<200x256xf32>) {
  ^bb0(%a: f32, %o: f32):
    %c = arith.constant 6.250000000e-02 : f32
    %s = arith.mulf %a, %c : f32
    %one = arith.constant 1.0 : f32
    %n = arith.negf %s : f32
    %x = math.exp %n : f32
    %d = arith.addf %x, %one : f32
    %y = arith.divf %s, %d : f32
    linalg.yield %y : f32
  } -> tensor<200x256xf32>
  %e97 = tensor.empty() : tensor<200x256xf32>
  %z98 = linalg.fill ins(%zero : f32) outs(%e97 : tensor<200x256xf32>) -> tensor<200x256xf32>
  %acc99 = linalg.matmul ins(%p96, %w2_1 : tensor<200x256xf32>, tensor<256x256xbf16>) outs(%z98 : tensor<200x256xf32>) -> tensor<200x256xf32>
  %e100 = tensor.empty() : tensor<200x256xf32>
  %p101 = linalg.generic {indexing_maps = [#tile, #tile], iterator_types = ["parallel", "parallel"]} ins(%acc99 : tensor<200x256xf32>) outs(%e100 : tensor<200x256xf32>) {
  ^bb0(%a: f32, %o: f32):
    %c = arith.constant 6.250000000e-02 : f32
    %s = arith.mulf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<200x256xf32>
  %e102 = tensor.empty() : tensor<200x128xf32>
  %z103 = linalg.fill ins(%zero : f32) outs(%e102 : tensor<200x128xf32>) -> tensor<200x128xf32>
  %acc104 = linalg.matmul ins(%h91, %wkv1 : tensor<200x256xf32>, tensor<256x128xbf16>) outs(%z103 : tensor<200x128xf32>) -> tensor<200x128xf32>
  %e105 = tensor.empty() : tensor<200x128xbf16>
  %p106 = linalg.generic {indexing_maps = [#tile, #tile], iterator_types = ["parallel", "parallel"]} ins(%acc104 : tensor<200x128xf32>) outs(%e105 : tensor<200x128xbf16>) {
  ^bb0(%a: f32, %o: bf16):
    %c = arith.constant 6.250000000e-02 : f32
    %s = arith.mulf %a, %c : f32
    %t = arith.truncf %s : f32 to bf16
    linalg.yield %t : bf16
  } -> tensor<200x128xbf16>
  %fk107 = tensor.extract_slice %p106[0, 0] [200, 64] [1, 1] : tensor<200x128xbf16> to tensor<200x64xbf16>
  %fv108 = tensor.extract_slice %p106[0, 64] [200, 64] [1, 1] : tensor<200x128xbf16> to tensor<200x64xbf16>
  %fk109 = tensor.expand_shape %fk107 [[0, 1], [2, 3]] output_shape [1, 200, 1, 64] : tensor<200x64xbf16> into tensor<1x200x1x64xbf16>
  %fv110 = tensor.expand_shape %fv108 [[0, 1], [2, 3]] output_shape [1, 200, 1, 64] : tensor<200x64xbf16> into tensor<1x200x1x64xbf16>
  %e111 = tensor.empty() : tensor<200xf32>
  %z112 = linalg.fill ins(%zero : f32) outs(%e111 : tensor<200xf32>) -> tensor<200xf32>
  %ss113 = linalg.generic {indexing_maps = [#tile, #tile, #row], iterator_types = ["parallel", "reduction"]} ins(%h91, %p101 : tensor<200x256xf32>, tensor<200x256xf32>) outs(%z112 : tensor<200xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %s = arith.addf %a, %b : f32
    %q = arith.mulf %s, %s : f32
    %r = arith.addf %acc, %q : f32
    linalg.yield %r : f32
  } -> tensor<200xf32>
  %e114 = tensor.empty() : tensor<200x256xf32>
  %h115 = linalg.generic {indexing_maps = [#tile, #tile, #row, #column, #tile], iterator_types = ["parallel", "parallel"]} ins(%h91, %p101, %ss113, %g2_1 : tensor<200x256xf32>, tensor<200x256xf32>, tensor<200xf32>, tensor<256xbf16>) outs(%e114 : tensor<200x256xf32>) {
  ^bb0(%a: f32, %b: f32, %ss: f32, %g: bf16, %o: f32):
    %s = arith.addf %a, %b : f32
    %w = arith.constant 256.0 : f32
    %eps = arith.constant 9.99999997e-07 : f32
    %m = arith.divf %ss, %w : f32
    %me = arith.addf %m, %eps : f32
    %r = math.rsqrt %me : f32
    %n = arith.mulf %s, %r : f32
    %gf = arith.extf %g : bf16 to f32
    %y = arith.mulf %n, %gf : f32
    linalg.yield %y : f32
  } -> tensor<200x256xf32>
  %stream116 = moda.stream.append %stream1, %k75, %v76 : !moda.depth_stream<1x200x1x64xbf16, size = 2, capacity = 8>, tensor<1x200x1x64xbf16>, tensor<1x200x1x64xbf16> -> !moda.depth_stream<1x200x1x64xbf16, size = 3, capacity = 8>
  %stream2 = moda.stream.append %stream116, %fk109, %fv110 : !moda.depth_stream<1x200x1x64xbf16, size = 3, capacity = 8>, tensor<1x200x1x64xbf16>, tensor<1x200x1x64xbf16> -> !moda.depth_stream<1x200x1x64xbf16, size = 4, capacity = 8>
  // Layer 2: reads L = 4 depth entries per position.
  %e117 = tensor.empty() : tensor<200x256xf32>
  %z118 = linalg.fill ins(%zero : f32) outs(%e117 : tensor<200x256xf32>) -> tensor<200x256xf32>
  %acc119 = linalg.matmul ins(%h115, %wq2 : tensor<200x256xf32>, tensor<256x256xbf16>) outs(%z118 : tensor<200x256xf32>) -> tensor<200x256xf32>
  %e120 = tensor.empty() : tensor<200x256xbf16>
  %p121 = linalg.generic {indexing_maps = [#tile, #tile], iterator_types = ["parallel", "parallel"]} ins(%acc119 : tensor<200x256xf32>) outs(%e120 : tensor<200x256xbf16>) {
  ^bb0(%a: f32, %o: bf16):
    %c = arith.constant 6.250000000e-02 : f32
    %s = arith.mulf %a, %c : f32
    %t = arith.truncf %s : f32 to bf16
    linalg.yield %t : bf16
  } -> tensor<200x256xbf16>
  %e122 = tensor.empty() : tensor<200x64xf32>
  %z123 = linalg.fill ins(%zero : f32) outs(%e122 : tensor<200x64xf32>) -> tensor<200x64xf32>
  %acc124 = linalg.matmul ins(%h115, %wk2 : tensor<200x256xf32>, tensor<256x64xbf16>) outs(%z123 : tensor<200x64xf32>) -> tensor<200x64xf32>
  %e125 = tensor.empty() : tensor<200x64xbf16>
  %p126 = linalg.generic {indexing_maps = [#tile, #tile], iterator_types = ["parallel", "parallel"]} ins(%acc124 : tensor<200x64xf32>) outs(%e125 : tensor<200x64xbf16>) {
  ^bb0(%a: f32, %o: bf16):
    %c = arith.constant 6.250000000e-02 : f32
    %s = arith.mulf %a, %c : f32
    %t = arith.truncf %s : f32 to bf16
    linalg.yield %t : bf16
  } -> tensor<200x64xbf16>
  %e127 = tensor.empty() : tensor<200x64xf32>
  %z128 = linalg.fill ins(%zero : f32) outs(%e127 : tensor<200x64xf32>) -> tensor<200x64xf32>
  %acc129 = linalg.matmul ins(%h115, %wv2 : tensor<200x256xf32>, tensor<256x64xbf16>) outs(%z128 : tensor<200x64xf32>) -> tensor<200x64xf32>
  %e130 = tensor.empty() : tensor<200x64xbf16>
  %p131 = linalg.generic {indexing_maps = [#tile, #tile], iterator_types = ["parallel", "parallel"]} ins(%acc129 : tensor<200x64xf32>) outs(%e130 : tensor<200x64xbf16>) {
  ^bb0(%a: f32, %o: bf16):
    %c = arith.constant 6.250000000e-02 : f32
    %s = arith.mulf %a, %c : f32
    %t = arith.truncf %s : f32 to bf16
    linalg.yield %t : bf16
  } -> tensor<200x64xbf16>
  %q132 = tensor.expand_shape %p121 [[0, 1], [2, 3]] output_shape [1, 200, 4, 64] : tensor<200x256xbf16> into tensor<1x200x4x64xbf16>
  %k133 = tensor.expand_shape %p126 [[0, 1], [2, 3]] output_shape [1, 200, 1, 64] : tensor<200x64xbf16> into tensor<1x200x1x64xbf16>
  %v134 = tensor.expand_shape %p131 [[0, 1], [2, 3]] output_shape [1, 200, 1, 64] : tensor<200x64xbf16> into tensor<1x200x1x64xbf16>
  %dk135, %dv136 = moda.stream.entries %stream2 : !moda.depth_stream<1x200x1x64xbf16, size = 4, capacity = 8> -> tensor<1x200x4x1x64xbf16>, tensor<1x200x4x1x64xbf16>
  %attn137, %lse138 = moda.attention q(%q132 : tensor<1x200x4x64xbf16>) kv(%k133, %v134 : tensor<1x200x1x64xbf16>, tensor<1x200x1x64xbf16>) depth(%dk135, %dv136 : tensor<1x200x4x1x64xbf16>, tensor<1x200x4x1x64xbf16>) {causal} -> tensor<1x200x4x64xbf16>, tensor<1x4x200xf32>
  %attn2d139 = tensor.collapse_shape %attn137 [[0, 1], [2, 3]] : tensor<1x200x4x64xbf16> into tensor<200x256xbf16>
  %e140 = tensor.empty() : tensor<200x256xf32>
  %z141 = linalg.fill ins(%zero : f32) outs(%e140 : tensor<200x256xf32>) -> tensor<200x256xf32>
  %acc142 = linalg.matmul ins(%attn2d139, %wo2 : tensor<200x256xbf16>, tensor<256x256xbf16>) outs(%z141 : tensor<200x256xf32>) -> tensor<200x256xf32>
  %e143 = tensor.empty() : tensor<200x256xf32>
  %p144 = linalg.generic {indexing_maps = [#tile, #tile], iterator_types = ["parallel", "parallel"]} ins(%acc142 : tensor<200x256xf32>) outs(%e143 : tensor<200x256xf32>) {
  ^bb0(%a: f32, %o: f32):
    %c = arith.constant 6.250000000e-02 : f32
    %s = arith.mulf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<200x256xf32>
  %e145 = tensor.empty() : tensor<200xf32>
  %z146 = linalg.fill ins(%zero : f32) outs(%e145 : tensor<200xf32>) -> tensor<200xf32>
  %ss147 = linalg.generic {indexing_maps = [#tile, #tile, #row], iterator_types = ["parallel", "reduction"]} ins(%h115, %p144 : tensor<200x256xf32>, tensor<200x256xf32>) outs(%z146 : tensor<200xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %s = arith.addf %a, %b : f32
    %q = arith.mulf %s, %s : f32
    %r = arith.addf %acc, %q : f32
    linalg.yield %r : f32
  } -> tensor<200xf32>
  %e148 = tensor.empty() : tensor<200x256xf32>
  %h149 = linalg.generic {indexing_maps = [#tile, #tile, #row, #column, #tile], iterator_types = ["parallel", "parallel"]} ins(%h115, %p144, %ss147, %g1_2 : tensor<200x256xf32>, tensor<200x256xf32>, tensor<200xf32>, tensor<256xbf16>) outs(%e148 : tensor<200x256xf32>) {
  ^bb0(%a: f32, %b: f32, %ss: f32, %g: bf16, %o: f32):
    %s = arith.addf %a, %b : f32
    %w = arith.constant 256.0 : f32
    %eps = arith.constant 9.99999997e-07 : f32
    %m = arith.divf %ss, %w : f32
    %me = arith.addf %m, %eps : f32
    %r = math.rsqrt %me : f32
    %n = arith.mulf %s, %r : f32
    %gf = arith.extf %g : bf16 to f32
    %y = arith.mulf %n, %gf : f32
    linalg.yield %y : f32
  } -> tensor<200x256xf32>
  %e150 = tensor.empty() : tensor<200x256xf32>
  %z151 = linalg.fill ins(%zero : f32) outs(%e150 : tensor<200x256xf32>) -> tensor<200x256xf32>
  %acc152 = linalg.matmul ins(%h149, %w1_2 : tensor<200x256xf32>, tensor<256x256xbf16>) outs(%z151 : tensor<200x256xf32>) -> tensor<200x256xf32>
  %e153 = tensor.empty() : tensor<200x256xf32>
  %p154 = linalg.generic {indexing_maps = [#tile, #tile], iterator_types = ["parallel", "parallel"]} ins(%acc152 : tensor<200x256xf32>) outs(%e153 : tensor<200x256xf32>) {
  ^bb0(%a: f32, %o: f32):
    %c = arith.constant 6.250000000e-02 : f32
    %s = arith.mulf %a, %c : f32
    %one = arith.constant 1.0 : f32
    %n = arith.negf %s : f32
    %x = math.exp %n : f32
    %d = arith.addf %x, %one : f32
    %y = arith.divf %s, %d : f32
    linalg.yield %y : f32
  } -> tensor<200x256xf32>
  %e155 = tensor.empty() : tensor<200x256xf32>
  %z156 = linalg.fill ins(%zero : f32) outs(%e155 : tensor<200x256xf32>) -> tensor<200x256xf32>
  %acc157 = linalg.matmul ins(%p154, %w2_2 : tensor<200x256xf32>, tensor<256x256xbf16>) outs(%z156 : tensor<200x256xf32>) -> tensor<200x256xf32>
  %e158 = tensor.empty() : tensor<200x256xf32>
  %p159 = linalg.generic {indexing_maps = [#tile, #tile], iterator_types = ["parallel", "parallel"]} ins(%acc157 : tensor<200x256xf32>) outs(%e158 : tensor<200x256xf32>) {
  ^bb0(%a: f32, %o: f32):
    %c = arith.constant 6.250000000e-02 : f32
    %s = arith.mulf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<200x256xf32>
  %e160 = tensor.empty() : tensor<200x128xf32>
  %z161 = linalg.fill ins(%zero : f32) outs(%e160 : tensor<200x128xf32>) -> tensor<200x128xf32>
  %acc162 = linalg.matmul ins(%h149, %wkv2 : tensor<200x256xf32>, tensor<256x128xbf16>) outs(%z161 : tensor<200x128xf32>) -> tensor<200x128xf32>
  %e163 = tensor.empty() : tensor<200x128xbf16>
  %p164 = linalg.generic {indexing_maps = [#tile, #tile], iterator_types = ["parallel", "parallel"]} ins(%acc162 : tensor<200x128xf32>) outs(%e163 : tensor<200x128xbf16>) {
  ^bb0(%a: f32, %o: bf16):
    %c = arith.constant 6.250000000e-02 : f32
    %s = arith.mulf %a, %c : f32
    %t = arith.truncf %s : f32 to bf16
    linalg.yield %t : bf16
  } -> tensor<200x128xbf16>
  %fk165 = tensor.extract_slice %p164[0, 0] [200, 64] [1, 1] : tensor<200x128xbf16> to tensor<200x64xbf16>
  %fv166 = tensor.extract_slice %p164[0, 64] [200, 64] [1, 1] : tensor<200x128xbf16> to tensor<200x64xbf16>
  %fk167 = tensor.expand_shape %fk165 [[0, 1], [2, 3]] output_shape [1, 200, 1, 64] : tensor<200x64xbf16> into tensor<1x200x1x64xbf16>
  %fv168 = tensor.expand_shape %fv166 [[0, 1], [2, 3]] output_shape [1, 200, 1, 64] : tensor<200x64xbf16> into tensor<1x200x1x64xbf16>
  %e169 = tensor.empty() : tensor<200xf32>
  %z170 = linalg.fill ins(%zero : f32) outs(%e169 : tensor<200xf32>) -> tensor<200xf32>
  %ss171 = linalg.generic {indexing_maps = [#tile, #tile, #row], iterator_types = ["parallel", "reduction"]} ins(%h149, %p159 : tensor<200x256xf32>, tensor<200x256xf32>) outs(%z170 : tensor<200xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %s = arith.addf %a, %b : f32
    %q = arith.mulf %s, %s : f32
    %r = arith.addf %acc, %q : f32
    linalg.yield %r : f32
  } -> tensor<200xf32>
  %e172 = tensor.empty() : tensor<200x256xf32>
  %h173 = linalg.generic {indexing_maps = [#tile, #tile, #row, #column, #tile], iterator_types = ["parallel", "parallel"]} ins(%h149, %p159, %ss171, %g2_2 : tensor<200x256xf32>, tensor<200x256xf32>, tensor<200xf32>, tensor<256xbf16>) outs(%e172 : tensor<200x256xf32>) {
  ^bb0(%a: f32, %b: f32, %ss: f32, %g: bf16, %o: f32):
    %s = arith.addf %a, %b : f32
    %w = arith.constant 256.0 : f32
    %eps = arith.constant 9.99999997e-07 : f32
    %m = arith.divf %ss, %w : f32
    %me = arith.addf %m, %eps : f32
    %r = math.rsqrt %me : f32
    %n = arith.mulf %s, %r : f32
    %gf = arith.extf %g : bf16 to f32
    %y = arith.mulf %n, %gf : f32
    linalg.yield %y : f32
  } -> tensor<200x256xf32>
  %stream174 = moda.stream.append %stream2, %k133, %v134 : !moda.depth_stream<1x200x1x64xbf16, size = 4, capacity = 8>, tensor<1x200x1x64xbf16>, tensor<1x200x1x64xbf16> -> !moda.depth_stream<1x200x1x64xbf16, size = 5, capacity = 8>
  %stream3 = moda.stream.append %stream174, %fk167, %fv168 : !moda.depth_stream<1x200x1x64xbf16, size = 5, capacity = 8>, tensor<1x200x1x64xbf16>, tensor<1x200x1x64xbf16> -> !moda.depth_stream<1x200x1x64xbf16, size = 6, capacity = 8>
  // Layer 3: reads L = 6 depth entries per position.
  %e175 = tensor.empty() : tensor<200x256xf32>
  %z176 = linalg.fill ins(%zero : f32) outs(%e175 : tensor<200x256xf32>) -> tensor<200x256xf32>
  %acc177 = linalg.matmul ins(%h173, %wq3 : tensor<200x256xf32>, tensor<256x256xbf16>) outs(%z176 : tensor<200x256xf32>) -> tensor<200x256xf32>
  %e178 = tensor.empty() : tensor<200x256xbf16>
  %p179 = linalg.generic {indexing_maps = [#tile, #tile], iterator_types = ["parallel", "parallel"]} ins(%acc177 : tensor<200x256xf32>) outs(%e178 : tensor<200x256xbf16>) {
  ^bb0(%a: f32, %o: bf16):
    %c = arith.constant 6.250000000e-02 : f32
    %s = arith.mulf %a, %c : f32
    %t = arith.truncf %s : f32 to bf16
    linalg.yield %t : bf16
  } -> tensor<200x256xbf16>
  %e180 = tensor.empty() : tensor<200x64xf32>
  %z181 = linalg.fill ins(%zero : f32) outs(%e180 : tensor<200x64xf32>) -> tensor<200x64xf32>
  %acc182 = linalg.matmul ins(%h173, %wk3 : tensor<200x256xf32>, tensor<256x64xbf16>) outs(%z181 : tensor<200x64xf32>) -> tensor<200x64xf32>
  %e183 = tensor.empty() : tensor<200x64xbf16>
  %p184 = linalg.generic {indexing_maps = [#tile, #tile], iterator_types = ["parallel", "parallel"]} ins(%acc182 : tensor<200x64xf32>) outs(%e183 : tensor<200x64xbf16>) {
  ^bb0(%a: f32, %o: bf16):
    %c = arith.constant 6.250000000e-02 : f32
    %s = arith.mulf %a, %c : f32
    %t = arith.truncf %s : f32 to bf16
    linalg.yield %t : bf16
  } -> tensor<200x64xbf16>
  %e185 = tensor.empty() : tensor<200x64xf32>
  %z186 = linalg.fill ins(%zero : f32) outs(%e185 : tensor<200x64xf32>) -> tensor<200x64xf32>
  %acc187 = linalg.matmul ins(%h173, %wv3 : tensor<200x256xf32>, tensor<256x64xbf16>) outs(%z186 : tensor<200x64xf32>) -> tensor<200x64xf32>
  %e188 = tensor.empty() : tensor<200x64xbf16>
  %p189 = linalg.generic {indexing_maps = [#tile, #tile], iterator_types = ["parallel", "parallel"]} ins(%acc187 : tensor<200x64xf32>) outs(%e188 : tensor<200x64xbf16>) {
  ^bb0(%a: f32, %o: bf16):
    %c = arith.constant 6.250000000e-02 : f32
    %s = arith.mulf %a, %c : f32
    %t = arith.truncf %s : f32 to bf16
    linalg.yield %t : bf16
  } -> tensor<200x64xbf16>
  %q190 = tensor.expand_shape %p179 [[0, 1], [2, 3]] output_shape [1, 200, 4, 64] : tensor<200x256xbf16> into tensor<1x200x4x64xbf16>
  %k191 = tensor.expand_shape %p184 [[0, 1], [2, 3]] output_shape [1, 200, 1, 64] : tensor<200x64xbf16> into tensor<1x200x1x64xbf16>
  %v192 = tensor.expand_shape %p189 [[0, 1], [2, 3]] output_shape [1, 200, 1, 64] : tensor<200x64xbf16> into tensor<1x200x1x64xbf16>
  %dk193, %dv194 = moda.stream.entries %stream3 : !moda.depth_stream<1x200x1x64xbf16, size = 6, capacity = 8> -> tensor<1x200x6x1x64xbf16>, tensor<1x200x6x1x64xbf16>
  %attn195, %lse196 = moda.attention q(%q190 : tensor<1x200x4x64xbf16>) kv(%k191, %v192 : tensor<1x200x1x64xbf16>, tensor<1x200x1x64xbf16>) depth(%dk193, %dv194 : tensor<1x200x6x1x64xbf16>, tensor<1x200x6x1x64xbf16>) {causal} -> tensor<1x200x4x64xbf16>, tensor<1x4x200xf32>
  %attn2d197 = tensor.collapse_shape %attn195 [[0, 1], [2, 3]] : tensor<1x200x4x64xbf16> into tensor<200x256xbf16>
  %e198 = tensor.empty() : tensor<200x256xf32>
  %z199 = linalg.fill ins(%zero : f32) outs(%e198 : tensor<200x256xf32>) -> tensor<200x256xf32>
  %acc200 = linalg.matmul ins(%attn2d197, %wo3 : tensor<200x256xbf16>, tensor<256x256xbf16>) outs(%z199 : tensor<200x256xf32>) -> tensor<200x256xf32>
  %e201 = tensor.empty() : tensor<200x256xf32>
  %p202 = linalg.generic {indexing_maps = [#tile, #tile], iterator_types = ["parallel", "parallel"]} ins(%acc200 : tensor<200x256xf32>) outs(%e201 : tensor<200x256xf32>) {
  ^bb0(%a: f32, %o: f32):
    %c = arith.constant 6.250000000e-02 : f32
    %s = arith.mulf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<200x256xf32>
  %e203 = tensor.empty() : tensor<200xf32>
  %z204 = linalg.fill ins(%zero : f32) outs(%e203 : tensor<200xf32>) -> tensor<200xf32>
  %ss205 = linalg.generic {indexing_maps = [#tile, #tile, #row], iterator_types = ["parallel", "reduction"]} ins(%h173, %p202 : tensor<200x256xf32>, tensor<200x256xf32>) outs(%z204 : tensor<200xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %s = arith.addf %a, %b : f32
    %q = arith.mulf %s, %s : f32
    %r = arith.addf %acc, %q : f32
    linalg.yield %r : f32
  } -> tensor<200xf32>
  %e206 = tensor.empty() : tensor<200x256xf32>
  %h207 = linalg.generic {indexing_maps = [#tile, #tile, #row, #column, #tile], iterator_types = ["parallel", "parallel"]} ins(%h173, %p202, %ss205, %g1_3 : tensor<200x256xf32>, tensor<200x256xf32>, tensor<200xf32>, tensor<256xbf16>) outs(%e206 : tensor<200x256xf32>) {
  ^bb0(%a: f32, %b: f32, %ss: f32, %g: bf16, %o: f32):
    %s = arith.addf %a, %b : f32
    %w = arith.constant 256.0 : f32
    %eps = arith.constant 9.99999997e-07 : f32
    %m = arith.divf %ss, %w : f32
    %me = arith.addf %m, %eps : f32
    %r = math.rsqrt %me : f32
    %n = arith.mulf %s, %r : f32
    %gf = arith.extf %g : bf16 to f32
    %y = arith.mulf %n, %gf : f32
    linalg.yield %y : f32
  } -> tensor<200x256xf32>
  %e208 = tensor.empty() : tensor<200x256xf32>
  %z209 = linalg.fill ins(%zero : f32) outs(%e208 : tensor<200x256xf32>) -> tensor<200x256xf32>
  %acc210 = linalg.matmul ins(%h207, %w1_3 : tensor<200x256xf32>, tensor<256x256xbf16>) outs(%z209 : tensor<200x256xf32>) -> tensor<200x256xf32>
  %e211 = tensor.empty() : tensor<200x256xf32>
  %p212 = linalg.generic {indexing_maps = [#tile, #tile], iterator_types = ["parallel", "parallel"]} ins(%acc210 : tensor<200x256xf32>) outs(%e211 : tensor<200x256xf32>) {
  ^bb0(%a: f32, %o: f32):
    %c = arith.constant 6.250000000e-02 : f32
    %s = arith.mulf %a, %c : f32
    %one = arith.constant 1.0 : f32
    %n = arith.negf %s : f32
    %x = math.exp %n : f32
    %d = arith.addf %x, %one : f32
    %y = arith.divf %s, %d : f32
    linalg.yield %y : f32
  } -> tensor<200x256xf32>
  %e213 = tensor.empty() : tensor<200x256xf32>
  %z214 = linalg.fill ins(%zero : f32) outs(%e213 : tensor<200x256xf32>) -> tensor<200x256xf32>
  %acc215 = linalg.matmul ins(%p212, %w2_3 : tensor<200x256xf32>, tensor<256x256xbf16>) outs(%z214 : tensor<200x256xf32>) -> tensor<200x256xf32>
  %e216 = tensor.empty() : tensor<200x256xf32>
  %p217 = linalg.generic {indexing_maps = [#tile, #tile], iterator_types = ["parallel", "parallel"]} ins(%acc215 : tensor<200x256xf32>) outs(%e216 : tensor<200x256xf32>) {
  ^bb0(%a: f32, %o: f32):
    %c = arith.constant 6.250000000e-02 : f32
    %s = arith.mulf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<200x256xf32>
  %e218 = tensor.empty() : tensor<200x128xf32>
  %z219 = linalg.fill ins(%zero : f32) outs(%e218 : tensor<200x128xf32>) -> tensor<200x128xf32>
  %acc220 = linalg.matmul ins(%h207, %wkv3 : tensor<200x256xf32>, tensor<256x128xbf16>) outs(%z219 : tensor<200x128xf32>) -> tensor<200x128xf32>
  %e221 = tensor.empty() : tensor<200x128xbf16>
  %p222 = linalg.generic {indexing_maps = [#tile, #tile], iterator_types = ["parallel", "parallel"]} ins(%acc220 : tensor<200x128xf32>) outs(%e221 : tensor<200x128xbf16>) {
  ^bb0(%a: f32, %o: bf16):
    %c = arith.constant 6.250000000e-02 : f32
    %s = arith.mulf %a, %c : f32
    %t = arith.truncf %s : f32 to bf16
    linalg.yield %t : bf16
  } -> tensor<200x128xbf16>
  %fk223 = tensor.extract_slice %p222[0, 0] [200, 64] [1, 1] : tensor<200x128xbf16> to tensor<200x64xbf16>
  %fv224 = tensor.extract_slice %p222[0, 64] [200, 64] [1, 1] : tensor<200x128xbf16> to tensor<200x64xbf16>
  %fk225 = tensor.expand_shape %fk223 [[0, 1], [2, 3]] output_shape [1, 200, 1, 64] : tensor<200x64xbf16> into tensor<1x200x1x64xbf16>
  %fv226 = tensor.expand_shape %fv224 [[0, 1], [2, 3]] output_shape [1, 200, 1, 64] : tensor<200x64xbf16> into tensor<1x200x1x64xbf16>
  %e227 = tensor.empty() : tensor<200xf32>
  %z228 = linalg.fill ins(%zero : f32) outs(%e227 : tensor<200xf32>) -> tensor<200xf32>
  %ss229 = linalg.generic {indexing_maps = [#tile, #tile, #row], iterator_types = ["parallel", "reduction"]} ins(%h207, %p217 : tensor<200x256xf32>, tensor<200x256xf32>) outs(%z228 : tensor<200xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %s = arith.addf %a, %b : f32
    %q = arith.mulf %s, %s : f32
    %r = arith.addf %acc, %q : f32
    linalg.yield %r : f32
  } -> tensor<200xf32>
  %e230 = tensor.empty() : tensor<200x256xf32>
  %h231 = linalg.generic {indexing_maps = [#tile, #tile, #row, #column, #tile], iterator_types = ["parallel", "parallel"]} ins(%h207, %p217, %ss229, %g2_3 : tensor<200x256xf32>, tensor<200x256xf32>, tensor<200xf32>, tensor<256xbf16>) outs(%e230 : tensor<200x256xf32>) {
  ^bb0(%a: f32, %b: f32, %ss: f32, %g: bf16, %o: f32):
    %s = arith.addf %a, %b : f32
    %w = arith.constant 256.0 : f32
    %eps = arith.constant 9.99999997e-07 : f32
    %m = arith.divf %ss, %w : f32
    %me = arith.addf %m, %eps : f32
    %r = math.rsqrt %me : f32
    %n = arith.mulf %s, %r : f32
    %gf = arith.extf %g : bf16 to f32
    %y = arith.mulf %n, %gf : f32
    linalg.yield %y : f32
  } -> tensor<200x256xf32>
  %stream232 = moda.stream.append %stream3, %k191, %v192 : !moda.depth_stream<1x200x1x64xbf16, size = 6, capacity = 8>, tensor<1x200x1x64xbf16>, tensor<1x200x1x64xbf16> -> !moda.depth_stream<1x200x1x64xbf16, size = 7, capacity = 8>
  %stream4 = moda.stream.append %stream232, %fk225, %fv226 : !moda.depth_stream<1x200x1x64xbf16, size = 7, capacity = 8>, tensor<1x200x1x64xbf16>, tensor<1x200x1x64xbf16> -> !moda.depth_stream<1x200x1x64xbf16, size = 8, capacity = 8>
  %y = tensor.expand_shape %h231 [[0, 1], [2]] output_shape [1, 200, 256] : tensor<200x256xf32> into tensor<1x200x256xf32>
  return %y : tensor<1x200x256xf32>
}
