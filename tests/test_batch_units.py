"""Batch grading pieces that need no grading run: discovery, names, resume keys, the gradebook files,
the Gradescope document, the class summary page, and progress output."""

from __future__ import annotations

import csv
import io
import json
import os
import re

import pytest

from grader.batch import discovery
from grader.batch.discovery import (Ungradable, discover, find_class, learner_key, read_submission,
                                     safe_name)
from grader.batch.gradebook import csv_text, exercise_columns, write_gradebook
from grader.batch.gradescope import to_gradescope
from grader.batch.progress import Progress
from grader.batch.store import Store, content_key, failed_record, record_for_result, write_atomic
from grader.batch.summary import class_summary, histogram, render_index, write_index
from grader.chapters import get_chapter

CH6 = get_chapter("ch6")
from grader.cli import run
from grader.errors import UsageError
from grader import results
from grader.results import ExerciseResult, RunResult

SETTINGS = {"chapter": "ch6", "only": [], "skip": ["train_bear_classifier"], "timeout": 5.0}

# -- a validator written from Gradescope's published results.json spec, independent of the exporter --
VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}


def gradescope_problems(doc) -> list[str]:
    found = []
    if not isinstance(doc, dict) or not isinstance(doc.get("tests"), list):
        return ["results.json must be an object with a `tests` list"]
    if "score" not in doc and not all("score" in t for t in doc["tests"]):
        found.append("`score` is required unless every test has one")
    if "score" in doc and type(doc["score"]) not in (int, float):
        found.append("score is not a number")
    if doc.get("visibility", "visible") not in VISIBILITIES:
        found.append("bad visibility")
    if "output" in doc and not isinstance(doc["output"], str):
        found.append("output is not text")
    for i, test in enumerate(doc["tests"]):
        for field, kind in (("name", str), ("score", (int, float)), ("max_score", (int, float)),
                            ("output", str), ("visibility", str)):
            if not isinstance(test.get(field), kind) or isinstance(test.get(field), bool):
                found.append(f"tests[{i}].{field} missing or of the wrong type")
        if test.get("visibility") not in VISIBILITIES:
            found.append(f"tests[{i}] bad visibility {test.get('visibility')!r}")
        if test.get("status", "passed") not in ("passed", "failed"):
            found.append(f"tests[{i}] bad status")
    json.dumps(doc)  # must be plain JSON
    return found


def a_result(learner="alice", *, passed=True, misconception=None, hidden=False) -> RunResult:
    tests = [
        results.TestResult(nodeid="t::a", name="returns a scalar", exercise="binary_cross_entropy",
                   outcome="passed", points=2.0, max_points=2.0),
        results.TestResult(nodeid="t::b", name="matches the reference", exercise="binary_cross_entropy",
                   outcome="passed" if passed else "failed", points=3.0 if passed else 0.0,
                   max_points=3.0, message="" if passed else "wrong value",
                   hint=None if passed else "apply sigmoid first", misconception=misconception,
                   expected=None if hidden else "0.5", got=None if hidden else "0.7", hidden=hidden),
        results.TestResult(nodeid="t::c", name="stretch", exercise="binary_cross_entropy", outcome="failed",
                   points=0.0, max_points=1.0, stretch=True, message="slow"),
    ]
    return RunResult(submission=f"{learner}.py", learner=learner, chapter="ch6",
                     grader_version="0.1.0", started="2024-01-01T00:00:00", device="CPU",
                     exercises=[ExerciseResult(name="binary_cross_entropy", title="BCE", tests=tests)],
                     options={"skip": ["train_bear_classifier"]})


# -- discovery -------------------------------------------------------------------------------------
def test_files_and_folders_become_learners(tmp_path):
    (tmp_path / "alice.py").write_text("x = 1\n")
    (tmp_path / "bob smith.ipynb").write_text("{}")
    (tmp_path / "carol").mkdir()
    (tmp_path / "carol" / "whatever.py").write_text("x = 1\n")
    (tmp_path / "carol" / "ch6_questionnaire.md").write_text("1. answer\n")
    (tmp_path / ".hidden.py").write_text("")
    (tmp_path / "__pycache__").mkdir()
    subs = {s.learner: s for s in discover(tmp_path, CH6)}
    assert set(subs) == {"alice", "bob smith", "carol"}
    assert subs["carol"].file.name == "whatever.py" and subs["carol"].entry == "carol/whatever.py"
    assert subs["carol"].sheet.name == "ch6_questionnaire.md"
    assert all(s.error is None for s in subs.values())


