"""A learner's result in Gradescope's autograder format (`results.json`), from the same RunResult.

Gradescope's format (gradescope-autograders.readthedocs.io, "Autograder Specifications"): a top-level
`score` (required unless every test has one), optional `output`, `output_format` (`text`, `html`,
`simple_format`, `md`, `ansi`), `test_output_format`, `execution_time`, `visibility`,
`stdout_visibility`, `extra_data`; `tests[]` with `name`, `score`, `max_score`, `status` (`passed` or
`failed`), `output`, `tags`, `visibility` (`hidden`, `after_due_date`, `after_published` or
`visible`), `extra_data`. Feedback is written in markdown (backticks for code), so both formats are
`md`. Every test has a status. Stretch goals are named as such and worth 0 here, as in the grader's
own total; hidden tests are shown once grades are published, never their inputs (the result never
holds them). An instructor's override is a test of its own, worth its difference in points.
"""

from __future__ import annotations

from typing import Any

from grader.results import RunResult, TestResult

def to_gradescope(result: RunResult, *, status: str, error: str = "") -> dict[str, Any]:
    """The results.json document for one learner."""
    tests: list[dict[str, Any]] = []
    skipped = []
    for exercise in result.exercises:
        for test in exercise.tests:
            if test.outcome == "skipped" and not test.max_points:  # not run by choice (--no-timing)
                skipped.append(f"{exercise.name}: {test.name} ({test.message or 'skipped'})")
                continue
            tests.append(_test(exercise.name, test))
    questionnaire = result.questionnaire or {}
    if questionnaire:
        tests += _questions(questionnaire)
    return {
        "score": round(result.points, 4),
        "execution_time": round(result.duration, 3),
        "output": _overall(result, status, error) + ("\n\nNot run: " + "; ".join(skipped)
                                                     if skipped else ""),
        "output_format": "md",
        "test_output_format": "md",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def _test(exercise: str, test: TestResult) -> dict[str, Any]:
    lines = []
    if test.details.get("override"):
        lines.append(f"Your instructor set this to {test.details.get('points'):g} points"
                     + (f": {test.message}" if test.message else "."))
    elif test.outcome != "passed":
        lines.append(test.message or test.outcome)
        if test.hint:
            lines.append(f"**Hint:** {test.hint}")
        if test.expected is not None and test.got is not None:
            lines.append(f"Expected:\n```\n{_fenced(test.expected)}\n```\nGot:\n```\n{_fenced(test.got)}\n```")
    else:
        lines.append("passed")
    if test.stretch:
        lines.append("*Stretch goal: shown for your interest, worth no points.*")
    tags = [exercise] + (["stretch"] if test.stretch else []) + (["hidden"] if test.hidden else [])
    entry = {
        "name": f"{exercise}: {test.name}" + (" (stretch goal)" if test.stretch else ""),
        "score": 0.0 if test.stretch else test.points,
        "max_score": 0.0 if test.stretch else test.max_points,
        "status": "passed" if test.outcome == "passed" else "failed",
        "output": "\n\n".join(lines) + ("\n\n(stretch goal: not scored)" if test.stretch else ""),
        "visibility": "after_published" if test.hidden else "visible",
        "tags": tags,
    }
    if test.misconception:
        entry["extra_data"] = {"misconception": test.misconception}
    return entry


def _fenced(text: str) -> str:
    """Text inside a code fence cannot close it."""
    return str(text).replace("```", "` ` `")


def _questions(questionnaire: dict[str, Any]) -> list[dict[str, Any]]:
    questions = questionnaire.get("questions")
    if not isinstance(questions, list) or not questions:
        points = float(questionnaire.get("points", 0.0))
        top = float(questionnaire.get("max_points", 0.0))
        return [{"name": "questionnaire", "score": points, "max_score": top,
                 "status": "passed" if top and points >= top else "failed",
                 "output": str(questionnaire.get("status") or questionnaire.get("note") or ""),
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
        if isinstance(q.get("override"), dict):
            lines.append(f"Your instructor set this to {q['override'].get('points', 0):g} points: "
                         f"{q['override'].get('comment', '')}")
        points, top = float(q.get("points", 0.0)), float(q.get("max_points", 0.0))
        out.append({"name": f"questionnaire: question {q.get('number', i)}",
                    "score": points, "max_score": top,
                    "status": "passed" if top and points >= top else "failed",
                    "output": "\n\n".join(line for line in lines if line), "visibility": "visible",
                    "tags": ["questionnaire"]})
    return out


def _overall(result: RunResult, status: str, error: str) -> str:
    if status in ("ungradable", "error"):
        return f"Your submission could not be graded: {error or 'see the report'}"
    return (f"{result.points:g}/{result.max_points:g} points ({result.score:.0f}%), graded by "
            f"fastbook-grader {result.grader_version}.")

