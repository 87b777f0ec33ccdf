"""Issue 14 (and issue 13's questionnaire items): answers written the way learners really write them,
and answers written to fool the checker.

Each test names the misgrade it guards against: wrong answers that share the right words, right
answers in code or in unusual structure, keyword lists, copies of the model answers, links and
oversized sheets, and crafted text that would make the parser or the matcher slow.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from grader.errors import SubmissionError
from grader.questionnaire import grade_questionnaire, load_rubric, parse_answer_text, read_answer_sheet
from grader.questionnaire import checker, matching
from grader.questionnaire.answers import MAX_HEADING_LINE, MAX_SHEET_BYTES, question_heading

ROOT = Path(__file__).resolve().parent.parent
RUBRIC = load_rubric("ch6")


def grade_one(number: int, text: str):
    return grade_questionnaire({number: text}).question(number)


# --- polarity: negation, inversion, swapped roles --------------------------------------------------

@pytest.mark.parametrize("number, text", [
    (14, "Never, you should always use the test set for that."),
    (14, "It is never okay: tuning on the validation set always overfits it."),
    (10, "Softmax is a good choice here because its outputs sum to one, so they are probabilities."),
    (10, "Softmax is perfectly appropriate for one-hot targets since it normalizes the activations."),
    (13, "We can use regular accuracy: it takes the argmax, which works fine for multi-label problems."),
    (16, "Regression predicts a category out of a fixed set; use MSE for it, and cross-entropy for "
         "continuous numbers."),
    (17, "Use PointBlock for the images and ImageBlock for the coordinates."),
])
def test_a_wrong_claim_with_the_right_words_earns_nothing_and_is_flagged(number, text):
    q = grade_one(number, text)
    assert q.points == 0 and q.status == "wrong", q.concepts_found
    assert q.needs_review and q.contradictions


@pytest.mark.parametrize("number, text", [
    (12, "nn.BCELoss takes the raw logits and applies the sigmoid itself, while nn.BCEWithLogitsLoss "
         "expects probabilities."),
    (5, "A DataLoader returns a single item when you index it, and a Dataset gives you mini-batches."),
    (6, "A Datasets object contains a training DataLoader and a validation DataLoader."),
    (15, "sigmoid(x) * lo + hi: multiply by the low end and add the high end."),
])
def test_swapped_roles_do_not_get_full_marks(number, text):
    q = grade_one(number, text)
    assert q.points < q.max_points and q.status != "correct"


def test_a_negated_key_idea_is_flagged_when_it_is_the_only_match():
    q = grade_one(12, "nn.BCEWithLogitsLoss does not apply a sigmoid.")
    assert q.points < q.max_points


# --- code answers ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "`df.loc[:, 'fname']`",
    "```python\n# get a column by name\ndf['fname']\n```",
    "```python\ndf.labels\n```",
    "`df[\"labels\"]`",
    "df.get('labels')",
])
def test_question_4_accepts_every_form_of_a_column_by_name(text):
    q = grade_one(4, text)
    assert (q.points, q.status, q.needs_review) == (q.max_points, "correct", False), q.review_reason


@pytest.mark.parametrize("text", ["`df.iloc[0]`", "df.iloc[:, 1]", "```\ndf.iloc[3, 2]\n```",
                                  "```python\n# rows and columns by position\ndf.iloc[0:10, [0, 1]]\n```"])
def test_question_3_accepts_iloc_in_any_indexing_form(text):
    q = grade_one(3, text)
    assert (q.points, q.needs_review) == (q.max_points, False), q.review_reason


def test_a_comment_in_code_is_not_the_question_pasted_back():
    q = grade_one(4, "```python\n# How do you get a column by name from a DataFrame?\ndf['fname']\n```")
    assert q.status == "correct" and not q.needs_review


def test_the_question_pasted_into_a_code_block_is_still_the_question():
    q = grade_one(4, "```\n# How do you get a column by name from a DataFrame?\n```")
    assert q.points == 0


# --- keyword lists -------------------------------------------------------------------------------------

@pytest.mark.parametrize("number, text", [
    (13, "argmax, threshold, multiple labels"),
    (10, "sum to 1, one class, sigmoid"),
    (14, "smooth, not overfitting"),
    (12, "probabilities, logits, sigmoid"),
    (1, "no bear\nseveral bears"),
    (15, "- sigmoid\n- hi minus lo\n- plus lo"),
])
def test_keyword_lists_never_get_full_marks_and_are_always_flagged(number, text):
    q = grade_one(number, text)
    assert q.points < q.max_points and q.needs_review
    assert "keywords" in q.review_reason


@pytest.mark.parametrize("number, text", [(6, "training set, validation set"), (9, "get_x, get_y"),
                                          (7, "dls.train, dls.valid")])
def test_a_list_that_is_what_the_question_asks_for_is_an_answer(number, text):
    q = grade_one(number, text)
    assert q.status == "correct" and not q.needs_review


# --- the rubric, reviewed against the book ------------------------------------------------------------------

def test_question_14_the_books_answer_gets_full_marks_without_a_test_set():
    q = grade_one(14, "When the metric changes smoothly as you vary the hyperparameter, so the value "
                      "you pick is not a lucky spike.")
    assert q.status == "correct" and not q.needs_review
    q = grade_one(14, "Only if you keep a separate test set for the final evaluation.")
    assert q.status == "partial"


# --- copies ---------------------------------------------------------------------------------------------------

def test_every_model_answer_under_every_question_is_flagged_and_capped():
    """Issue 13, item 8: pasting all 17 model answers under every question scored 35/35."""
    everything = "\n\n".join(q.model_answer for q in RUBRIC.questions.values())
    result = grade_questionnaire({n: everything for n in RUBRIC.questions})
    assert result.points <= result.max_points / 2
    for q in result.questions:
        assert q.needs_review and q.status != "correct", q.number
        assert "model answer" in q.review_reason and "same text" in q.review_reason


def test_the_model_answer_pasted_is_flagged_and_earns_at_most_half():
    result = grade_questionnaire({n: q.model_answer for n, q in RUBRIC.questions.items()})
    for q in result.questions:
        if len(q.model_answer.split()) >= 20:
            assert q.needs_review and q.points <= q.max_points / 2, q.number
            assert "model answer" in q.review_reason


def test_the_same_text_under_several_questions_is_flagged():
    text = ("I think the model just learns from the data and then it can make predictions about new "
            "images that it has not seen before, which is the whole point of deep learning.")
    result = grade_questionnaire({1: text, 5: text, 9: text})
    for number in (1, 5, 9):
        q = result.question(number)
        assert q.needs_review and "same text is also the answer to question" in q.review_reason


def test_different_answers_to_similar_questions_are_not_copies():
    result = grade_questionnaire({6: "A training Dataset and a validation Dataset.",
                                  7: "A training DataLoader and a validation DataLoader."})
    assert [result.question(n).status for n in (6, 7)] == ["correct", "correct"]
    assert result.needs_review == []


# --- hidden model answers -------------------------------------------------------------------------------------

def test_model_answers_can_be_hidden_until_released(monkeypatch):
    monkeypatch.delenv(checker.HIDE_ENV, raising=False)
    shown = grade_questionnaire({3: "`df.iloc[r, c]`"})
    assert shown.question(3).model_answer and not shown.model_answers_hidden
    hidden = grade_questionnaire({3: "`df.iloc[r, c]`"}, hide_model_answers=True)
    assert hidden.model_answers_hidden and all(q.model_answer == "" for q in hidden.questions)
    dump = json.dumps(hidden.to_dict())
    assert all(q.model_answer not in dump for q in RUBRIC.questions.values())
    monkeypatch.setenv(checker.HIDE_ENV, "ch6")
    assert grade_questionnaire({}).model_answers_hidden
    monkeypatch.setenv(checker.HIDE_ENV, "ch7")
    assert not grade_questionnaire({}).model_answers_hidden


def test_a_chapter_can_hide_its_model_answers_by_default(monkeypatch, tmp_path):
    from grader.questionnaire import parse_rubric
    monkeypatch.delenv(checker.HIDE_ENV, raising=False)
    data = {"chapter": "demo", "model_answers": "hidden", "questions": [
        {"number": 1, "question": "Q?", "model_answer": "Secret.", "concepts": [
            {"id": "a", "concept": "a", "points": 1, "feedback": "f", "any": ["secret"]}]}]}
    rubric = parse_rubric(json.loads(json.dumps(data)))
    assert grade_questionnaire({1: "secret"}, rubric=rubric).question(1).model_answer == ""
    monkeypatch.setenv(checker.HIDE_ENV, "0")  # released
    assert grade_questionnaire({1: "secret"}, rubric=rubric).question(1).model_answer == "Secret."


def test_batch_has_a_hide_model_answers_option():
    import argparse

    from grader.commands import batch
    parser = argparse.ArgumentParser()
    batch.add_arguments(parser)
    assert parser.parse_args(["subs", "--hide-model-answers"]).hide_model_answers is True
    assert parser.parse_args(["subs"]).hide_model_answers is False


# --- the sheet file ---------------------------------------------------------------------------------------------------

def test_a_sheet_that_is_a_link_is_refused(tmp_path):
    """Issue 13, item 8: `grader check` followed a sheet linked to another learner's."""
    other = tmp_path / "bob" / "ch6_questionnaire.md"
    other.parent.mkdir()
    other.write_text((ROOT / "solutions" / "ch6_questionnaire.md").read_text())
    mine = tmp_path / "alice" / "ch6_questionnaire.md"
    mine.parent.mkdir()
    os.symlink(other, mine)
    with pytest.raises(SubmissionError, match="is a link"):
        read_answer_sheet(mine)


