func.func private @dynamic_innermost_stride() attributes {t = #moda.abi_tensor<"q" : f16, input, shape = [B, T], strides = [?, ?]>}
