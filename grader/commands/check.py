"""Grade one submission (a .py file or a notebook) and write its feedback report."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from grader.chapters import get_chapter
from grader.errors import EXIT_FAILED, EXIT_OK, EXIT_UNGRADABLE, GraderError, UsageError
from grader.worker.limits import Limits

NAME = "check"
HELP = "grade a submission (default: exercises/ch6.py) and write an HTML report"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("chapter", help="chapter to grade, e.g. ch6 (see `grader list`)")
    parser.add_argument("submission", nargs="?", type=Path,
                        help="your .py file or .ipynb notebook (default: exercises/<chapter>.py)")
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="grade only this exercise (repeat, or separate with commas)")
    parser.add_argument("--skip", action="append", default=[], metavar="NAME",
                        help="skip this exercise, e.g. --skip bear (the slow classifier training)")
    parser.add_argument("--answers", type=Path, metavar="PATH",
                        help="questionnaire answer sheet (default: the one beside the submission)")
    parser.add_argument("--json", action="store_true",
                        help="print the results as JSON on stdout instead of the summary")
    parser.add_argument("--timeout", type=float, default=Limits.timeout, metavar="SECONDS",
                        help="time limit for one call of your function (default %(default)s)")
    parser.add_argument("--memory", type=int, default=Limits.memory_mb, metavar="MB",
                        help="memory your code may use on top of torch (default %(default)s)")
    parser.add_argument("--bear-budget", type=float, default=600.0, metavar="SECONDS",
                        help="time budget for training your bear classifier (default %(default)s)")
    parser.add_argument("--no-timing", dest="timing", action="store_false",
                        help="skip the timed tests (they score nothing and say skipped)")
    parser.add_argument("--cell-timeout", type=float, default=None, metavar="SECONDS",
                        help="notebooks: time limit for one cell (default 120)")
    parser.add_argument("--data", choices=("generated", "real"), default="generated",
                        help="data sets `untar_data` finds: the grader's generated copies "
                             "(default) or the real ones in your fastai cache")
    report = parser.add_mutually_exclusive_group()
    report.add_argument("--report", type=Path, metavar="PATH",
                        help="where to write the HTML report (default: reports/<name>-<chapter>.html)")
    report.add_argument("--no-report", dest="write_report", action="store_false",
                        help="do not write an HTML report")
    parser.add_argument("-v", "--verbose", action="count", default=0,
                        help="show every failed test with its hint, expected and got values, and inputs "
                             "(-vv: every test)")
    parser.add_argument("--reveal", action="store_true",
                        help="also show the literal fix of each recognised mistake (the report folds it)")


def run(args: argparse.Namespace) -> int:
    return main(chapter=args.chapter, submission=args.submission, only=args.only, skip=args.skip,
                answers=args.answers, as_json=args.json, timeout=args.timeout, memory_mb=args.memory,
                timing=args.timing, report=args.report, write_report=args.write_report,
                verbose=args.verbose, bear_budget=args.bear_budget, cell_timeout=args.cell_timeout,
                data=args.data, reveal=args.reveal)


def main(*, chapter: str, submission: Path | None = None, only: list[str] = (), skip: list[str] = (),
         answers: Path | None = None, as_json: bool = False, timeout: float = Limits.timeout,
         memory_mb: int = Limits.memory_mb, timing: bool = True, report: Path | None = None,
         write_report: bool = True, verbose: int = 0, bear_budget: float = 600.0,
         cell_timeout: float | None = None, data: str = "generated", reveal: bool = False) -> int:
    from grader.console import print_summary
    from grader.grading import grade

    ch = get_chapter(chapter)
    submission = submission or Path(ch.default_submission)
    limits = Limits(timeout=timeout, memory_mb=memory_mb).validate("command line")
    if bear_budget <= 0:
        raise UsageError(f"--bear-budget must be a positive number of seconds, got {bear_budget:g}")
    if answers is not None and not answers.is_file():
        raise UsageError(f"--answers: {answers}: no such file")
    if cell_timeout is not None and cell_timeout <= 0:
        raise UsageError(f"--cell-timeout must be a positive number of seconds, got {cell_timeout:g}")
    only_names = ch.resolve(only, option="--only") or None
    skip_names = ch.resolve(skip, option="--skip")

    stream = sys.stderr  # bound now: pytest redirects sys.stderr while the suite runs

    def progress(message: str) -> None:
        if verbose or stream.isatty():
            print(f"… {message}", file=stream, flush=True)

    executed = None  # a notebook's executed copy goes beside the report
    if write_report and submission.suffix == ".ipynb":
        executed = (report or Path("reports") / f"{_slug(submission.stem)}-{ch.name}.html"
                    ).with_suffix(".executed.ipynb")
    result = grade(submission, chapter=ch.name, only=only_names, skip=skip_names, limits=limits,
                   timing=timing, answers=answers, progress=progress, bear_budget=bear_budget,
                   cell_timeout=cell_timeout, data=data, executed_notebook=executed)
    report_path, report_error = None, None
    if write_report:
        try:
            report_path = write_html_report(result, report)
        except GraderError as exc:  # the results are still shown; the error is raised after them
            report_error = exc
    if as_json:
        json.dump(result.to_dict(), sys.stdout, indent=2)
        print()
    else:
        print_summary(result, verbose=verbose, report=str(report_path) if report_path else None,
                      reveal=reveal)
        if result.notebook is not None:
            from grader.notebook import summary_lines

            for line in summary_lines(result.notebook, limit=20 if verbose else 3):
                print(line)
        if (result.notebook or {}).get("executed_path") and executed is not None:
            print(f"Executed notebook (outputs and errors): {result.notebook['executed_path']}")
    if report_error is not None:
        raise report_error
    if result.status == "ungradable":
        return EXIT_UNGRADABLE
    return EXIT_OK if result.status == "passed" else EXIT_FAILED


def write_html_report(result, report: Path | None) -> Path | None:
    """Write the HTML report (None when the report module is not available)."""
    try:
        from grader.report import write_report
    except ImportError:
        return None
    path = report or Path("reports") / f"{_slug(result.learner)}-{result.chapter}.html"
    return write_report(result, path)


def _slug(name: str) -> str:
    keep = "".join(c if c.isalnum() or c in "-_." else "-" for c in name)
    return keep.strip("-.") or "submission"
