"""Grading suite for chapter 7 (training a state-of-the-art model). Test files run in the trusted process; learner code only in the worker."""
