func.func private @unknown_symbol() attributes {t = #moda.abi_tensor<"q" : f16, input, shape = [B, H], strides = [1, 1]>}
