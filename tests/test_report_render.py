"""The HTML report rendered from hand-built results: every section (questionnaire, notebook, timing,
figures, hidden tests, load errors), what stays hidden, escaping, well-formedness, the shared Jinja
environment, and the atomic write. Fast: nothing is graded here (see test_report_graded.py)."""

from __future__ import annotations

import json
import os
import re

import jinja2
import pytest
from report_submissions.html_checks import (assert_nothing_injected, assert_well_formed, elements,
                                            visible_text)

from grader.report import STYLE, ReportError, environment, render_report, write_report
from grader.results import ExerciseResult, Fault, RunResult
from grader.results import TestResult as Result

PAYLOADS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><svg onload=alert(2)>',
            "</pre></code></details><iframe src=javascript:alert(3)>", "<!-- -->]]>&amp;"]


def make_test(name, outcome="passed", points=1.0, max_points=1.0, exercise="ex", **kw) -> Result:
    if outcome != "passed" and "points" not in kw:
        points = 0.0
    return Result(nodeid=f"test_{exercise}.py::{name}", name=name, exercise=exercise, outcome=outcome,
                      points=points, max_points=max_points, **kw)


def run(exercises=(), **kw) -> RunResult:
    base = dict(submission="work/ana.py", learner="ana", chapter="ch6", grader_version="9.9.9",
                started="2026-11-23T14:05:09", device="NVIDIA H100 80GB HBM3", duration=12.5)
    base.update(kw)
    return RunResult(exercises=list(exercises), **base)


def questionnaire(**overrides) -> dict:
    questions = [
        {"number": 1, "question": "How could multi-label classification help?", "answer": "It can say no bear.",
         "points": 1.0, "max_points": 2.0, "concepts_found": ["it can say no bear"],
         "concepts_missing": [{"concept": "several bears", "feedback": "Say that one image can get `several` labels."}],
         "needs_review": False, "review_reason": None, "model_answer": "Several labels, or none.",
         "status": "partial", "contradictions": [], "code_passed": None, "code_feedback": None},
        {"number": 2, "question": "How do we encode the target?", "answer": "one-hot", "points": 0.0,
         "max_points": 2.0, "concepts_found": [], "concepts_missing": [], "needs_review": True,
         "review_reason": "The answer is a list of keywords.", "model_answer": "One-hot.", "status": "wrong",
         "contradictions": ["softmax is not used here"], "code_passed": None, "code_feedback": None},
        {"number": 15, "question": "How is y_range implemented?", "answer": "sigmoid * (hi-lo) + lo",
         "points": 3.0, "max_points": 3.0, "concepts_found": ["a sigmoid"], "concepts_missing": [],
         "needs_review": False, "review_reason": None, "model_answer": "`sigmoid_range`", "status": "correct",
         "contradictions": [], "code_passed": False, "code_feedback": "sigmoid_range forgets `+ lo`."},
        {"number": 16, "question": "What is regression?", "answer": "", "points": 0.0, "max_points": 2.0,
         "concepts_found": [], "concepts_missing": [{"concept": "continuous target", "feedback": "Say it."}],
         "needs_review": False, "review_reason": None, "model_answer": "A number.", "status": "not answered",
         "contradictions": [], "code_passed": None, "code_feedback": None},
    ]
    data = {"chapter": "ch6", "points": 4.0, "max_points": 9.0, "questions": questions}
    data.update(overrides)
    return data


