"""Copies a chapter's reference answers (solutions/chN_questionnaire.md) into the answer cells of its
solutions notebook (solutions/chN.ipynb), so that the two never drift apart.

Each markdown cell tagged `{"grader": {"question": n}}` keeps its heading line and gets the sheet's
answer to question n as its text; every other cell, and every cell id, stays as it is. Chapter 7's
notebook has no builder, so this is how its answers are updated; chapter 5's builder
(scripts/build_ch5_notebooks.py) reads the same sheet through `reference_answers`.

    python scripts/sync_notebook_answers.py ch7
"""

import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.questionnaire import read_answer_sheet  # noqa: E402


def reference_answers(chapter: str) -> dict[int, str]:
    """The sheet's answers by question number (every question must have one)."""
    answers = read_answer_sheet(ROOT / "solutions" / f"{chapter}_questionnaire.md")
    missing = [n for n, text in answers.items() if not (text or "").strip()]
    if missing:
        raise SystemExit(f"solutions/{chapter}_questionnaire.md has no answer to question(s) {missing}")
    return answers


def sync(chapter: str) -> int:
    """Rewrites the answer cells of solutions/<chapter>.ipynb; returns how many cells changed."""
    path = ROOT / "solutions" / f"{chapter}.ipynb"
    answers = reference_answers(chapter)
    nb = nbformat.read(str(path), as_version=4)
    changed, seen = 0, set()
    for cell in nb.cells:
        number = cell.metadata.get("grader", {}).get("question")
        if cell.cell_type != "markdown" or number is None:
            continue
        if number not in answers:
            raise SystemExit(f"{path.name}: question {number} is not on the sheet")
        heading = cell.source.split("\n", 1)[0]
        source = f"{heading}\n\n{answers[number]}\n"
        changed += source != cell.source
        cell.source = source
        seen.add(number)
    if seen != set(answers):
        raise SystemExit(f"{path.name}: no answer cell for question(s) {sorted(set(answers) - seen)}")
    nbformat.write(nb, str(path))
    return changed


if __name__ == "__main__":
    for name in sys.argv[1:] or ["ch7"]:
        print(f"solutions/{name}.ipynb: {sync(name)} answer cell(s) updated")
