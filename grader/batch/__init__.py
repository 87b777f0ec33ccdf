"""Instructor batch grading: a folder of submissions in, a gradebook and reports out.

`run_batch` discovers the submissions (`discovery`), skips those already graded and unchanged
(`store`), grades the rest in warm slot processes that fork a fresh grading child per submission
(`pool`, `slot`), and writes the gradebook (`gradebook`), Gradescope files (`gradescope`) and the
class summary page (`summary`) from the per-learner records on disk, so a kill loses nothing.
"""

from __future__ import annotations

from grader.batch.runner import BatchOptions, BatchOutcome, run_batch

__all__ = ["BatchOptions", "BatchOutcome", "run_batch"]
