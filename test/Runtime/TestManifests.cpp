//===- TestManifests.cpp - manifests for the runtime unit tests -----------===//

#include "TestManifests.h"

#include <gtest/gtest.h>

#include <fstream>

namespace moda::test {

std::string exampleManifest() {
  return R"json({
  "format": "moda-kernel/1",
  "kernel": "moda_attention_0",
  "ptx": "moda_attention_0.ptx",
  "cubin": "moda_attention_0.cubin",
  "target": "sm_90a",
  "op": "attention",
  "element_type": "bf16",
  "causal": true,
  "visibility": "per_position",
  "chunk_size": 0,
  "scale": 0.125,
  "num_query_heads": 8,
  "num_kv_heads": 2,
  "head_dim": 64,
  "config": {"block_m": 128, "block_n": 64, "block_depth": 64,
             "num_warps": 8, "num_stages": 3, "mma": "mma_sync"},
  "tensors": [
    {"name": "q",       "dtype": "bf16", "role": "input",  "shape": ["B", "T", 8, 64]},
    {"name": "k",       "dtype": "bf16", "role": "input",  "shape": ["B", "S", 2, 64]},
    {"name": "v",       "dtype": "bf16", "role": "input",  "shape": ["B", "S", 2, 64]},
    {"name": "depth_k", "dtype": "bf16", "role": "input",  "shape": ["B", "T", "L", 2, 64]},
    {"name": "depth_v", "dtype": "bf16", "role": "input",  "shape": ["B", "T", "L", 2, 64]},
    {"name": "out",     "dtype": "bf16", "role": "output", "shape": ["B", "T", 8, 64]},
    {"name": "lse",     "dtype": "f32",  "role": "output", "shape": ["B", 8, "T"]}
  ],
  "sizes": {"B": null, "T": null, "S": null, "L": null},
  "params": [
    {"kind": "buffer", "tensor": "q"}, {"kind": "buffer", "tensor": "k"},
    {"kind": "buffer", "tensor": "v"}, {"kind": "buffer", "tensor": "depth_k"},
    {"kind": "buffer", "tensor": "depth_v"}, {"kind": "buffer", "tensor": "out"},
    {"kind": "buffer", "tensor": "lse"},
    {"kind": "size", "symbol": "B"}, {"kind": "size", "symbol": "T"},
    {"kind": "size", "symbol": "S"}, {"kind": "size", "symbol": "L"}
  ],
  "grid": [
    {"symbol": "T", "multiplier": 4, "divisor": 128},
    {"constant": 2},
    {"symbol": "B", "multiplier": 1, "divisor": 1}
  ],
  "block": [256, 1, 1],
  "dynamic_shared_memory": 0
}
)json";
}

std::string replaceOnce(const std::string &text, const std::string &from,
                        const std::string &to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "'" << from << "' not in the manifest";
  if (at == std::string::npos)
    return text;
  EXPECT_EQ(text.find(from, at + 1), std::string::npos)
      << "'" << from << "' occurs more than once";
  return text.substr(0, at) + to + text.substr(at + from.size());
}

std::string writeTempFile(const std::string &name, const std::string &contents) {
  std::string path = ::testing::TempDir() + "moda_runtime_test_" + name;
  std::ofstream(path, std::ios::binary) << contents;
  return path;
}

} // namespace moda::test
