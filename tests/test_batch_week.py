"""The instructor's week, end to end through the real CLI: LMS exports in (Canvas, Moodle, Gradescope)
with a roster, duplicates, an empty file, helper files and an override; gradebooks, review section
and LMS exports out; one learner regraded; the Gradescope autograder zip run in a simulated
/autograder tree. Only `sigmoid_range` (and the questionnaire) is graded: the flow is the subject."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, SOLUTION, STUBS

pytestmark = pytest.mark.slow

FAST = ["--only", "sigmoid_range", "--no-timing", "--timeout", "10", "--memory", "400", "--jobs", "2"]
SOLVED = SOLUTION.read_text()
SHEET = (ROOT / "solutions" / "ch6_questionnaire.md").read_text()
HELPED = ("from mathutils import scaled_sigmoid\n\n"
          "def sigmoid_range(x, lo, hi):\n    return scaled_sigmoid(x, lo, hi)\n")
HELPER = "import torch\n\ndef scaled_sigmoid(x, lo, hi):\n    return torch.sigmoid(x) * (hi - lo) + lo\n"
ROSTER = """id,name,email
12,Alice Smith,alice@uni.example
13,Bob Jones,bob@uni.example
14,Frank Doe,frank@uni.example
15,Gina Never,gina@uni.example
16,Hana Lee,hana@uni.example
21,Carol King,carol@uni.example
22,Dan Wu,dan@uni.example
"""


def renamed(source: str) -> str:
    """The same code with its variables renamed: what a copier does first."""
    for old, new in (("inputs", "preds"), ("targets", "truth"), ("lo", "low"), ("hi", "high")):
        source = re.sub(rf"\b{old}\b", new, source)
    return source


def grader(*args, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader", *map(str, args)], capture_output=True,
                          text=True, cwd=ROOT, timeout=900, env=env)


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


@pytest.fixture(scope="module")
def canvas(tmp_path_factory):
    base = tmp_path_factory.mktemp("canvas")
    root = base / "export"
    root.mkdir()
    (root / "smithalice_12_901_ch6.py").write_text(SOLVED)
    (root / "smithalice_12_902_ch6_questionnaire.md").write_text(SHEET)
    (root / "jonesbob_LATE_13_903_ch6.py").write_text(renamed(SOLVED))
    (root / "doefrank_14_904_ch6.py").write_text("")
    (root / "leehana_16_905_ch6.py").write_text(HELPED)
    (root / "leehana_16_906_mathutils.py").write_text(HELPER)
    (root / "README.txt").write_text("Downloaded from Canvas")
    roster = base / "roster.csv"
    roster.write_text(ROSTER)
    out = base / "out"
    out.mkdir()
    (out / "overrides.csv").write_text("learner,item,points,comment\n"
                                       "Bob Jones,total,4,copied work: agreed with the learner\n"
                                       "Nobody,total,1,a typo\n")
    done = grader("batch", root, "--out", out, "--roster", roster, "--export", "canvas",
                  "--export", "moodle", *FAST, "--only", "questionnaire")
    assert done.returncode == 0, done.stderr
    return {"root": root, "out": out, "roster": roster, "run": done,
            "rows": {r["learner"]: r for r in read_csv(out / "gradebook.csv")}}


def test_canvas_export_is_read_into_the_roster_names(canvas):
    rows = canvas["rows"]
    assert set(rows) == {"Alice Smith", "Bob Jones", "Frank Doe", "Gina Never", "Hana Lee",
                         "Carol King", "Dan Wu"}  # the last two are in the Moodle class below
    assert rows["Alice Smith"]["id"] == "12" and rows["Alice Smith"]["email"] == "alice@uni.example"
    assert rows["Alice Smith"]["sigmoid_range"] == "8" and rows["Alice Smith"]["questionnaire"] != ""
    assert rows["Bob Jones"]["late"] == "yes" and rows["Alice Smith"]["late"] == "no"
    assert "README.txt" in canvas["run"].stderr and "ignored" in canvas["run"].stderr


def test_helper_file_is_importable_by_the_graded_file(canvas):
    hana = canvas["rows"]["Hana Lee"]
    assert hana["sigmoid_range"] == "8" and hana["questionnaire"] == "not submitted"  # no sheet: 0 of its points
    assert "mathutils" in hana["notes"] and "helper" in hana["notes"]


def test_roster_people_without_a_submission_are_listed(canvas):
    gina = canvas["rows"]["Gina Never"]
    assert gina["status"] == "missing" and gina["total"] == ""
    index = (canvas["out"] / "index.html").read_text()
    assert "No submission" in index and "Gina Never" in index
    assert "submissions read as a Canvas download" in index
    assert "3 submitted nothing" in canvas["run"].stdout


def test_review_queue_names_the_empty_file_and_the_similar_pair(canvas):
    rows = canvas["rows"]
    assert rows["Frank Doe"]["empty"] == "empty" and rows["Frank Doe"]["status"] == "ungradable"
    assert rows["Bob Jones"]["similar"].startswith("Alice Smith 1")
    assert rows["Alice Smith"]["similar"].startswith("Bob Jones 1")
    assert rows["Hana Lee"]["similar"] == ""
    index = (canvas["out"] / "index.html").read_text()
    section = index[index.index("Needs a person"):index.index("Score distribution")]
    assert "Frank Doe" in section and "empty submission" in section
    assert "similar to Alice Smith (100% of fingerprints)" in section
    assert "verdict" in section  # says what it is: a reason to look, never a verdict


def test_override_reaches_gradebook_report_and_results_json(canvas):
    bob = canvas["rows"]["Bob Jones"]
    assert bob["sigmoid_range"] == "8" and bob["total"] == "4"  # the exercise as graded, the total set
    assert "copied work" in bob["overrides"]
    book = json.loads((canvas["out"] / "gradebook.json").read_text())
    entry = next(learner for learner in book["learners"] if learner["learner"] == "Bob Jones")
    results = json.loads((canvas["out"] / entry["gradescope"]).read_text())
    assert results["score"] == 4
    assert any("instructor's override" in t["name"] and "copied work" in t["name"]
               for t in results["tests"])
    assert "copied work" in (canvas["out"] / entry["report"]).read_text()
    assert "Nobody" in canvas["run"].stderr  # an override that matches no learner is reported


def test_exports_are_keyed_by_roster_ids(canvas):
    lines = (canvas["out"] / "export-canvas.csv").read_text().splitlines()
    assert lines[0] == "Student,ID,SIS User ID,SIS Login ID,Section,ch6 autograder"
    assert lines[1].strip().startswith("Points Possible")
    canvas_rows = {r["ID"]: r for r in csv.DictReader(io.StringIO("\n".join(lines[:1] + lines[2:])))}
    assert canvas_rows["13"]["ch6 autograder"] == "4" and canvas_rows["15"]["ch6 autograder"] == ""
    moodle = {r["Identifier"]: r for r in read_csv(canvas["out"] / "export-moodle.csv")}
    assert moodle["Participant 13"]["Late"] == "late" and moodle["Participant 12"]["Grade"] != ""
    assert moodle["Participant 15"]["Status"] == "No submission"


def test_regrading_one_learner_keeps_the_others_and_the_overrides(canvas):
    before = (canvas["out"] / "gradebook.csv").read_text()
    done = grader("batch", canvas["root"], "--out", canvas["out"], "--roster", canvas["roster"],
                  *FAST, "--only", "questionnaire", "--learner", "Hana Lee")
    assert done.returncode == 0, done.stderr
    assert "Graded 1," in done.stdout
    assert (canvas["out"] / "gradebook.csv").read_text() == before
    unknown = grader("batch", canvas["root"], "--out", canvas["out"], *FAST, "--learner", "zed")
    assert unknown.returncode == 2 and "no learner named 'zed'" in unknown.stderr


def test_moodle_folders_with_helpers_and_a_stub(tmp_path):
    root = tmp_path / "moodle"
    carol = root / "Carol King_21_assignsubmission_file_"
    dan = root / "Dan Wu_22_assignsubmission_file_"
    carol.mkdir(parents=True)
    dan.mkdir()
    (carol / "ch6.py").write_text(STUBS.read_text())
    (carol / "ch6_questionnaire.md").write_text(  # the question pasted back: flagged for a person
        "## 13. Why can't we use regular accuracy in a multi-label problem?\n"
        "Why can't we use regular accuracy in a multi-label problem?\n")
    (dan / "solution.py").write_text(SOLVED)
    (dan / "helpers.py").write_text("def unused():\n    return 1\n")
    (dan / "ch6_questionnaire.md").write_text(SHEET)
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)
    out = tmp_path / "out"
    done = grader("batch", root, "--out", out, "--roster", roster, "--export", "moodle", *FAST,
                  "--only", "questionnaire")
    assert done.returncode == 0, done.stderr
    rows = {r["learner"]: r for r in read_csv(out / "gradebook.csv")}
    assert rows["Carol King"]["review_answers"] == "13" and rows["Dan Wu"]["review_answers"] == ""
    index = (out / "index.html").read_text()
    assert "answers flagged: question 13" in index
    assert rows["Dan Wu"]["submission"].endswith("solution.py") and rows["Dan Wu"]["status"] == "passed"
    assert rows["Carol King"]["empty"] == "stub-only" and rows["Carol King"]["id"] == "21"
    moodle = {r["Identifier"]: r for r in read_csv(out / "export-moodle.csv")}
    assert moodle["Participant 22"]["Grade"] == "43" and moodle["Participant 21"]["Grade"] == "0"


def test_gradescope_export_with_metadata_and_deadline(tmp_path):
    root = tmp_path / "gs"
    for folder, source in (("submission_1001", SOLVED), ("submission_1002", STUBS.read_text())):
        (root / folder).mkdir(parents=True)
        (root / folder / "ch6.py").write_text(source)
    (root / "submission_metadata.yml").write_text(
        "submission_1001:\n  :submitters:\n  - :name: Alice Smith\n    :sid: '12'\n"
        "    :email: alice@uni.example\n  :created_at: 2026-12-01 10:00:00.000000000 +00:00\n"
        "submission_1002:\n  :submitters:\n  - :name: Team Member One\n    :sid: '31'\n"
        "    :email: one@uni.example\n  - :name: Team Member Two\n    :sid: '32'\n"
        "    :email: two@uni.example\n  :created_at: 2026-12-03 10:00:00.000000000 +00:00\n")
    out = tmp_path / "out"
    done = grader("batch", root, "--out", out, "--deadline", "2026-12-02T00:00+00:00",
                  "--export", "canvas", *FAST)
    assert done.returncode == 0, done.stderr
    rows = {r["learner"]: r for r in read_csv(out / "gradebook.csv")}
    assert rows["Alice Smith"]["late"] == "no" and rows["Team Member One"]["late"] == "yes"
    assert rows["Alice Smith"]["submitted_at"].startswith("2026-12-01T10:00")
    ids = [line.split(",")[1] for line in (out / "export-canvas.csv").read_text().splitlines()[2:]]
    assert sorted(ids) == ["12", "31", "32"]  # both members of the group get its grade


def test_autograder_zip_grades_a_submission_in_a_simulated_autograder_tree(tmp_path):
    from test_batch_gradescope import schema_problems

    zip_path = tmp_path / "autograder.zip"
    done = grader("gradescope", "ch6", "-o", zip_path, "--only", "sigmoid_range", "--no-timing")
    assert done.returncode == 0, done.stderr
    root = tmp_path / "autograder"
    with zipfile.ZipFile(zip_path) as zf:
        names = zf.namelist()
        assert {"setup.sh", "run_autograder", "grader-settings.json"} <= set(names)
        assert "fastbook-grader/pyproject.toml" in names
        assert "fastbook-grader/grader/batch/autograder.py" in names
        zf.extractall(root / "source")
    (root / "submission").mkdir()
    (root / "submission" / "ch6.py").write_text(HELPED)
    (root / "submission" / "mathutils.py").write_text(HELPER)
    (root / "submission_metadata.json").write_text(json.dumps({"users": [{"name": "Alice Smith"}]}))
    env = {**os.environ, "GRADER_AUTOGRADER_ROOT": str(root), "GRADER_PYTHON": sys.executable,
           "PYTHONPATH": str(ROOT)}
    run = subprocess.run(["bash", str(root / "source" / "run_autograder")], capture_output=True,
                         text=True, env=env, timeout=600, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    assert schema_problems(results) == []
    assert results["score"] == 8 and results["output_format"] == "md"
    assert all(t["status"] == "passed" for t in results["tests"])
    (root / "submission" / "ch6.py").write_text("")  # an empty submission: 0 and a reason, still JSON
    run = subprocess.run(["bash", str(root / "source" / "run_autograder")], capture_output=True,
                         text=True, env=env, timeout=600, cwd=tmp_path)
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == 0 and "empty" in results["output"] and schema_problems(results) == []


def test_a_forced_rerun_interrupted_keeps_every_learners_newest_result(tmp_path):
    import signal
    import time

    root, out = tmp_path / "class", tmp_path / "out"
    root.mkdir()
    for name in ("ann", "ben", "cid", "dee"):
        (root / f"{name}.py").write_text(SOLVED)
    assert grader("batch", root, "--out", out, *FAST).returncode == 0
    before = {r["learner"]: r for r in read_csv(out / "gradebook.csv")}
    started = time.time()
    proc = subprocess.Popen([sys.executable, "-m", "grader", "batch", str(root), "--out", str(out),
                             "--force", *FAST[:-1], "1"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    records = list((out / "learners").glob("*/run.json"))
    deadline = time.monotonic() + 300
    while not any(p.stat().st_mtime > started for p in records):
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=120)
    after = {r["learner"]: r for r in read_csv(out / "gradebook.csv")}
    assert after == before  # all four rows: the regraded ones new, the others as they were


def test_an_exercise_written_in_the_learners_own_helper_file_is_their_own_code(tmp_path):
    """A learner who keeps `sigmoid_range` in a helper file beside the graded one wrote it: no "not your
    own code" note (nor a review flag); a function imported from a library still gets the note."""
    helper = tmp_path / "helpers" / "mathutils.py"
    helper.parent.mkdir()
    helper.write_text(HELPER + "\n\ndef sigmoid_range(x, lo, hi):\n    return scaled_sigmoid(x, lo, hi)\n")
    from grader.grading import grade

    source = tmp_path / "solution.py"
    source.write_text("from mathutils import sigmoid_range\nfrom torch.nn.functional import binary_cross_entropy_with_logits as binary_cross_entropy\n")
    result = grade(source, helpers=[helper], only={"sigmoid_range", "binary_cross_entropy"}, timing=False)
    notes = {e.name: " ".join(e.notes) for e in result.exercises}
    assert "not your own code" not in notes["sigmoid_range"], notes
    assert "not your own code" in notes["binary_cross_entropy"], notes
    assert next(e for e in result.exercises if e.name == "sigmoid_range").points > 0
