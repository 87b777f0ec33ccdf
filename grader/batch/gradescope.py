"""A learner's result in Gradescope's autograder format (`results.json`), from the same RunResult.

Gradescope's format: a top-level `score` (required unless every test has one), optional `output`,
`execution_time`, `visibility`; `tests[]` with `name`, `score`, `max_score`, `output`, `visibility`
(`hidden`, `after_due_date`, `after_published` or `visible`), optional `status` and `tags`.
Stretch goals score nothing here, as in the grader's own total; hidden tests are shown once grades
are published, never their inputs (the result never holds them).
"""

from __future__ import annotations

from typing import Any

from grader.results import RunResult, TestResult

def to_gradescope(result: RunResult, *, status: str, error: str = "") -> dict[str, Any]:
    """The results.json document for one learner."""
    tests: list[dict[str, Any]] = []
    for exercise in result.exercises:
        for test in exercise.tests:
            tests.append(_test(exercise.name, test))
    questionnaire = result.questionnaire or {}
    if questionnaire:
        tests += _questions(questionnaire)
    return {
        "score": round(result.points, 4),
        "execution_time": round(result.duration, 3),
        "output": _overall(result, status, error),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def _test(exercise: str, test: TestResult) -> dict[str, Any]:
    lines = []
    if test.outcome != "passed":
        lines.append(test.message or test.outcome)
        if test.hint:
            lines.append(f"Hint: {test.hint}")
        if test.expected is not None and test.got is not None:
            lines.append(f"Expected: {test.expected}\nGot: {test.got}")
    else:
        lines.append("passed")
    tags = [exercise] + (["stretch"] if test.stretch else []) + (["hidden"] if test.hidden else [])
    entry = {
        "name": f"{exercise}: {test.name}",
        "score": 0.0 if test.stretch else test.points,
        "max_score": 0.0 if test.stretch else test.max_points,
        "status": "passed" if test.outcome == "passed" else "failed",
        "output": "\n".join(lines) + ("\n(stretch goal: not scored)" if test.stretch else ""),
        "visibility": "after_published" if test.hidden else "visible",
        "tags": tags,
    }
    if test.misconception:
        entry["extra_data"] = {"misconception": test.misconception}
    return entry


def _questions(questionnaire: dict[str, Any]) -> list[dict[str, Any]]:
    questions = questionnaire.get("questions")
    if not isinstance(questions, list) or not questions:
        return [{"name": "questionnaire", "score": float(questionnaire.get("points", 0.0)),
                 "max_score": float(questionnaire.get("max_points", 0.0)), "output": "",
                 "visibility": "visible", "tags": ["questionnaire"]}]
    out = []
    for i, q in enumerate(questions, 1):
        if not isinstance(q, dict):
            continue
        lines = [str(q.get("status", ""))]
        lines += [str(m.get("feedback") or m.get("concept") or "") for m in q.get("concepts_missing") or []
                  if isinstance(m, dict)]
        if q.get("needs_review") and q.get("review_reason"):
            lines.append(f"To be reviewed by a person: {q['review_reason']}")
        out.append({"name": f"questionnaire: question {q.get('number', i)}",
                    "score": float(q.get("points", 0.0)), "max_score": float(q.get("max_points", 0.0)),
                    "output": "\n".join(line for line in lines if line), "visibility": "visible",
                    "tags": ["questionnaire"]})
    return out


def _overall(result: RunResult, status: str, error: str) -> str:
    if status in ("ungradable", "error"):
        return f"Your submission could not be graded: {error or 'see the report'}"
    return (f"{result.points:g}/{result.max_points:g} points ({result.score:.0f}%), graded by "
            f"fastbook-grader {result.grader_version}.")

