func.func private @product_extent() attributes {t = #moda.abi_tensor<"q" : f16, input, shape = [B, T*4], strides = [T*4, 1]>}
