"""Worker op `ch5_train_pets`: chapter 5's, defined in `grader.suites.ch5.worker_side`."""

from grader.suites.ch5.worker_side import train_pets as handle  # noqa: F401
