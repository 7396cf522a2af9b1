#!/usr/bin/env python3
"""Runs every command shown in a ```sh block of README.md and docs/*.md, so
that the docs cannot drift from the tools. Each logical line (backslash
continuations joined) is one command, run with bash in a scratch folder that
links every top-level entry of the repository (build/ is the build under
test, $MODA_BUILD_DIR or build/) and has build/bin on PATH, plus the two
files the docs use as placeholders: model.mlir (examples/attention.mlir with a
pinned `mma = fma` configuration, which every command that names it accepts)
and bad.mlir (a verifier error with its expected-error annotation). A command
must exit 0 within 600 s; identical commands run once.

A tag in the command's trailing comment, or in a comment line above it in the
same block (then for the rest of the block), says why it does not run here:
  [gpu]   it needs an NVIDIA GPU (the GPU machine's flow)
  [ci]    it is a CI job itself (utils/run-tests.sh, which runs this script)
  [long]  it takes longer than a test may (the tuner's full compile); say in
          the docs which test runs its parts
  [setup] it installs into the environment (pip); say which test runs it
  [synopsis] a usage line with placeholders ([optional] arguments); say
          which test runs the tool

    utils/check-doc-commands.py [--list]

Prints one line per command and the closing line
    doc-commands: N passed, M failed (K not run: [gpu] a, [ci] b, [long] c)
"""

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TAGS = ("gpu", "ci", "long", "setup", "synopsis")

MODEL = """\
// The docs' model.mlir: examples/attention.mlir with a pinned configuration
// of the CUDA-core layout (small kernels, quick to compile).
func.func @attention(%q: tensor<2x200x8x64xbf16>,
                     %k: tensor<2x200x2x64xbf16>, %v: tensor<2x200x2x64xbf16>,
                     %depth_k: tensor<2x200x7x2x64xbf16>,
                     %depth_v: tensor<2x200x7x2x64xbf16>)
    -> (tensor<2x200x8x64xbf16>, tensor<2x8x200xf32>) {
  %out, %lse = moda.attention q(%q : tensor<2x200x8x64xbf16>)
      kv(%k, %v : tensor<2x200x2x64xbf16>, tensor<2x200x2x64xbf16>)
      depth(%depth_k, %depth_v : tensor<2x200x7x2x64xbf16>, tensor<2x200x7x2x64xbf16>)
      {causal, config = #moda.config<block_m = 64, block_n = 32, block_depth = 32,
       num_warps = 2, num_stages = 1, mma = fma, target = "sm_90a">}
      -> tensor<2x200x8x64xbf16>, tensor<2x8x200xf32>
  return %out, %lse : tensor<2x200x8x64xbf16>, tensor<2x8x200xf32>
}
"""

BAD = """\
// The docs' bad.mlir: Hq = 6 is not a multiple of Hk = 4.
func.func @bad(%q: tensor<1x16x6x8xf16>, %k: tensor<1x16x4x8xf16>) {
  // expected-error @+1 {{must be a positive multiple of}}
  %o, %l = moda.attention q(%q : tensor<1x16x6x8xf16>) kv(%k, %k : tensor<1x16x4x8xf16>, tensor<1x16x4x8xf16>) -> tensor<1x16x6x8xf16>, tensor<1x6x16xf32>
  return
}
"""


def commands(path):
    """(line number, command, tag or None) of every ```sh block in `path`."""
    lines = path.read_text().splitlines()
    in_block, block_tag, pending, start = False, None, "", 0
    for number, line in enumerate(lines, 1):
        if not in_block:
            if line.strip() == "```sh":
                in_block, block_tag = True, None
            continue
        if line.strip() == "```":
            in_block = False
            continue
        if not pending:
            start = number
        stripped = line.strip()
        if not pending and stripped.startswith("#"):
            found = re.search(r"\[(%s)\]" % "|".join(TAGS), stripped)
            if found:
                block_tag = found.group(1)
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        command = (pending + stripped).strip()
        pending = ""
        if not command:
            continue
        found = re.search(r"\s#.*\[(%s)\]" % "|".join(TAGS), command)
        yield start, command, found.group(1) if found else block_tag


def scratch(build):
    folder = Path(tempfile.mkdtemp(prefix="moda-doc-commands-"))
    for entry in ROOT.iterdir():
        # Build folders stay out: a documented command that configures one
        # (build-rt, build-asan) would otherwise write through the link into
        # the checkout's, with this scratch folder as its source.
        if entry.name == ".git" or entry.name.startswith("build"):
            continue
        (folder / entry.name).symlink_to(entry)
    (folder / "build").symlink_to(build)
    (folder / "model.mlir").write_text(MODEL)
    (folder / "bad.mlir").write_text(BAD)
    return folder


def main():
    build = Path(os.environ.get("MODA_BUILD_DIR", ROOT / "build")).resolve()
    docs = [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md"))
    todo, seen = [], set()
    for doc in docs:
        for line, command, tag in commands(doc):
            where = f"{doc.relative_to(ROOT)}:{line}"
            todo.append((where, command, tag, command in seen))
            seen.add(command)
    if "--list" in sys.argv:
        for where, command, tag, again in todo:
            print(f"{where}: [{tag or ('again' if again else 'run')}] {command}")
        return 0
    folder = scratch(build)
    env = dict(os.environ, PATH=f"{build / 'bin'}:{os.environ['PATH']}",
               MODA_BUILD_DIR=str(build))
    passed, failed, skipped = 0, 0, {tag: 0 for tag in TAGS}
    for where, command, tag, again in todo:
        if tag:
            skipped[tag] += 1
            print(f"not run [{tag}] {where}: {command}")
            continue
        if again:
            continue
        try:
            result = subprocess.run(["bash", "-o", "pipefail", "-c", command],
                                    cwd=folder, env=env, capture_output=True,
                                    text=True, timeout=600)
            ok, output = result.returncode == 0, result.stdout + result.stderr
            why = f"exit {result.returncode}"
        except subprocess.TimeoutExpired:
            ok, output, why = False, "", "timed out after 600 s"
        if ok:
            passed += 1
            print(f"ok {where}: {command}")
        else:
            failed += 1
            print(f"FAIL {where} ({why}): {command}")
            print("\n".join("    " + l for l in output.strip().splitlines()[-15:]))
    subprocess.run(["rm", "-rf", str(folder)])
    not_run = ", ".join(f"[{t}] {n}" for t, n in skipped.items())
    print(f"doc-commands: {passed} passed, {failed} failed ({sum(skipped.values())} "
          f"not run: {not_run})")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
