"""Copies the questionnaire instead of answering it: all 17 model answers of the chapter's rubric,
pasted under every question (they ship in the package and appear in reports). Every question then
"finds" its concepts, since its own model answer is among the pasted text.

The checker recognises a model answer pasted back and the same text under several questions: each
such answer is flagged for a person and earns at most half its points, so the sheet scores at most
half of the questionnaire, every question is flagged, and the exercises are graded as usual.
expect-only: questionnaire
expect-check: questionnaire_capped
"""

BESIDE = {"ch6_questionnaire.md": "{{MODEL_ANSWERS_SHEET}}"}


def binary_cross_entropy(inputs, targets):
    raise NotImplementedError
