"""The `grader` command: a thin argparse front over one module per verb in `grader.commands`.

Each verb module has `NAME`, `HELP`, `add_arguments(parser)` and `run(args) -> int` (which forwards to
its keyword-only `main(...)`). Library errors become a short message and an exit code here, and only
here: a learner never sees a traceback from the grader.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

import grader
from grader import commands
from grader.errors import EXIT_UNGRADABLE, GraderError


def verb_modules() -> list:
    """Every verb module in `grader.commands`, in a stable order."""
    order = {"check": 0, "list": 1, "batch": 2, "gradescope": 3, "data": 4}
    modules = [importlib.import_module(f"grader.commands.{info.name}")
               for info in pkgutil.iter_modules(commands.__path__) if not info.name.startswith("_")]
    modules = [m for m in modules if hasattr(m, "NAME") and hasattr(m, "run")]
    return sorted(modules, key=lambda m: (order.get(m.NAME, 99), m.NAME))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="grader", description="Grade fastbook exercises and questionnaires (chapter 6 first).",
        epilog="Run `grader COMMAND --help` for a command's options. Exit codes: 0 all passed, "
               "1 some tests failed, 2 the submission could not be graded or the command was wrong.")
    parser.add_argument("--version", action="version", version=f"fastbook-grader {grader.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in verb_modules():
        verb = sub.add_parser(module.NAME, help=module.HELP, description=module.__doc__)
        module.add_arguments(verb)
        verb.set_defaults(_run=module.run)
    return parser




def run(argv: list[str] | None = None) -> int:
    """Console-script entry point."""
    parser = build_parser()
    args = parser.parse_args(argv)  # argparse exits 2 with a usage message on a bad call
    if not getattr(args, "_run", None):
        parser.print_help()
        return EXIT_UNGRADABLE
    try:
        return int(args._run(args))
    except GraderError as exc:
        print(f"grader: error: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(exc.hint, file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("grader: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except Exception as exc:  # a bug in the grader: say so plainly, keep the details for -v
        if getattr(args, "verbose", 0):
            raise
        print(f"grader: internal error ({type(exc).__name__}: {exc}). This is a bug in the grader, not "
              "in your code; rerun with -v for details and report it.", file=sys.stderr)
        return EXIT_UNGRADABLE


def main() -> None:
    sys.exit(run())


if __name__ == "__main__":
    main()
