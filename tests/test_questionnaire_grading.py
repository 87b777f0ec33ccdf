"""Grading answers: model answers, empty and off-topic answers, review flags, code checks, results."""

from __future__ import annotations

import dataclasses
import inspect
import json
from pathlib import Path

import pytest

import grader.questionnaire.results as results_module
from grader.questionnaire import (QuestionnaireResult, QuestionResult, attach_code_check,
                                  grade_questionnaire, load_rubric, parse_rubric,
                                  read_answer_sheet)

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions" / "ch6_questionnaire.md"
RUBRIC = load_rubric("ch6")
NUMBERS = list(RUBRIC.questions)

OFF_TOPIC = [
    "I had pasta for lunch and then went for a walk in the park.",
    "The weather was sunny all week, so we went to the beach.",
]


def grade_one(number: int, text: str | None) -> QuestionResult:
    return grade_questionnaire({number: text}).question(number)


def test_model_answers_from_the_solutions_sheet_score_100_percent():
    result = grade_questionnaire(read_answer_sheet(SOLUTIONS))
    assert result.points == result.max_points == RUBRIC.max_points
    assert result.score == 100.0
    for q in result.questions:
        assert (q.status, q.needs_review, q.concepts_missing) == ("correct", False, []), q.number


def test_solutions_sheet_is_not_the_model_answers():
    """The reference answers are a learner's own words: none of them is flagged as a copy."""
    sheet = read_answer_sheet(SOLUTIONS)
    assert sorted(sheet) == NUMBERS
    for number, text in sheet.items():
        assert text != RUBRIC.questions[number].model_answer


@pytest.mark.parametrize("empty", [None, "", "   \n", "<!-- your answer here -->", "...", "`` ``"])
def test_empty_answers_score_0_not_answered(empty):
    for number in NUMBERS:
        q = grade_one(number, empty)
        assert (q.points, q.status, q.needs_review) == (0, "not answered", False)
        assert q.model_answer == RUBRIC.questions[number].model_answer


@pytest.mark.parametrize("number", NUMBERS)
def test_off_topic_answers_score_0(number):
    for text in OFF_TOPIC:
        q = grade_one(number, text)
        assert q.points == 0 and q.status == "wrong", text
        assert q.concepts_found == []


@pytest.mark.parametrize("number", NUMBERS)
def test_the_question_pasted_back_is_flagged_and_scores_0(number):
    q = grade_one(number, RUBRIC.questions[number].question)
    assert q.needs_review and q.points == 0
    assert "repeats the question" in q.review_reason


def test_concepts_found_and_missing_carry_feedback():
    q = grade_one(12, "nn.BCELoss expects probabilities, i.e. values between 0 and 1.")
    assert q.status == "partial" and q.points == 1 and q.max_points == 2
    assert q.concepts_found == ["nn.BCELoss expects probabilities (the sigmoid already applied)"]
    [missing] = q.concepts_missing
    concept = RUBRIC.questions[12].concepts[1]
    assert missing == {"concept": concept.concept, "feedback": concept.feedback}
    assert not q.needs_review


def test_contradiction_zeroes_the_answer_and_flags_it():
    q = grade_one(13, "You can use accuracy: just take the argmax and add a threshold for each label.")
    assert q.points == 0 and q.needs_review and q.status == "wrong"
    assert q.contradictions == [RUBRIC.questions[13].contradictions[0].feedback]


@pytest.mark.parametrize("text", [
    "We can't use regular accuracy: it takes the argmax, so one class per item. "
    "For multi-label you can use accuracy_multi, which applies a threshold to each activation.",
    "Regular accuracy cannot work for multi-label targets because it takes the argmax; "
    "you need a threshold per label.",
])
def test_a_negated_contradiction_is_not_a_contradiction(text):
    q = grade_one(13, text)
    assert q.contradictions == [] and q.status == "correct" and not q.needs_review


