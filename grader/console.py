"""The terminal summary of a run: one line per exercise, the total, and where the report is."""

from __future__ import annotations

import sys
from typing import TextIO

from grader.results import RunResult


def _marks(stream: TextIO) -> tuple[str, str]:
    encoding = (getattr(stream, "encoding", None) or "").lower()
    return ("✔", "✘") if "utf" in encoding else ("ok", "XX")


def _fmt(points: float) -> str:
    return f"{points:g}"


def print_summary(result: RunResult, *, verbose: int = 0, report: str | None = None,
                  stream: TextIO | None = None) -> None:
    out = stream or sys.stdout
    good, bad = _marks(out)
    print(f"fastbook-grader {result.grader_version} · {result.chapter} · {result.submission} · "
          f"{result.device}", file=out)
    if result.load_error is not None:
        fault = result.load_error
        where = f" (line {fault.line})" if fault.line else ""
        print(f"\nYour file could not be loaded{where}: {fault.kind}: {fault.message}", file=out)
        for line in fault.traceback:
            print(line, file=out)
        print("Fix this first: no exercise can be graded until the file runs.\n", file=out)
    width = max((len(e.name) for e in result.exercises), default=10)
    for exercise in result.exercises:
        mark = good if exercise.passed else bad
        score = f"{_fmt(exercise.points)}/{_fmt(exercise.max_points)}"
        line = f"  {mark} {exercise.name:<{width}} {score:>7}"
        hint = exercise.first_hint
        if hint and result.load_error is None:
            line += f"  {_one_line(hint)}"
        print(line, file=out)
        if verbose:
            for test in exercise.tests:
                if test.outcome != "passed" or verbose > 1:
                    tag = "stretch " if test.stretch else ""
                    print(f"      {tag}{test.outcome}: {test.name}", file=out)
                    if test.outcome != "passed":
                        print(f"        {test.message}", file=out)
                        if test.hint:
                            print(f"        hint: {test.hint}", file=out)
        for test in exercise.tests:
            if test.timing and test.timing.get("ratio") is not None:
                print(f"      {_timing_line(test.timing)}", file=out)
        for note in exercise.notes:
            print(f"      note: {note}", file=out)
    stretch = [t for e in result.exercises for t in e.tests if t.stretch and t.max_points]
    if stretch:
        passed = sum(t.outcome == "passed" for t in stretch)
        print(f"  stretch goals: {passed}/{len(stretch)} passed (scored separately)", file=out)
    if result.questionnaire:
        q = result.questionnaire
        review = sum(1 for item in q.get("questions", []) if item.get("needs_review"))
        note = f"  ({review} flagged for review)" if review else ""
        print(f"  {'questionnaire':<{width + 2}} {_fmt(q['points'])}/{_fmt(q['max_points'])}{note}",
              file=out)
        if q.get("problem"):
            print(f"      answer sheet not graded: {q['problem']}", file=out)
        _questionnaire_lines(q, verbose, out)
    print(f"Total {_fmt(result.points)}/{_fmt(result.max_points)} ({result.score:.0f}%): "
          f"{result.status}", file=out)
    if report:
        print(f"Report: {report}", file=out)


def _timing_line(t: dict) -> str:
    sizes = f", inputs {t['sizes']}" if t.get("sizes") else ""
    return (f"speed: {t['ratio']:.2f}x the reference's time (budget {t.get('budget', '?')}x) on "
            f"{t.get('device', '?')}{sizes}")


def _questionnaire_lines(q: dict, verbose: int, out: TextIO) -> None:
    """Questions below full marks: their numbers by default; with -v each one's feedback."""
    short = [item for item in q.get("questions", []) if item.get("points", 0) < item.get("max_points", 0)
             or item.get("needs_review")]
    if not short:
        return
    if not verbose:
        unanswered = [f"Q{i['number']}" for i in short if i.get("status") == "not answered"]
        partial = [f"Q{i['number']} {_fmt(i['points'])}/{_fmt(i['max_points'])}"
                   + (" (flagged)" if i.get("needs_review") else "")
                   for i in short if i.get("status") != "not answered"]
        if partial:
            print(f"      below full marks: {', '.join(partial)} (-v: what each one misses)", file=out)
        if unanswered:
            print(f"      not answered: {', '.join(unanswered)}", file=out)
        return
    for item in short:
        status = "not answered" if item.get("status") == "not answered" else \
            f"{_fmt(item['points'])}/{_fmt(item['max_points'])}"
        print(f"      Q{item['number']} {status}: {_one_line(item.get('question', ''), 90)}", file=out)
        if item.get("status") == "not answered":
            continue
        if item.get("cells_read"):
            print(f"        read from notebook cells {', '.join(map(str, item['cells_read']))}", file=out)
        for found in item.get("concepts_found", []):
            print(f"        found: {found}", file=out)
        for missing in item.get("concepts_missing", []):
            print(f"        missing: {missing.get('feedback') or missing.get('concept')}", file=out)
        for contradiction in item.get("contradictions", []):
            print(f"        wrong: {contradiction}", file=out)
        if item.get("needs_review"):
            print(f"        flagged for review: {item.get('review_reason') or 'the checker is unsure'}",
                  file=out)
        if item.get("code_passed") is not None:
            print(f"        code: {item.get('code_feedback')}", file=out)


def _one_line(text: str, width: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
