"""Reading questionnaire answers: a Markdown answer sheet, or a notebook's cells.

**Answer sheet** (`exercises/ch6_questionnaire.md`): a heading per question, the answer under it,
up to the next question heading. Accepted question headings (any level, `#` to `######`)::

    ## 1. How could multi-label classification improve ...      (number, then the question)
    ## 1                                                          (number only)
    ## Q1   /  ## Q1.  /  ## Q 1: ...                             ("Q" and the number)
    ### Question 1   /  ### Question 1: How could ...            ("Question" and the number)

Text before the first question heading (title, instructions) is ignored; HTML comments
`<!-- ... -->` are instructions and are removed everywhere; `#` lines inside fenced code blocks are
code, not headings; any other heading under an answer is part of the answer. A question whose
heading is missing, or whose answer is empty, is simply absent from the result (graded "not
answered"). A question heading that appears twice has both answers joined.

**Notebook** (nbformat 4, as the plain dict `json.load` gives). A Markdown cell whose lines include a
question heading starts that question's section; every cell after it, Markdown or code, up to the
next question heading (or a heading of a higher level than the question's, such as the next
`## Section` after `### Question 17`), is part of the answer, whatever cells the learner added,
split or moved: code cells are read as fenced code, their outputs never. Cells before any question
heading are not answers, except a Markdown cell with the metadata `{"grader": {"question": 3}}`
(the template's tag), which answers that question. A cell's position decides over its tag, so a
tagged cell copied under another question answers the question it stands under; but when a
question's heading appears nowhere (the learner replaced the template cell's heading by the answer),
its tagged cell starts that question's section. Exercise code cells (`{"grader": {"exercise": ...}}`)
are never answers. `read_notebook_sections` also says which cells
were read for each question (numbered from 1 at the top of the notebook), for the report.

**Bounds** (learner input must not make the grader slow or raise): a sheet larger than
`MAX_SHEET_BYTES` is refused; a notebook's cells are read up to `MAX_NOTEBOOK_CHARS` characters in
all; a line longer than `MAX_HEADING_LINE` characters is never a heading; headings are recognised by
a regular expression anchored at the start of the line that runs in time linear in its length. A
sheet that is a symbolic link, or not a regular file, is refused (it could be another learner's).
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.errors import SubmissionError

QUESTION_HEADING = re.compile(
    r" {0,3}#{1,6}[ \t]*(?:q(?:uestion)?[ \t]*\.?[ \t]*)?"   # "## ", "## Q", "### Question "
    r"(\d{1,4})(?![\w])",                                   # "3", then anything (the question)
    re.I)
"""A question heading's start (use `question_heading`, which also bounds the line's length)."""
ANY_HEADING = re.compile(r" {0,3}(#{1,6})(?:[ \t]|$)")
FENCE_LINE = re.compile(r" {0,3}(```|~~~)")
COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)
MAX_SHEET_BYTES = 1_000_000
"""Largest answer sheet read (a full sheet of long answers is about 20 kB)."""
MAX_NOTEBOOK_CHARS = 2_000_000
"""Most characters of cell sources read from a notebook for its answers."""
MAX_HEADING_LINE = 500
"""Longer lines are never headings."""


def question_heading(line: str) -> int | None:
    """The question number of a question heading line, None for any other line."""
    if len(line) > MAX_HEADING_LINE:
        return None
    m = QUESTION_HEADING.match(line)
    return int(m.group(1)) if m else None


def heading_level(line: str) -> int | None:
    """The level (number of `#`) of a Markdown heading line, None for any other line."""
    if len(line) > MAX_HEADING_LINE:
        return None
    m = ANY_HEADING.match(line)
    return len(m.group(1)) if m else None


def read_answer_sheet(path: str | Path) -> dict[int, str]:
    """Answers of a Markdown sheet: `{question number: answer text}` (see the module docstring).
    Refuses (`SubmissionError`) a sheet that is a link, not a regular file, or too large."""
    return parse_answer_text(read_sheet_text(Path(path)))


def read_sheet_text(path: Path) -> str:
    """The text of an answer sheet, opened without following a link, size-capped."""
    if path.is_symlink():
        raise SubmissionError(f"the answer sheet {path} is a link: only a sheet you wrote yourself, "
                              "as a regular file, is graded",
                              hint="Replace the link by your own copy of the sheet.")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise SubmissionError(f"answer sheet not found: {path}",
                              hint="Answer the questions in the chapter's questionnaire sheet "
                                   "(exercises/<chapter>_questionnaire.md), or pass --answers PATH.") from None
    except OSError as exc:
        raise SubmissionError(f"cannot read the answer sheet {path}: {exc.strerror or exc}",
                              hint="Save it as a regular UTF-8 Markdown file (not a link).") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SubmissionError(f"the answer sheet {path} is not a regular file",
                                  hint="Save your answers as a UTF-8 Markdown file.")
        if info.st_size > MAX_SHEET_BYTES:
            raise SubmissionError(f"the answer sheet {path} is too large ({info.st_size:,} bytes; "
                                  f"at most {MAX_SHEET_BYTES:,})",
                                  hint="Keep to the answers: a full sheet is a few kilobytes.")
        with os.fdopen(fd, "rb", closefd=True) as handle:
            fd = -1
            data = handle.read(MAX_SHEET_BYTES + 1)
    finally:
        if fd >= 0:
            os.close(fd)
    if len(data) > MAX_SHEET_BYTES:
        raise SubmissionError(f"the answer sheet {path} is too large (more than {MAX_SHEET_BYTES:,} "
                              "bytes)", hint="Keep to the answers: a full sheet is a few kilobytes.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SubmissionError(f"cannot read the answer sheet {path}: {exc}",
                              hint="Save it as a UTF-8 Markdown file.") from None


def parse_answer_text(text: str) -> dict[int, str]:
    """Answers in Markdown text: every question heading and the text under it."""
    answers: dict[int, list[list[str]]] = {}
    current: int | None = None
    fence: str | None = None
    for line in COMMENT.sub("", text.replace("\r\n", "\n")).split("\n"):
        marker = FENCE_LINE.match(line)
        if marker:
            fence = None if fence == marker.group(1) else (fence or marker.group(1))
        number = None if fence or marker else question_heading(line)
        if number is not None:
            current = number
            answers.setdefault(current, []).append([])
        elif current is not None:
            answers[current][-1].append(line)
    out = {}
    for number, parts in answers.items():
        texts = ("\n".join(lines).strip() for lines in parts)
        joined = "\n\n".join(t for t in texts if t)
        if joined:
            out[number] = joined
    return out


@dataclass
class NotebookSections:
    """What a notebook answers, question by question, and where it was read."""

    answers: dict[int, str] = field(default_factory=dict)
    """`{question number: answer text}` (questions with an empty answer are absent)."""
    cells: dict[int, list[int]] = field(default_factory=dict)
    """`{question number: [cell numbers read]}`, numbered from 1 at the top of the notebook; the
    heading cell is included when the answer (or part of it) is written in it."""
    has_questions: bool = False
    """Whether the notebook has a questionnaire at all (a question heading or tag)."""


def read_notebook_answers(nb: dict[str, Any]) -> dict[int, str]:
    """Answers in a notebook's cells: `{question number: answer text}` (see the module docstring)."""
    return read_notebook_sections(nb).answers


