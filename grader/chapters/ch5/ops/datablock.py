"""Worker op `ch5/datablock`: chapter 5's, defined in `grader.chapters.ch5.worker_side`."""

from grader.chapters.ch5.worker_side import datablock as handle  # noqa: F401
