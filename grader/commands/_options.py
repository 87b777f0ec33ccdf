"""Argparse options shared by the commands that grade (`check`, `batch`, `gradescope`): one
definition each, and one function that turns them into a `GradingOptions`."""

from __future__ import annotations

import argparse

from grader.chapters import chapters
from grader.options import DATA_SOURCES, GradingOptions
from grader.worker.limits import Limits


def add_selection(parser: argparse.ArgumentParser) -> None:
    """--only / --skip: which exercises (and the questionnaire) are graded."""
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="grade only this exercise (repeat, or separate with commas)")
    parser.add_argument("--skip", action="append", default=[], metavar="NAME",
                        help="skip this exercise, e.g. a slow training (`grader list` shows "
                             "the names and short names)")


def add_limits(parser: argparse.ArgumentParser) -> None:
    """The limits one grading runs under, the timed tests, notebooks' cells, the data sets, and every
    registered chapter's own options."""
    parser.add_argument("--timeout", type=float, default=Limits.timeout, metavar="SECONDS",
                        help="time limit for one call of a learner's function (default %(default)s)")
    parser.add_argument("--load-timeout", type=float, default=Limits.load_timeout, metavar="SECONDS",
                        help="time limit for loading one submission (default %(default)s)")
    parser.add_argument("--memory", type=int, default=Limits.memory_mb, metavar="MB",
                        help="memory a learner's code may use on top of torch (default %(default)s)")
    parser.add_argument("--cell-timeout", type=float, default=None, metavar="SECONDS",
                        help="time limit for one notebook cell (default 120)")
    parser.add_argument("--no-timing", dest="timing", action="store_false",
                        help="skip the timed tests (they score nothing and say skipped)")
    parser.add_argument("--data", choices=DATA_SOURCES, default="generated",
                        help="data sets `untar_data` finds: the grader's generated copies "
                             "(default) or the real ones in your fastai cache")
    add_chapter_options(parser)


def add_chapter_options(parser: argparse.ArgumentParser) -> None:
    """Each registered chapter's own options, once each (chapters may share one, e.g. a training
    budget). Their default is None here: the chapter's default applies unless given."""
    by_name: dict[str, tuple] = {}
    for chapter in chapters().values():
        for option in chapter.options:
            first, flags, names = by_name.get(option.name, (option, [], []))
            flags += [f for f in option.flags if f not in flags]
            by_name[option.name] = (first, flags, names + [chapter.name])
    for name, (option, flags, names) in by_name.items():
        parser.add_argument(*flags, dest=name, type=option.type, default=None,
                            metavar="SECONDS" if option.budget else "VALUE",
                            help=option.help.replace("%(default)s", str(option.default))
                            + f" [{', '.join(names)}]")


def chapter_option_values(args: argparse.Namespace, chapter: str | None) -> dict:
    """The chapter options given on the command line that this chapter declares."""
    from grader.chapters import get_chapter

    return {o.name: getattr(args, o.name) for o in get_chapter(chapter).options
            if getattr(args, o.name, None) is not None}


def grading_options(args: argparse.Namespace, chapter: str | None, **extra) -> GradingOptions:
    """The `GradingOptions` these arguments say (validated: a UsageError names the bad option)."""
    limits = Limits(timeout=args.timeout, memory_mb=args.memory, load_timeout=args.load_timeout)
    return GradingOptions.build(chapter=chapter, only=args.only, skip=args.skip, limits=limits,
                                timing=args.timing, cell_timeout=args.cell_timeout, data=args.data,
                                **chapter_option_values(args, chapter), **extra)


def add_scheduler(parser: argparse.ArgumentParser) -> None:
    """--scheduler: grade on a Dask cluster instead of this machine's pool (the `cluster` extra)."""
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="grade on a Dask cluster: the scheduler's address (tcp://HOST:8786), or "
                             "local:N to start N worker processes here; needs the `cluster` extra "
                             "(default: this machine's worker pool)")
