"""The hand-labelled answer set (tests/questionnaire_answers/ch6_answers.json), answer by answer.

For every question: at least 3 correct answers written differently from the model answer (terse,
long, with code...) get full marks without review; at least 2 wrong answers (a common confusion, a
negation) do not get full marks; keyword lists and answers pasted from the question are flagged for
review and do not get full marks.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from grader.questionnaire import grade_questionnaire, load_rubric

DATA = Path(__file__).resolve().parent / "questionnaire_answers" / "ch6_answers.json"
ANSWERS = json.loads(DATA.read_text())["answers"]
RUBRIC = load_rubric("ch6")


def case_id(case: dict) -> str:
    return f"q{case['question']}-{case['label']}-{case['style']}"


def grade(case: dict):
    return grade_questionnaire({case["question"]: case["text"]}).question(case["question"])


def test_the_set_covers_every_question_in_every_style():
    by_question = defaultdict(lambda: defaultdict(set))
    for case in ANSWERS:
        assert case["label"] in ("correct", "wrong", "review"), case
        by_question[case["question"]][case["label"]].add(case["style"])
    assert sorted(by_question) == sorted(RUBRIC.questions)
    for number, labels in by_question.items():
        counts = {label: sum(1 for c in ANSWERS if c["question"] == number and c["label"] == label)
                  for label in ("correct", "wrong")}
        assert counts["correct"] >= 3 and len(labels["correct"]) >= 3, number
        assert counts["wrong"] >= 2 and "negation" in labels["wrong"], number
        assert labels["wrong"] & {"confusion", "swap"}, number
        assert {"keywords", "pasted"} <= labels["review"], number


def test_correct_answers_are_not_the_model_answer():
    for case in ANSWERS:
        if case["style"] != "copy":
            assert case["text"].strip() != RUBRIC.questions[case["question"]].model_answer
        else:
            assert case["label"] == "review"


@pytest.mark.parametrize("case", [c for c in ANSWERS if c["label"] == "correct"], ids=case_id)
def test_correct_answers_get_full_marks(case):
    q = grade(case)
    assert q.points == q.max_points and q.status == "correct", q.concepts_missing
    assert not q.needs_review, q.review_reason
    assert q.concepts_missing == []


@pytest.mark.parametrize("case", [c for c in ANSWERS if c["label"] == "wrong"], ids=case_id)
def test_wrong_answers_do_not_get_full_marks(case):
    q = grade(case)
    assert q.points < q.max_points and q.status != "correct"
    assert q.concepts_missing or q.contradictions


@pytest.mark.parametrize("case", [c for c in ANSWERS if c["label"] == "review"], ids=case_id)
def test_keyword_lists_and_pasted_questions_are_flagged(case):
    q = grade(case)
    assert q.needs_review and q.points < q.max_points
    expected = {"keywords": "keywords", "copy": "model answer"}.get(case["style"], "repeats the question")
    assert expected in q.review_reason


def test_the_whole_set_graded_at_once_matches_one_by_one():
    """Grading several questions together gives each the same result as alone."""
    by_question: dict[int, str] = {}
    for case in ANSWERS:
        if case["label"] == "correct":
            by_question.setdefault(case["question"], case["text"])
    together = grade_questionnaire(by_question)
    assert together.points == together.max_points
    for q in together.questions:
        assert q.answer == by_question[q.number]


def test_the_development_set_is_large_varied_and_adversarial():
    """Issue 14: at least 300 answers, at least 15 per question, at least a third adversarial
    (negations, inversions, swapped roles, keyword lists, copies, right answers in code, in unusual
    words or in another structure)."""
    assert len(ANSWERS) >= 300
    per_question = defaultdict(int)
    for case in ANSWERS:
        per_question[case["question"]] += 1
    assert min(per_question.values()) >= 15, dict(per_question)
    assert sum(bool(c.get("adversarial")) for c in ANSWERS) * 3 >= len(ANSWERS)
    styles = {c["style"] for c in ANSWERS}
    assert {"negation", "inversion", "swap", "keywords", "copy", "code", "unusual-words",
            "structure"} <= styles
    held_out = json.loads((DATA.parent / "ch6_answers_heldout.json").read_text())["answers"]
    assert not {c["text"] for c in held_out} & {c["text"] for c in ANSWERS}, "the sets stay apart"


def test_no_wrong_answer_gets_full_marks_and_no_right_answer_gets_zero():
    false_full = [case_id(c) for c in ANSWERS
                  if c["label"] != "correct" and (q := grade(c)).points >= q.max_points]
    false_zero = [case_id(c) for c in ANSWERS if c["label"] == "correct" and grade(c).points == 0]
    assert (false_full, false_zero) == ([], [])