def rich_result() -> RunResult:
    """Every section at once: failures of each kind, hidden tests, stretch, timing, figures,
    questionnaire, notebook and printed output."""
    bce = ExerciseResult("binary_cross_entropy", "Binary cross-entropy on logits", tests=[
        make_test("Returns a 0-dim tensor", exercise="binary_cross_entropy"),
        make_test("Matches [4 x 3]", "failed", exercise="binary_cross_entropy",
             message="`binary_cross_entropy` returned the wrong value (max abs difference 13.7)",
             hint="You return the sum; take the mean.", misconception="sum_not_mean",
             expected="tensor(1.2457, dtype=float32)", got="tensor(14.9483, dtype=float32)"),
        make_test("Matches [64 x 20]", "failed", exercise="binary_cross_entropy",
             message="`binary_cross_entropy` returned the wrong value (max abs difference 3434)",
             hint="You return the sum; take the mean.", misconception="sum_not_mean",
             expected="tensor(2.6848, dtype=float32)", got="tensor(3436.6069, dtype=float32)"),
        make_test("Is vectorised", "failed", exercise="binary_cross_entropy", max_points=2.0,
             message="40 times slower than the reference", hint="Use tensor operations, not a Python loop.",
             timing={"ratio": 40.2, "budget": 10, "device": "CPU", "sizes": [4096, 80], "learner_s": 2.01,
                     "reference_s": 0.05}),
        make_test("Large activations", "failed", exercise="binary_cross_entropy", stretch=True,
             message="returned inf", hint="Use F.logsigmoid."),
    ])
    acc = ExerciseResult("accuracy_multi", "Multi-label accuracy", tests=[
        make_test("Default threshold", exercise="accuracy_multi", timing={"ratio": 1.3, "budget": 10}),
        make_test("Uses thresh [0.2]", exercise="accuracy_multi", details={"note": "thresh given by keyword"}),
    ])
    bears = ExerciseResult("train_bear_classifier", "Bear classifier", tests=[
        make_test("Trains and predicts", exercise="train_bear_classifier", details={
            "figures": [{"label": "element-wise accuracy", "value": 0.912, "pass_mark": 0.8},
                        {"label": "no-bear images predicted empty", "value": 0.41, "pass_mark": 0.6},
                        {"label": "single-label baseline", "value": 0.333, "pass_mark": None}],
            "confusion": {"labels": ["kind", "true pos.", "false pos."], "rows": [["grizzly", 17, 2], ["teddy", 9, 0]]},
            "note": "threshold 0.5, loss BCEWithLogitsLossFlat"}),
        make_test("Element-wise accuracy on hidden images", "failed", exercise="train_bear_classifier",
             max_points=2.0, hidden=True, message="SECRET-MESSAGE accuracy 0.41 on hidden_0007.jpg",
             hint="Train longer or check your DataBlock.", expected="SECRET-EXPECTED", got="SECRET-GOT",
             fault=Fault("ValueError", "SECRET-FAULT", 3, ["SECRET-TRACEBACK"]),
             timing={"ratio": 77.7}, details={"note": "SECRET-NOTE", "figures": [{"label": "SECRET-FIGURE", "value": 1}]}),
        make_test("Two bears predict both", exercise="train_bear_classifier", points=2.0, max_points=2.0, hidden=True,
             details={"note": "SECRET-PASSED-NOTE"}, timing={"ratio": 66.6}),
    ])
    stub = ExerciseResult("splitter", "Split PASCAL rows", defined=True, notes=["`splitter` is pandas' own"], tests=[
        make_test(f"Splitter case {i}", "failed", exercise="splitter",
             message="`splitter` is still the stub: it raises NotImplementedError",
             hint="Replace the `raise NotImplementedError` with your implementation.",
             fault=Fault("NotImplementedError", "", 28, ['  File "ana.py", line 28, in splitter\n    raise NotImplementedError']))
        for i in range(4)])
    notebook = {"executed_path": "reports/ana-ch6.executed.ipynb", "kernel": "python3 (ipykernel 6)",
                "failed_cells": [{"index": 7, "execution_count": 5, "ename": "NameError",
                                  "evalue": "name 'dls' is not defined",
                                  "traceback": ["Cell In[5], line 2\n    learn = vision_learner(dls, resnet18)",
                                                "NameError: name 'dls' is not defined"],
                                  "hint": "Run the cell that defines `dls` first."}],
                "timed_out_cells": [9], "notes": ["2 shell command(s) were not run"]}
    return run([bce, acc, bears, stub], questionnaire=questionnaire(), notebook=notebook,
               output="epoch 0 loss 0.7\nepoch 1 loss 0.4\n",
               options={"timeout": 5.0, "skip": ["img2pose"], "timing": True})


@pytest.fixture(scope="module")
def rich_html():
    return render_report(rich_result())


# -- the environment -------------------------------------------------------------------------------

def test_one_shared_environment_autoescapes_and_is_strict():
    env = environment()
    assert env is environment()
    assert env.undefined is jinja2.StrictUndefined
    assert env.from_string("{{ x }}").render(x="<b>&") == "&lt;b&gt;&amp;"
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing }}").render()
    assert isinstance(env.loader, jinja2.PackageLoader)
    assert "report.html.j2" in env.list_templates() and STYLE in env.list_templates()


