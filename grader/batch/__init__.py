"""Instructor batch grading: a folder of submissions in, a gradebook and reports out.

`run_batch` finds each learner's files whatever shape the LMS exported them in (`discovery`, `lms`,
`roster`), decides what needs grading (`planning`: unchanged results are kept), grades the rest as
units (`unit`: a learner's files in, a record out) in warm slot processes that fork a fresh grading
child per submission (`pool`, `slot`), commits each finished unit into the output folder (`store`),
and writes the rows (`rows`: roster facts, the review queue of `review` and `similarity`, the
instructor's `overrides`) into the gradebook (`gradebook`), the learners' files (`learner_files`,
`gradescope`), the class summary page (`summary`) and the LMS imports (`export`), from the records
on disk, so a kill loses nothing. `autograder` builds and runs the Gradescope autograder.
"""

from __future__ import annotations

from grader.batch.runner import BatchOptions, BatchOutcome, run_batch

__all__ = ["BatchOptions", "BatchOutcome", "run_batch"]
