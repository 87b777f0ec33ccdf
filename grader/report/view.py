"""What the report shows, decided here and not in the template: order, grouping, and what stays hidden.

`report_view` takes `RunResult.to_dict()` (the very dict `grader check --json` prints, so the page and
the JSON cannot disagree) and returns plain dicts for the template:

- failures first: exercises with a failed test before the passed ones; in an exercise, failed tests,
  then stretch goals, then the passed tests (collapsed by the template);
- failures grouped by their feedback: tests with one hint (one misconception) show the hint once and
  each test's own values; identical failures (a stub fails all its tests the same way) are shown
  once, naming every test they cover;
- hidden tests (`hidden`) keep only their name, outcome, points and hint: never a message, a value,
  an error, a timing or details, which may all carry hidden inputs or expected values.

Every field is read with `.get` and a default: other parts of the grader are still filling these dicts.
"""

from __future__ import annotations

from typing import Any

KNOWN_DETAILS = ("note", "figures", "confusion")


def report_view(data: dict[str, Any]) -> dict[str, Any]:
    exercises = [_exercise(e) for e in _dicts(data.get("exercises"))]
    questionnaire = _questionnaire(data.get("questionnaire"))
    tests = [t for e in exercises for t in e["all_tests"] if not t["stretch"]]
    stretch = [t for e in exercises for t in e["all_tests"] if t["stretch"] and t["outcome"] != "skipped"]
    return {
        "learner": str(data.get("learner") or "submission"),
        "submission": str(data.get("submission") or ""),
        "chapter": str(data.get("chapter") or "?"),
        "grader_version": str(data.get("grader_version") or "?"),
        "started": data.get("started") or "",
        "device": str(data.get("device") or "?"),
        "duration": data.get("duration"),
        "points": _number(data.get("points")),
        "max_points": _number(data.get("max_points")),
        "score": _number(data.get("score")),
        "status": str(data.get("status") or "failed"),
        "skipped": [str(s) for s in data.get("skipped") or []],
        "total_covers": _text(data.get("total_covers")),
        "load_error": _fault(data.get("load_error")),
        "output": str(data.get("output") or ""),
        "options": data.get("options") if isinstance(data.get("options"), dict) else {},
        "exercises": exercises,
        "exercises_in_order": sorted(exercises, key=lambda e: e["state"] == "passed"),
        "counts": {
            "exercises": len(exercises),
            "exercises_passed": sum(e["state"] == "passed" for e in exercises),
            "exercises_failed": sum(e["state"] == "failed" for e in exercises),
            "tests_passed": sum(t["outcome"] == "passed" for t in tests),
            "tests_failed": sum(t["outcome"] != "passed" and t["max_points"] > 0 for t in tests),
            "stretch_passed": sum(t["outcome"] == "passed" for t in stretch),
            "stretch": len(stretch),
        },
        "questionnaire": questionnaire,
        "notebook": _notebook(data.get("notebook")),
    }


def _exercise(data: dict[str, Any]) -> dict[str, Any]:
    tests = [_test(t) for t in _dicts(data.get("tests"))]
    core = [t for t in tests if not t["stretch"]]
    failed = [t for t in core if t["outcome"] != "passed" and t["max_points"] > 0]
    skipped = [t for t in core if t["outcome"] != "passed" and not t["max_points"]]
    max_points = _number(data.get("max_points", sum(t["max_points"] for t in core)))
    points = _number(data.get("points", sum(t["points"] for t in core)))
    if failed:
        state = "failed"
    elif max_points > 0:
        state = "passed"
    else:
        state = "skipped"  # nothing to score: every test was not applicable, or it has none
    return {
        "name": str(data.get("name") or "?"),
        "title": str(data.get("title") or ""),
        "defined": data.get("defined", True) is not False,
        "notes": [str(n) for n in data.get("notes") or []],
        "points": points,
        "max_points": max_points,
        "state": state,
        "failures": _group(failed),
        "stretch_failures": _group([t for t in tests if t["stretch"] and t["outcome"] != "passed"]),
        "passed": [t for t in tests if t["outcome"] == "passed"],
        "skipped": _group(skipped),
        "figures": _exercise_details(core),
        "all_tests": tests,
    }


def _test(data: dict[str, Any]) -> dict[str, Any]:
    hidden = bool(data.get("hidden"))
    test = {
        "name": str(data.get("name") or data.get("nodeid") or "?"),
        "outcome": str(data.get("outcome") or "missing"),
        "points": _number(data.get("points")),
        "max_points": _number(data.get("max_points")),
        "hidden": hidden,
        "stretch": bool(data.get("stretch")),
        "hint": _text(data.get("hint")),
        "fix": _text(data.get("fix")),
        "kind": str(data.get("kind") or "value"),
        "message": None, "expected": None, "got": None, "inputs": None, "fault": None, "timing": None,
        "note": None, "details": {}, "other_details": {},
    }
    if hidden:
        return test
    details = data.get("details") if isinstance(data.get("details"), dict) else {}
    timing = data.get("timing") if isinstance(data.get("timing"), dict) else None
    test.update(
        message=_text(data.get("message")), expected=_text(data.get("expected")),
        got=_text(data.get("got")), inputs=_text(data.get("inputs")), fault=_fault(data.get("fault")),
        timing=timing,
        note=_text("; ".join(str(n) for n in data.get("notes") or []) or details.get("note")),
        details=details,
        other_details={k: v for k, v in details.items() if k not in KNOWN_DETAILS},
    )
    return test