def test_style_partial_can_be_included_by_another_page():
    page = environment().from_string('<style>{% include "' + STYLE + '" %}</style><p>{{ name }}</p>')
    html = page.render(name="<script>")
    css = html[len("<style>"):html.index("</style>")]
    assert "--ok:" in css and "@media (max-width: 640px)" in css
    assert "<" not in css and "&" not in css  # keeps the including page well-formed XML
    assert html.endswith("<p>&lt;script&gt;</p>")


def test_finalize_cleans_control_characters_and_terminal_colours():
    out = environment().from_string("{{ x }}").render(x="\x1b[31mred\x1b[0m \x00\x07 tab\tok \ud800")
    assert out == "red \\x00\\x07 tab\tok \N{REPLACEMENT CHARACTER}"


# -- content ---------------------------------------------------------------------------------------

def test_header_names_learner_submission_date_version_device(rich_html):
    text = visible_text(rich_html)
    assert re.search(r"<h1>ana</h1>", rich_html)
    for part in ("work/ana.py", "23 Nov 2026, 14:05", "grader 9.9.9", "ran on NVIDIA H100 80GB HBM3", "ch6"):
        assert part in text, part


def test_scores_total_and_per_exercise_agree_with_json(rich_html):
    result = rich_result()
    data = json.loads(result.to_json())
    summary = elements(rich_html, "section", id="summary")[0]
    assert float(summary["data-points"]) == data["points"] == 10.0
    assert float(summary["data-max-points"]) == data["max_points"]
    assert summary["data-status"] == data["status"] == "failed"
    assert f"{data['score']:.0f}%" in visible_text(rich_html)
    rows = {row["data-exercise"]: row for row in elements(rich_html, "li") if "data-exercise" in row}
    for exercise in data["exercises"]:
        row = rows[exercise["name"]]
        assert (float(row["data-points"]), float(row["data-max-points"])) == \
            (exercise["points"], exercise["max_points"]), exercise["name"]
    assert float(rows["questionnaire"]["data-points"]) == 4.0
    assert float(rows["questionnaire"]["data-max-points"]) == 9.0


def test_rendering_the_json_gives_the_same_page():
    result = rich_result()
    again = RunResult.from_dict(json.loads(result.to_json()))
    assert render_report(again) == render_report(result)


def test_failures_first_passes_folded(rich_html):
    # accuracy_multi (all passed) comes second in the run, but after every failing exercise on the page
    order = [m.group(1) for m in re.finditer(r'id="ex-([\w-]+)"', rich_html)]
    assert order == ["binary_cross_entropy", "train_bear_classifier", "splitter", "accuracy_multi"]
    assert re.search(r'<details class="exercise passed" id="ex-accuracy_multi">', rich_html)
    assert re.search(r'<section class="exercise failed" id="ex-binary_cross_entropy">', rich_html)
    bce = _exercise_html(rich_html, "binary_cross_entropy")
    assert bce.index("Matches [4 x 3]") < bce.index("Large activations") < bce.index("1 test passed")
    assert re.search(r'<details class="passes">\s*<summary>✔ 1 test passed</summary>', bce)


def test_failure_shows_message_hint_expected_and_returned(rich_html):
    bce = _exercise_html(rich_html, "binary_cross_entropy")
    assert "<code>binary_cross_entropy</code> returned the wrong value (max abs difference 13.7)" in bce
    assert bce.count("You return the sum; take the mean.") == 1  # one hint for the misconception's tests
    for value in ("tensor(1.2457, dtype=float32)", "tensor(14.9483, dtype=float32)",
                  "tensor(2.6848, dtype=float32)", "tensor(3436.6069, dtype=float32)"):
        assert value in bce
    assert "2 tests show the same mistake" in bce
    assert "<h4>Expected</h4>" in bce and "<h4>Your code returned</h4>" in bce


def test_identical_failures_are_shown_once(rich_html):
    splitter = _exercise_html(rich_html, "splitter")
    assert "4 tests, same feedback" in splitter
    assert splitter.count("is still the stub") == 1
    assert splitter.count("Replace the <code>raise NotImplementedError</code> with your implementation.") == 1
    for i in range(4):
        assert f"<li>Splitter case {i}</li>" in splitter
    assert "NotImplementedError <span class=\"muted\">(line 28)</span>" in splitter
    assert 'File &#34;ana.py&#34;, line 28, in splitter' in splitter
    assert "Note: <code>splitter</code> is pandas&#39; own" in splitter


