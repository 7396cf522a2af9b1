// RUN: %python %moda_src_root/utils/make-model-graph.py --layers 4 --tokens 200 --query-heads 4 | diff - %moda_src_root/examples/model4.mlir

// examples/model4.mlir is what utils/make-model-graph.py writes (the command
// its header names): regenerate it rather than edit it.
