"""Argparse options shared by the commands that grade (`batch`, `gradescope`): one definition each."""

from __future__ import annotations

import argparse

from grader.worker.limits import Limits


def add_selection(parser: argparse.ArgumentParser) -> None:
    """--only / --skip: which exercises (and the questionnaire) are graded."""
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="grade only this exercise (repeat, or separate with commas)")
    parser.add_argument("--skip", action="append", default=[], metavar="NAME",
                        help="skip this exercise, e.g. --skip bear (the slow classifier training)")


def add_limits(parser: argparse.ArgumentParser) -> None:
    """The limits one grading runs under."""
    parser.add_argument("--timeout", type=float, default=Limits.timeout, metavar="SECONDS",
                        help="time limit for one call of a learner's function (default %(default)s)")
    parser.add_argument("--load-timeout", type=float, default=Limits.load_timeout, metavar="SECONDS",
                        help="time limit for loading one submission (default %(default)s)")
    parser.add_argument("--memory", type=int, default=Limits.memory_mb, metavar="MB",
                        help="memory a learner's code may use on top of torch (default %(default)s)")
    parser.add_argument("--bear-budget", type=float, default=600.0, metavar="SECONDS",
                        help="time budget for training a bear classifier (default %(default)s)")
    parser.add_argument("--cell-timeout", type=float, default=None, metavar="SECONDS",
                        help="time limit for one notebook cell (default: as `grader check`)")
    parser.add_argument("--no-timing", dest="timing", action="store_false",
                        help="skip the timed tests")


def add_scheduler(parser: argparse.ArgumentParser) -> None:
    """--scheduler: grade on a Dask cluster instead of this machine's pool (the `cluster` extra)."""
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="grade on a Dask cluster: the scheduler's address (tcp://HOST:8786), or "
                             "local:N to start N worker processes here; needs the `cluster` extra "
                             "(default: this machine's worker pool)")