def test_timing_ratio_against_the_reference(rich_html):
    bce = _exercise_html(rich_html, "binary_cross_entropy")
    line = visible_text(bce)
    assert "Time: 40× the reference's time (allowed: 10×) · yours 2.01 s, reference 0.05 s · on CPU · sizes [4096, 80]" in line
    acc = _exercise_html(rich_html, "accuracy_multi")
    assert "1.3× ref." in visible_text(acc)


def test_figures_and_confusion_table(rich_html):
    bears = _exercise_html(rich_html, "train_bear_classifier")
    assert re.search(r"<td>element-wise accuracy</td>\s*<td class=\"num ok\">0.912</td>\s*<td class=\"num\">0.8</td>", bears)
    assert re.search(r"<td>no-bear images predicted empty</td>\s*<td class=\"num bad\">0.41</td>", bears)
    assert "reported" in visible_text(bears)
    assert '<th class="num">true pos.</th>' in bears
    assert '<td>grizzly</td><td class="num">17</td><td class="num">2</td>' in bears
    assert "threshold 0.5, loss BCEWithLogitsLossFlat" in bears


def test_hidden_tests_show_only_outcome_points_and_hint(rich_html):
    assert "SECRET" not in rich_html
    assert "77.7" not in rich_html and "66.6" not in rich_html
    bears = _exercise_html(rich_html, "train_bear_classifier")
    text = visible_text(bears)
    assert "Element-wise accuracy on hidden images" in text and "Train longer or check your DataBlock." in text
    assert "hidden test" in text and "0 / 2 pt" in text
    assert "their inputs and expected values are not shown" in text
    assert "Two bears predict both" in text  # a passed hidden test: its name and that it passed


def test_hidden_values_never_reach_the_page_even_in_a_group():
    tests = [make_test(f"hidden {i}", "failed", hidden=True, message=f"SECRET{i}", expected=f"SECRET-E{i}",
                  got=f"SECRET-G{i}", hint="Same hint") for i in range(3)]
    html = render_report(run([ExerciseResult("ex", "Ex", tests=tests)]))
    assert "SECRET" not in html and html.count("Same hint") == 1
    assert "3 tests, same feedback" in html


def test_stretch_goals_are_shown_and_scored_separately(rich_html):
    bce = _exercise_html(rich_html, "binary_cross_entropy")
    assert re.search(r'<article class="test failed stretch">.*?Large activations', bce, re.S)
    assert "0 of 1 stretch goals (not scored: outside the total)" in visible_text(rich_html)
    row = [r for r in elements(rich_html, "li") if r.get("data-exercise") == "binary_cross_entropy"][0]
    assert float(row["data-max-points"]) == 5.0  # 1 + 1 + 1 + 2: the stretch test's point is not in it


def test_questionnaire_feedback_per_question(rich_html):
    section = rich_html[rich_html.index('<section id="questionnaire">'):]
    text = visible_text(section)
    assert "Questionnaire · 4 / 9 points" in text
    assert "0 correct" not in text and "1 correct · 1 partly right · 1 not right yet · 1 not answered" in text
    assert "1 flagged for a person to read" in text
    assert "It can say no bear." in text and "✔it can say no bear" in text
    assert "Say that one image can get <code>several</code> labels." in section
    assert "A person will read this answer. The answer is a list of keywords." in text
    assert "softmax is not used here" in text
    assert "Your code: does not pass yet: sigmoid_range forgets + lo." in text
    assert "No answer found for this question." in text
    assert "Model answer" in text and "Several labels, or none." in text
    opened = re.findall(r'<details class="question ([\w-]+)" id="q-(\d+)"( open="open")?>', section)
    assert [(status, number, bool(is_open)) for status, number, is_open in opened] == [
        ("partial", "1", True), ("wrong", "2", True), ("correct", "15", True), ("not-answered", "16", False)]
    # question 15 is open although its answer is correct: its code check failed


