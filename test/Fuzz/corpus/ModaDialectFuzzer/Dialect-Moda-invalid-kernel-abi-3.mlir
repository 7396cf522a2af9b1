func.func private @tensor_type() attributes {t = #moda.abi_tensor<"q" : i8, input, shape = [B, T], strides = [T, 1]>}
