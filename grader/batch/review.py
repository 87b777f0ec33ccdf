"""The review queue: what in a class needs a person's judgement, never a verdict of the grader.

Per learner: answers the questionnaire checker flagged for review, exercises solved by library code
("not your own code"), an empty or stub-only submission, submissions similar to another learner's
(`grader.batch.similarity`: the pair and the share of fingerprints, nothing more), and names a person
should check (two learners whose names differ only in case; not on the roster). Shown in `index.html`
("Needs a person") and in `gradebook.csv`; none of it changes a score.
"""

from __future__ import annotations

from typing import Any

from grader.batch.store import Record

LIBRARY_NOTE = "not your own code"
"""What the grading's note says of an exercise whose function comes from a library."""
NAME_NOTES = ("name clash", "not on the roster", "has another submission")


def review_of(record: Record, similar: list[tuple[str, float]]) -> dict[str, Any]:
    """The reasons a person should look at this learner (empty: none)."""
    result = record.run_result()
    out: dict[str, Any] = {}
    questions = (result.questionnaire or {}).get("questions")
    flagged = [str(q.get("number", "?")) for q in questions or []
               if isinstance(q, dict) and q.get("needs_review")]
    if flagged:
        out["answers"] = flagged
    library = [e.name for e in result.exercises if any(LIBRARY_NOTE in n for n in e.notes)]
    if library:
        out["library_code"] = library
    empty = emptiness(record)
    if empty:
        out["empty"] = empty
    if similar:
        out["similar"] = [{"learner": name, "similarity": score} for name, score in similar]
    names = [n for n in record.notes if any(word in n for word in NAME_NOTES)]
    if names:
        out["names"] = names
    return out


def emptiness(record: Record) -> str:
    """`empty` (nothing to grade), `stub-only` (every exercise still raises NotImplementedError), or ""."""
    result = record.run_result()
    if record.status == "ungradable" and (result.load_error is not None
                                          and result.load_error.kind == "empty"):
        return "empty"
    graded = [e for e in result.exercises if e.name != "override"]
    if not graded or result.points > 0 and any(e.points for e in graded):
        return ""
    stub = lambda t: (t.fault is not None and t.fault.kind == "NotImplementedError") \
        or "still the stub" in (t.message or "")  # noqa: E731
    if any(e.defined for e in graded) and all(not e.defined or any(stub(t) for t in e.tests)
                                              for e in graded):
        return "stub-only"
    return ""


def review_words(review: dict[str, Any]) -> list[str]:
    """The review as short phrases, for a CSV cell or a list item."""
    words = []
    if review.get("answers"):
        words.append("answers flagged: question " + ", ".join(review["answers"]))
    if review.get("library_code"):
        words.append("library code: " + ", ".join(review["library_code"]))
    if review.get("empty"):
        words.append(f"{review['empty']} submission")
    for pair in review.get("similar") or []:
        words.append(f"similar to {pair['learner']} ({pair['similarity']:.0%} of fingerprints)")
    words += review.get("names") or []
    return words