def test_notebook_failed_cells(rich_html):
    section = rich_html[rich_html.index('<section id="notebook">'):rich_html.index('<section id="exercises">')]
    text = visible_text(section)
    assert "1 cell ended in an error." in text
    assert "Cell #7 (In [5])" in text and "NameError: name 'dls' is not defined" in text
    assert "learn = vision_learner(dls, resnet18)" in text
    assert "Run the cell that defines dls first." in text
    assert "Stopped after the time limit: cell #9." in text
    assert "2 shell command(s) were not run" in text
    assert "python3 (ipykernel 6)" in text and "reports/ana-ch6.executed.ipynb" in text


def test_printed_output_is_folded_and_escaped(rich_html):
    assert re.search(r'<section id="output">\s*<h2>What your code printed</h2>\s*<details>', rich_html)
    assert "epoch 1 loss 0.4" in rich_html


def test_load_error_is_shown_first_with_the_learners_traceback():
    fault = Fault("SyntaxError", "invalid syntax", 12, ['  File "ana.py", line 12\n    def f(:\n          ^'])
    result = run([ExerciseResult("ex", "Ex", defined=False, tests=[
        make_test("t", "failed", message="`ex` is not defined in your file")])], load_error=fault)
    html = render_report(result)
    assert result.status == "ungradable"
    assert '<span class="pill ungradable">Could not be graded</span>' in html
    text = visible_text(html)
    assert "Your file could not be loaded" in text and "at line 12" in text
    assert "SyntaxError: invalid syntax (line 12)" in text and "def f(:" in text
    assert html.index('id="load-error"') < html.index('id="exercises"')
    assert "Your submission does not define ex." in text
    assert_well_formed(html)


def test_all_green_and_all_red_summaries():
    green = render_report(run([ExerciseResult("ex", "Ex", tests=[make_test("a"), make_test("b")])]))
    assert '<span class="pill passed">Passed</span>' in green and "100%" in green
    assert 'class="test' not in green  # no failure card at all
    red = render_report(run([ExerciseResult("ex", "Ex", tests=[make_test("a", "failed"), make_test("b", "error")])]))
    assert '<span class="pill failed">Not passed yet</span>' in red and "0%" in visible_text(red)
    assert "grader error" in visible_text(red)


def test_renders_defensively_partial_and_odd_data():
    odd = run([ExerciseResult("ex", "Ex", tests=[
        make_test("a", "failed", timing={}, details={"figures": "not a list", "confusion": {"rows": [[1]]},
                                                "extra": {"k": [1, 2]}}),
        make_test("b", "weird-outcome", timing={"ratio": "fast"}, details={"figures": [{"value": "n/a"}]}),
        make_test("c", "skipped", max_points=0.0, message="no GPU here: not applicable")])],
        questionnaire={"points": 1, "max_points": 2, "questions": [{"number": 3}, "junk", {"status": "odd"}]},
        notebook={"failed_cells": [{}], "timed_out_cells": None}, options={"skip": None}, started="yesterday")
    html = render_report(odd)
    text = visible_text(html)
    assert "extra: {\"k\": [1, 2]}" in text and "no GPU here: not applicable" in text and "yesterday" in text
    assert_well_formed(html)
    empty = render_report(run([]))
    assert_well_formed(empty)
    assert 'id="exercises"' not in empty


def test_rich_report_is_well_formed_and_self_contained(rich_html):
    assert_well_formed(rich_html)
    assert_nothing_injected(rich_html)
    assert rich_html.startswith("<!DOCTYPE html>")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1" />' in rich_html


def test_learner_text_in_every_field_is_escaped():
    p = iter(PAYLOADS * 20)
    fault = Fault(next(p), next(p), 3, [next(p), next(p)])
    result = run([ExerciseResult(next(p), next(p), notes=[next(p)], tests=[
        make_test(next(p), "failed", message=next(p), hint=next(p), expected=next(p), got=next(p), fault=fault,
             timing={"ratio": 2, "device": next(p), "sizes": next(p)},
             details={"note": next(p), next(p): next(p),
                      "figures": [{"label": next(p), "value": next(p), "pass_mark": None}],
                      "confusion": {"labels": [next(p)], "rows": [[next(p)]]}}),
        make_test(next(p), details={"note": next(p)})])],
        learner=next(p), submission=next(p), device=next(p), started=next(p), output=next(p) * 3,
        load_error=fault, options={"skip": [next(p)], "only": [next(p)]},
        questionnaire=questionnaire(questions=[{
            "number": next(p), "question": next(p), "answer": next(p), "status": next(p),
            "concepts_found": [next(p)], "concepts_missing": [{"concept": next(p), "feedback": next(p)}],
            "contradictions": [next(p)], "needs_review": True, "review_reason": next(p),
            "model_answer": next(p), "code_passed": True, "code_feedback": next(p)}]),
        notebook={"executed_path": next(p), "kernel": next(p), "notes": [next(p)], "timed_out_cells": [next(p)],
                  "failed_cells": [{"index": next(p), "execution_count": next(p), "ename": next(p),
                                    "evalue": next(p), "traceback": [next(p)], "hint": next(p)}]})
    html = render_report(result)
    assert_nothing_injected(html)
    assert_well_formed(html)
    text = visible_text(html)
    for payload in PAYLOADS:
        assert payload in text  # shown, as text


