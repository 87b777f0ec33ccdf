"""Worker op `ch5/fine_tune`: chapter 5's, defined in `grader.chapters.ch5.worker_side`."""

from grader.chapters.ch5.worker_side import fine_tune as handle  # noqa: F401
