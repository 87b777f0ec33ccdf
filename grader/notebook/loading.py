"""`load_notebook_worker`: read, execute and serve a submitted notebook; describe what happened."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import nbformat

from grader.notebook import outputs
from grader.notebook.kernel import KernelHandle, kernel_label
from grader.notebook.reading import NotebookProblem, kernel_note, read_notebook
from grader.notebook.worker import NotebookWorker
from grader.results import Fault
from grader.worker.limits import Limits

CELL_TIMEOUT = 120.0
"""Default seconds one cell may run (`grader check --cell-timeout`)."""
NOTEBOOK_BUDGET = 900.0
"""Default seconds all the cells of one execution may take together."""
SHELL_NOTE = "[grader] not run while grading"


MAX_SUBMISSION_BYTES = 20 * 1024 * 1024
"""The same cap as `grader.grading.validate_submission`'s, for callers that come here directly."""
NOTEBOOK_LIMITS = {"max_depth": 48, "max_containers": 500_000, "max_values": 4_000_000}
"""Bounds of a notebook's JSON (a Jupyter notebook nests about 8 deep; widget state a little more):
past them, parsing or copying it could exhaust the trusted process's stack or memory."""


def _check_bounds(path: Path) -> None:
    """Refuse (NotebookProblem) a notebook whose JSON is too deep or holds too many values, before
    anything recursive (nbformat, copies of the notebook) touches it. The size is capped already."""
    from grader.worker import wire
    from grader.worker.files import read_capped

    try:
        raw, more = read_capped(path, MAX_SUBMISSION_BYTES)
    except OSError as exc:
        raise NotebookProblem("NotANotebook", f"{path.name} cannot be read ({exc})") from None
    if more:
        raise NotebookProblem("TooLarge", f"{path.name} is larger than "
                              f"{MAX_SUBMISSION_BYTES / 1e6:.0f} MB")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        wire.loads_bounded(raw, **NOTEBOOK_LIMITS)
    except wire.BadMessage as exc:
        if "malformed" in str(exc):
            return  # not JSON at all: read_notebook explains that better
        text = str(exc).replace("message", "its JSON", 1)
        raise NotebookProblem("TooComplex", f"{path.name} cannot be graded: {text}",
                              "Clear the notebook's outputs and metadata (Edit > Clear Outputs of "
                              "All Cells), save it from Jupyter, and submit it again.") from None


def load_notebook_worker(submission: Path, *, workdir: Path, limits: Limits | None = None, zygote=None,
                         progress: Callable[[str], None] | None = None,
                         kernel: KernelHandle | None = None, cell_timeout: float | None = None,
                         data: str = "generated", budget: float = NOTEBOOK_BUDGET,
                         save_to: Path | None = None, cuda: bool | None = None
                         ) -> tuple[NotebookWorker, dict[str, Any]]:
    """Execute `submission` in a grading kernel and return the worker serving it, and the record.

    `kernel`: a kernel from `start_kernel` (started ahead); otherwise one is started in `workdir`.
    `zygote` is not used (kernels are separate interpreters). The executed notebook is written to
    `workdir` and, when given, to `save_to`; the record's `executed_path` names the latter if given.
    """
    say = progress or (lambda message: None)
    limits = (limits or Limits()).validate()
    cell_timeout = CELL_TIMEOUT if cell_timeout is None else float(cell_timeout)
    workdir = Path(workdir)
    record: dict[str, Any] = {"executed_path": None, "failed_cells": [], "timed_out_cells": [],
                              "notes": [], "kernel": None, "answers": None, "timings": {}}
    try:
        _check_bounds(Path(submission))
        nb, read_notes = read_notebook(Path(submission))
    except NotebookProblem as problem:
        if kernel is not None:
            kernel.close()
        worker = NotebookWorker(None, workdir=workdir, limits=limits)
        hint = f". {problem.hint}" if problem.hint else ""
        worker.load_fault = Fault(problem.kind, problem.message + hint)
        record["notes"].append(problem.message + (f" ({problem.hint})" if problem.hint else ""))
        return worker, record
    record["notes"] += read_notes
    record["kernel"] = kernel_label()
    note = kernel_note(nb, kernel_label())
    if note:
        record["notes"].append(note)
    record["answers"], record["answer_cells"] = _answers(nb, record["notes"])
    if kernel is not None and not kernel.can_read(workdir):
        say("the kernel started ahead cannot see the work folder: starting a fresh one")
        kernel.close()
        kernel = None
    code_cells = sum(1 for c in nb.cells if c.cell_type == "code" and c.source.strip())
    say(f"running {Path(submission).name} ({code_cells} code cells) in a fresh kernel")
    worker = NotebookWorker(nb, workdir=workdir, limits=limits, data=data, cell_timeout=cell_timeout,
                            budget=budget, kernel=kernel, cuda=cuda, progress=say)
    worker.notes = record["notes"]  # restarts while grading are noted in the record too
    worker.start()
    first = worker.first
    if first is not None:
        record["notes"] += _kernel_notes(worker) + first.notes + _shell_notes(first.nb)
        record["failed_cells"] = failed_cells(first.nb, first.bad_cells)
        record["timed_out_cells"] = sorted(i for i, bad in first.bad_cells.items() if bad.kind == "timeout")
        record["executed_path"] = str(_save(first.nb, workdir / _executed_name(submission), save_to))
    elif worker.load_fault is not None:
        record["notes"].append(worker.load_fault.message)
    record["timings"] = dict(worker.timings)
    return worker, record


