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
                  stream: TextIO | None = None, reveal: bool = False) -> None:
    """Feedback in tiers: by default each exercise's line names its first mistake in full; `verbose`
    adds every failed test with expected/got and its inputs (-vv: every test); `reveal` adds the
    literal fix of each recognised mistake (otherwise only in the report, folded)."""
    out = stream or sys.stdout
    good, bad = _marks(out)
    print(f"fastbook-grader {result.grader_version} · {result.chapter} · {result.submission} · "
          f"{result.device}", file=out)
    if result.skipped:
        print(f"Not graded in this run (outside the total): {', '.join(result.skipped)}", file=out)
    load_error = result.load_error
    if load_error is not None:
        where = f" (line {load_error.line})" if load_error.line else ""
        print(f"\nYour file could not be loaded{where}: {load_error.kind}: {load_error.message}", file=out)
        for line in load_error.traceback:
            print(line, file=out)
        hint = _load_hint(result)
        print("Fix this first: no exercise can be graded until the file runs." + (f"\nhint: {hint}" if hint else "")
              + "\n", file=out)
    width = max((len(e.name) for e in result.exercises), default=10)
    for exercise in result.exercises:
        mark = good if exercise.passed else bad
        score = f"{_fmt(exercise.points)}/{_fmt(exercise.max_points)}"
        line = f"  {mark} {exercise.name:<{width}} {score:>7}"
        first = exercise.first_failure
        if first is not None and load_error is None:
            line += f"  {_one_line(first.hint or first.message)}"
        print(line, file=out)
        if load_error is None:
            _figures(exercise, out)
        if verbose and load_error is None:
            _test_lines(exercise, verbose, reveal, out)
        elif reveal and load_error is None and first is not None and first.fix:
            print(f"      fix: {first.fix}", file=out)
        for test in exercise.tests:
            if test.timing and test.timing.get("ratio") is not None:
                print(f"      {_timing_line(test.timing)}", file=out)
        for note in exercise.notes:
            print(f"      note: {_one_line(note)}", file=out)
    stretch = [t for e in result.exercises for t in e.tests if t.stretch and t.outcome != "skipped"]
    if stretch:
        passed = sum(t.outcome == "passed" for t in stretch)
        print(f"  stretch goals: {passed}/{len(stretch)} passed (not scored: they add nothing to the total)",
              file=out)
    if result.questionnaire:
        q = result.questionnaire
        if result.questionnaire_submitted:
            review = sum(1 for item in q.get("questions", []) if item.get("needs_review"))
            note = f"  ({review} flagged for review)" if review else ""
            print(f"  {'questionnaire':<{width + 2}} {_fmt(q['points'])}/{_fmt(q['max_points'])}{note}",
                  file=out)
            if q.get("problem"):
                print(f"      answer sheet not graded: {_one_line(q['problem'])}", file=out)
            _questionnaire_lines(q, verbose, out)
        else:
            print(f"  {bad} {'questionnaire':<{width}} {_fmt(0):>3}/{_fmt(q['max_points'])}  not submitted: "
                  f"{q.get('note') or 'no answers found'}", file=out)
    print(f"Total {_fmt(result.points)}/{_fmt(result.max_points)} ({result.score:.0f}%): {result.status} "
          f"· {result.total_wording}", file=out)
    if report:
        print(f"Report: {report}", file=out)


def _load_hint(result: RunResult) -> str | None:
    """The hint for the load error (every test carries the same one: shown once, here)."""
    from grader.suite.learner import load_hint

    return load_hint(result.load_error) if result.load_error is not None else None


def _test_lines(exercise, verbose: int, reveal: bool, out: TextIO) -> None:
    for test in exercise.tests:
        if test.outcome == "passed" and verbose < 2 and not test.notes:
            continue
        tags = ("stretch, not scored " if test.stretch else "") + \
            ("feedback only " if test.kind == "feedback" else "")
        points = f" ({_fmt(test.points)}/{_fmt(test.max_points)})" if test.max_points else ""
        print(f"      {tags}{test.outcome}: {test.name}{points}", file=out)
        if test.outcome != "passed":
            print(f"        {test.message}", file=out)
            if test.hint:
                print(f"        hint: {test.hint}", file=out)
            if test.expected is not None:
                print(f"        expected: {test.expected}", file=out)
            if test.got is not None:
                print(f"        got:      {test.got}", file=out)
            if test.inputs is not None:
                print(f"        inputs:   {test.inputs}", file=out)
            if reveal and test.fix:
                print(f"        fix: {test.fix}", file=out)
        for note in test.notes:
            print(f"        note: {note}", file=out)


def _figures(exercise, out: TextIO) -> None:
    """Figures a test reported against its pass marks (the bear classifier's), achieved vs required."""
    for test in exercise.tests:
        figures = (test.details or {}).get("figures")
        if not figures:
            continue
        for f in figures:
            if f.get("pass_mark") is None:
                continue
            verdict = "ok" if f["value"] >= f["pass_mark"] else "below"
            print(f"      {f['label']}: {f['value']:.2f}, required {f['pass_mark']:.2f} ({verdict})", file=out)
        return


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
        print(f"      Q{item['number']} {status}: {_one_line(item.get('question', ''))}", file=out)
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


def _one_line(text: str, width: int | None = None) -> str:
    """Whitespace collapsed; cut only when a `width` is asked for (feedback lines are never cut)."""
    text = " ".join(text.split())
    return text if width is None or len(text) <= width else text[: width - 1] + "…"
