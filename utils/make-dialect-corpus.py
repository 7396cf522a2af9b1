#!/usr/bin/env python3
"""Writes the seed corpus of the moda dialect's fuzz target
(test/Fuzz/corpus/ModaDialectFuzzer/) from the .mlir inputs of test/ and
examples/: each `// -----` section that uses a moda or moda_tile op, with the
comment lines (RUN, CHECK, expected-error) dropped, one file per section,
named after its source. Sections at lower levels (gpu, llvm, memref) are left
out: the target registers only the dialects the moda level uses. Files named
regression-* (inputs that once crashed) are kept as they are.

    utils/make-dialect-corpus.py
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "test" / "Fuzz" / "corpus" / "ModaDialectFuzzer"
LOWER_LEVEL = re.compile(r"\b(gpu|llvm|memref|nvvm|vector|linalg|bufferization|cf)\.")


def sections(path):
    text = path.read_text()
    for index, section in enumerate(re.split(r"^// -----\s*$", text, flags=re.M)):
        lines = [l for l in section.splitlines() if not l.lstrip().startswith("//")]
        body = "\n".join(lines).strip() + "\n"
        if re.search(r"\bmoda(_tile)?\.", body) and not LOWER_LEVEL.search(body):
            yield index, body


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.iterdir():
        if not old.name.startswith("regression-"):
            old.unlink()
    count = 0
    seen = set()
    for path in sorted((ROOT / "test").rglob("*.mlir")) + sorted((ROOT / "examples").glob("*.mlir")):
        if "Fuzz" in path.parts:
            continue
        stem = "-".join(path.relative_to(ROOT).with_suffix("").parts[1:])
        for index, body in sections(path):
            if body in seen:
                continue
            seen.add(body)
            (OUT / f"{stem}-{index}.mlir").write_text(body)
            count += 1
    print(f"{count} seeds in {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
