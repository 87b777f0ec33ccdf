"""Benchmark: agreement between the questionnaire checker and human labels (issue 6).

Each answer of a labelled set carries a human label; the checker agrees when
  correct -> full marks and not flagged for review,
  wrong   -> not full marks (flagged or not),
  review  -> flagged for review and not full marks (keyword lists, pasted questions).
Prints, per question, the agreement (count and %) for each label and overall, then the totals, for
each set: `ch6_answers.json` (the set the rubric was developed on; the tests assert on it) and
`ch6_answers_heldout.json` (written afterwards, not asserted by tests: the more honest figure).
Run: python benchmarks/questionnaire_agreement.py [--data FILE ...] [--show-disagreements]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.questionnaire import grade_questionnaire  # noqa: E402

SETS = ROOT / "tests" / "questionnaire_answers"
DEFAULT = [SETS / "ch6_answers.json", SETS / "ch6_answers_heldout.json"]
LABELS = ("correct", "wrong", "review")


def verdict(q) -> str:
    """The checker's verdict in the labels' terms (plus `partial` for wrong-but-credited)."""
    if q.needs_review:
        return "review"
    if q.points >= q.max_points:
        return "correct"
    return "partial" if q.points > 0 else "wrong"


def agrees(label: str, q) -> bool:
    full = q.points >= q.max_points
    if label == "correct":
        return full and not q.needs_review
    if label == "wrong":
        return not full
    return q.needs_review and not full


def pct(a: int, n: int) -> str:
    return f"{a}/{n} ({100.0 * a / n:5.1f}%)" if n else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, action="append",
                        help="labelled answers (JSON); default: both sets in tests/questionnaire_answers")
    parser.add_argument("--show-disagreements", action="store_true")
    args = parser.parse_args()
    for path in args.data or DEFAULT:
        report(path, args.show_disagreements)


def report(path: Path, show: bool) -> None:
    answers = json.loads(path.read_text())["answers"]
    table: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    verdicts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    misses = []
    for case in answers:
        number, label = case["question"], case["label"]
        q = grade_questionnaire({number: case["text"]}).question(number)
        ok = agrees(label, q)
        table[number][label][0] += ok
        table[number][label][1] += 1
        verdicts[label][verdict(q)] += 1
        if not ok:
            misses.append((number, label, case.get("style", ""), q, case["text"]))
    print(f"Agreement with human labels: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    print(f"{'question':>8}  {'correct':>16}  {'wrong':>16}  {'review':>16}  {'all':>16}")
    totals = defaultdict(lambda: [0, 0])
    for number in sorted(table):
        row = table[number]
        cells = [pct(*row[label]) if label in row else "-" for label in LABELS]
        agree = sum(row[label][0] for label in row)
        count = sum(row[label][1] for label in row)
        for label in row:
            totals[label][0] += row[label][0]
            totals[label][1] += row[label][1]
        print(f"{number:>8}  " + "  ".join(f"{c:>16}" for c in cells) + f"  {pct(agree, count):>16}")
    agree = sum(a for a, _ in totals.values())
    count = sum(n for _, n in totals.values())
    print(f"{'overall':>8}  " + "  ".join(f"{pct(*totals[label]):>16}" for label in LABELS)
          + f"  {pct(agree, count):>16}")
    print("checker verdicts per human label: " + "; ".join(
        f"{label}: " + ", ".join(f"{v} {n}" for v, n in sorted(verdicts[label].items()))
        for label in LABELS if label in verdicts))
    if show and misses:
        print("disagreements:")
        for number, label, style, q, text in misses:
            print(f"  Q{number} {label}/{style}: {q.points:g}/{q.max_points:g} "
                  f"review={q.review_reason!r}\n    {text}")
    print()


if __name__ == "__main__":
    main()
