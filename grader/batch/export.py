"""Grades back to the LMS: the gradebook in the import formats of Canvas and Moodle, keyed by ids.

- Canvas (Grades > Import): a CSV with `Student`, `ID` (the Canvas user id, as in the download's
  file names or the roster), `SIS User ID`, `SIS Login ID`, `Section` and one column per assignment,
  then a `Points Possible` row. Canvas creates or matches the assignment column by its title.
- Moodle (assignment > "Upload grading worksheet"): the offline grading worksheet, `Identifier`
  (`Participant <id>`, the id in the download's folder names), `Full name`, `Email address`,
  `Status`, `Grade`, `Maximum Grade`, `Grade can be changed`, `Last modified (submission)`,
  `Last modified (grade)`, `Feedback comments`.

Rows without an id (a plain folder with no roster) cannot be imported and are left out; learners
who submitted nothing get an empty grade (the LMS keeps whatever it had), never a silent 0. Group
submissions give every member the group's grade. Names and comments are guarded against formulas.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path
from typing import Any

from grader.batch.gradebook import _number, _text
from grader.batch.names import safe_name
from grader.batch.roster import Person
from grader.batch.store import Record, stand_in_result, write_atomic
from grader.chapters import Chapter

EXPORTS = ("canvas", "moodle")
GRADED = ("passed", "failed")


def missing_record(person: Person, chapter: str, options: dict[str, Any]) -> Record:
    """The row of a roster person with no submission (status `missing`; never saved)."""
    message = "no submission"
    return Record(learner=person.name, entry="", safe=safe_name(f"roster-{person.id}"), key="",
                  status="missing", error=message, lms_id=person.id, email=person.email,
                  result=stand_in_result(learner=person.name, entry="", chapter=chapter,
                                         kind="missing", message=message, options=options))


def write_export(kind: str, rows: list[Record], *, out: Path, chapter: Chapter,
                 options: dict[str, Any]) -> Path:
    path = out / f"export-{kind}.csv"
    write_atomic(path, (canvas_csv if kind == "canvas" else moodle_csv)(rows, chapter))
    return path


def _members(record: Record) -> list[dict[str, str]]:
    if record.members:
        return [m for m in record.members if m.get("id")]
    return [{"name": record.learner, "id": record.lms_id, "email": record.email}] if record.lms_id \
        else []


def _max_points(rows: list[Record]) -> float | None:
    for record in rows:
        if record.status in GRADED:
            return record.run_result().max_points
    return None


def canvas_csv(rows: list[Record], chapter: Chapter) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    title = f"{chapter.name} autograder"
    top = _max_points(rows)
    writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", title])
    writer.writerow(["    Points Possible", "", "", "", "", _number(top) if top is not None else ""])
    for record in rows:
        grade = _number(record.run_result().points) if record.status in GRADED else ""
        for member in _members(record):
            writer.writerow([_text(member["name"]), _text(member["id"]), "", "", "", grade])
    return out.getvalue()


def moodle_csv(rows: list[Record], chapter: Chapter) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    top = _max_points(rows)
    writer.writerow(["Identifier", "Full name", "Email address", "Status", "Grade", "Maximum Grade",
                     "Grade can be changed", "Last modified (submission)", "Last modified (grade)",
                     "Feedback comments", "Late"])
    now = datetime.now().strftime("%A, %d %B %Y, %I:%M %p")
    for record in rows:
        result = record.run_result()
        graded = record.status in GRADED
        status = "No submission" if record.status == "missing" else "Submitted for grading"
        comment = (f"{result.points:g}/{result.max_points:g} points ({result.score:.0f}%), graded by "
                   f"fastbook-grader." if graded else record.error)
        if record.overrides:
            comment += " Instructor's changes: " + "; ".join(record.overrides)
        for member in _members(record):
            writer.writerow([f"Participant {_text(member['id'])}", _text(member["name"]),
                             _text(member.get("email") or ""), status,
                             _number(result.points) if graded else "",
                             _number(top) if top is not None else "", "Yes",
                             _text(record.submitted_at), now if graded else "",
                             _text(comment, one_line=True), _late(record)])
    return out.getvalue()


def _late(record: Record) -> str:
    return "" if record.late is None else ("late" if record.late else "on time")
