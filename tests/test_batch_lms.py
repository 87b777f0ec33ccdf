"""Discovery of LMS exports, per-learner sheets, rosters and names (no grading: fast)."""

from __future__ import annotations

import csv
import io

import pytest

from grader.batch.discovery import find_class
from grader.batch.lms import canvas_file, moodle_name, parse_time, read_gradescope_metadata
from grader.batch.roster import Roster, read_roster
from grader.chapters import get_chapter

CH6 = get_chapter("ch6")
from grader.errors import UsageError

DEFS = "def sigmoid_range(x, lo, hi):\n    return x\n\ndef splitter(df):\n    return df\n"


def test_canvas_and_moodle_names():
    origin, original = canvas_file("smithalice_LATE_4321_998877_ch6_questionnaire.md")
    assert (origin.lms, origin.name, origin.id, origin.late, original) == (
        "canvas", "smithalice", "4321", True, "ch6_questionnaire.md")
    assert canvas_file("smithalice_4321_998877_my_ch6.py")[1] == "my_ch6.py"
    assert canvas_file("alice.py") is None and canvas_file("my_notes_v2.py") is None
    origin, original = moodle_name("Zoë Ñúñez_77_assignsubmission_file_")
    assert (origin.name, origin.id, original) == ("Zoë Ñúñez", "77", "")
    assert moodle_name("Al Bo_8_assignsubmission_file_ch6.ipynb")[1] == "ch6.ipynb"


def test_loose_files_find_their_own_sheets_and_orphans_are_reported(tmp_path):
    for name in ("alice.py", "bob.py", "carol.py", "dave.py"):
        (tmp_path / name).write_text(DEFS)
    (tmp_path / "alice_ch6_questionnaire.md").write_text("a")
    (tmp_path / "bob_questionnaire.md").write_text("b")
    (tmp_path / "carol.md").write_text("c")
    (tmp_path / "erin_questionnaire.md").write_text("e")  # no erin.py
    (tmp_path / "ch6_questionnaire.md").write_text("whose?")
    found = find_class(tmp_path, CH6)
    subs = {s.learner: s for s in found.submissions}
    assert set(subs) == {"alice", "bob", "carol", "dave"}  # a sheet is never a learner
    assert subs["alice"].sheet.name == "alice_ch6_questionnaire.md"
    assert subs["bob"].sheet.name == "bob_questionnaire.md"
    assert subs["carol"].sheet.name == "carol.md"
    assert subs["dave"].sheet is None
    orphans = [line for line in found.ignored if "matches no learner" in line]
    assert len(orphans) == 2 and any(line.startswith("erin_questionnaire.md") for line in orphans)


def test_canvas_export_groups_each_learners_files(tmp_path):
    (tmp_path / "smithalice_12_1_ch6.py").write_text(DEFS)
    (tmp_path / "smithalice_12_2_helpers.py").write_text("def helper():\n    pass\n")
    (tmp_path / "smithalice_12_3_ch6_questionnaire.md").write_text("answers")
    (tmp_path / "smithalice_12_4_screenshot.png").write_bytes(b"\x89PNG")
    (tmp_path / "jonesbob_LATE_13_5_notes.txt").write_text("only notes")
    (tmp_path / "README.txt").write_text("from Canvas")
    found = find_class(tmp_path, CH6)
    subs = {s.origin.id: s for s in found.submissions}
    alice, bob = subs["12"], subs["13"]
    assert alice.file.name == "smithalice_12_1_ch6.py" and alice.error is None
    assert [p.name for p in alice.helpers] == ["smithalice_12_2_helpers.py"]
    assert alice.sheet.name == "smithalice_12_3_ch6_questionnaire.md"
    assert any("screenshot.png: ignored" in n for n in alice.notes)
    assert bob.error_kind == "no_submission" and bob.origin.late is True
    assert found.layout == "canvas" and any("README.txt" in i for i in found.ignored)


def test_the_file_that_defines_the_chapters_functions_is_graded(tmp_path):
    folder = tmp_path / "Dan Wu_22_assignsubmission_file_"
    folder.mkdir()
    (folder / "utils.py").write_text("def helper():\n    pass\n")
    (folder / "my_work.py").write_text(DEFS)
    (folder / "scratch.ipynb").write_text('{"cells": []}')
    (folder / "README.md").write_text("# my notes")  # not an answer sheet
    sub = find_class(tmp_path, CH6).submissions[0]
    assert sub.sheet is None and any("README.md: ignored" in n for n in sub.notes)
    assert sub.learner == "Dan Wu" and sub.origin.id == "22" and sub.file.name == "my_work.py"
    assert [p.name for p in sub.helpers] == ["utils.py"]
    assert any("scratch.ipynb: ignored" in n for n in sub.notes)


