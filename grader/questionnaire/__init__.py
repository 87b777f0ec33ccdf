"""Questionnaire answer checks: feedback on every answer of a chapter's questionnaire.

    from grader.questionnaire import grade_questionnaire, read_answer_sheet
    result = grade_questionnaire(read_answer_sheet("exercises/ch6_questionnaire.md"))
    for q in result.questions:
        print(q.number, q.status, q.points, q.max_points, q.concepts_missing, q.needs_review)

* `read_answer_sheet(path)` / `read_notebook_answers(nb)` read `{question number: answer}` from a
  Markdown sheet (refused when it is a link or too large) or a notebook's cells: every cell under a
  question's heading (`read_notebook_sections` also says which cells; conventions:
  `grader.questionnaire.answers`).
* `grade_questionnaire(answers, chapter="ch6")` grades them against the chapter's rubric, which is
  data (a chapter package's `rubric.json`, read by `load_rubric`): key concepts with their accepted phrasings,
  points and feedback, contradictions, and a model answer per question. Matching copes with case,
  punctuation, word forms, British spelling, code and negation (`grader.questionnaire.matching`).
* Each `QuestionResult` has the points, the concepts found and missing (with feedback), a
  `needs_review` flag where the checker is unsure (a contradiction, a negated key idea, a keyword
  list, the question pasted back, a copied model answer or one text under several questions:
  `grader.questionnaire.review`, `grader.questionnaire.copying`), and the model answer unless they
  are hidden (`hide_model_answers`, `GRADER_HIDE_MODEL_ANSWERS`, a rubric's `"model_answers"`).
* `attach_code_check(result, question=15, passed=..., message=...)` records the verdict of the
  grading suite's check of the learner's code (question 15: `sigmoid_range`) beside the answer.

Only the standard library is used.
"""

from __future__ import annotations

from grader.questionnaire.answers import (parse_answer_text, read_answer_sheet, read_notebook_answers,
                                          read_notebook_sections)
from grader.questionnaire.checker import grade_answer, grade_questionnaire, model_answers_hidden
from grader.questionnaire.results import QuestionnaireResult, QuestionResult, attach_code_check
from grader.questionnaire.rubric import Rubric, RubricError, load_rubric, parse_rubric

__all__ = [
    "QuestionResult",
    "QuestionnaireResult",
    "Rubric",
    "RubricError",
    "attach_code_check",
    "grade_answer",
    "grade_questionnaire",
    "load_rubric",
    "model_answers_hidden",
    "parse_answer_text",
    "parse_rubric",
    "read_answer_sheet",
    "read_notebook_answers",
    "read_notebook_sections",
]
