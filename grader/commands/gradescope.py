"""Build the Gradescope autograder: `grader gradescope ch6 -o autograder.zip`.

Upload the zip as a programming assignment's autograder ("Zip file upload"). Gradescope runs its
`setup.sh` once (installs the grader, its Python packages and its generated data sets) and its
`run_autograder` for every submission: the learner uploads `ch6.py` or `ch6.ipynb` (helper files and
`ch6_questionnaire.md` beside it), and gets the same tests, feedback and points as `grader check`.
The options below are fixed in the zip (`grader-settings.json`).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from grader.commands._options import add_limits, add_selection, grading_options
from grader.errors import UsageError
from grader.options import GradingOptions

NAME = "gradescope"
HELP = "build a Gradescope autograder zip for a chapter (instructors)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("chapter", help="chapter to grade (see `grader list`)")
    parser.add_argument("-o", "--out", type=Path, default=None, metavar="ZIP",
                        help="where to write the zip (default: autograder-<chapter>.zip)")
    add_selection(parser)
    add_limits(parser)


def run(args: argparse.Namespace) -> int:
    return main(grading_options(args, args.chapter), out=args.out)


def main(options: GradingOptions, *, out: Path | None = None) -> int:
    from grader.batch.autograder import build_autograder

    ch = options.chapter_object
    settings = options.to_dict()
    out = out or Path(f"autograder-{ch.name}.zip")
    try:
        path = build_autograder(out, settings=settings)
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot build the autograder: {exc}") from None
    size = path.stat().st_size / 1e6
    print(f"wrote {path} ({size:.1f} MB): upload it as the assignment's autograder on Gradescope.")
    print("Learners submit " + (f"{ch.default_submission.split('/')[-1]} or the notebook"
                                if ch.default_submission else "their file")
          + (f", with {ch.questionnaire_sheet} beside it" if ch.questionnaire_sheet else "") + ".")
    return 0
