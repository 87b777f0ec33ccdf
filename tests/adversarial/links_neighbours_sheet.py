"""Hands in another learner's answer sheet: `ch6_questionnaire.md` beside the submission is a
symbolic link to alice's sheet (the grader can read it; the learner only points at it).

`grader check` never follows a learner's link: the sheet is refused with a reason ("a link"), every
question reads "not answered", the questionnaire scores 0, and nothing of alice's answers reaches
this learner's result.
expect-only: questionnaire
expect-check: sheet_refused
"""

LINKS = {"ch6_questionnaire.md": "{{NEIGHBOUR_SHEET}}"}


def binary_cross_entropy(inputs, targets):
    raise NotImplementedError