def test_bad_entries_are_rows_that_say_why(tmp_path):
    (tmp_path / "notes.txt").write_text("hi")
    (tmp_path / "empty").mkdir()
    (tmp_path / "several").mkdir()
    (tmp_path / "several" / "a.py").write_text("")
    (tmp_path / "several" / "b.ipynb").write_text("{}")
    (tmp_path / "broken.py").symlink_to(tmp_path / "missing.py")
    os.mkfifo(tmp_path / "pipe.py")
    (tmp_path / "sneaky.py").symlink_to("/etc/hostname")
    (tmp_path / "gina").mkdir()
    (tmp_path / "gina" / "ch6.py").symlink_to("/etc/hostname")
    found = find_class(tmp_path, CH6)
    subs = {s.learner: s for s in found.submissions}
    assert subs["sneaky"].error_kind == subs["gina"].error_kind == "link"
    assert "notes" not in subs and any("notes.txt" in why and ".txt" in why for why in found.ignored)
    assert subs["empty"].error_kind == "no_submission"
    assert subs["several"].error_kind == "several_submissions" and "a.py, b.ipynb" in subs["several"].error
    assert subs["broken"].error_kind == "link" and "symbolic link" in subs["broken"].error
    assert subs["pipe"].error_kind == "unreadable" and "not a regular file" in subs["pipe"].error


def test_the_file_named_after_the_chapter_is_the_one_among_several(tmp_path):
    (tmp_path / "hana").mkdir()
    for name in ("ch6.py", "helpers.py", "torch.py"):
        (tmp_path / "hana" / name).write_text("")
    (tmp_path / "ivan").mkdir()
    for name in ("ch6.py", "ch6.ipynb"):  # two of that name: still ambiguous
        (tmp_path / "ivan" / name).write_text("")
    subs = {s.learner: s for s in discover(tmp_path, CH6)}
    assert subs["hana"].error is None and subs["hana"].entry == "hana/ch6.py"
    assert sorted(p.name for p in subs["hana"].helpers) == ["helpers.py", "torch.py"]
    assert subs["ivan"].error_kind == "several_submissions"


def test_same_learner_twice_is_one_ungradable_row(tmp_path):
    (tmp_path / "dana.py").write_text("")
    (tmp_path / "dana.ipynb").write_text("{}")
    (tmp_path / "Eve.py").write_text("")
    (tmp_path / "eve").mkdir()
    (tmp_path / "eve" / "ch6.py").write_text("")
    (tmp_path / "zoe\u0301.py").write_text("")  # decomposed é
    (tmp_path / "zoé.py").write_text("")  # composed é: the same learner
    subs = {s.entry: s for s in discover(tmp_path, CH6)}
    assert len(subs) == 4
    dana = next(s for s in subs.values() if s.learner == "dana")
    zoe = next(s for s in subs.values() if s.learner == "zoé")
    assert dana.error_kind == zoe.error_kind == "duplicate"
    assert "dana.ipynb" in dana.error and "dana.py" in dana.error
    # names that differ only in case are two learners: both graded, both told
    assert subs["Eve.py"].error is None and subs["eve/ch6.py"].error is None
    assert any("differ only in case" in n for n in subs["Eve.py"].notes)