def test_control_characters_keep_the_page_well_formed():
    html = render_report(run([ExerciseResult("ex", "Ex", tests=[
        make_test("t", "failed", message="bell\x07 nul\x00 esc\x1b[1mbold\x1b[0m", got="\x0c\x1f\ud83d")])],
        output="\x1b]0;title\x07coloured\x1b[32m green\x1b[0m\n"))
    assert_well_formed(html)
    assert "bell\\x07 nul\\x00 esc" in html and "coloured green" in html and "\x1b" not in html


def test_long_output_is_clipped():
    html = render_report(run([], output="x" * 50_000))
    assert "30,000 more characters not shown" in html
    assert len(html) < 40_000


# -- writing ---------------------------------------------------------------------------------------

def test_write_report_creates_folders_and_returns_the_path(tmp_path):
    result = rich_result()
    target = tmp_path / "a" / "b" / "ana-ch6.html"
    assert write_report(result, target) == target
    assert target.read_text(encoding="utf-8") == render_report(result)
    assert os.listdir(target.parent) == ["ana-ch6.html"]  # no temporary file left behind


def test_write_report_replaces_atomically(tmp_path, monkeypatch):
    target = tmp_path / "report.html"
    target.write_text("previous report")
    monkeypatch.setattr(os, "replace", _failing_replace)
    with pytest.raises(ReportError, match="cannot write the report to .*report.html"):
        write_report(rich_result(), target)
    assert target.read_text() == "previous report"  # a failed write leaves the old report whole
    assert os.listdir(tmp_path) == ["report.html"]
    monkeypatch.undo()
    write_report(rich_result(), target)
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_write_report_where_it_cannot_says_so(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ReportError) as caught:
        write_report(run([]), blocker / "report.html")
    assert "--no-report" in caught.value.hint


def _failing_replace(src, dst):
    raise OSError(28, "No space left on device")


def _exercise_html(html: str, name: str) -> str:
    start = re.search(rf'<(section|details) class="exercise [a-z]+" id="ex-{name}">', html)
    assert start, name
    end = re.search(r'<(section|details) class="exercise |<section id="questionnaire">', html[start.end():])
    return html[start.start(): start.end() + (end.start() if end else len(html))]


# -- issue 12: the fix behind a fold, skipped exercises, a questionnaire not submitted ------------

def test_the_fix_is_folded_and_the_totals_say_what_they_cover():
    result = run([ExerciseResult(name="is_valid_person", title="BIWI validation person", tests=[
        make_test("True for person 13", "failed", exercise="is_valid_person", hint="A folder name is a string.",
                  misconception="int_not_str", fix="`o.parent.name == '13'`",
                  inputs="Path('01/frame_00004_rgb.jpg')")])],
        skipped=["train_bear_classifier"],
        questionnaire={"chapter": "ch6", "points": 0.0, "max_points": 35.0, "questions": [],
                       "submitted": False, "status": "not submitted", "note": "no answers found: 0 points"})
    html = render_report(result)
    assert_well_formed(html)
    fold = re.search(r'<details class="fix"><summary>(.*?)</summary>(.*?)</details>', html, re.S)
    assert fold and "o.parent.name == &#39;13&#39;" in fold.group(2)
    text = visible_text(html)
    assert "not graded in this run: train_bear_classifier" in text
    assert "Not submitted." in text and "questionnaire 0 / 35 not submitted" in " ".join(text.split())
    assert "Inputs" in text
