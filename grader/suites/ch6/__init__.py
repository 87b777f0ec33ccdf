"""Grading suite for chapter 6. Test files run in the trusted process; learner code only in the worker."""