def test_empty_or_missing_folder_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(discovery.SubmissionError, match="holds no submissions"):
        discover(tmp_path, CH6)
    assert run(["batch", str(tmp_path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "holds no submissions" in err and "Traceback" not in err
    assert run(["batch", str(tmp_path / "nope")]) == 2
    assert "no such folder" in capsys.readouterr().err


def test_huge_sparse_file_is_refused_without_reading_it(tmp_path):
    with open(tmp_path / "huge.py", "wb") as f:
        f.truncate(500 * 2**20)
    [sub] = discover(tmp_path, CH6)
    with pytest.raises(Ungradable, match="524 MB") as err:
        read_submission(sub)
    assert err.value.kind == "too_large"


def test_a_file_swapped_for_a_link_or_pipe_after_discovery_is_not_followed(tmp_path):
    (tmp_path / "swap.py").write_text("x = 1")
    (tmp_path / "pipe.py").write_text("x = 1")
    swap, pipe = discover(tmp_path, CH6)[::-1]
    (tmp_path / "swap.py").unlink()
    (tmp_path / "swap.py").symlink_to("/etc/hostname")
    (tmp_path / "pipe.py").unlink()
    os.mkfifo(tmp_path / "pipe.py")
    for sub in (swap, pipe):
        with pytest.raises(Ungradable) as err:
            read_submission(sub)  # a FIFO would block a plain open: this must return at once
        assert err.value.kind == "unreadable"


def test_binary_file_is_not_text(tmp_path):
    (tmp_path / "bin.py").write_bytes(b"\x7fELF\0\0")
    [sub] = discover(tmp_path, CH6)
    with pytest.raises(Ungradable) as err:
        read_submission(sub)
    assert err.value.kind == "not_text"


def test_unreadable_file(tmp_path, monkeypatch):
    (tmp_path / "locked.py").write_text("x = 1")
    [sub] = discover(tmp_path, CH6)
    real_open = os.open

    def deny(path, *args, **kwargs):
        if str(path).endswith("locked.py"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", deny)  # root reads any file, so simulate the refusal
    with pytest.raises(Ungradable, match="Permission denied") as err:
        read_submission(sub)
    assert err.value.kind == "unreadable"


@pytest.mark.parametrize("name", ["alice", "Bob Smith", "zoë", "Zoë", "李雷", "../etc", "a/b", "<b>",
                                  "CON", ""])
def test_safe_names_are_ascii_and_unique(name):
    safe = safe_name(name)
    assert re.fullmatch(r"[a-z0-9_-]+-[0-9a-f]{8}", safe)
    others = {safe_name(n) for n in ["alice", "Bob Smith", "zoë", "Zoë", "李雷", "../etc", "<b>"]
              if n != name}
    assert safe not in others


def test_learner_key_ignores_normalisation_and_clash_key_ignores_case():
    from grader.batch.names import clash_key, shown_name

    assert learner_key("Zoe\u0301") == learner_key("Zoé") != learner_key("ZOÉ")
    assert clash_key("Zoe\u0301") == clash_key("ZOÉ")
    assert learner_key("ann") != learner_key("anne")
    assert shown_name("al\x1b[2Jice\x07\u202egnp.py\r\n") == "alicegnp.py"


# -- resume key and records ------------------------------------------------------------------------
def test_key_changes_with_content_options_and_version(monkeypatch):
    import grader

    base = content_key(data=b"x = 1", sheet=None, name="a.py", settings=SETTINGS)
    assert base == content_key(data=b"x = 1", sheet=None, name="b.py", settings=SETTINGS)
    assert base != content_key(data=b"x = 2", sheet=None, name="a.py", settings=SETTINGS)
    assert base != content_key(data=b"x = 1", sheet=b"1. yes", name="a.py", settings=SETTINGS)
    assert base != content_key(data=b"x = 1", sheet=None, name="a.ipynb", settings=SETTINGS)
    assert base != content_key(data=b"x = 1", sheet=None, name="a.py",
                               settings={**SETTINGS, "timeout": 6.0})
    monkeypatch.setattr(grader, "__version__", "9.9.9")
    assert base != content_key(data=b"x = 1", sheet=None, name="a.py", settings=SETTINGS)


def test_records_round_trip_and_bad_records_count_as_none(tmp_path):
    store = Store(tmp_path)
    record = record_for_result(a_result(), entry="alice.py", safe="alice-1", key="k")
    store.save(record)
    loaded = store.load("alice-1")
    assert loaded.key == "k" and loaded.status == "passed" and loaded.final
    assert loaded.run_result().points == record.run_result().points == 5.0
    store.record_path("bob-1").parent.mkdir(parents=True)
    store.record_path("bob-1").write_text('{"format": 1, "learner": "bo')  # a torn write
    assert store.load("bob-1") is None
    assert store.load("nobody") is None


def test_atomic_write_leaves_old_file_when_interrupted(tmp_path, monkeypatch):
    path = tmp_path / "gradebook.csv"
    write_atomic(path, "old\n")

    def boom(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(path, "new\n")
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["gradebook.csv"]  # no temporary left behind


# -- what a rerun grades ----------------------------------------------------------------------------
def test_plan_grades_only_what_changed_or_never_finished(tmp_path):
    from grader.batch.runner import plan

    root, store = tmp_path / "class", Store(tmp_path / "out")
    root.mkdir()
    for name in ("same", "changed", "errored", "renamed"):
        (root / f"{name}.py").write_text(f"{name} = 1\n")
    settings = {**SETTINGS, "chapter": "ch6"}

    def run_plan(force=False):
        snapshots = tmp_path / f"snap{len(list(tmp_path.iterdir()))}"
        snapshots.mkdir()
        records = {}
        tasks, reused = plan(discover(root, CH6), store, settings=settings, records=records,
                             snapshots=snapshots, force=force)
        return {t.learner: t for t in tasks}, reused, records

    tasks, reused, _ = run_plan()
    assert set(tasks) == {"same", "changed", "errored", "renamed"} and reused == 0
    for name, task in tasks.items():  # as if the slots had graded them
        assert open(task.file).read() == f"{name} = 1\n"
        record = record_for_result(a_result(name), entry=task.entry, safe=task.safe, key=task.key)
        if name == "errored":
            record = failed_record(learner=name, entry=task.entry, safe=task.safe, key=task.key,
                                   chapter="ch6", status="error", kind="grader_error",
                                   message="slot died", final=False)
        store.save(record)
    (root / "changed.py").write_text("changed = 2\n")
    (root / "renamed.py").rename(root / "Renamed.py")  # same bytes, but shown under a new name
    tasks, reused, records = run_plan()
    assert set(tasks) == {"changed", "errored", "Renamed"} and reused == 1
    kept = records[safe_name("same")]
    assert kept.learner == "same" and kept.status == "passed"  # the earlier result, as it was
    tasks, reused, _ = run_plan(force=True)
    assert len(tasks) == 4 and reused == 0


def test_plan_records_bad_input_without_grading_it(tmp_path):
    from grader.batch.runner import plan

    root, store = tmp_path / "class", Store(tmp_path / "out")
    root.mkdir()
    (root / "notes.py").write_text("# only a comment\n\n")
    (root / "bin.py").write_bytes(b"\0\0")
    (root / "torn.ipynb").write_text('{"cells": [')  # not empty: broken, which grading reports
    records = {}
    tasks, reused = plan(discover(root, CH6), store, settings=SETTINGS, records=records,
                         snapshots=tmp_path)
    assert [t.learner for t in tasks] == ["torn"] and reused == 0
    assert {r.status for r in records.values()} == {"ungradable"}
    assert records[safe_name("notes")].run_result().load_error.kind == "empty"
    for record in records.values():
        assert store.load(record.safe).error == record.error


# -- gradebook -------------------------------------------------------------------------------------
def test_gradebook_rows_columns_and_formula_guard(tmp_path):
    store = Store(tmp_path)
    good = record_for_result(a_result("alice"), entry="alice.py", safe="a", key="k1")
    evil = record_for_result(a_result("=HYPERLINK(1)", passed=False), entry="=HYPERLINK(1).py",
                             safe="e", key="k2")
    bad = failed_record(learner="bob, \"the\" builder", entry="bob.txt", safe="b", key="",
                        chapter="ch6", status="ungradable", kind="wrong_type",
                        message="bob.txt is a .txt file\nsubmit .py", final=True)
    columns = exercise_columns(CH6, {"skip": ["train_bear_classifier"]})
    assert columns == [e.name for e in CH6.exercises][:-1]
    rows = list(csv.DictReader(io.StringIO(csv_text([good, evil, bad], columns))))
    assert [r["learner"] for r in rows] == ["alice", "'=HYPERLINK(1)", 'bob, "the" builder']
    assert rows[0]["binary_cross_entropy"] == "5" and rows[0]["sigmoid_range"] == ""
    assert rows[0]["total"] == "5" and rows[0]["max_points"] == "5" and rows[0]["score"] == "100"
    assert rows[0]["status"] == "passed"
    assert rows[1]["total"] == "2" and rows[1]["status"] == "failed"
    assert rows[2]["status"] == "ungradable" and rows[2]["total"] == "0"
    assert rows[2]["error"] == "bob.txt is a .txt file submit .py"
    paths = write_gradebook([good, bad], store=store, chapter=CH6,
                            options={"skip": ["train_bear_classifier"]}, grader_version="0.1.0")
    book = json.loads(paths["json"].read_text())
    assert [row["learner"] for row in book["learners"]] == ["alice", 'bob, "the" builder']
    assert book["learners"][0]["result"]["exercises"][0]["tests"][1]["outcome"] == "passed"
    assert book["counts"] == {"learners": 2, "passed": 1, "failed": 0, "ungradable": 1, "error": 0,
                              "missing": 0}


# -- Gradescope ------------------------------------------------------------------------------------
def test_gradescope_document_follows_the_format():
    result = a_result(passed=False, misconception="no_sigmoid")
    doc = to_gradescope(result, status="failed")
    assert gradescope_problems(doc) == []
    assert doc["score"] == 2.0 == sum(t["score"] for t in doc["tests"])
    assert [t["max_score"] for t in doc["tests"]] == [2.0, 3.0, 0.0]  # stretch scores nothing
    assert "apply sigmoid first" in doc["tests"][1]["output"]
    assert doc["tests"][1]["extra_data"] == {"misconception": "no_sigmoid"}


def test_gradescope_hidden_tests_wait_and_reveal_nothing():
    doc = to_gradescope(a_result(passed=False, hidden=True), status="failed")
    hidden = doc["tests"][1]
    assert hidden["visibility"] == "after_published" and "Expected" not in hidden["output"]
    assert gradescope_problems(doc) == []


def test_gradescope_for_an_ungradable_row():
    record = failed_record(learner="x", entry="x.txt", safe="x", key="", chapter="ch6",
                           status="ungradable", kind="wrong_type", message="x.txt is a .txt file",
                           final=True)
    doc = to_gradescope(record.run_result(), status=record.status, error=record.error)
    assert gradescope_problems(doc) == [] and doc["score"] == 0 and doc["tests"] == []
    assert "x.txt is a .txt file" in doc["output"]


def test_gradescope_questionnaire_per_question():
    result = a_result()
    result.questionnaire = {"points": 1.0, "max_points": 2.0, "questions": [
        {"number": 1, "points": 1.0, "max_points": 1.0, "status": "correct"},
        {"number": 2, "points": 0.0, "max_points": 1.0, "status": "wrong",
         "concepts_missing": [{"concept": "c", "feedback": "see chapter"}]}]}
    doc = to_gradescope(result, status="failed")
    assert gradescope_problems(doc) == []
    second = next(t for t in doc["tests"] if t["name"] == "questionnaire: question 2")
    assert (second["score"], second["max_score"]) == (0.0, 1.0)
    assert "wrong" in second["output"] and "see chapter" in second["output"]
    assert doc["score"] == 6.0


# -- class summary ---------------------------------------------------------------------------------
def test_histogram_bins():
    bars = histogram([0, 5, 10, 55, 99.9, 100, 100])["bars"]
    assert [b["count"] for b in bars] == [2, 1, 0, 0, 0, 1, 0, 0, 0, 3]
    assert max(b["h"] for b in bars) > 0 and bars[3]["h"] == 0


def test_summary_counts_misconceptions_once_per_learner(tmp_path):
    store = Store(tmp_path)
    records = [record_for_result(a_result(n, passed=False, misconception="no_sigmoid"), entry=f"{n}.py",
                                 safe=n, key=n) for n in ("a", "b")]
    records.append(record_for_result(a_result("c"), entry="c.py", safe="c", key="c"))
    records.append(failed_record(learner="d", entry="d", safe="d", key="", chapter="ch6",
                                 status="ungradable", kind="no_submission", message="empty folder",
                                 final=True))
    summary = class_summary(records, store=store, chapter="ch6", grader_version="0.1.0", options={})
    assert summary["misconceptions"] == [{"exercise": "binary_cross_entropy", "id": "no_sigmoid",
                                          "count": 2, "hint": "apply sigmoid first"}]
    assert summary["graded"] == 3 and summary["counts"]["ungradable"] == 1
    [bce] = summary["exercises"]
    assert (bce["passed"], bce["total"]) == (1, 3)
    assert summary["ungradable"] == [{"learner": "d", "entry": "d", "status": "ungradable",
                                      "error": "empty folder"}]


def test_index_escapes_untrusted_names_and_needs_nothing_external(tmp_path):
    store = Store(tmp_path)
    name = '<script>alert("x")</script>'
    records = [record_for_result(a_result(name, passed=False, misconception="<img src=x>"),
                                 entry="s.py", safe="s", key="k")]
    path = write_index(records, store=store, chapter="ch6", grader_version="0.1.0", options={})
    html = path.read_text()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img src=x>" not in html
    assert "<svg" in html and "<rect" in html
    assert not re.search(r"(src|href)=\"(https?:)?//", html), "no external requests"
    assert re.search(r'<link|<script', html) is None


def test_index_without_any_graded_submission(tmp_path):
    html = render_index(class_summary([], store=Store(tmp_path), chapter="ch6",
                                      grader_version="0.1.0", options={}))
    assert "No submission has been graded yet" in html


# -- progress --------------------------------------------------------------------------------------
class FakeTTY(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_on_a_terminal_shows_count_rate_and_eta():
    now = [100.0]
    stream = FakeTTY()
    progress = Progress(4, stream=stream, clock=lambda: now[0])
    now[0] = 102.0
    progress.advance("alice", "44/44")
    text = stream.getvalue()
    assert text.startswith("\r") and "1/4" in text and "0.50/s" in text and "ETA 0:06" in text
    assert "alice" not in text  # the bar, not a log line
    now[0] = 104.0
    progress.advance("bob", "0/44")
    assert stream.getvalue().endswith("2/4  0.50/s  ETA 0:04")
    progress.finish()
    assert stream.getvalue().endswith("\n")


def test_progress_without_a_terminal_logs_lines():
    stream = io.StringIO()
    progress = Progress(2, stream=stream)
    progress.advance("alice", "44/44 passed")
    progress.draw()
    progress.advance("bob\x1b[2J\x07", "ungradable: \x1b]0;pwned\x07raised\r\nError")
    assert stream.getvalue().splitlines() == ["[1/2] alice: 44/44 passed",
                                              "[2/2] bob: ungradable: raised Error"]


# -- the output folder ---------------------------------------------------------------------------
def test_output_folder_inside_the_submissions_is_not_a_submission(tmp_path):
    (tmp_path / "alice.py").write_text("")
    (tmp_path / "reports" / "batch").mkdir(parents=True)
    assert [s.learner for s in discover(tmp_path, CH6, exclude=tmp_path / "reports" / "batch")] == \
        ["alice"]
    assert len(discover(tmp_path, CH6)) == 2


def test_one_batch_at_a_time_per_output_folder(tmp_path):
    first, second = Store(tmp_path), Store(tmp_path)
    (tmp_path / ".gradebook.csv.x1.tmp").write_text("torn")
    first.lock()
    assert not (tmp_path / ".gradebook.csv.x1.tmp").exists()
    with pytest.raises(UsageError, match="another `grader batch`"):
        second.lock()
    first.unlock()
    second.lock()
    second.unlock()


def test_the_gradebook_is_rewritten_as_often_as_its_cost_allows(tmp_path, monkeypatch):
    """Each result used to rewrite the whole gradebook (0.23 ms a learner: half a second for 2,000,
    2,000 times); a write now takes at most a twentieth of the time, and the end always writes."""
    import time
    from types import SimpleNamespace

    from grader.batch import rows as rows_module
    from grader.batch.rows import ClassBook
    from grader.batch.store import Store

    written = []

    def slow_gradebook(rows, **kwargs):
        time.sleep(0.05)  # what a big class's gradebook costs
        written.append(kwargs.get("with_json"))
        return {}

    monkeypatch.setattr(rows_module, "write_gradebook", slow_gradebook)
    monkeypatch.setattr(rows_module, "write_index", lambda *a, **k: None)
    found = SimpleNamespace(submissions=[], missing=[], ignored=[], layout="flat")
    book = ClassBook(Store(tmp_path), SimpleNamespace(name="ch6"), {}, found, {}, overrides=[], prints={},
                     deadline=None)
    for _ in range(50):  # fifty results within a moment
        book.write()
    assert 1 <= len(written) <= 5, len(written)
    book.write(full=True)
    assert written[-1] is True
