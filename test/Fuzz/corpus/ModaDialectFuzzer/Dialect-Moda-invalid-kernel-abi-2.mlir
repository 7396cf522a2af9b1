func.func private @square() attributes {t = #moda.abi_tensor<"q" : f16, input, shape = [B, T], strides = [T*T, 1]>}