def test_very_long_answers_are_checked_on_their_beginning_and_flagged():
    q = grade_one(17, "Use PointBlock for the targets. " + "Lorem ipsum dolor sit amet. " * 500)
    assert q.points == q.max_points
    assert q.needs_review and "very long" in q.review_reason


def test_negated_key_idea_is_flagged_for_review():
    q = grade_one(16, "A regression problem doesn't predict a continuous number; use MSE.")
    assert q.points == 1 and q.needs_review
    assert "opposite meaning" in q.review_reason


def test_keyword_list_is_flagged_and_capped_at_half():
    q = grade_one(12, "BCELoss, probabilities, BCEWithLogitsLoss, raw logits, sigmoid, stable")
    assert len(q.concepts_found) == 2
    assert q.needs_review and q.points == 1.0 and q.status == "partial"
    assert "keywords" in q.review_reason


@pytest.mark.parametrize("number, text", [
    (3, "`df.iloc[rows, cols]`"), (3, "df.iloc[r, c]"), (9, "get_x, get_y"),
    (9, "`get_x` and `get_y`"), (15, "sigmoid(x) * (hi - lo) + lo"), (17, "PointBlock"),
    (16, "A continuous number; MSE."), (6, "Train and valid Datasets."),
    (16, "Continuous numeric target; MSE loss."),
    (5, "Dataset = indexable collection of (x, y) items; DataLoader = iterator yielding batches."),
    (12, "BCELoss: takes probabilities. BCEWithLogitsLoss: takes raw logits, sigmoid built in."),
])
def test_terse_answers_and_code_are_not_keyword_lists(number, text):
    q = grade_one(number, text)
    assert q.status == "correct" and not q.needs_review, q.review_reason


def test_answer_keys_may_be_strings():
    result = grade_questionnaire({"17": "Use PointBlock.", "Q9": "get_x and get_y", "x": "junk"})
    assert result.question(17).status == result.question(9).status == "correct"
    assert result.points == 4


def test_attach_code_check_records_the_verdict_without_changing_points():
    result = grade_questionnaire({15: "`torch.sigmoid(x) * (hi - lo) + lo`"})
    before = (result.points, result.question(15).points)
    returned = attach_code_check(result, question=15, passed=False,
                                 message="sigmoid_range returns values outside (lo, hi)")
    q15 = result.question(15)
    assert returned is q15
    assert (q15.code_passed, q15.code_feedback) == (False, "sigmoid_range returns values outside (lo, hi)")
    assert (result.points, q15.points) == before
    assert all(q.code_passed is None for q in result.questions if q.number != 15)
    data = result.to_dict()["questions"][14]
    assert data["code_passed"] is False and data["code_feedback"].startswith("sigmoid_range")


def test_attach_code_check_on_a_question_result_and_errors():
    q15 = grade_one(15, "")
    attach_code_check(q15, passed=True, message="passes")
    assert (q15.code_passed, q15.code_feedback, q15.status) == (True, "passes", "not answered")
    with pytest.raises(ValueError):
        attach_code_check(grade_one(3, "iloc"), question=15, passed=True)
    with pytest.raises(KeyError):
        attach_code_check(grade_questionnaire({}), question=99, passed=True)


def test_results_are_json_and_round_trip():
    result = grade_questionnaire({1: "It can say no bear.", 13: "You can use accuracy.",
                                  12: "BCELoss probabilities BCEWithLogitsLoss logits sigmoid raw"})
    attach_code_check(result, question=15, passed=True, message="ok")
    data = json.loads(json.dumps(result.to_dict()))
    assert data["points"] == result.points and data["max_points"] == 35
    assert sorted(data["needs_review"]) == [12, 13]
    back = QuestionnaireResult.from_dict(data)
    assert back == result
    assert QuestionResult.from_dict(result.question(1).to_dict()) == result.question(1)


