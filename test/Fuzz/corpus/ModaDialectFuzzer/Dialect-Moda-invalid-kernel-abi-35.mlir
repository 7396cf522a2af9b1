func.func private @addend_elsewhere() attributes {t = #moda.abi_tensor<"q" : bf16, input, shape = [B+1, 64], strides = [64, 1]>}
