func.func private @inexact_stride() attributes {t = #moda.abi_tensor<"q" : f16, input, shape = [B, T], strides = [T ceildiv 2, 1]>}
