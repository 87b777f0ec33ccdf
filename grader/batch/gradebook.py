"""The gradebook, rebuilt from the learners' records: `gradebook.csv` (a row per learner) and
`gradebook.json` (every test result). Both are written atomically and depend only on the records, so
an interrupted batch and its rerun give the same gradebook as an uninterrupted run.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from grader.batch.learner_files import learner_files
from grader.batch.names import ANSI, CONTROL
from grader.batch.store import Record, Store, write_atomic
from grader.chapters import Chapter

CSV_NAME = "gradebook.csv"
JSON_NAME = "gradebook.json"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def exercise_columns(chapter: Chapter, options: dict[str, Any]) -> list[str]:
    """The chapter's exercises this batch grades, in chapter order."""
    only, skip = set(options.get("only") or []), set(options.get("skip") or [])
    return [e.name for e in chapter.exercises if (not only or e.name in only) and e.name not in skip]


def _number(value: float) -> str:
    return f"{round(value, 4):g}"


def _text(value: str, *, one_line: bool = False) -> str:
    """Names and messages are untrusted: never let a spreadsheet read them as a formula, nor a
    terminal that shows the file act on a control character."""
    value = ANSI.sub("", str(value))
    value = CONTROL.sub("", " ".join(value.split()) if one_line else value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


REVIEW_COLUMNS = ["review_answers", "library_code", "empty", "similar", "names"]
"""The review queue's columns (`grader.batch.review`): empty when nothing needs a person."""


def csv_text(records: list[Record], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["learner", "id", "email", "submission", *columns, "questionnaire", "total",
                     "max_points", "score", "status", "late", "submitted_at", *REVIEW_COLUMNS,
                     "overrides", "notes", "error"])
    for record in records:
        result = record.run_result()
        points = {e.name: e.points for e in result.exercises}
        graded = bool(result.exercises)
        questionnaire = result.questionnaire
        review = record.review or {}
        writer.writerow([
            _text(record.learner), _text(record.lms_id), _text(record.email), _text(record.entry),
            *(_number(points[c]) if c in points else "" for c in columns),
            ("not submitted" if questionnaire.get("submitted") is False else _number(questionnaire["points"]))
            if questionnaire else "",
            _number(result.points) if record.status != "missing" else "",
            _number(result.max_points) if graded else "",
            _number(round(result.score, 2)) if graded else "",
            record.status, "" if record.late is None else ("yes" if record.late else "no"),
            _text(record.submitted_at),
            " ".join(review.get("answers") or []), " ".join(review.get("library_code") or []),
            review.get("empty") or "",
            _text("; ".join(f"{p['learner']} {p['similarity']:.2f}" for p in review.get("similar") or [])),
            _text("; ".join(review.get("names") or []), one_line=True),
            _text("; ".join(record.overrides), one_line=True),
            _text("; ".join(record.notes), one_line=True),
            _text(record.error, one_line=True),
        ])
    return out.getvalue()


def json_document(records: list[Record], *, store: Store, chapter: Chapter, columns: list[str],
                  options: dict[str, Any], grader_version: str) -> dict[str, Any]:
    titles = {e.name: e.title for e in chapter.exercises}
    learners = []
    for record in records:
        result = record.run_result()
        files = learner_files(store, record.safe)
        learners.append({
            "learner": record.learner, "id": record.lms_id, "email": record.email,
            "submission": record.entry, "status": record.status, "late": record.late,
            "submitted_at": record.submitted_at, "review": record.review,
            "overrides": record.overrides, "notes": record.notes, "members": record.members,
            "error": record.error, "points": result.points,
            "max_points": result.max_points, "score": round(result.score, 2), "key": record.key,
            "gradescope": _relative(files["gradescope"], store.out),
            "report": _relative(files["report"], store.out) if files["report"].exists() else None,
            "result": record.result,
        })
    return {"format": 1, "grader_version": grader_version, "chapter": chapter.name,
            "options": options, "exercises": [{"name": c, "title": titles[c]} for c in columns],
            "counts": counts(records), "learners": learners}


def counts(records: list[Record]) -> dict[str, int]:
    out = {"learners": len(records), "passed": 0, "failed": 0, "ungradable": 0, "error": 0,
           "missing": 0}
    for record in records:
        out[record.status] = out.get(record.status, 0) + 1
    return out


def write_gradebook(records: list[Record], *, store: Store, chapter: Chapter, options: dict[str, Any],
                    grader_version: str, with_json: bool = True) -> dict[str, Path]:
    """Write gradebook.csv (and gradebook.json unless told not to); returns their paths."""
    columns = exercise_columns(chapter, options)
    paths = {"csv": store.out / CSV_NAME, "json": store.out / JSON_NAME}
    write_atomic(paths["csv"], csv_text(records, columns))
    if with_json:
        document = json_document(records, store=store, chapter=chapter, columns=columns,
                                 options=options, grader_version=grader_version)
        write_atomic(paths["json"], json.dumps(document, indent=1))
    return paths


def _relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()
