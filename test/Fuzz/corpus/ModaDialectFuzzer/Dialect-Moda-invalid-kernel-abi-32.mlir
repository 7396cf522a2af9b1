func.func private @offsets_i64() attributes {t = #moda.abi_tensor<"cu_seqlens" : i64, input, shape = [B+1], strides = [1]>}
