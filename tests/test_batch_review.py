"""Review queue, similarity, overrides and safe reruns, on records made by hand (fast)."""

from __future__ import annotations

import json
import re

from conftest import SOLUTION, STUBS

from grader.batch.overrides import apply_overrides, for_learner, read_overrides
from grader.batch.review import emptiness, review_of, review_words
from grader.batch.similarity import fingerprints, similar_pairs
from grader.batch.store import Store, failed_record, record_for_result
from grader.batch.unit import NOTEBOOK, commit_unit, write_unit
from grader.chapters import get_chapter

CH6 = get_chapter("ch6")
from grader.results import ExerciseResult, Fault, RunResult
from grader.results import TestResult as Outcome


def result(points=(1.0, 0.0), *, stub=False, library=False, questions=None) -> RunResult:
    tests = [Outcome(nodeid=f"t{i}", name=f"test {i}", exercise="sigmoid_range",
                  outcome="passed" if p else "failed", points=p, max_points=1.0,
                  fault=Fault("NotImplementedError", "stub") if stub else None)
             for i, p in enumerate(points)]
    notes = ["`sigmoid_range` is not your own code: it comes from `fastai`."] if library else []
    return RunResult(submission="a.py", learner="alice", chapter="ch6", grader_version="0",
                     started="", device="CPU",
                     exercises=[ExerciseResult("sigmoid_range", "sr", tests=tests, notes=notes)],
                     questionnaire=questions)


def record(res: RunResult, learner="alice"):
    return record_for_result(res, entry=f"{learner}.py", safe=learner, key="k")


def test_similarity_sees_through_renaming_but_not_different_code():
    solved, stub = SOLUTION.read_text(), STUBS.read_text()
    base = fingerprints(stub)
    renamed = re.sub(r"\binputs\b", "x", re.sub(r"\btargets\b", "y", solved))
    prints = {"a": fingerprints(solved, base=base), "b": fingerprints(renamed, base=base),
              "stub": fingerprints(stub, base=base), "other": fingerprints(
                  "import numpy as np\n" + "\n".join(f"def f{i}(a):\n    return np.cumsum(a) * {i} + a.max()"
                                                     for i in range(30)), base=base)}
    assert prints["stub"] == set()  # the starting file is no evidence
    assert similar_pairs(prints) == [("a", "b", 1.0)]
    assert fingerprints("def broken(:\n  ") == set() or True  # never raises on bad code


def test_review_flags_answers_library_code_stubs_and_similar_pairs():
    questions = {"points": 1.0, "max_points": 4.0, "questions": [
        {"number": 3, "points": 1.0, "max_points": 2.0, "needs_review": True},
        {"number": 4, "points": 0.0, "max_points": 2.0}]}
    rec = record(result(library=True, questions=questions))
    review = review_of(rec, [("bob", 0.93)])
    assert review == {"answers": ["3"], "library_code": ["sigmoid_range"],
                      "similar": [{"learner": "bob", "similarity": 0.93}]}
    assert "similar to bob (93% of fingerprints)" in review_words(review)
    assert emptiness(record(result((0.0, 0.0), stub=True))) == "stub-only"
    assert emptiness(record(result((0.0, 0.0)))) == ""  # wrong, but written: not a stub
    empty = failed_record(learner="f", entry="f.py", safe="f", key="", chapter="ch6",
                          status="ungradable", kind="empty", message="f.py is empty", final=True)
    assert review_of(empty, []) == {"empty": "empty"}
    assert review_of(record(result()), []) == {}


def test_overrides_apply_to_exercise_question_and_total_without_touching_the_record(tmp_path):
    (tmp_path / "overrides.csv").write_text(
        "learner,item,points,comment\nALICE,sigmoid_range,2,graded by hand\n"
        "alice,question 4,1,fair enough\nalice,total,10,bonus\nalice,sigmoid_range,9,too many\n"
        "bob,total,x,oops\n")
    overrides, problems = read_overrides(tmp_path)
    assert len(overrides) == 4 and problems == ["overrides.csv line 6: points 'x' is not a number"]
    questions = {"points": 0.0, "max_points": 2.0, "questions": [
        {"number": 4, "points": 0.0, "max_points": 2.0, "status": "wrong"}]}
    original = record(result(questions=questions))
    mine = for_learner(overrides, original)
    changed, why = apply_overrides(original, mine, CH6)
    assert why == ["overrides.csv line 5 (alice, sigmoid_range): 9 points is outside 0-2, what "
                   "sigmoid_range is worth"]
    res = changed.run_result()
    assert res.points == 10 and res.exercises[0].points == 2 and res.questionnaire["points"] == 1
    assert any("graded by hand" in t.name for t in res.exercises[0].tests)
    assert len(changed.overrides) == 3
    assert original.run_result().points == 1  # the record itself is never changed


