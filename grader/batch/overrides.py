"""An instructor's corrections: `overrides.csv` in the output folder, applied on every run.

    learner,item,points,comment
    alice,binary_cross_entropy,5,"right idea, the grader's input was off by one"
    bob,question 14,2,read by hand: the answer is right
    carol,total,40,late penalty agreed by e-mail

`learner` is the name shown in the gradebook, the roster id or the learner's folder name; `item` an
exercise (or its short name), `question N`, or `total`; `points` what that item is worth now. The
file is the instructor's and is never rewritten by the grader (it is created, empty, when missing).
Overrides live outside the learners' records, so a regrade never loses them: every run grades, then
applies them to the gradebook, the report and `results.json`. Each override shows as a line of its
own with its comment (an adjustment test worth its difference in points), so the totals still come
from the result itself.
"""

from __future__ import annotations

import copy
import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from grader.batch.names import shown_name
from grader.batch.store import Record, write_atomic
from grader.chapters import Chapter
from grader.results import ExerciseResult, RunResult, TestResult

FILE = "overrides.csv"
HEADER = "learner,item,points,comment\n"
MAX_BYTES = 4 * 2**20
QUESTION = re.compile(r"^(?:question|q)\s*#?\s*(\d{1,3})$", re.I)
TOTAL = "total"


@dataclass(frozen=True)
class Override:
    """One row of overrides.csv."""

    line: int
    """Its line in the file (for messages)."""
    learner: str
    """Who (name, roster id or folder name, compared ignoring case)."""
    item: str
    """An exercise name, `question N`, or `total`."""
    points: float
    """The points that item is worth now."""
    comment: str
    """Why: shown to the learner beside the change."""


def read_overrides(out: Path) -> tuple[list[Override], list[str]]:
    """The overrides of the output folder and the problems with its lines; creates an empty file."""
    path = out / FILE
    if not path.exists():
        write_atomic(path, HEADER)
        return [], []
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        return [], [f"{FILE} cannot be read: {exc.strerror}"]
    if len(raw) > MAX_BYTES:
        return [], [f"{FILE} is larger than {MAX_BYTES // 2**20} MB: not applied"]
    try:
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig", "replace"))))
    except csv.Error as exc:
        return [], [f"{FILE} cannot be read as CSV ({exc}): no override applied"]
    out_rows, problems = [], []
    for number, row in enumerate(rows, 1):
        if not row or not any(c.strip() for c in row) or row[0].strip().startswith("#"):
            continue
        if number == 1 and row[0].strip().lower() == "learner":
            continue
        if len(row) < 3:
            problems.append(f"{FILE} line {number}: needs learner, item, points (and a comment)")
            continue
        try:
            points = float(row[2])
        except ValueError:
            problems.append(f"{FILE} line {number}: points {shown_name(row[2])!r} is not a number")
            continue
        if points != points or points in (float("inf"), float("-inf")):
            problems.append(f"{FILE} line {number}: points must be a finite number")
            continue
        out_rows.append(Override(number, shown_name(row[0]), " ".join(row[1].split()).lower(), points,
                                 " ".join(",".join(row[3:]).split())))
    return out_rows, problems


def for_learner(overrides: list[Override], record: Record) -> list[Override]:
    names = {record.learner.casefold(), record.safe.casefold(), record.entry.casefold()}
    if record.lms_id:
        names.add(record.lms_id.casefold())
    return [o for o in overrides if o.learner.casefold() in names]


def apply_overrides(record: Record, overrides: list[Override], chapter: Chapter
                    ) -> tuple[Record, list[str]]:
    """A copy of the record with its overrides applied, and the problems of those not applied."""
    if not overrides:
        return record, []
    result = RunResult.from_dict(copy.deepcopy(record.result))  # the stored record stays as graded
    problems, applied = [], []
    for o in sorted(overrides, key=lambda o: (o.item == TOTAL, o.line)):
        why = _apply(result, o, chapter)
        if why:
            problems.append(f"{FILE} line {o.line} ({o.learner}, {o.item}): {why}")
        else:
            applied.append(f"{o.item} = {o.points:g}" + (f" ({o.comment})" if o.comment else ""))
    out = copy.copy(record)
    out.result = result.to_dict()
    out.overrides = applied
    if record.status in ("passed", "failed") or (applied and record.status == "ungradable"
                                                 and result.max_points):
        out.status = result.status
    return out, problems


def _adjustment(name: str, o: Override, delta: float) -> TestResult:
    return TestResult(nodeid=f"override::{name}::{o.line}", name="instructor's override"
                      + (f": {o.comment}" if o.comment else ""), exercise=name, outcome="passed",
                      points=round(delta, 4), max_points=0.0, message=o.comment,
                      details={"override": True, "points": o.points})


def _apply(result: RunResult, o: Override, chapter: Chapter) -> str:
    if o.item == TOTAL:
        delta = o.points - result.points
        result.exercises.append(ExerciseResult(name="override", title="Instructor's adjustment",
                                               tests=[_adjustment("override", o, delta)],
                                               notes=[o.comment] if o.comment else []))
        return ""
    question = QUESTION.match(o.item)
    if question:
        return _question(result, int(question[1]), o)
    name = chapter.aliases.get(o.item, o.item)
    exercise = next((e for e in result.exercises if e.name == name), None)
    if exercise is None:
        known = ", ".join(e.name for e in result.exercises) or "none graded"
        return f"no exercise {o.item!r} in this result (exercises: {known}; or `question N`, `total`)"
    if not 0 <= o.points <= exercise.max_points:
        return f"{o.points:g} points is outside 0-{exercise.max_points:g}, what {name} is worth"
    exercise.tests.append(_adjustment(name, o, o.points - exercise.points))
    return ""


def _question(result: RunResult, number: int, o: Override) -> str:
    questionnaire = result.questionnaire
    questions = (questionnaire or {}).get("questions")
    if not isinstance(questions, list):
        return "this learner has no graded questionnaire"
    for q in questions:
        if isinstance(q, dict) and str(q.get("number")) == str(number):
            top = float(q.get("max_points", 0) or 0)
            if not 0 <= o.points <= top:
                return f"{o.points:g} points is outside 0-{top:g}, what question {number} is worth"
            delta = o.points - float(q.get("points", 0) or 0)
            q["points"] = o.points
            q["override"] = {"points": o.points, "comment": o.comment}
            q["status"] = "correct" if o.points >= top else ("partial" if o.points else "wrong")
            questionnaire["points"] = round(float(questionnaire.get("points", 0)) + delta, 4)
            return ""
    return f"no question {number} in the questionnaire"