def test_a_sheet_that_is_not_a_regular_file_or_too_large_is_refused(tmp_path):
    fifo = tmp_path / "fifo.md"
    os.mkfifo(fifo)
    with pytest.raises(SubmissionError, match="not a regular file"):
        read_answer_sheet(fifo)  # and does not block
    big = tmp_path / "big.md"
    big.write_text("## 1\n" + "a" * MAX_SHEET_BYTES)
    with pytest.raises(SubmissionError, match="too large"):
        read_answer_sheet(big)


def test_grading_refuses_a_linked_sheet_but_keeps_the_run(tmp_path):
    from grader.chapters import get_chapter
    from grader.grading import _questionnaire
    from grader.results import RunResult

    target = tmp_path / "elsewhere.md"
    target.write_text((ROOT / "solutions" / "ch6_questionnaire.md").read_text())
    (tmp_path / "ch6_questionnaire.md").symlink_to(target)
    result = RunResult(submission="ch6.py", learner="alice", chapter="ch6", grader_version="test",
                       started="now", device="CPU")
    data = _questionnaire(get_chapter("ch6"), tmp_path / "ch6.py", None, None, result)
    assert data["points"] == 0 and "is a link" in data["problem"]
    assert {q["status"] for q in data["questions"]} == {"not answered"}


