func.func private @dynamic_extent() attributes {t = #moda.abi_tensor<"q" : f16, input, shape = [B, ?], strides = [?, 1]>}