def read_notebook_sections(nb: dict[str, Any]) -> NotebookSections:
    """Answers in a notebook's cells, with the cells read for each (see the module docstring)."""
    if not isinstance(nb, dict) or not isinstance(nb.get("cells", []), list):
        raise SubmissionError("not a notebook: expected a JSON object with a list of 'cells'",
                              hint="Pass the notebook as json.load gives it (nbformat 4).")
    cells = _bounded_cells(nb["cells"] if "cells" in nb else [])
    headed = {n for kind, _, lines in cells if kind == "markdown" for n in _headings(lines)}
    parts: dict[int, list[tuple[int, list[str]]]] = {}
    out = NotebookSections(has_questions=bool(headed))
    current: int | None = None
    level = 0
    for index, (kind, cell, lines) in enumerate(cells, start=1):
        if kind == "code":
            if current is not None and not _is_exercise(cell) and "".join(lines).strip():
                _piece(parts, current, index).extend(["```python", *lines, "```"])
            continue
        if kind != "markdown":
            continue
        tagged = _metadata_question(cell)
        out.has_questions |= tagged is not None
        if tagged is not None and tagged not in headed and current != tagged:
            current, level = tagged, 6  # the learner removed the heading: the template's tag says
        fence: str | None = None
        for line in lines:
            marker = FENCE_LINE.match(line)
            if marker:
                fence = None if fence == marker.group(1) else (fence or marker.group(1))
            number = None if fence or marker else question_heading(line)
            if number is not None:
                current, level = number, heading_level(line) or 1
                parts.setdefault(current, [])
                continue
            higher = None if fence or marker else heading_level(line)
            if current is not None and higher is not None and higher < level:
                current = None  # "## Next section" after "### Question 17"
            owner = current if current is not None else tagged
            if owner is not None:
                _piece(parts, owner, index).append(line)
    for number, pieces in parts.items():
        texts = [(i, "\n".join(lines).strip()) for i, lines in pieces]
        texts = [(i, t) for i, t in texts if t]
        if texts:
            out.answers[number] = re.sub(r"\n{3,}", "\n\n", "\n\n".join(t for _, t in texts))
            out.cells[number] = sorted({i for i, _ in texts})
    return out


