"""Reading questionnaire answers: a Markdown answer sheet, or a notebook's answer cells.

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

**Notebook** (nbformat 4, as the plain dict `json.load` gives). Answer cells are Markdown cells:

1. a cell whose first line is a question heading (as above), with the answer below it in the same
   cell — several question headings in one such cell are read like a sheet;
2. a cell whose first line is a question heading and nothing else: the answer is the Markdown cells
   that follow, up to the next code cell or the next cell that starts with a heading;
3. any Markdown cell with the metadata `{"grader": {"question": 3}}`: the whole cell is the answer
   to that question (a leading question heading in it is dropped).

Code and raw cells are never answers.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from grader.errors import SubmissionError

QUESTION_HEADING = re.compile(
    r"^ {0,3}#{1,6}[ \t]*(?:q(?:uestion)?[ \t]*\.?[ \t]*)?"   # "## ", "## Q", "### Question "
    r"(\d+)(?![\w])[ \t]*[.):\-–—]?[ \t]*(.*?)[ \t#]*$",     # "3", then ". the question text"
    re.I)
ANY_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
FENCE_LINE = re.compile(r"^ {0,3}(```|~~~)")
COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)


def read_answer_sheet(path: str | Path) -> dict[int, str]:
    """Answers of a Markdown sheet: `{question number: answer text}` (see the module docstring)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SubmissionError(f"answer sheet not found: {path}",
                              hint="Answer the questions in exercises/ch6_questionnaire.md, or pass "
                                   "--answers PATH.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SubmissionError(f"cannot read the answer sheet {path}: {exc}",
                              hint="Save it as a UTF-8 Markdown file.") from None
    return parse_answer_text(text)


def parse_answer_text(text: str) -> dict[int, str]:
    """Answers in Markdown text: every question heading and the text under it."""
    answers: dict[int, list[str]] = {}
    current: int | None = None
    fence: str | None = None
    for line in COMMENT.sub("", text.replace("\r\n", "\n")).split("\n"):
        marker = FENCE_LINE.match(line)
        if marker:
            fence = None if fence == marker.group(1) else (fence or marker.group(1))
        heading = None if fence or marker else QUESTION_HEADING.match(line)
        if heading:
            current = int(heading.group(1))
            answers.setdefault(current, [])
            answers[current].append("")
        elif current is not None:
            answers[current][-1] += line + "\n"
    out = {}
    for number, parts in answers.items():
        joined = "\n\n".join(p.strip() for p in parts if p.strip())
        if joined:
            out[number] = joined
    return out


def read_notebook_answers(nb: dict[str, Any]) -> dict[int, str]:
    """Answers in a notebook's Markdown cells: `{question number: answer text}` (see the module
    docstring for the three conventions)."""
    if not isinstance(nb, dict) or not isinstance(nb.get("cells", []), list):
        raise SubmissionError("not a notebook: expected a JSON object with a list of 'cells'",
                              hint="Pass the notebook as json.load gives it (nbformat 4).")
    answers: dict[int, list[str]] = {}
    waiting: int | None = None
    for cell in nb.get("cells", []):
        if not isinstance(cell, dict) or cell.get("cell_type") != "markdown":
            waiting = None
            continue
        source = _source(cell)
        number = _metadata_question(cell)
        first = next((line for line in source.split("\n") if line.strip()), "")
        heading = QUESTION_HEADING.match(first)
        if number is not None:
            body = source
            if heading and int(heading.group(1)) == number:
                body = source.split(first, 1)[1]
            answers.setdefault(number, []).append(COMMENT.sub("", body).strip())
            waiting = None
        elif heading:
            parsed = parse_answer_text(source)
            for n, text in parsed.items():
                answers.setdefault(n, []).append(text)
            last = int(heading.group(1))
            for line in source.split("\n"):
                match = QUESTION_HEADING.match(line)
                last = int(match.group(1)) if match else last
            waiting = None if parsed.get(last) else last
            answers.setdefault(last, [])
        elif ANY_HEADING.match(first):
            waiting = None
        elif waiting is not None:
            answers[waiting].append(COMMENT.sub("", source).strip())
    out = {}
    for n, parts in answers.items():
        joined = "\n\n".join(p for p in parts if p)
        if joined:
            out[n] = joined
    return out


def _source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source or "")


def _metadata_question(cell: dict[str, Any]) -> int | None:
    grader = (cell.get("metadata") or {}).get("grader")
    if not isinstance(grader, dict) or grader.get("question") is None:
        return None
    m = re.fullmatch(r"\s*(?:q(?:uestion)?\s*)?(\d+)\s*", str(grader["question"]), re.I)
    return int(m.group(1)) if m else None
