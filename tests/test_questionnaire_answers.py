"""Reading answers: the Markdown sheet (heading styles, comments, code) and notebook answer cells."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grader.errors import SubmissionError
from grader.questionnaire import (grade_questionnaire, load_rubric, parse_answer_text,
                                  read_answer_sheet, read_notebook_answers)
from grader.questionnaire.answers import read_notebook_sections

ROOT = Path(__file__).resolve().parent.parent
EXERCISE_SHEET = ROOT / "exercises" / "ch6_questionnaire.md"


def test_exercise_sheet_has_all_17_headings_and_no_answers():
    text = EXERCISE_SHEET.read_text()
    for number in range(1, 18):
        assert f"\n## {number}. " in text
    assert read_answer_sheet(EXERCISE_SHEET) == {}
    result = grade_questionnaire(read_answer_sheet(EXERCISE_SHEET))
    assert len(result.questions) == 17
    assert {q.status for q in result.questions} == {"not answered"}
    assert result.points == 0


@pytest.mark.parametrize("heading", [
    "## 3. How do you access the rows and columns of a DataFrame as if it was a matrix?",
    "## 3", "## Q3", "## Q3.", "### Question 3", "### Question 3: rows and columns", "# q 3)",
    "#### 3 - iloc question", "## 3 ##",
])
def test_heading_styles(heading):
    answers = parse_answer_text(f"# My answers\n\nintro text\n\n{heading}\n\nUse `df.iloc[r, c]`.\n")
    assert answers == {3: "Use `df.iloc[r, c]`."}


def test_sheet_answers_run_to_the_next_question_heading(tmp_path):
    sheet = tmp_path / "answers.md"
    sheet.write_text(
        "# Chapter 6\n<!-- instructions:\n## 1. not a heading inside a comment -->\n"
        "## 1. How could...?\n\nIt can say no bear.\n\n### My notes\nand several bears.\n\n"
        "## Q2\n<!-- your answer -->\n\n"
        "## 4\nFirst line\n```python\n# 5 is a comment in code, not a heading\ndf['a']\n```\n"
        "## Question 12\nBCELoss expects probabilities.\n")
    answers = read_answer_sheet(sheet)
    assert sorted(answers) == [1, 4, 12]
    assert answers[1] == "It can say no bear.\n\n### My notes\nand several bears."
    assert "# 5 is a comment in code" in answers[4] and "df['a']" in answers[4]
    assert "instructions" not in " ".join(answers.values())


def test_missing_and_empty_answers_are_not_answered(tmp_path):
    sheet = tmp_path / "answers.md"
    sheet.write_text("## 1\nIt can predict no bear, or several bears in one photo.\n## 2\n\n## 17\n  \n")
    result = grade_questionnaire(read_answer_sheet(sheet))
    by_number = {q.number: q for q in result.questions}
    assert by_number[1].status == "correct"
    for number in (2, 3, 16, 17):
        assert by_number[number].status == "not answered"
        assert by_number[number].points == 0
        assert by_number[number].answer == ""
        expected = [c.concept for c in load_rubric().questions[number].concepts]
        assert [m["concept"] for m in by_number[number].concepts_missing] == expected


def test_repeated_question_heading_joins_both_answers():
    answers = parse_answer_text("## 9\n`get_x`\n## 10\nx\n## 9\nand `get_y`\n")
    assert answers[9] == "`get_x`\n\nand `get_y`"


def test_windows_line_endings_and_bom(tmp_path):
    sheet = tmp_path / "answers.md"
    sheet.write_bytes("\ufeff## 17\r\nUse PointBlock for the targets.\r\n".encode())
    assert read_answer_sheet(sheet) == {17: "Use PointBlock for the targets."}


def test_unreadable_sheet_is_a_submission_error(tmp_path):
    with pytest.raises(SubmissionError, match="not found"):
        read_answer_sheet(tmp_path / "missing.md")
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"\xff\xfe\xfa")
    with pytest.raises(SubmissionError, match="cannot read"):
        read_answer_sheet(bad)


def md(source, **metadata) -> dict:
    return {"cell_type": "markdown", "metadata": metadata, "source": source}


def code(source) -> dict:
    return {"cell_type": "code", "metadata": {}, "source": source, "outputs": [],
            "execution_count": None}


def notebook(*cells) -> dict:
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": list(cells)}


def test_notebook_heading_cells_with_the_answer_inside():
    nb = notebook(
        md("# Chapter 6 exercises\nSome intro."),
        md(["## Q3\n", "Use `df.iloc[rows, cols]`.\n"]),
        md("### 4. How do you get a column by name?\n`df['col']`"),
        code("## 5\ndf.fname  # a comment in code is not a heading"),
    )
    sections = read_notebook_sections(nb)
    assert sections.answers == {
        3: "Use `df.iloc[rows, cols]`.",
        4: "`df['col']`\n\n```python\n## 5\ndf.fname  # a comment in code is not a heading\n```"}
    assert sections.cells == {3: [2], 4: [3, 4]}


def test_notebook_every_cell_under_a_heading_is_the_answer():
    """Cells the learner added, split or moved under a heading form the answer, code included,
    up to the next question heading; a non-question heading of the same level stays in it."""
    nb = notebook(
        md("## Question 8"),
        md("It creates an anonymous function"),
        md("written inline as one expression."),
        code("f = lambda x: x * 2"),
        md("### My notes\nno `def` needed."),
        md("## 9"),
        md("`get_x` and `get_y`"),
    )
    sections = read_notebook_sections(nb)
    assert sections.answers == {
        8: "It creates an anonymous function\n\nwritten inline as one expression.\n\n"
           "```python\nf = lambda x: x * 2\n```\n\n### My notes\nno `def` needed.",
        9: "`get_x` and `get_y`"}
    assert sections.cells == {8: [2, 3, 4, 5], 9: [7]}


def test_notebook_section_ends_at_a_higher_heading_and_skips_exercise_cells():
    nb = notebook(
        md("## Questionnaire"),
        md("### Question 17. What do you need...?", grader={"question": 17}),
        md("Use `PointBlock` for the targets."),
        {"cell_type": "code", "metadata": {"grader": {"exercise": "img2pose"}},
         "source": "def img2pose(x): ...", "outputs": [], "execution_count": None},
        md("## Appendix\nnot an answer"),
        code("print('not an answer either')"),
    )
    sections = read_notebook_sections(nb)
    assert sections.answers == {17: "Use `PointBlock` for the targets."}
    assert sections.cells == {17: [3]}


def test_notebook_metadata_cells():
    """Tagged cells answer their question where no heading says otherwise; a heading wins over
    a tag copied with the cell."""
    nb = notebook(
        md("PointBlock for the targets.", grader={"question": 17}),
        md("### Question 3. How do you access...?", grader={"question": 3}),
        md("`df.iloc[r, c]`"),
        md("## 16. What is a regression problem?\nA continuous number; use MSE.",
           grader={"question": "16"}),
        md("copied from question 3's cell, so still tagged 3, but under question 16's heading",
           grader={"question": 3}),
        md("### Question 2. How do we encode...?\n<!-- instructions -->", grader={"question": 2}),
    )
    assert read_notebook_answers(nb) == {
        17: "PointBlock for the targets.",
        3: "`df.iloc[r, c]`",
        16: "A continuous number; use MSE.\n\n"
            "copied from question 3's cell, so still tagged 3, but under question 16's heading"}


def test_notebook_a_tagged_cell_whose_heading_was_deleted_starts_its_question():
    """The learner replaced the template cell's heading line by the answer: its tag says which
    question it answers, and the cells after it belong to that question too."""
    nb = notebook(
        md("### Question 4. How do you get a column by name?", grader={"question": 4}),
        md("`df['col']`"),
        md("A Dataset gives one (x, y) item;", grader={"question": 5}),
        md("a DataLoader gives mini-batches."),
        md("### Question 6. What does a Datasets object contain?", grader={"question": 6}),
        md("A training and a validation Dataset."),
    )
    sections = read_notebook_sections(nb)
    assert sections.answers == {4: "`df['col']`",
                                5: "A Dataset gives one (x, y) item;\n\na DataLoader gives mini-batches.",
                                6: "A training and a validation Dataset."}
    assert sections.cells == {4: [2], 5: [3, 4], 6: [6]}


def test_notebook_reading_is_bounded_and_linear():
    """A cell of 200,000 lines is read in one pass (no string grown line by line)."""
    nb = notebook(md("## 1"), md("a\n" * 200_000))
    assert read_notebook_answers(nb)[1].count("a") == 200_000


def test_notebook_answers_round_trip_through_json_and_grade():
    nb = json.loads(json.dumps(notebook(md("## Q17\nUse `PointBlock` as the y block."))))
    result = grade_questionnaire(read_notebook_answers(nb))
    assert result.question(17).status == "correct"
    assert result.question(1).status == "not answered"


def test_not_a_notebook():
    with pytest.raises(SubmissionError):
        read_notebook_answers({"cells": "nope"})
    assert read_notebook_answers({"cells": []}) == {}
