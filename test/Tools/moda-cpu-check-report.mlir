// RUN: not moda-cpu-check --filter "f32 B1 T29 S0 Hq2 Hk2" --json /dev/full 2>&1 | FileCheck %s --check-prefix=FULL
// RUN: not moda-cpu-check --filter "f32 B1 T29 S0 Hq2 Hk2" --json %t.missing/report.json 2>&1 | FileCheck %s --check-prefix=MISSING

// A report that cannot be written is one clear message and exit code 2,
// never a crash: a full disk (reported when the file is closed) and a
// folder that does not exist.

// FULL-DAG: PASS f32 B1 T29 S0 Hq2 Hk2
// FULL-DAG: moda-cpu-check: cannot write /dev/full: No space left on device
// MISSING: moda-cpu-check: cannot write {{.*}}report.json: No such file or directory
