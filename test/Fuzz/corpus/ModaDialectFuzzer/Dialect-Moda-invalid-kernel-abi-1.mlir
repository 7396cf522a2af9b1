func.func private @overflowing_factors() attributes {t = #moda.abi_tensor<"q" : f16, input, shape = [B, 2], strides = [9223372036854775807*64, 1]>}
