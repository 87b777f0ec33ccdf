"""Adversarial submissions inside one `grader batch` run, next to a correct submission.

The correct one (alice: the reference solutions) still gets 100%; every case gets the outcome its
docstring states (no unearned points, a clear message, a row in the gradebook); no case reads another
learner's file, the trusted side's secrets or the network, or leaves a process behind; the batch
finishes and writes its gradebook.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time

import pytest

from adversarial._harness import ROOT, Stage, all_cases, leftover, printed_pids, shown_case_name
from grader.batch.names import shown_name
from grader.chapters import QUESTIONNAIRE
from grader.grading import grade
from grader.options import GradingOptions
from grader.worker.limits import Limits
from test_adversarial import measures, require_measures  # noqa: F401 (a fixture)

batch = pytest.importorskip("grader.batch", reason="grader.batch (issue 8) is not in this checkout")

BEAR = "train_bear_classifier"
LIMITED = ("disk_mb", "file_size_mb")
"""Limits `grader batch` has no option for: cases that need them are covered by test_adversarial."""

CASES = [c for c in all_cases()
         if not any(key in c.get("limits") for key in LIMITED) and not c.get("submit-link")
         and c.only - {BEAR, QUESTIONNAIRE} and not c.get("timing")]
"""Exercise 8's case trains nothing but takes a minute to stage, and a batch times all or nothing:
test_adversarial grades those cases alone."""
ONLY = sorted(set().union(*(c.only for c in CASES)) - {BEAR})
"""Every exercise some case attacks: each case is graded on all of them, its own included."""
LIMITS = {"timeout": 2.0, "memory_mb": 1024}
"""The batch's limits, and those of the gradings alone it is compared with."""


@pytest.mark.slow
def test_a_class_of_cheats_and_one_honest_learner(tmp_path, zygote, measures):
    stage = Stage(tmp_path)  # learners/alice holds the reference solutions
    try:
        check_batch(stage, tmp_path, zygote, measures)
    finally:
        stage.close()


def check_batch(stage: Stage, tmp_path, zygote, measures) -> None:
    cases = []
    for case in CASES:
        try:
            require_measures(case, measures)
        except pytest.skip.Exception:
            continue
        # a case with files beside it is the folder's `ch6.py`, the file a batch grades among several
        companions = case.beside or case.links
        stage.write(case, stage.submissions / shown_case_name(case), name="ch6.py" if companions else None)
        cases.append(case)
    stage.folder.rmdir()  # the batch has a folder per case instead
    linked = stage.submissions / "linker"
    linked.mkdir()
    (linked / "ch6.py").symlink_to(ROOT / "solutions" / "ch6.py")
    out = tmp_path / "out"
    from grader.batch.progress import Progress

    grading = GradingOptions.build(only=ONLY, limits=Limits(**LIMITS), timing=False)
    options = batch.BatchOptions(grading=grading, jobs=2)
    try:
        outcome = batch.run_batch(stage.submissions, out=out, options=options,
                                  progress=Progress(0, quiet=True))
    finally:
        planted = [ROOT / p for c in cases for p in c.items("planted") if (ROOT / p).exists()]
        for p in planted:
            p.unlink()
    assert not planted, f"a worker planted {planted} in the grader's files"
    book = json.loads(outcome.paths["json"].read_text())
    rows = {row["learner"]: row for row in book["learners"]}
    names = {case.name: shown_name(shown_case_name(case)) for case in cases}
    assert set(rows) == {"alice", "linker", *names.values()}, "one row per learner"
    assert rows["alice"]["status"] == "passed" and rows["alice"]["score"] == 100.0
    assert rows["linker"]["status"] == "ungradable" and "link" in rows["linker"]["error"]

    baseline = _baseline(tmp_path, zygote)
    everything = outcome.paths["json"].read_text() + outcome.paths["csv"].read_text()
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in (".json", ".html", ".csv"):
            everything += path.read_text(errors="replace")
    assert stage.secret not in everything, "a secret of the trusted side reached a learner's files"
    assert "Reference solutions for chapter 6" not in everything, "instructor files reached a worker"
    assert stage.connections() == [], "a worker reached the network"
    assert not stage.marker.exists(), "code planted by a worker ran outside it"
    assert not CONTROL.search(outcome.paths["csv"].read_text() + (out / "index.html").read_text()), \
        "a control character or escape sequence of a learner's name reached the gradebook or the page"
    for case in cases:
        row = rows[names[case.name]]
        if case.get("check") == "name_clash":
            clash = [r for r in read_csv_rows(outcome.paths["csv"]) if r["learner"] in ("alice", names[case.name])]
            assert len(clash) == 2 and all(r["names"] for r in clash), clash
        tests = [t for e in row["result"]["exercises"] for t in e["tests"]]
        if case.get("points") == "0":
            assert row["status"] in ("failed", "ungradable"), (case.name, row["status"], row["error"])
        assert all(t["outcome"] in ("passed", "failed", "skipped") for t in tests), (case.name, tests)
        if case.get("points") == "0":
            honest = case.get("honest")
            unearned = [t["name"] for t in tests if t["points"] and t["nodeid"] not in baseline
                        and not (honest and re.search(honest, t["name"]))]
            assert unearned == [], f"{case.name} earned points that honest constant answers do not"
        for forged in case.items("forged"):
            assert not os.path.exists(stage.fill(forged, stage.submissions / shown_case_name(case))), \
                (case.name, forged)
        if row["status"] != "ungradable":
            assert row["report"] and (out / row["report"]).is_file(), (case.name, "its report")
        if case.get("message") and not case.get("limits"):  # the batch's own limits otherwise
            texts = [f"{t['message']} {t.get('hint') or ''}" for t in tests if t["outcome"] != "passed"]
            texts += [row.get("error") or "", (row["result"].get("load_error") or {}).get("message", "")]
            assert any(re.search(case.get("message"), text, re.I) for text in texts), (case.name, texts[:5])
        if case.get("check") == "deterministic":  # the same outcomes as graded alone, in this process
            alone = grade(stage.submissions / shown_case_name(case) / case.path.name, zygote=zygote, only=set(ONLY),
                          timing=False, limits=Limits(**LIMITS))
            assert [(t.nodeid, t.outcome) for e in alone.exercises for t in e.tests] == \
                [(t["nodeid"], t["outcome"]) for t in tests]
        if case.get("check") == "printed_pids_gone":
            pids = printed_pids(row["result"].get("output", ""))
            for _ in range(200):
                if not leftover(pids):
                    break
                time.sleep(0.025)
            assert leftover(pids) == [], f"processes of {case.name} outlived its worker"
    shutil.rmtree(out, ignore_errors=True)


CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def read_csv_rows(path) -> list[dict]:
    import csv

    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def _baseline(tmp_path, zygote) -> set[str]:
    """Tests that honest constant answers pass, graded the way the batch grades."""
    path = tmp_path / "baseline" / "baseline.py"
    path.parent.mkdir()
    path.write_text((ROOT / "tests" / "adversarial" / "_baseline.py").read_text())
    result = grade(path, zygote=zygote, only=set(ONLY), timing=False, limits=Limits(**LIMITS))
    return {t.nodeid for e in result.exercises for t in e.tests if t.outcome == "passed"}
