"""One learner's grading as a unit that can run anywhere: the learner's files in, a record out.

The unit's input is a folder holding exactly the learner's files (the graded file, its helpers, the
answer sheet under the chapter's sheet name), as snapshotted by the batch; its output is a staging
folder holding `record.json` (written last: its presence means the unit is complete) and the
executed notebook, if any. A unit never writes the batch's output folder: the batch process commits
a finished unit (`commit_unit`) into `learners/<safe>/`, replacing the learner's previous result
only then, so a run that is interrupted leaves every learner with their newest complete result.
Grading on other machines (issue 20: Dask workers) ships the input folder's bytes (`pack`) and
returns the staging folder's bytes, unpacked on the client (`unpack`) before the commit, which
stays on the client: only it writes the output folder.
"""

from __future__ import annotations

import json
import os
import shutil
import traceback
from dataclasses import asdict
from pathlib import Path

from grader.batch.store import Record, Store, failed_record, record_for_result, write_atomic

MAX_UNIT_BYTES = 64 * 2**20
"""Bytes a packed unit may hold (the submission and its sheet are capped much lower)."""
RECORD = "record.json"
NOTEBOOK = "notebook.ipynb"
"""The executed notebook, in the staging folder and then in the learner's output folder."""


def grade_unit(task: dict, options: dict, *, zygote=None, kernel=None, run_folder=None) -> Record:
    """Grade the task's file (with its helpers and sheet beside it); never raises for the learner's
    faults, nor for the grader's (those become an `error` record that a rerun retries).
    `options`: `GradingOptions.to_dict()` (extra keys, such as the batch's `max_time`, ignored)."""
    from grader.errors import GraderError, SubmissionError
    from grader.grading import grade
    from grader.options import GradingOptions

    file = Path(task["file"])
    staging = Path(task["staging"])
    common = dict(learner=task["learner"], entry=task["entry"], safe=task["safe"], key=task["key"],
                  chapter=options["chapter"], options=options)
    helpers = [file.parent / name for name in task.get("helpers") or []]
    try:
        result = grade(file, GradingOptions.from_dict(options), learner_name=task["learner"],
                       zygote=zygote, kernel=kernel, helpers=helpers, run_folder=run_folder,
                       executed_notebook=staging / NOTEBOOK if file.suffix == ".ipynb" else None)
    except SubmissionError as exc:
        return failed_record(status="ungradable", kind="ungradable", message=exc.message, final=True,
                             **common)
    except GraderError as exc:
        return failed_record(status="error", kind="grader_error", final=False,
                             message=f"the grader failed: {exc.message}", **common)
    except Exception as exc:  # a bug in the grader: keep the row, retry it on the next run
        traceback.print_exc()
        return failed_record(status="error", kind="grader_error", final=False,
                             message=f"internal error in the grader ({type(exc).__name__}: "
                                     f"{str(exc)[:300]})", **common)
    result.submission = task["entry"]
    if result.notebook is not None and result.notebook.get("executed_path"):
        result.notebook["executed_path"] = NOTEBOOK  # where the commit puts it, beside the report
    return record_for_result(result, entry=task["entry"], safe=task["safe"], key=task["key"])


def write_unit(staging: Path, record: Record) -> None:
    """The unit's output: the record, written last and atomically."""
    staging.mkdir(parents=True, exist_ok=True)
    write_atomic(staging / RECORD, json.dumps(asdict(record), indent=1))


def commit_unit(store: Store, task) -> Record | None:
    """Move a finished unit's output into the learner's folder; None when it left no record.

    The executed notebook goes first, the record last: a kill in between leaves the previous record,
    whose key no longer matches, so the learner is graded again on the next run."""
    staging = Path(task.staging)
    try:
        data = json.loads((staging / RECORD).read_text(encoding="utf-8"))
        record = Record(**{k: data[k] for k in Record.__dataclass_fields__ if k in data})
        record.run_result()
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        shutil.rmtree(staging, ignore_errors=True)
        return None
    if record.key != task.key or record.safe != task.safe:
        shutil.rmtree(staging, ignore_errors=True)
        return None
    folder = store.folder(record.safe)
    folder.mkdir(parents=True, exist_ok=True)
    notebook = staging / NOTEBOOK
    if notebook.is_file() and not notebook.is_symlink():
        os.replace(notebook, folder / NOTEBOOK)
    else:
        (folder / NOTEBOOK).unlink(missing_ok=True)  # a notebook of an earlier submission
    store.save(record)
    shutil.rmtree(staging, ignore_errors=True)
    return record


def pack(folder: Path) -> dict[str, bytes]:
    """A unit's folder as {file name: bytes}: its regular files only (no links, no subfolders)."""
    files, total = {}, 0
    for path in sorted(Path(folder).iterdir()):
        if path.is_symlink() or not path.is_file():
            continue
        files[path.name] = path.read_bytes()
        total += len(files[path.name])
        if total > MAX_UNIT_BYTES:
            raise ValueError(f"the unit in {folder} holds more than {MAX_UNIT_BYTES // 2**20} MB")
    return files


def unpack(files: dict[str, bytes], folder: Path) -> Path:
    """Write a packed unit into `folder` (made if missing); names that are not plain file names are
    refused, so bytes from another machine cannot write outside it."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if sum(len(data) for data in files.values()) > MAX_UNIT_BYTES:
        raise ValueError(f"a packed unit may hold at most {MAX_UNIT_BYTES // 2**20} MB")
    for name, data in files.items():
        if not isinstance(name, str) or name in ("", ".", "..") or "/" in name or "\\" in name \
                or "\0" in name:
            raise ValueError(f"not a plain file name in a packed unit: {name!r}")
        (folder / name).write_bytes(data)
    return folder
