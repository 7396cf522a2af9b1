func.func private @block_table_i64() attributes {t = #moda.abi_tensor<"block_table" : i64, input, shape = [B, 8], strides = [8, 1]>}
