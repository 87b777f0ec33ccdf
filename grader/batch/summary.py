"""The class summary page (`index.html`): score distribution, pass rates, common misconceptions,
submissions that could not be graded, and a link to every learner's report.

`class_summary` computes plain figures from the records; `render_index` puts them in the template
(`templates/index.html.j2`) with the report module's shared Jinja environment when it is installed,
otherwise with an autoescaping environment of its own. The template escapes everything it is given
either way: learner names and messages are untrusted text.
"""

from __future__ import annotations

import functools

import statistics
from collections import Counter
from pathlib import Path
from typing import Any

from grader.batch.gradebook import counts
from grader.batch.learner_files import learner_files
from grader.batch.review import review_words
from grader.batch.store import Record, Store, write_atomic

INDEX = "index.html"
TEMPLATE = Path(__file__).resolve().parent / "templates" / "index.html.j2"
GRADED = ("passed", "failed")
"""Rows that count in the class figures; the others are listed as not graded."""
BINS = 10


def class_summary(records: list[Record], *, store: Store, chapter: str, grader_version: str,
                  options: dict[str, Any], extra: dict[str, Any] | None = None) -> dict[str, Any]:
    extra = extra or {}
    results = {r.safe: r.run_result() for r in records}
    scored = [results[r.safe].score for r in records if r.status in GRADED]
    return {
        "chapter": chapter, "grader_version": grader_version, "options": options,
        "counts": counts(records), "graded": len(scored),
        "mean": statistics.fmean(scored) if scored else None,
        "median": statistics.median(scored) if scored else None,
        "histogram": histogram(scored),
        "exercises": _exercise_rates(records, results),
        "questions": _question_rates(records, results),
        "misconceptions": _misconceptions(records, results),
        "ungradable": [{"learner": r.learner, "entry": r.entry, "status": r.status, "error": r.error}
                       for r in records if r.status in ("ungradable", "error")],
        "review": [{"learner": r.learner, "entry": r.entry, "reasons": review_words(r.review)}
                   for r in records if r.review],
        "missing": [{"learner": r.learner, "id": r.lms_id} for r in records if r.status == "missing"],
        "ignored": list(extra.get("ignored") or []),
        "layout": {"canvas": "a Canvas download", "moodle": "a Moodle download",
                   "gradescope": "a Gradescope export", "mixed": "files of several shapes"
                   }.get(str(extra.get("layout") or ""), ""),
        "problems": list(extra.get("problems") or []),
        "learners": [_learner_row(r, results[r.safe], store) for r in records
                     if r.status != "missing"],
    }


def histogram(scores: list[float], *, width: int = 520, height: int = 180) -> dict[str, Any]:
    """Bars of an inline SVG chart: how many scores fall in each tenth of 0-100 %."""
    tally = [0] * BINS
    for score in scores:
        tally[min(int(score // (100 / BINS)), BINS - 1)] += 1
    top = max(tally) or 1
    left, bottom, gap = 30, 30, 4
    plot_h = height - bottom - 16
    step = (width - left) / BINS
    bars = []
    for i, count in enumerate(tally):
        h = plot_h * count / top
        lo = i * 100 // BINS
        bars.append({"x": round(left + i * step + gap / 2, 1), "y": round(height - bottom - h, 1),
                     "w": round(step - gap, 1), "h": round(h, 1), "count": count,
                     "label": f"{lo}", "range": f"{lo}–{lo + 100 // BINS}%",
                     "cx": round(left + (i + 0.5) * step, 1)})
    return {"width": width, "height": height, "bars": bars, "top": top, "left": left,
            "base": height - bottom}


def _exercise_rates(records, results) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for record in records:
        if record.status not in GRADED:
            continue
        for exercise in results[record.safe].exercises:
            if exercise.name == "override":  # the instructor's adjustment of a total: not an exercise
                continue
            row = rows.setdefault(exercise.name, {"name": exercise.name, "title": exercise.title,
                                                  "passed": 0, "total": 0, "points": 0.0,
                                                  "max_points": exercise.max_points})
            row["total"] += 1
            row["passed"] += exercise.passed
            row["points"] += exercise.points
    for row in rows.values():
        row["rate"] = 100.0 * row["passed"] / row["total"]
        row["mean_points"] = row["points"] / row["total"]
    return list(rows.values())


def _question_rates(records, results) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for record in records:
        questionnaire = results[record.safe].questionnaire or {}
        questions = questionnaire.get("questions")
        if record.status not in GRADED or not isinstance(questions, list):
            continue
        for i, q in enumerate(questions, 1):
            if not isinstance(q, dict):
                continue
            number = str(q.get("number", q.get("id", i)))
            row = rows.setdefault(number, {"number": number, "text": str(q.get("question", "")),
                                           "passed": 0, "total": 0})
            row["total"] += 1
            row["passed"] += float(q.get("points", 0)) >= float(q.get("max_points", 0)) > 0
    for row in rows.values():
        row["rate"] = 100.0 * row["passed"] / row["total"]
    return list(rows.values())


def _misconceptions(records, results) -> list[dict[str, Any]]:
    """How many learners showed each misconception (once per learner), most common first."""
    tally: Counter = Counter()
    hints: dict[tuple[str, str], str] = {}
    for record in records:
        seen = set()
        for exercise in results[record.safe].exercises:
            for test in exercise.tests:
                if test.misconception and test.outcome != "passed":
                    key = (exercise.name, test.misconception)
                    seen.add(key)
                    hints.setdefault(key, test.hint or test.message)
        tally.update(seen)
    ranked = sorted(tally.items(), key=lambda item: (-item[1], item[0]))
    return [{"exercise": e, "id": m, "count": n, "hint": hints[e, m]} for (e, m), n in ranked]


def _learner_row(record: Record, result, store: Store) -> dict[str, Any]:
    files = learner_files(store, record.safe)
    graded = bool(result.exercises)
    notebook = store.folder(record.safe) / "notebook.ipynb"
    return {"learner": record.learner, "entry": record.entry, "status": record.status,
            "score": result.score if graded else None, "points": result.points,
            "max_points": result.max_points, "error": record.error, "late": record.late,
            "overrides": record.overrides,
            "notebook": notebook.relative_to(store.out).as_posix() if notebook.is_file() else None,
            "report": files["report"].relative_to(store.out).as_posix()
            if files["report"].exists() else None,
            "gradescope": files["gradescope"].relative_to(store.out).as_posix()}


def environment():
    """The report module's shared Jinja environment (one for every page)."""
    from grader.report import environment as shared

    return shared()


@functools.lru_cache(maxsize=1)
def _index_template():
    """Compiled once per process: the batch rewrites the index after every learner (issue 17)."""
    return environment().from_string(TEMPLATE.read_text(encoding="utf-8"))


def render_index(summary: dict[str, Any]) -> str:
    return _index_template().render(summary=summary)


def write_index(records: list[Record], *, store: Store, chapter: str, grader_version: str,
                options: dict[str, Any], extra: dict[str, Any] | None = None) -> Path:
    summary = class_summary(records, store=store, chapter=chapter, grader_version=grader_version,
                            options=options, extra=extra)
    path = store.out / INDEX
    write_atomic(path, render_index(summary))
    return path
