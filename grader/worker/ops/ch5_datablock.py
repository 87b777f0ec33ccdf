"""Worker op `ch5_datablock`: chapter 5's, defined in `grader.suites.ch5.worker_side`."""

from grader.suites.ch5.worker_side import datablock as handle  # noqa: F401