def test_gradescope_metadata(tmp_path):
    (tmp_path / "submission_metadata.yml").write_text(
        "submission_7:\n  :submitters:\n  - :name: \"Eve \\e[31mRed\"\n    :sid: '5'\n"
        "    :email: e@x\n  :created_at: 2026-12-01 10:00:00.123456789 -08:00\n"
        "submission_8: {}\n")
    origins = read_gradescope_metadata(tmp_path / "submission_metadata.yml")
    assert set(origins) == {"submission_7"}
    assert origins["submission_7"].id == "5" and origins["submission_7"].submitted_at == \
        "2026-12-01T10:00:00-08:00"
    (tmp_path / "submission_7").mkdir()
    (tmp_path / "submission_7" / "ch6.py").write_text(DEFS)
    (tmp_path / "stray.py").write_text(DEFS)
    found = find_class(tmp_path, CH6)
    assert [s.learner for s in found.submissions] == ["Eve Red"]  # the escape sequence is gone
    assert any("stray.py" in i for i in found.ignored)


def test_roster_matches_ids_emails_and_squeezed_names(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("ID,Name,Email\n12,Alice Smith,alice@x\n13,Bob Jones,bob@x\n13,dup,d@x\n")
    people = read_roster(path)
    assert [p.id for p in people] == ["12", "13"]
    roster = Roster(people)
    assert roster.match(canvas_file("smithalice_99_1_ch6.py")[0]).id == "12"  # by name
    assert roster.match(canvas_file("whoever_13_1_ch6.py")[0]).id == "13"  # by id
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "bob@x.py").write_text(DEFS)
    (tmp_path / "class" / "stranger.py").write_text(DEFS)
    found = find_class(tmp_path / "class", CH6, roster=people)
    subs = {s.learner: s for s in found.submissions}
    assert subs["Bob Jones"].person.id == "13"
    assert any("not on the roster" in n for n in subs["stranger"].notes)
    assert [p.name for p in found.missing] == ["Alice Smith"]
    (tmp_path / "bad.csv").write_text("who,what\n1,2\n")
    with pytest.raises(UsageError, match="needs the columns id and name"):
        read_roster(tmp_path / "bad.csv")


def test_timestamps():
    assert parse_time("2026-12-04T17:30").hour == 17
    assert parse_time("2026-12-04 17:30:00.5 +0100").utcoffset().total_seconds() == 3600
    assert parse_time("next friday") is None


def test_control_characters_never_reach_the_gradebook(tmp_path):
    from grader.batch.gradebook import csv_text
    from grader.batch.store import failed_record

    (tmp_path / "al\x1b[2Jice\x07.py").write_text(DEFS)
    sub = find_class(tmp_path, CH6).submissions[0]
    assert sub.learner == "alice" and "\x1b" not in sub.entry and "\x07" not in sub.entry
    record = failed_record(learner="x\x1b]0;title\x07y", entry="e\x9b1m", safe="s", key="",
                           chapter="ch6", status="ungradable", kind="k", message="m\x1b[31m",
                           final=True)
    text = csv_text([record], [])
    assert not any(ord(c) < 32 and c not in "\n" or 0x7f <= ord(c) <= 0x9f for c in text)
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["learner"] == "xy" and row["error"] == "m"


def test_helpers_that_would_hide_a_module_are_not_copied(tmp_path):
    from grader.batch.runner import read_helpers

    folder = tmp_path / "hana"
    folder.mkdir()
    (folder / "ch6.py").write_text(DEFS)
    for name in ("torch.py", "conftest.py", "sitecustomize.py", "json.py", "my utils.py"):
        (folder / name).write_text("x = 1\n")
    sub = find_class(tmp_path, CH6).submissions[0]
    assert sub.file.name == "ch6.py" and len(sub.helpers) == 5
    assert sorted(read_helpers(sub)) == ["my_utils.py"]
    assert sum("would hide a module" in n for n in sub.notes) == 4


def test_oversized_or_deep_instructor_files_are_errors_not_crashes(tmp_path):
    from grader.batch.overrides import read_overrides

    (tmp_path / "overrides.csv").write_text('learner,item,points\n"' + "x" * 200_000 + '",total,1\n')
    overrides, problems = read_overrides(tmp_path)
    assert overrides == [] and "cannot be read as CSV" in problems[0]
    (tmp_path / "roster.csv").write_text('id,name\n"' + "x" * 200_000 + '",a\n')
    with pytest.raises(UsageError, match="not a CSV file"):
        read_roster(tmp_path / "roster.csv")
    (tmp_path / "submission_metadata.yml").write_text("[" * 5000 + "]" * 5000)
    with pytest.raises(ValueError, match="nested too deeply"):
        read_gradescope_metadata(tmp_path / "submission_metadata.yml")
