"""Chapter 5's questionnaire: 20 questions in this project's words, a rubric that gives the model
answers and other correct wordings full marks and wrong answers less, and code-checked questions."""

import json

import pytest
from conftest import ROOT

from grader.questionnaire import grade_questionnaire, load_rubric, read_answer_sheet, read_notebook_answers

ANSWERS = json.loads((ROOT / "tests" / "questionnaire_answers" / "ch5_answers.json").read_text())


def test_twenty_questions_and_the_sheets_follow_the_rubric():
    rubric = load_rubric("ch5")
    assert list(rubric.questions) == list(range(1, 21))
    blank = read_answer_sheet(ROOT / "exercises" / "ch5_questionnaire.md")
    assert all(not (text or "").strip() for text in blank.values())
    text = (ROOT / "exercises" / "ch5_questionnaire.md").read_text()
    for number, q in rubric.questions.items():
        assert f"## {number}. {q.question}" in text


def test_reference_answers_get_full_marks():
    result = grade_questionnaire(read_answer_sheet(ROOT / "solutions" / "ch5_questionnaire.md"), chapter="ch5")
    assert result.points == result.max_points == 38
    assert not [q.number for q in result.questions if q.needs_review]


def test_reference_answers_are_not_the_model_answers_which_count_as_copies():
    """The shipped sheet is a learner's own words; the model answers pasted are flagged and capped."""
    rubric = load_rubric("ch5")
    sheet = read_answer_sheet(ROOT / "solutions" / "ch5_questionnaire.md")
    assert all(sheet[n] != q.model_answer for n, q in rubric.questions.items())
    pasted = grade_questionnaire({n: q.model_answer for n, q in rubric.questions.items()}, chapter="ch5")
    assert pasted.points <= pasted.max_points / 2
    assert all(q.needs_review for q in pasted.questions)


def test_solutions_notebook_answers_are_the_reference_sheet():
    """solutions/ch5.ipynb's answer cells hold the sheet's answers (kept in step by the notebook script)."""
    notebook = json.loads((ROOT / "solutions" / "ch5.ipynb").read_text())
    sheet = read_answer_sheet(ROOT / "solutions" / "ch5_questionnaire.md")
    assert read_notebook_answers(notebook) == sheet and len(sheet) == 20


@pytest.mark.parametrize("number, concept, text", [
    (2, "regex_number", "`re.search(r'(.+)_\\d+.jpg$', fname).group(1)`"),
    (2, "regex_number", "`(.+?)_\\d+` keeps the breed"),
    (7, "exp_over_row_sum", "def softmax(x):\n    e = x.exp()\n    return e / e.sum(dim=1, keepdim=True)"),
    (7, "exp_over_row_sum", "Take the exponential of each activation and divide it by its row's sum of exponentials."),
    (18, "slice_spread", "Each group has its own rate; the first group gets `1e-6`."),
    (18, "slice_spread", "Each group has its own rate; the last group trains at `1e-4`."),
    (8, "picks_and_negates", "It computes `-x[range(len(t)), t]` for each row."),
])
def test_code_the_cleaner_rewrites_still_earns_the_concept(number, concept, text):
    """The cleaner turns `+` and a leading `-` in code into words: the rubric's regexes read that text."""
    wanted = next(c.concept for c in load_rubric("ch5").questions[number].concepts if c.id == concept)
    result = grade_questionnaire({number: text}, chapter="ch5").question(number)
    assert wanted in result.concepts_found, result.concepts_missing


@pytest.mark.parametrize("number", sorted(ANSWERS["correct"], key=int))
def test_other_correct_wordings_get_full_marks(number):
    result = grade_questionnaire({number: ANSWERS["correct"][number]}, chapter="ch5").question(int(number))
    assert result.points == result.max_points, result.concepts_missing


@pytest.mark.parametrize("number", sorted(ANSWERS["wrong"], key=int))
def test_wrong_answers_do_not_get_full_marks(number):
    result = grade_questionnaire({number: ANSWERS["wrong"][number]}, chapter="ch5").question(int(number))
    assert result.points < result.max_points


def test_code_questions_carry_the_verdict_of_their_exercise(zygote):
    from grader.grading import grade

    result = grade(ROOT / "solutions" / "ch5.py", chapter="ch5", only={"softmax", "lr_groups", "questionnaire"},
                   answers=ROOT / "solutions" / "ch5_questionnaire.md", zygote=zygote, timing=False)
    questions = {q["number"]: q for q in result.questionnaire["questions"]}
    assert questions[7]["code_passed"] is True and questions[7]["code_feedback"] == "your softmax passes its tests"
    assert questions[18]["code_passed"] is True
    assert questions[10].get("code_passed") is None  # cross_entropy was not graded in this run