def _bounded_cells(cells: Any) -> list[tuple[str | None, dict[str, Any], list[str]]]:
    """`(cell type, cell, source lines)` of every cell, comments removed, within
    `MAX_NOTEBOOK_CHARS` characters of sources in all."""
    out = []
    budget = MAX_NOTEBOOK_CHARS
    for cell in cells if isinstance(cells, list) else []:
        if not isinstance(cell, dict) or budget <= 0:
            out.append((None, {}, []))
            continue
        source = _source(cell)[:budget]
        budget -= len(source)
        kind = cell.get("cell_type")
        if kind == "markdown":
            source = COMMENT.sub("", source)
        out.append((kind if isinstance(kind, str) else None, cell,
                    source.replace("\r\n", "\n").split("\n")))
    return out


def _headings(lines: list[str]) -> list[int]:
    """Question numbers of the question headings among Markdown lines (outside fenced code)."""
    found, fence = [], None
    for line in lines:
        marker = FENCE_LINE.match(line)
        if marker:
            fence = None if fence == marker.group(1) else (fence or marker.group(1))
            continue
        number = None if fence else question_heading(line)
        if number is not None:
            found.append(number)
    return found


def _piece(parts: dict[int, list[tuple[int, list[str]]]], number: int, index: int) -> list[str]:
    """The lines of a question's answer that come from cell `index` (a new piece per cell)."""
    pieces = parts.setdefault(number, [])
    if not pieces or pieces[-1][0] != index:
        pieces.append((index, []))
    return pieces[-1][1]


def _is_exercise(cell: dict[str, Any]) -> bool:
    grader = (cell.get("metadata") or {}).get("grader")
    return isinstance(grader, dict) and grader.get("exercise") is not None


def _source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    if isinstance(source, list):
        return "".join(s for s in source if isinstance(s, str))
    return source if isinstance(source, str) else ""


def _metadata_question(cell: dict[str, Any]) -> int | None:
    metadata = cell.get("metadata")
    grader = metadata.get("grader") if isinstance(metadata, dict) else None
    if not isinstance(grader, dict) or grader.get("question") is None:
        return None
    m = re.fullmatch(r"\s*(?:q(?:uestion)?\s*)?(\d{1,4})\s*", str(grader["question"])[:20], re.I)
    return int(m.group(1)) if m else None
