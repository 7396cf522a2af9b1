func.func private @stride_rank() attributes {t = #moda.abi_tensor<"q" : f16, input, shape = [B, T], strides = [1]>}
