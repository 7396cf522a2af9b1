func.func private @zero_divisor() attributes {t = #moda.abi_tensor<"q" : f16, input, shape = [B, T], strides = [T ceildiv 0, 1]>}
