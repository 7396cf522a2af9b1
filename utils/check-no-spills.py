#!/usr/bin/env python3
"""Fails when ptxas reported register spills for any kernel under the given
artifact directories (the "ptxas" record moda-compile writes into each
manifest). CI runs it over the GPU suite's kernels and the benchmark's
kernels compiled with the shipped tuning database: shipped configurations
must not spill. moda-compile itself refuses a spilling kernel unless
--allow-spills; this check also catches artifacts compiled with it."""

import json
import sys
from pathlib import Path


def main():
    kernels, spilling = 0, []
    for root in sys.argv[1:]:
        for manifest in sorted(Path(root).rglob("*.json")):
            report = json.loads(manifest.read_text())
            if report.get("format") != "moda-kernel/1":
                continue
            kernels += 1
            ptxas = report["ptxas"]
            if ptxas["spill_stores"] or ptxas["spill_loads"]:
                spilling.append(f"{manifest.parent.name}: {ptxas['spill_stores']} bytes "
                                f"stored, {ptxas['spill_loads']} loaded "
                                f"(config {report['config']})")
    for line in spilling:
        print("spills:", line)
    print(f"no-spills: {kernels - len(spilling)} passed, {len(spilling)} failed")
    return 1 if spilling or kernels == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
