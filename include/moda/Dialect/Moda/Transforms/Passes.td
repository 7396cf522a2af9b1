//===- Passes.td - moda dialect passes ---------------------*- tablegen -*-===//

#ifndef MODA_DIALECT_MODA_TRANSFORMS_PASSES_TD
#define MODA_DIALECT_MODA_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def ModaSelectKernelConfig : Pass<"moda-select-kernel-config"> {
  let summary = "attach a kernel configuration to every MoDA operator";
  let description = [{
    Gives every `moda.attention` and `moda.attention_grad` that has no
    `config` attribute a `#moda.config`, and records where it came from in
    `moda.config_source`:

    * `"database"`: the winner a tuning database (`database=<path>`, else the
      `MODA_TUNING_DB` environment variable) recorded for the operator's key:
      compute capability of `target`, op, element type, head dimension `D`,
      group size `G = Hq / Hk`, depth `L`, causal, visibility and the
      power-of-two bucket of `T` (T and L must be static to match);
    * `"heuristic"`: otherwise, a member of the configuration space chosen
      from `D`, `G`, `L` and the element type. Query blocks are always a
      multiple of `G`, so that the `G` query heads of one position share a
      block and its depth span. The space holds the CUDA-core layout
      (`mma = fma`, one pipeline stage) and, for sm_80 and later, the
      tensor-core layouts (`mma_sync`; `wgmma` on sm_90a) with 2 or 3
      pipeline stages (`moda-compile --print-config-space` lists it).

    The configuration's `lowering` names the compiler that builds the
    operator's kernels. `lowering=auto` (the default) leaves it to the
    heuristics: forward operators and database entries get the block
    builders; a backward gets the block builders where their kernels run on
    tensor cores, else the staged compiler's tile programs where those do
    (on sm_90a, D = 128: 128-row blocks of two warpgroups, 32-key and
    32-entry tiles), else the block builders' SIMT kernels.
    `lowering=kernel` or `lowering=tile` gives every operator that lowering,
    and its heuristic configuration for it. A forward that takes views
    (`strided`) always gets the tile programs, the only lowering that
    compiles views; `lowering=kernel` with one is an error.

    Operators that already carry a configuration keep its tiles (and, with
    `lowering=auto`, its lowering). An unreadable or malformed database and
    an unknown `lowering` are errors; an entry whose configuration the rules
    reject is ignored.

    Example: `moda-opt --moda-select-kernel-config="target=sm_90a
    database=tuning/h100.json"`.
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"sm_90a\"",
           "GPU architecture recorded in the configuration">,
    Option<"database", "database", "std::string", /*default=*/"\"\"",
           "tuning database (JSON) to consult first">,
    Option<"device", "device", "std::string", /*default=*/"\"\"",
           "prefer database entries tuned on this device (driver name)">,
    Option<"lowering", "lowering", "std::string", /*default=*/"\"auto\"",
           "the compiler every operator's kernels are built by: kernel "
           "(block builders), tile (staged compiler) or auto (the "
           "heuristics choose)">
  ];
  let dependentDialects = ["::mlir::moda::ModaDialect"];
}

#endif // MODA_DIALECT_MODA_TRANSFORMS_PASSES_TD
