"""Grade a class: a folder of submissions (a file or a folder per learner, or an LMS's export:
Canvas, Moodle, Gradescope), in parallel.

Writes gradebook.csv, gradebook.json, a report and a Gradescope results.json per learner, and
index.html (the class summary, with what needs a person) to --out; with --export, the gradebook in
Canvas's or Moodle's import format. overrides.csv in --out (learner, item, points, comment) is
applied on every run. Each result is saved as soon as it is known, and replaces the learner's
previous one only when complete: after a crash, a kill or Ctrl-C the gradebook holds every learner's
newest result, and running the same command again resumes, skipping submissions already graded and
unchanged (--force regrades them all, --learner only those named). With --scheduler, each submission
is graded on a Dask cluster's workers (its files shipped as bytes; no shared folder needed) and this
process still writes everything.
Exit codes: 0 every submission has a result (ungradable ones included), 1 the grader failed on some
(status `error`; rerun to retry them), 2 bad command line or no submissions, 130 interrupted.
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from typing import TYPE_CHECKING

from grader.commands._options import add_limits, add_scheduler, add_selection, grading_options
from grader.errors import EXIT_FAILED, EXIT_OK

if TYPE_CHECKING:
    from grader.batch.runner import BatchOptions

NAME = "batch"
HELP = "grade a folder of submissions: gradebook, reports, class summary (instructors)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("submissions", type=Path, metavar="SUBMISSIONS_DIR",
                        help="folder with one .py/.ipynb file, or one folder, per learner")
    parser.add_argument("--chapter", default=None,
                        help="chapter to grade (default: the default chapter of `grader list`)")
    parser.add_argument("--out", type=Path, metavar="DIR",
                        help="where to write the gradebook and reports "
                             "(default: reports/batch-<chapter>-<folder name>)")
    parser.add_argument("--jobs", "-j", type=int, metavar="N",
                        help="submissions graded at once (default: the number of cores)")
    parser.add_argument("--force", action="store_true",
                        help="regrade every submission, even those already graded and unchanged (each "
                             "learner keeps their previous result until the new one is written)")
    parser.add_argument("--learner", action="append", default=[], metavar="NAME", dest="learners",
                        help="regrade only this learner (name, roster id or file name; repeat); the "
                             "others keep their results")
    parser.add_argument("--roster", type=Path, metavar="CSV",
                        help="the class roster (columns id, name, email): names and ids for the rows, "
                             "and who submitted nothing")
    parser.add_argument("--deadline", metavar="WHEN",
                        help="due date and time (2026-12-04T17:30): later submissions are marked late "
                             "where the LMS export says when they came")
    parser.add_argument("--export", action="append", default=[], choices=["canvas", "moodle"],
                        dest="exports", help="also write the gradebook in this LMS's import format "
                                             "(export-canvas.csv, export-moodle.csv); repeatable")
    add_scheduler(parser)
    add_selection(parser)
    add_limits(parser)
    parser.add_argument("--max-time", type=float, metavar="SECONDS",
                        help="stop one submission's whole grading after this long "
                             "(default: the chapter's training budget + 600 when a training is "
                             "graded, else 600)")
    parser.add_argument("--hide-model-answers", action="store_true",
                        help="leave the questionnaire's model answers out of every report and "
                             "gradebook until you release them (rerun without it, with --force)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    parser.add_argument("-v", "--verbose", action="count", default=0,
                        help="show the grader's own traceback if it fails")


def run(args: argparse.Namespace) -> int:
    from grader.batch.runner import BatchOptions

    grading = grading_options(args, args.chapter, hide_model_answers=args.hide_model_answers or None)
    options = BatchOptions(grading=grading, max_time=args.max_time, jobs=args.jobs, force=args.force,
                           learners=list(args.learners), roster=args.roster, deadline=args.deadline,
                           exports=list(args.exports), scheduler=args.scheduler)
    return main(args.submissions, options, out=args.out, quiet=args.quiet)


def main(submissions: Path, options: BatchOptions, *, out: Path | None = None,
         quiet: bool = False) -> int:
    from grader.batch import run_batch
    from grader.batch.progress import Progress
    from grader.batch.runner import default_out

    out = out or default_out(submissions, options.grading.chapter)
    progress = Progress(0, quiet=quiet)
    previous = signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops as cleanly as Ctrl-C
    try:
        outcome = run_batch(submissions, out=out, options=options, progress=progress)
    except KeyboardInterrupt:
        progress.finish()
        print(f"grader: interrupted. What finished is in {out}/gradebook.csv; run the same command "
              "again to grade the rest.", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)
    c = outcome.counts
    for line in outcome.ignored:
        print(f"ignored: {line}", file=sys.stderr)
    for line in outcome.problems:
        print(f"not applied: {line}", file=sys.stderr)
    print(f"{outcome.learners} learners: {c['passed']} passed, {c['failed']} failed, "
          f"{c['ungradable']} could not be graded" + (f", {c['error']} grader errors (rerun to retry)"
                                                     if c["error"] else "")
          + (f", {c['missing']} submitted nothing" if c.get("missing") else "")
          + f". Graded {outcome.graded}, {outcome.reused} unchanged since the last run, "
            f"in {outcome.seconds:.1f} s.")
    print(f"gradebook: {outcome.paths['csv']}  ·  class summary: {outcome.paths['index']}"
          + "".join(f"  ·  {kind} import: {outcome.paths[kind]}" for kind in options.exports))
    review = sum(1 for r in _review_rows(outcome.paths["csv"]))
    if review:
        print(f"{review} learner{'s' if review > 1 else ''} need a person: see \"Needs a person\" in "
              f"{outcome.paths['index']}")
    return EXIT_FAILED if c["error"] else EXIT_OK


def _review_rows(csv_path: Path):
    import csv

    from grader.batch.gradebook import REVIEW_COLUMNS

    with open(csv_path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if any(row.get(c) for c in REVIEW_COLUMNS):
                yield row


def _interrupt(signum, frame):
    raise KeyboardInterrupt
