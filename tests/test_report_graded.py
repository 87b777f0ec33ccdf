"""Reports of real grading runs: the reference solutions (all green), the stubs (all red), a learner
half way (misconceptions named), a submission that tries to inject HTML and script; and the
`grader check` options that write the report (`--report`, `--no-report`, the default path, `--json`)."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from conftest import BEAR, ROOT, SOLUTION, STUBS
from report_submissions.html_checks import (assert_nothing_injected, assert_well_formed, elements,
                                            visible_text)

from grader.report import render_report

SUBMISSIONS = ROOT / "tests" / "report_submissions"
MIXED, MIXED_ANSWERS = SUBMISSIONS / "mixed_ch6.py", SUBMISSIONS / "mixed_questionnaire.md"
INJECTION, INJECTION_ANSWERS = SUBMISSIONS / "injection_ch6.py", SUBMISSIONS / "injection_questionnaire.md"

pytestmark = pytest.mark.slow  # grades four submissions (about a minute on 2 cores)


@pytest.fixture(scope="module")
def graded(zygote):
    """Grade each submission once for the module: name -> (RunResult, html)."""
    from grader.grading import grade

    cache = {}

    def _graded(name):
        if name not in cache:
            path, answers = {"solution": (SOLUTION, None), "stubs": (STUBS, None),
                             "mixed": (MIXED, MIXED_ANSWERS), "injection": (INJECTION, INJECTION_ANSWERS)}[name]
            result = grade(path, skip={BEAR}, answers=answers, zygote=zygote)
            cache[name] = result, render_report(result)
        return cache[name]

    return _graded


def rows(html: str) -> dict[str, tuple[float, float]]:
    """Score per exercise (and questionnaire) as the page's score table states it."""
    return {row["data-exercise"]: (float(row["data-points"]), float(row["data-max-points"]))
            for row in elements(html, "li") if "data-exercise" in row}


def assert_scores_match(result, html: str) -> None:
    data = result.to_dict()
    summary = elements(html, "section", id="summary")[0]
    assert (float(summary["data-points"]), float(summary["data-max-points"])) == (data["points"], data["max_points"])
    assert summary["data-status"] == data["status"]
    table = rows(html)
    for exercise in data["exercises"]:
        assert table[exercise["name"]] == (exercise["points"], exercise["max_points"]), exercise["name"]
    if data["questionnaire"]:
        q = data["questionnaire"]
        assert table["questionnaire"] == (q["points"], q["max_points"])
    assert f"{data['score']:.0f}%" in visible_text(html)


def test_solution_report_is_all_green(graded):
    result, html = graded("solution")
    assert result.status == "passed" and result.score == 100
    assert_scores_match(result, html)
    assert '<span class="pill passed">Passed</span>' in html
    assert 'class="test' not in html and "✘" not in html  # not one failure card or cross
    names = [e.name for e in result.exercises]
    assert len(names) == 7
    for name in names:  # every exercise folded, with its tests listed as passed
        assert re.search(rf'<details class="exercise passed" id="ex-{name}">', html)
    core = [t for e in result.exercises for t in e.tests if not t.stretch]
    assert len(core) >= 39  # 36, and 3 timed tests
    assert f"{len(core)} of {len(core)} tests passed" in visible_text(html)
    assert rows(html)["questionnaire"] == (35.0, 35.0)
    assert_well_formed(html)
    assert_nothing_injected(html)


def test_stub_report_is_all_red_and_says_what_to_do(graded):
    result, html = graded("stubs")
    assert result.points == 0
    assert_scores_match(result, html)
    assert '<span class="pill failed">Not passed yet</span>' in html
    text = visible_text(html)
    assert "0 of 7 exercises passed" in text and "0%" in text
    assert "<details class=\"exercise passed\"" not in html
    for exercise in result.exercises:
        assert re.search(rf'<section class="exercise failed" id="ex-{exercise.name}">', html)
    # each stub's tests all fail the same way: one card per exercise, the hint once
    hint = "Replace the <code>raise NotImplementedError</code> with your implementation."
    assert html.count(hint) >= len(result.exercises)
    bce = next(e for e in result.exercises if e.name == "binary_cross_entropy")
    same = Counter((t.message, t.hint) for t in bce.tests
                   if not t.stretch and t.max_points and t.outcome == "failed")
    shared = same.most_common(1)[0][1]  # its scored tests (the timed one too) fail with one feedback
    assert shared >= 10 and f"{shared} tests, same feedback" in text
    assert "NotImplementedError (line" in text
    assert_well_formed(html)


