"""Grade one submission (a .py file or a notebook) and write its feedback report."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from grader.commands._options import add_limits, add_selection, grading_options
from grader.errors import EXIT_FAILED, EXIT_OK, EXIT_UNGRADABLE, GraderError, UsageError
from grader.options import GradingOptions
from grader.report import slug, write_html_report

NAME = "check"
HELP = "grade a submission (default: the chapter's exercises file) and write an HTML report"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("chapter", help="chapter to grade (see `grader list`)")
    parser.add_argument("submission", nargs="?", type=Path,
                        help="your .py file or .ipynb notebook (default: exercises/<chapter>.py)")
    add_selection(parser)
    parser.add_argument("--answers", type=Path, metavar="PATH",
                        help="questionnaire answer sheet (default: the one beside the submission)")
    parser.add_argument("--json", action="store_true",
                        help="print the results as JSON on stdout instead of the summary")
    add_limits(parser)
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
    options = grading_options(args, args.chapter, reveal=args.reveal)
    return main(options, submission=args.submission, answers=args.answers, as_json=args.json,
                report=args.report, write_report=args.write_report, verbose=args.verbose)


def main(options: GradingOptions, *, submission: Path | None = None, answers: Path | None = None,
         as_json: bool = False, report: Path | None = None, write_report: bool = True,
         verbose: int = 0) -> int:
    from grader.console import print_summary
    from grader.grading import grade  # imports torch: not for `grader check --help`

    ch = options.chapter_object
    submission = submission or Path(ch.default_submission)
    if answers is not None and not answers.is_file():
        raise UsageError(f"--answers: {answers}: no such file")

    stream = sys.stderr  # bound now: pytest redirects sys.stderr while the suite runs

    def progress(message: str) -> None:
        if verbose or stream.isatty():
            print(f"… {message}", file=stream, flush=True)

    executed = None  # a notebook's executed copy goes beside the report
    if write_report and submission.suffix == ".ipynb":
        executed = (report or Path("reports") / f"{slug(submission.stem)}-{ch.name}.html"
                    ).with_suffix(".executed.ipynb")
    result = grade(submission, options, answers=answers, progress=progress, executed_notebook=executed)
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
                      reveal=options.reveal)
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
