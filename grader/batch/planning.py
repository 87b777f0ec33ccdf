"""What a batch run grades: each learner's files read (bounded, never through a link), checked,
hashed into a resume key and snapshotted as one grading unit's input (`grader.batch.unit`).

A learner whose record has the same key is kept; one to be regraded keeps their previous record in
the gradebook until the new one is committed. Fingerprints of every learner's code are taken here too,
for the similarity review.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from typing import Any

import grader
from grader.batch.discovery import Submission
from grader.batch.reading import Ungradable, _read_regular, read_submission
from grader.batch.lms import canvas_file, moodle_name
from grader.batch.pool import Task
from grader.batch.similarity import code_of, fingerprints
from grader.batch.store import Record, Store, content_key, failed_record
from grader.chapters import get_chapter


def plan(subs: list[Submission], store: Store, *, settings: dict[str, Any], records: dict[str, Record],
         snapshots: Path, force: bool = False, only: set[str] | None = None,
         prints: dict[str, set[int]] | None = None, staging: Path | None = None
         ) -> tuple[list[Task], int]:
    """Decide what needs grading: record the ungradable rows and keep the unchanged results (both
    into `records`), snapshot the rest into `snapshots`; returns the tasks and how many were kept.

    A result is kept when its record is final (not a grader error) and its key (submission bytes,
    sheet, helpers, grader code and settings) and learner are the same, unless `force`. `only`: the
    safe names to regrade (forced); everyone else keeps the result they have. A learner to be
    regraded keeps their previous result in `records` until the new one is committed. `prints`
    receives each gradable learner's code fingerprints (for the similarity review)."""
    chapter = settings["chapter"]
    staging = staging or store.out / ".batch" / "staging"
    base = _stub_prints(chapter)
    tasks, reused = [], 0
    for sub in subs:
        known = store.load(sub.safe)
        data = sheet = None
        helpers: dict[str, bytes] = {}
        if sub.error is None:
            try:
                data, sheet = read_submission(sub)
                helpers = read_helpers(sub)
                if is_empty(data, sub.file.suffix):
                    raise Ungradable("empty", f"{sub.entry} is empty: there is nothing to grade")
            except Ungradable as exc:
                sub.fail(exc.kind, exc.message)
        if prints is not None and sub.error is None:
            prints[sub.safe] = fingerprints(code_of(data, sub.file.suffix), base=base)
        if only is not None and sub.safe not in only:  # not to be regraded: keeps what it has
            if known is not None:
                records[sub.safe] = known
            continue
        if sub.error is not None:
            record = failed_record(learner=sub.learner, entry=sub.entry, safe=sub.safe, key="",
                                   chapter=chapter, status="ungradable", kind=sub.error_kind or "error",
                                   message=sub.error, final=True, options=settings)
            store.save(record)
            records[sub.safe] = record
            continue
        key = content_key(data=data + b"".join(len(n).to_bytes(4, "big") + n.encode() + helpers[n]
                                               for n in sorted(helpers)),
                          sheet=sheet, name=sub.file.name, settings=settings)
        forced = force or only is not None
        if known is not None and known.learner == sub.learner and known.entry == sub.entry:
            records[sub.safe] = known  # kept until a newer result is committed
            if not forced and known.final and known.key == key:
                reused += 1
                continue
        task = Task(id=len(tasks) + 1, learner=sub.learner, entry=sub.entry, safe=sub.safe, key=key,
                    file=str(snapshot(snapshots, sub, data, sheet, helpers, chapter)),
                    out=str(store.out.resolve()), helpers=sorted(helpers))
        task.staging = str((staging / f"{sub.safe}-{task.id}").resolve())
        tasks.append(task)
    tasks.sort(key=lambda t: not t.file.endswith(".ipynb"))  # the slow ones first: better balance
    return tasks, reused


def read_helpers(sub: Submission) -> dict[str, bytes]:
    """The learner's helper files, by name (read like the submission: no links, bounded)."""
    out = {}
    main = _original_name(sub)
    for path in sub.helpers:
        name = _module_file(_strip_lms(path.name))
        if name in (main,) or name in out:
            continue
        if _shadows(Path(name).stem):
            sub.notes.append(f"{path.name}: not copied beside the graded file: as `{Path(name).stem}` "
                             "it would hide a module of Python or of the grader's environment")
            continue
        try:
            out[name] = _read_regular(path, f"{sub.entry} (helper {path.name})")
        except Ungradable:
            sub.notes.append(f"{path.name}: a helper file that cannot be read, left out")
    return out


SPECIAL_MODULES = {"sitecustomize", "usercustomize", "conftest", "__main__", "__init__"}


def _shadows(module: str) -> bool:
    """A helper named like a module that exists (torch, numpy, pytest...) or that Python runs by
    itself would replace it for the learner's code: such a file is never a helper."""

    if module in SPECIAL_MODULES or module in sys.builtin_module_names or module in sys.modules:
        return True
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return True


def is_empty(data: bytes, suffix: str) -> bool:
    """Nothing but blank lines and comments (a notebook: no code at all)."""
    if suffix == ".ipynb":
        try:
            json.loads(data)
        except (ValueError, RecursionError):
            return False  # not a notebook at all: the grading says what is wrong with it
    text = code_of(data, suffix)
    return not any(line.strip() and not line.strip().startswith("#") for line in text.splitlines())


_STUB_PRINTS: dict[str, set[int]] = {}


def _stub_prints(chapter: str) -> set[int]:
    """Fingerprints of the chapter's stub file (everyone starts from it: not a sign of copying)."""
    if chapter not in _STUB_PRINTS:
        ch = get_chapter(chapter)
        stub = Path(grader.__file__).resolve().parent.parent / ch.default_submission
        try:
            _STUB_PRINTS[chapter] = fingerprints(stub.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            _STUB_PRINTS[chapter] = set()
    return _STUB_PRINTS[chapter]


def snapshot(root: Path, sub: Submission, data: bytes, sheet: bytes | None, helpers: dict[str, bytes],
              chapter: str) -> Path:
    """A private copy of exactly the bytes that were hashed: the graded file under its own name, its
    helpers beside it, and the sheet under the name the grading looks for."""
    folder = root / sub.safe
    folder.mkdir()
    for name, content in helpers.items():
        (folder / name).write_bytes(content)
    path = folder / _original_name(sub)
    path.write_bytes(data)
    sheet_name = get_chapter(chapter).questionnaire_sheet
    if sheet is not None and sheet_name:
        (folder / sheet_name).write_bytes(sheet)
    return path


def _original_name(sub: Submission) -> str:
    """The graded file's name without an LMS prefix (`ch6.py`), safe as a module name."""
    return _module_file(_strip_lms(Path(sub.entry).name), sub.file.suffix)


def _strip_lms(name: str) -> str:
    for parse in (canvas_file, moodle_name):
        found = parse(name)
        if found and found[1]:
            return found[1]
    return name


def _module_file(name: str, suffix: str | None = None) -> str:
    """`name` as a file Python can import (`my-utils (1).py` -> `my_utils__1_.py`)."""
    stem = re.sub(r"\W", "_", Path(name).stem) or "submission"
    if stem[0].isdigit():
        stem = "_" + stem
    return stem + (suffix if suffix is not None else Path(name).suffix)


