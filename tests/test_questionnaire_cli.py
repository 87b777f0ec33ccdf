"""The real `grader check` CLI on questionnaire answers: a notebook whose answers sit in cells the
learner added under each heading, and an answer sheet that is a link (issue 14, issue 13 item 8)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from notebooks.build import code, markdown, write_notebook

ROOT = Path(__file__).resolve().parent.parent


def grader_check(cwd: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "grader", "check", "ch6", *args], cwd=cwd,
                          env=environment, capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_notebook_answers_in_added_cells_are_graded_and_the_report_says_which_cells(tmp_path):
    path = write_notebook(tmp_path / "homework.ipynb", [
        markdown("## Questionnaire"),
        markdown("### Question 3. How do you access the rows and columns of a DataFrame as if it "
                 "was a matrix?"),
        markdown("With the integer-position indexer:"),                           # cell 3, added
        code("# rows and columns by position\ncell = 'df.iloc[0, 2]'"),          # cell 4, added
        markdown("### Question 4. How do you get a column by name from a DataFrame?\n\n"
                 "<!-- Write your answer here -->"),
        markdown("Like a dictionary: `df['fname']`"),                             # cell 6, added
        markdown("### Question 17. What do you need to do to make sure the fastai library applies "
                 "the same data augmentation to your inputs images and your target point coordinates?"),
        markdown("Use `PointBlock` for the targets,"),                            # cell 8, split
        markdown("as in `blocks=(ImageBlock, PointBlock)`."),                     # cell 9
    ])
    report = tmp_path / "out" / "homework.html"
    proc = grader_check(tmp_path, str(path), "--only", "questionnaire", "--json", "--no-timing",
                        "--report", str(report), env={"GRADER_HIDE_MODEL_ANSWERS": "ch6"})
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    data = json.loads(proc.stdout)["questionnaire"]
    by_number = {q["number"]: q for q in data["questions"]}
    assert [by_number[n]["status"] for n in (3, 4, 17)] == ["correct"] * 3
    assert {n: by_number[n]["cells_read"] for n in (3, 4, 17)} == {3: [3, 4], 4: [6], 17: [8, 9]}
    assert by_number[1]["status"] == "not answered" and by_number[1]["cells_read"] == []
    assert data["source"] == "notebook" and data["points"] == 6
    assert data["model_answers_hidden"] and all(q["model_answer"] == "" for q in data["questions"])
    html = report.read_text()
    assert "Read from notebook cells 8, 9" in html
    assert "the model answers are not released yet" in html


@pytest.mark.slow
def test_a_linked_answer_sheet_is_refused_and_the_exercises_still_count(tmp_path):
    learner = tmp_path / "alice"
    learner.mkdir()
    (learner / "ch6.py").write_text((ROOT / "solutions" / "ch6.py").read_text())
    other = tmp_path / "bob_ch6_questionnaire.md"
    other.write_text((ROOT / "solutions" / "ch6_questionnaire.md").read_text())
    (learner / "ch6_questionnaire.md").symlink_to(other)
    proc = grader_check(learner, "ch6.py", "--only", "questionnaire,img2pose", "--no-timing",
                        "--no-report")
    assert "answer sheet not graded" in proc.stdout and "is a link" in proc.stdout, proc.stdout
    assert "questionnaire" in proc.stdout and "0/35" in proc.stdout
    assert "img2pose" in proc.stdout and "Traceback" not in proc.stdout + proc.stderr


@pytest.mark.slow
def test_batch_hide_model_answers_keeps_them_out_of_every_file(tmp_path):
    """`grader batch --hide-model-answers`: no report, gradebook or results file holds a model answer."""
    from grader.questionnaire import load_rubric

    learner = tmp_path / "subs" / "alice"
    learner.mkdir(parents=True)
    (learner / "ch6.py").write_text((ROOT / "solutions" / "ch6.py").read_text())
    (learner / "ch6_questionnaire.md").write_text(
        (ROOT / "solutions" / "ch6_questionnaire.md").read_text())
    out = tmp_path / "out"
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    environment.pop("GRADER_HIDE_MODEL_ANSWERS", None)
    proc = subprocess.run([sys.executable, "-m", "grader", "batch", str(tmp_path / "subs"), "--out",
                           str(out), "--only", "questionnaire", "--no-timing", "-q",
                           "--hide-model-answers"], env=environment, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    files = [p for p in out.rglob("*") if p.is_file()]
    assert any(p.name == "report.html" for p in files)
    models = [q.model_answer for q in load_rubric("ch6").questions.values()]
    for path in files:
        text = path.read_text(errors="replace")
        assert not [m for m in models if m in text], path
    assert "not released yet" in next(p for p in files if p.name == "report.html").read_text()
