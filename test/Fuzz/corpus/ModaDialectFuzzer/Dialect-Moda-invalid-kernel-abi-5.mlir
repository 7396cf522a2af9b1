func.func private @negative_extent() attributes {t = #moda.abi_tensor<"q" : f16, input, shape = [B, -4], strides = [4, 1]>}
