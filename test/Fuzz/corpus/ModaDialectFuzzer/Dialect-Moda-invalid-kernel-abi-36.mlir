func.func private @addend_in_grid() attributes {l = #moda.abi_launch<"k", grid = [1, 1, B+1], threads = 32, dynamic_shared_memory = 0>}
