# -*- Python -*-
# lit configuration of the moda regression tests.

import os

import lit.formats
from lit.llvm import llvm_config

config.name = "MODA"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.moda_obj_root, "test")
config.excludes = ["Inputs", "corpus", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()

config.moda_tools_dir = os.path.join(config.moda_obj_root, "bin")
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.add_tool_substitutions(
    ["moda-opt", "moda-compile", "moda-cpu-check"], [config.moda_tools_dir, config.llvm_tools_dir]
)
# moda-compile assembles cubins with ptxas from the CUDA toolkit.
llvm_config.with_environment("PATH", "/usr/local/cuda/bin", append_path=True)
config.substitutions.append(("%moda_src_root", config.moda_src_root))
