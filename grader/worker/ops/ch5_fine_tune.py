"""Worker op `ch5_fine_tune`: chapter 5's, defined in `grader.suites.ch5.worker_side`."""

from grader.suites.ch5.worker_side import fine_tune as handle  # noqa: F401
