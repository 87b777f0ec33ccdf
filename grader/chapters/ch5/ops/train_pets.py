"""Worker op `ch5/train_pets`: chapter 5's, defined in `grader.chapters.ch5.worker_side`."""

from grader.chapters.ch5.worker_side import train_pets as handle  # noqa: F401