def test_missing_overrides_file_is_created_empty(tmp_path):
    assert read_overrides(tmp_path) == ([], [])
    assert (tmp_path / "overrides.csv").read_text() == "learner,item,points,comment\n"


def test_a_forced_rerun_keeps_each_previous_result_until_the_new_one_is_committed(tmp_path):
    from grader.batch.discovery import discover
    from grader.batch.runner import plan

    root, store = tmp_path / "class", Store(tmp_path / "out")
    root.mkdir()
    (root / "alice.py").write_text(SOLUTION.read_text())
    settings = {"chapter": "ch6", "only": [], "skip": []}
    snaps = tmp_path / "s1"
    snaps.mkdir()
    tasks, _ = plan(discover(root, CH6), store, settings=settings, records={}, snapshots=snaps)
    old = record_for_result(result(), entry="alice.py", safe=tasks[0].safe, key=tasks[0].key)
    store.save(old)
    snaps2, records = tmp_path / "s2", {}
    snaps2.mkdir()
    tasks, reused = plan(discover(root, CH6), store, settings=settings, records=records,
                         snapshots=snaps2, force=True)
    assert len(tasks) == 1 and records[tasks[0].safe].key == old.key  # still in the gradebook
    task = tasks[0]
    assert commit_unit(store, task) is None  # interrupted before the unit finished: nothing changes
    assert store.load(task.safe).written == old.written
    new = record_for_result(result((1.0, 1.0)), entry="alice.py", safe=task.safe, key=task.key)
    from pathlib import Path

    Path(task.staging).mkdir(parents=True)
    (Path(task.staging) / NOTEBOOK).write_text("{}")
    write_unit(Path(task.staging), new)
    committed = commit_unit(store, task)
    assert committed.run_result().points == 2 and store.load(task.safe).run_result().points == 2
    assert (store.folder(task.safe) / NOTEBOOK).is_file() and not Path(task.staging).exists()
    assert json.loads(store.record_path(task.safe).read_text())["key"] == task.key


def test_notebooks_large_deep_or_broken_are_read_without_error():
    from grader.batch.planning import is_empty
    from grader.batch.similarity import code_of

    big = json.dumps({"cells": [{"cell_type": "code", "source": ["def sigmoid_range(x, lo, hi):\n",
                                                                  "    return x\n"],
                                 "outputs": [{"data": {"image/png": "A" * (3 * 2**20)}}]}]})
    assert "def sigmoid_range" in code_of(big.encode(), ".ipynb") and not is_empty(big.encode(), ".ipynb")
    deep = b"[" * 100_000 + b"]" * 100_000
    assert code_of(deep, ".ipynb") == "" and is_empty(deep, ".ipynb") is False
    assert len(fingerprints("(" * 50_000)) == 1  # one repeated run: one fingerprint, no error


def test_a_grading_unit_travels_as_bytes_and_only_the_client_commits_it(tmp_path):
    """What issue 20's remote workers will do: the learner's files go as bytes, the unit is graded
    where they land, its output comes back as bytes and is committed by the batch process."""
    from pathlib import Path

    import pytest

    from grader.batch.pool import Task
    from grader.batch.unit import RECORD, pack, unpack

    learner = tmp_path / "snapshot"
    learner.mkdir()
    (learner / "ch6.py").write_text("x = 1\n")
    (learner / "ch6_questionnaire.md").write_text("answers")
    (learner / "link.py").symlink_to(learner / "ch6.py")
    shipped = pack(learner)
    assert sorted(shipped) == ["ch6.py", "ch6_questionnaire.md"]  # never what a link points at
    remote = unpack(shipped, tmp_path / "worker" / "unit")
    assert (remote / "ch6.py").read_text() == "x = 1\n"
    staging = tmp_path / "worker" / "staging"
    write_unit(staging, record_for_result(result(), entry="ch6.py", safe="alice", key="k"))
    back = pack(staging)
    assert list(back) == [RECORD]
    store = Store(tmp_path / "out")
    client = unpack(back, tmp_path / "out" / ".batch" / "staging" / "alice-1")
    task = Task(id=1, learner="alice", entry="ch6.py", safe="alice", key="k", file="", out="",
                staging=str(client))
    assert commit_unit(store, task).key == "k" and store.load("alice") is not None
    for bad in ("../evil", "a/b", "", ".."):
        with pytest.raises(ValueError, match="not a plain file name"):
            unpack({bad: b"x"}, tmp_path / "x")
    assert not Path(tmp_path / "evil").exists()