# --- bounded work ---------------------------------------------------------------------------------------------------

def test_long_lines_are_never_headings_and_headings_need_their_number_first():
    assert question_heading("## 3. How do you access...") == 3
    assert question_heading("## 3" + " " * MAX_HEADING_LINE) is None
    assert question_heading("## Notes on 3") is None


def test_crafted_headings_parse_in_time_linear_in_their_length():
    """Issue 13, item 7: a heading line of spaces and `#` made the old regex backtrack for minutes.
    Measured as a ratio against a plain line of the same length, never as a wall-clock limit."""
    import time

    def cost(text: str) -> float:
        best = float("inf")
        for _ in range(3):
            start = time.process_time()
            parse_answer_text(text)
            best = min(best, time.process_time() - start)
        return best

    size = 200_000
    crafted = "## 1" + " #" * (size // 2) + "x\n"
    plain = "## 1 " + "a" * size + "\n"
    assert cost(crafted) < 20 * cost(plain) + 0.05


def test_the_matcher_does_polynomial_work_on_crafted_sentences(monkeypatch):
    """A phrasing with several `...` gaps and a sentence that repeats its first words but never
    completes it: without remembering dead states the search tries about 12^4 paths per word; with
    them each (place, window) is searched once, about 40 calls per word. Counted in calls, not seconds."""
    from grader.questionnaire import parse_rubric

    calls = {"n": 0}
    original = matching.Phrase._search

    def counting(self, *args, **kwargs):
        calls["n"] += 1
        return original(self, *args, **kwargs)

    monkeypatch.setattr(matching.Phrase, "_search", counting)
    rubric = parse_rubric({"chapter": "demo", "questions": [
        {"number": 1, "question": "Q?", "model_answer": "M.", "concepts": [
            {"id": "a", "concept": "a", "points": 1, "feedback": "f",
             "any": ["cat ... cat ... cat ... cat ... dog"]}]}]})
    words = 400
    result = grade_questionnaire({1: " ".join(["cat"] * words)}, rubric=rubric)
    assert result.points == 0
    assert calls["n"] <= 100 * words, calls["n"]  # without the memo: more than 2000 per word


def test_a_very_long_answer_is_checked_on_its_beginning_and_flagged():
    q = grade_one(17, "Use PointBlock for the targets. " + "blah " * 5_000)
    assert q.needs_review and "very long" in q.review_reason


# --- hedged answers ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("number, text", [
    (13, "Some people say it is because of the argmax and thresholds, but I think it's really because "
         "accuracy can't handle images."),
    (12, "People often claim BCELoss takes probabilities and BCEWithLogitsLoss takes logits, but "
         "actually they are identical."),
])
def test_a_claim_attributed_to_others_then_contradicted_earns_nothing(number, text):
    q = grade_one(number, text)
    assert q.points == 0 and q.needs_review and "what others say" in q.review_reason


def test_a_claim_attributed_to_others_without_a_contrast_still_counts():
    q = grade_one(13, "Some people say it simply: regular accuracy takes the argmax, one class per "
                      "item, while multi-label needs a threshold on each activation.")
    assert q.status == "correct"


def test_a_denied_subject_and_a_denied_obligation():
    assert grade_one(17, "PointBlock is not what makes it work; fastai detects coordinates itself.").points == 0
    q = grade_one(1, "It won't be forced to choose a bear for a picture without any bears, and can "
                     "tag multiple bears.")
    assert q.status == "correct" and not q.needs_review
