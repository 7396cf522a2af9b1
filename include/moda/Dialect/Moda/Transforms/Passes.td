//===- Passes.td - moda dialect passes ---------------------*- tablegen -*-===//

#ifndef MODA_DIALECT_MODA_TRANSFORMS_PASSES_TD
#define MODA_DIALECT_MODA_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def ModaSelectKernelConfig : Pass<"moda-select-kernel-config"> {
  let summary = "attach a kernel configuration to every MoDA operator";
  let description = [{
    Gives every `moda.attention` and `moda.attention_grad` that has no
    `config` attribute a `#moda.config` chosen from shape-based heuristics:
    the head dimension `D`, the group size `G = Hq / Hk`, the depth `L` and
    the element type. Query blocks are always a multiple of `G`, so that the
    `G` query heads of one position share a block and its depth span.
    Operators that already carry a configuration are left as they are.
    The lowering implements the SIMT path only (`mma = fma`, one pipeline
    stage), so that is what the heuristics choose.

    Example: `moda-opt --moda-select-kernel-config="target=sm_90a"`.
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"sm_90a\"",
           "GPU architecture recorded in the configuration">
  ];
  let dependentDialects = ["::mlir::moda::ModaDialect"];
}

#endif // MODA_DIALECT_MODA_TRANSFORMS_PASSES_TD