def summary_lines(record: dict[str, Any] | None, limit: int = 6) -> list[str]:
    """A few console lines about a graded notebook: its notes, and the cells that failed."""
    if not record:
        return []
    lines = [f"Note: {n}" for n in record.get("notes", [])]
    failed = record.get("failed_cells") or []
    for cell in failed[:limit]:
        where = f"In [{cell['execution_count']}]" if cell.get("execution_count") else f"cell {cell['index']}"
        lines.append(f"Notebook {where} failed: {cell['ename']}: {str(cell['evalue'])[:120]}")
        if cell.get("hint"):
            lines.append(f"  hint: {cell['hint']}")
    if len(failed) > limit:
        lines.append(f"... and {len(failed) - limit} more failed cells (see the executed notebook)")
    return lines


def failed_cells(nb, bad_cells: dict) -> list[dict[str, Any]]:
    """One entry per cell that ended in an error (expected errors of `raises-exception` cells left out)."""
    failed = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if not errors or ("raises-exception" in cell.metadata.get("tags", []) and index not in bad_cells):
            continue
        error = errors[-1] if index in bad_cells else errors[0]
        ename, evalue = str(error.get("ename", "Error")), str(error.get("evalue", ""))
        entry = {"index": index, "execution_count": cell.get("execution_count"), "ename": ename,
                 "evalue": outputs.strip_ansi(evalue)[:2000],
                 "traceback": outputs.learner_traceback(error.get("traceback", []), ename, evalue)}
        hint = outputs.diagnose(ename, evalue, error.get("traceback", []))
        if hint:
            entry["hint"] = hint
        failed.append(entry)
    return failed


def _kernel_notes(worker: NotebookWorker) -> list[str]:
    kernel = worker.kernel
    return list(kernel.notes) if kernel is not None else []


def _shell_notes(nb) -> list[str]:
    count = sum(str(o.get("text", "")).count(SHELL_NOTE) for c in nb.cells if c.cell_type == "code"
                for o in c.get("outputs", []) if o.get("output_type") == "stream")
    if not count:
        return []
    return [f"{count} shell command(s) (`!...`, `%pip`, `%%bash`...) were not run: shell commands are "
            "off while grading, and everything the chapter needs is already installed"]


def _answers(nb, notes: list[str]):
    """Questionnaire answers from the notebook's cells, and the cells read for each question:
    `({question: text}, {question: [cell numbers]})`, or `(None, None)` when the notebook has no
    questionnaire."""
    from grader.questionnaire.answers import read_notebook_sections

    try:
        sections = read_notebook_sections(json.loads(nbformat.writes(nb)))
    except Exception as exc:  # a bug there must not stop the exercises from being graded
        notes.append(f"the questionnaire answers could not be read ({type(exc).__name__})")
        return None, None
    if not sections.answers and not sections.has_questions:
        return None, None  # no questionnaire in this notebook: an answer sheet beside it may have one
    return ({int(k): v for k, v in sections.answers.items()},
            {int(k): list(v) for k, v in sections.cells.items()})


def _executed_name(submission: Path) -> str:
    return f"{Path(submission).stem}.executed.ipynb"


def _save(nb, in_workdir: Path, save_to: Path | None) -> Path:
    nbformat.write(nb, str(in_workdir))
    if save_to is None:
        return in_workdir
    save_to = Path(save_to)
    save_to.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(save_to))
    return save_to
