func.func private @tensor_i32() attributes {t = #moda.abi_tensor<"q" : i32, input, shape = [B], strides = [1]>}
