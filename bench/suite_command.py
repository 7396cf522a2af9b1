"""The command line every GPU suite and benchmark shares:

    python3 bench/<script>.py compile [--artifacts DIR] [--moda-compile PATH] ...
        (here, where MLIR is: compile the kernels into DIR)
    python3 bench/<script>.py run [--artifacts DIR] [--json PATH] ...
        (on the GPU machine, over a copy carrying DIR: run, write PATH)
    python3 bench/<script>.py count    (where the suite can count its cases)

A script names its defaults and adds its own options; `run`'s result (False
for a failed suite) is the exit status.
"""

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BEFORE_HELP = ("artifacts compiled by `compile` at the commit before a change (its "
               "short sha in DIR/COMMIT), timed in the same process on the same "
               "inputs (ours_before_ms)")


def suite_main(doc, *, results, compile_all, run_all, artifacts=None,
               compile_options=None, run_options=None, count=None):
    """Parses the command line and runs the command. `artifacts` and
    `results`: the default folder (under bench/) and JSON (under
    bench/results/); `compile_all(args)` and `run_all(args)` do the work;
    `compile_options(parser)` and `run_options(parser)` add a script's own
    options; `count()` returns the line `count` prints."""
    parser = argparse.ArgumentParser(description=doc,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    compile_parser = sub.add_parser("compile")
    run_parser = sub.add_parser("run")
    if artifacts:
        for command in (compile_parser, run_parser):
            command.add_argument("--artifacts", type=Path, default=ROOT / "bench" / artifacts)
    compile_parser.add_argument("--moda-compile", type=Path,
                                default=ROOT / "build" / "bin" / "moda-compile")
    run_parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / results)
    if compile_options:
        compile_options(compile_parser)
    if run_options:
        run_options(run_parser)
    if count:
        sub.add_parser("count")
    args = parser.parse_args()
    if args.command == "compile":
        compile_all(args)
    elif args.command == "run":
        sys.exit(1 if run_all(args) is False else 0)
    else:
        print(count())


def variant_suite_main(doc, *, artifacts, results, compile_all, run_all, count):
    """suite_main for a suite over suite_matrix's variants (the forward and
    the gradient suites): `compile` takes a pinned --config, --only and
    --views (compile_all(artifacts, moda_compile, config, only, views));
    `run` takes --only (run_all(artifacts, json, only))."""
    from suite_matrix import add_compile_options, parse_config

    def compile_options(parser):
        add_compile_options(parser)
        parser.add_argument("--views", action="store_true",
                            help="kernels that take their operands as views (strided)")

    suite_main(doc, artifacts=artifacts, results=results,
               compile_options=compile_options,
               run_options=lambda parser: parser.add_argument(
                   "--only", help="run only kernels whose name contains this"),
               compile_all=lambda args: compile_all(
                   args.artifacts, args.moda_compile, parse_config(args.config),
                   args.only, args.views),
               run_all=lambda args: run_all(args.artifacts, args.json, args.only),
               count=count)