def _group(failed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Failed tests merged by the feedback they share, in the order of their first test.

    Tests with the same hint (one misconception) form one group, shown with the hint once and each
    test's own values below it; without a hint, only tests with identical feedback are merged.
    A group is `same` when all its tests have the very same feedback (shown once, names listed).
    """
    groups: dict[tuple, dict[str, Any]] = {}
    for test in failed:
        feedback = (test["message"], test["expected"], test["got"], _plain_key(test["fault"]),
                    _plain_key(test["timing"]), _plain_key(test["details"]))
        key = (test["outcome"], test["hidden"], test["stretch"], test["hint"],
               None if test["hint"] else feedback)
        group = groups.get(key)
        if group is None:
            groups[key] = {"outcome": test["outcome"], "hidden": test["hidden"], "stretch": test["stretch"],
                           "hint": test["hint"], "points": test["points"], "max_points": test["max_points"],
                           "cases": [test], "names": [test["name"]], "feedback": feedback, "same": True}
        else:
            group["cases"].append(test)
            group["names"].append(test["name"])
            group["points"] += test["points"]
            group["max_points"] += test["max_points"]
            group["same"] = group["same"] and group["feedback"] == feedback
    for group in groups.values():
        del group["feedback"]
    return list(groups.values())


def _exercise_details(tests: list[dict[str, Any]]) -> dict[str, Any]:
    """The first figures and confusion table the visible tests of an exercise report (shown once)."""
    found: dict[str, Any] = {}
    for test in tests:
        details = test["details"]
        if "figures" not in found and isinstance(details.get("figures"), list):
            found["figures"] = [_figure(f) for f in details["figures"] if isinstance(f, dict)]
        if "confusion" not in found and isinstance(details.get("confusion"), dict):
            found["confusion"] = _table(details["confusion"])
    return found


def _figure(data: dict[str, Any]) -> dict[str, Any]:
    value, mark = data.get("value"), data.get("pass_mark")
    verdict = None
    if isinstance(value, (int, float)) and isinstance(mark, (int, float)):
        verdict = "passed" if value >= mark else "failed"
    return {"label": str(data.get("label", "")), "value": value, "pass_mark": mark, "verdict": verdict}


def _table(data: dict[str, Any]) -> dict[str, Any]:
    labels = [str(x) for x in data.get("labels") or []]
    rows = [[x for x in row] for row in data.get("rows") or [] if isinstance(row, (list, tuple))]
    return {"labels": labels, "rows": rows}


def _questionnaire(data: Any) -> dict[str, Any] | None:
    if not isinstance(data, dict):
        return None
    questions = []
    for q in _dicts(data.get("questions")):
        status = str(q.get("status") or "not answered")
        questions.append({
            "number": q.get("number", len(questions) + 1),
            "question": str(q.get("question") or ""),
            "answer": str(q.get("answer") or ""),
            "points": _number(q.get("points")),
            "max_points": _number(q.get("max_points")),
            "status": status,
            "found": [str(c) for c in q.get("concepts_found") or []],
            "missing": [{"concept": str(m.get("concept") or ""), "feedback": _text(m.get("feedback"))}
                        for m in _dicts(q.get("concepts_missing"))],
            "contradictions": [str(c) for c in q.get("contradictions") or []],
            "needs_review": bool(q.get("needs_review")),
            "review_reason": _text(q.get("review_reason")),
            "model_answer": str(q.get("model_answer") or ""),
            "code_passed": q.get("code_passed"),
            "code_feedback": _text(q.get("code_feedback")),
            "cells_read": [c for c in q.get("cells_read") or [] if isinstance(c, int)][:200],
            "open": status in ("partial", "wrong") or bool(q.get("needs_review"))
                    or q.get("code_passed") is False,
        })
    statuses = [q["status"] for q in questions]
    return {
        "submitted": data.get("submitted", True) is not False,
        "note": _text(data.get("note")),
        "points": _number(data.get("points")),
        "max_points": _number(data.get("max_points")),
        "questions": questions,
        "counts": {s: statuses.count(s) for s in ("correct", "partial", "wrong", "not answered")},
        "review": sum(q["needs_review"] for q in questions),
        "model_answers_hidden": bool(data.get("model_answers_hidden")),
        "problem": _text(data.get("problem")),
        "notebook": data.get("source") == "notebook",
    }


def _notebook(data: Any) -> dict[str, Any] | None:
    if not isinstance(data, dict):
        return None
    cells = []
    for cell in _dicts(data.get("failed_cells")):
        cells.append({
            "index": cell.get("index"),
            "execution_count": cell.get("execution_count"),
            "ename": str(cell.get("ename") or "Error"),
            "evalue": str(cell.get("evalue") or ""),
            "traceback": [str(line) for line in cell.get("traceback") or []],
            "hint": _text(cell.get("hint")),
        })
    return {
        "executed_path": _text(data.get("executed_path")),
        "kernel": _text(data.get("kernel")),
        "failed_cells": cells,
        "timed_out_cells": [c for c in data.get("timed_out_cells") or []],
        "notes": [str(n) for n in data.get("notes") or []],
    }


def _fault(data: Any) -> dict[str, Any] | None:
    if not isinstance(data, dict):
        return None
    return {"kind": str(data.get("kind") or "error"), "message": str(data.get("message") or ""),
            "line": data.get("line"), "traceback": [str(x) for x in data.get("traceback") or []]}


def _dicts(items: Any) -> list[dict[str, Any]]:
    return [item for item in items or [] if isinstance(item, dict)]


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _plain_key(value: Any) -> str:
    return repr(value)