def test_mixed_report_names_each_misconception(graded):
    result, html = graded("mixed")
    assert_scores_match(result, html)
    by_name = {e.name: e for e in result.exercises}
    for name in ("sigmoid_range", "splitter", "img2pose", "get_ctr"):
        assert by_name[name].passed
        assert re.search(rf'<details class="exercise passed" id="ex-{name}">', html)
    # a centre returned as a list is right in a form fastai's PointBlock accepts: full marks, with a note
    assert any("PointBlock" in note for note in by_name["get_ctr"].notes)
    assert "PointBlock" in visible_text(html)
    expected_misconceptions = {"binary_cross_entropy": "sum_not_mean", "accuracy_multi": "greater_equal",
                               "is_valid_person": "13_anywhere"}
    for name, misconception in expected_misconceptions.items():
        assert not by_name[name].passed
        assert re.search(rf'<section class="exercise failed" id="ex-{name}">', html)
        hints = {t.hint for t in by_name[name].tests if t.misconception == misconception}
        assert hints and None not in hints, (name, misconception)
        page = visible_text(html)
        for hint in hints:
            assert _plain(hint) in page
    # failures first: every failed exercise comes before every passed one
    order = re.findall(r'class="exercise (passed|failed)" id="ex-', html)
    assert order == sorted(order, key=lambda state: state == "passed")
    text = visible_text(html)
    assert "tensor(1.0, dtype=float32)" in text and "tensor(0.5, dtype=float32)" in text  # >= at the threshold
    assert "loading my chapter 6 answers" in text  # what the learner printed
    questions = result.questionnaire["questions"]
    statuses = {q["status"] for q in questions}
    assert {"correct", "not answered"} <= statuses and statuses & {"partial", "wrong"}
    for q in questions:
        for missing in q["concepts_missing"]:
            assert _plain(missing["feedback"]) in text
    assert_well_formed(html)
    assert_nothing_injected(html)


def test_injection_report_shows_html_as_text_only(graded):
    result, html = graded("injection")
    assert_nothing_injected(html)
    assert_well_formed(html)
    assert_scores_match(result, html)
    text = visible_text(html)
    for shown in ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
                  "<b>bold</b><script>alert('bce')</script>", '<iframe src="javascript:alert(4)"></iframe>',
                  "<svg onload=alert(5)>", "<img src=x onerror=alert(7)>", "<style>body{display:none}</style>",
                  "<script>alert('q1')</script>"):
        assert shown in text, shown
    assert "&lt;img src=x onerror=alert(1)&gt;" in html  # img2pose's return value, escaped
    img2pose = next(e for e in result.exercises if e.name == "img2pose")
    assert any("<img src=x onerror=alert(1)>" in (t.got or "") for t in img2pose.tests)


def test_check_writes_the_report_where_asked(tmp_path, capsys):
    from grader.cli import run

    target = tmp_path / "out" / "mine.html"
    code = run(["check", "ch6", str(MIXED), "--only", "img2pose,is_valid_person", "--answers",
                str(MIXED_ANSWERS), "--report", str(target), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1
    html = target.read_text(encoding="utf-8")
    summary = elements(html, "section", id="summary")[0]
    assert (float(summary["data-points"]), float(summary["data-max-points"])) == (data["points"], data["max_points"])
    assert rows(html)["is_valid_person"] == (2.0, 3.0) == \
        next((e["points"], e["max_points"]) for e in data["exercises"] if e["name"] == "is_valid_person")
    assert_well_formed(html)


def test_check_default_report_path_and_no_report(tmp_path, monkeypatch, capsys):
    from grader.cli import run

    monkeypatch.chdir(tmp_path)
    assert run(["check", "ch6", str(SOLUTION), "--only", "img2pose", "--no-report"]) == 0
    assert "Report:" not in capsys.readouterr().out
    assert not (tmp_path / "reports").exists()
    assert run(["check", "ch6", str(SOLUTION), "--only", "img2pose"]) == 0
    written = tmp_path / "reports" / "ch6-ch6.html"  # reports/<learner>-<chapter>.html
    assert f"Report: {Path('reports') / 'ch6-ch6.html'}" in capsys.readouterr().out
    assert written.is_file() and "<span class=\"pill passed\">Passed</span>" in written.read_text(encoding="utf-8")


def _plain(text: str) -> str:
    """Feedback as the page's visible text has it: `code` spans shown without their backticks."""
    return " ".join(text.replace("`", "").split())