def test_result_fields_and_their_docstrings():
    names = {f.name for f in dataclasses.fields(QuestionResult)}
    assert {"number", "question", "answer", "points", "max_points", "concepts_found",
            "concepts_missing", "needs_review", "review_reason", "model_answer", "status",
            "code_passed", "code_feedback"} <= names
    text = inspect.getsource(results_module)
    for cls in (QuestionResult, QuestionnaireResult):
        for f in dataclasses.fields(cls):
            after = text.split(f"\n    {f.name}:", 1)[1].split("\n", 2)[1]
            assert after.strip().startswith('"""'), f"{cls.__name__}.{f.name} has no docstring"


def custom_rubric(scope: str):
    return parse_rubric({
        "chapter": "demo",
        "questions": [{
            "number": 1, "question": "What does BCELoss expect?", "model_answer": "Probabilities.",
            "concepts": [{"id": "bce_probs", "concept": "BCELoss expects probabilities", "points": 1,
                          "feedback": "Say what BCELoss expects.", "scope": scope,
                          "all": [["bce loss"], ["probabilit*"]]}]}]})


def test_all_groups_with_sentence_scope():
    text = "BCE loss is a loss. It expects probabilities."
    assert grade_questionnaire({1: text}, rubric=custom_rubric("answer")).points == 1
    assert grade_questionnaire({1: text}, rubric=custom_rubric("sentence")).points == 0
    same = "BCE loss expects probabilities."
    assert grade_questionnaire({1: same}, rubric=custom_rubric("sentence")).points == 1


def _graded_run(zygote, tmp_path, sigmoid_range_body: str):
    """A run of `grader check` on the solutions with its sheet, sigmoid_range replaced."""
    from misconception_cases import submission_with

    from grader.grading import grade

    solved = (ROOT / "solutions" / "ch6.py").read_text()
    (tmp_path / "ch6.py").write_text(submission_with(sigmoid_range_body, solved))
    (tmp_path / "ch6_questionnaire.md").write_text(SOLUTIONS.read_text())
    return grade(tmp_path / "ch6.py", only={"sigmoid_range", "questionnaire"}, zygote=zygote, timing=False)


@pytest.mark.parametrize("body,passed", [
    ("def sigmoid_range(x, lo, hi):\n    return torch.sigmoid(x) * (hi - lo) + lo", True),
    ("def sigmoid_range(x, lo, hi):\n    return torch.sigmoid(x) * (hi - lo)", False),
])
def test_question_15_is_checked_by_running_the_learners_sigmoid_range(zygote, tmp_path, body, passed):
    result = _graded_run(zygote, tmp_path, body)
    q15 = next(q for q in result.questionnaire["questions"] if q["number"] == 15)
    assert q15["code_passed"] is passed
    assert q15["points"] == q15["max_points"], "the answer text keeps its own grade"
    if passed:
        assert q15["code_feedback"] == "your sigmoid_range passes its tests"
    else:
        assert q15["code_feedback"].startswith("Your outputs start at 0 instead of at `lo`")  # its hint


def test_console_shows_each_question_below_full_marks_and_with_v_its_feedback(zygote, tmp_path):
    import io

    from grader.console import print_summary
    from grader.grading import grade

    (tmp_path / "ch6.py").write_text((ROOT / "exercises" / "ch6.py").read_text())
    (tmp_path / "ch6_questionnaire.md").write_text(
        "## 12. What is the difference between nn.BCELoss and nn.BCEWithLogitsLoss?\n"
        "BCELoss wants values that already went through a sigmoid, between 0 and 1.\n")
    result = grade(tmp_path / "ch6.py", only={"questionnaire"}, zygote=zygote)
    short, full = io.StringIO(), io.StringIO()
    print_summary(result, stream=short)
    print_summary(result, verbose=1, stream=full)
    assert "below full marks: Q12 1/2" in short.getvalue()
    assert "not answered: Q1, Q2, Q3" in short.getvalue() and "Q12," not in short.getvalue()
    text = full.getvalue()
    assert "Q12 1/2: What is the difference between nn.BCELoss" in text
    assert "found: nn.BCELoss expects probabilities" in text
    assert "missing: Say what nn.BCEWithLogitsLoss takes" in text
    assert "Q3 not answered" in text
