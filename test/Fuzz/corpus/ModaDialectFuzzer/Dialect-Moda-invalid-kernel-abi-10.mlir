func.func private @partly_dynamic_strides() attributes {t = #moda.abi_tensor<"q" : f16, input, shape = [B, T, 64], strides = [T*64, ?, 1]>}
