"""The chapter 7 questionnaire: its sheet, rubric, model answers and a hand-labelled answer set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grader.questionnaire import grade_questionnaire, load_rubric, read_answer_sheet, read_notebook_answers

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "questionnaire_answers" / "ch7_answers.json"
ANSWERS = json.loads(DATA.read_text())["answers"]
RUBRIC = load_rubric("ch7")


def case_id(case: dict) -> str:
    return f"q{case['question']}-{case['label']}-{case['style']}"


def grade(case: dict):
    return grade_questionnaire({case["question"]: case["text"]}, chapter="ch7").question(case["question"])


def test_rubric_has_15_questions_with_concepts_feedback_and_model_answers():
    assert RUBRIC.chapter == "ch7" and sorted(RUBRIC.questions) == list(range(1, 16))
    for q in RUBRIC.questions.values():
        assert q.model_answer and q.concepts
        assert all(c.feedback and c.points > 0 for c in q.concepts)


def test_sheet_has_every_heading_and_no_answers():
    sheet = ROOT / "exercises" / "ch7_questionnaire.md"
    text = sheet.read_text()
    for number, q in RUBRIC.questions.items():
        assert f"\n## {number}. {q.question}\n" in text
    assert read_answer_sheet(sheet) == {}
    graded = grade_questionnaire(read_answer_sheet(sheet), chapter="ch7")
    assert len(graded.questions) == 15 and graded.points == 0


def test_reference_answers_score_full_marks():
    graded = grade_questionnaire(read_answer_sheet(ROOT / "solutions" / "ch7_questionnaire.md"), chapter="ch7")
    assert graded.points == graded.max_points == RUBRIC.max_points > 0
    assert not [q.number for q in graded.questions if q.needs_review]


def test_reference_answers_are_not_the_model_answers_which_count_as_copies():
    """The shipped sheet is a learner's own words; the model answers pasted are flagged and capped."""
    sheet = read_answer_sheet(ROOT / "solutions" / "ch7_questionnaire.md")
    assert all(sheet[n] != q.model_answer for n, q in RUBRIC.questions.items())
    pasted = grade_questionnaire({n: q.model_answer for n, q in RUBRIC.questions.items()}, chapter="ch7")
    assert pasted.points <= pasted.max_points / 2
    assert all(q.needs_review for q in pasted.questions)


def test_solutions_notebook_answers_are_the_reference_sheet():
    """solutions/ch7.ipynb's answer cells hold the sheet's answers (kept in step by the notebook script)."""
    notebook = json.loads((ROOT / "solutions" / "ch7.ipynb").read_text())
    sheet = read_answer_sheet(ROOT / "solutions" / "ch7_questionnaire.md")
    assert read_notebook_answers(notebook) == sheet and len(sheet) == 15


def test_hard_in_an_answer_is_not_read_as_a_negation():
    """`hard` is not `hardly`: "hard targets make it overfit" affirms the overfitting."""
    q = grade_questionnaire({14: "Hard 0/1 labels push the activations ever larger, so the model becomes "
                                 "overconfident; hard targets also make it overfit to mislabelled images."},
                            chapter="ch7").question(14)
    assert q.points == q.max_points and not q.needs_review, (q.concepts_missing, q.review_reason)


def test_every_question_has_labelled_answers():
    assert {c["question"] for c in ANSWERS if c["label"] == "correct"} == set(RUBRIC.questions)
    assert {c["question"] for c in ANSWERS if c["label"] == "wrong"} == set(RUBRIC.questions)


@pytest.mark.parametrize("case", [c for c in ANSWERS if c["label"] == "correct"], ids=case_id)
def test_correct_answers_get_full_marks(case):
    q = grade(case)
    assert q.points == q.max_points and not q.needs_review, (q.concepts_missing, q.review_reason)


@pytest.mark.parametrize("case", [c for c in ANSWERS if c["label"] != "correct"], ids=case_id)
def test_wrong_and_review_answers_do_not_get_full_marks(case):
    q = grade(case)
    assert q.points < q.max_points
    if case["label"] == "review":
        assert q.needs_review
