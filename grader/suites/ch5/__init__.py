"""Grading suite for chapter 5 (pet breeds). Test files run in the trusted process; learner code only in the worker."""
