// RUN: not moda-opt %s -moda-select-kernel-config="database=%S/Inputs/no-such-db.json" 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not moda-opt %s -moda-select-kernel-config="database=%S/Inputs/truncated-db.json" 2>&1 | FileCheck %s --check-prefix=TRUNCATED
// RUN: not moda-opt %s -moda-select-kernel-config="database=%S/Inputs/tuning-db.json.missing" 2>&1 | FileCheck %s --check-prefix=MISSING

// A database that cannot be read is an error that names it, never a silent
// fall back to the heuristics.

// MISSING: error: cannot read tuning database '{{.*}}': No such file or directory
// TRUNCATED: error: cannot read tuning database '{{.*}}truncated-db.json': {{.*}}
func.func @f(%q: tensor<1x16x4x64xbf16>, %k: tensor<1x16x2x64xbf16>) -> tensor<1x16x4x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<1x16x4x64xbf16>) kv(%k, %k : tensor<1x16x2x64xbf16>, tensor<1x16x2x64xbf16>) -> tensor<1x16x4x64xbf16>, tensor<1x4x16xf32>
  return %o : tensor<1x16x4x64xbf16>
}
