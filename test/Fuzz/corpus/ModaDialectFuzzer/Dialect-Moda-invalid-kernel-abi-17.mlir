func.func private @three_symbols() attributes {l = #moda.abi_launch<"k", grid = [T*S*L, 1, B], threads = 32, dynamic_shared_memory = 0>}
