"""One batch run: discover, decide what needs grading, grade it in the pool, keep the gradebook current."""

from __future__ import annotations

import copy
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import grader
from grader.batch.discovery import (ClassFolder, Submission, Ungradable, _read_regular, find_class,
                                    read_submission, safe_name)
from grader.batch.export import EXPORTS, missing_record, write_export
from grader.batch.gradebook import counts, write_gradebook
from grader.batch.learner_files import files_outdated, write_learner_files
from grader.batch.lms import canvas_file, moodle_name, parse_time
from grader.batch.names import shown_name
from grader.batch.overrides import apply_overrides, for_learner, read_overrides
from grader.batch.pool import Pool, Task
from grader.batch.progress import Progress
from grader.batch.review import review_of
from grader.batch.roster import read_roster
from grader.batch.similarity import code_of, fingerprints, similar_pairs
from grader.batch.store import Record, Store, content_key, failed_record
from grader.batch.summary import write_index
from grader.batch.unit import commit_unit
from grader.chapters import get_chapter
from grader.errors import UsageError
from grader.worker.limits import Limits

TRUSTED_MARGIN = 600.0
"""Seconds a grading may run beyond the bear-training budget before its slot gives up on it."""


@dataclass
class BatchOptions:
    """How every submission of the batch is graded (the same for all, and part of the resume key)."""

    chapter: str = "ch6"
    only: list[str] = field(default_factory=list)
    """Exercise names or aliases to grade (empty: all)."""
    skip: list[str] = field(default_factory=list)
    """Exercise names or aliases to leave out (`bear`)."""
    timeout: float = Limits.timeout
    """Seconds one call of a learner function may take."""
    memory_mb: int = Limits.memory_mb
    """Memory a learner's code may use on top of torch."""
    load_timeout: float = Limits.load_timeout
    """Seconds loading a submission may take."""
    timing: bool = True
    """Run the timed tests."""
    bear_budget: float = 600.0
    """Seconds for training a learner's bear classifier."""
    cell_timeout: float | None = None
    """Seconds one notebook cell may run (None: the notebook grader's default)."""
    max_time: float | None = None
    """Seconds one whole grading may take before it is stopped (default: the bear budget + 600)."""
    jobs: int | None = None
    """Submissions graded at once (default: the number of cores)."""
    force: bool = False
    """Regrade every submission, even those already graded and unchanged."""
    learners: list[str] = field(default_factory=list)
    """Regrade only these learners (names, roster ids or folder names; empty: everyone)."""
    roster: Path | None = None
    """The class roster (id, name, email): names and ids for the rows, and who submitted nothing."""
    deadline: str | None = None
    """When submissions were due (ISO 8601): later ones are marked late, where the export says when."""
    exports: list[str] = field(default_factory=list)
    """LMS gradebook imports to write: `canvas`, `moodle`."""


@dataclass
class BatchOutcome:
    """What a batch run did."""

    out: Path
    """The output folder."""
    learners: int
    """Rows in the gradebook."""
    graded: int
    """Submissions graded by this run."""
    reused: int
    """Submissions skipped because they were already graded and have not changed."""
    counts: dict[str, int]
    """Rows per status (`passed`, `failed`, `ungradable`, `error`)."""
    paths: dict[str, Path]
    """`csv`, `json`, `index`, and one per export (`canvas`, `moodle`)."""
    seconds: float
    """Wall time of the run."""
    ignored: list[str] = field(default_factory=list)
    """Entries of the submissions folder that belong to no learner, with why."""
    problems: list[str] = field(default_factory=list)
    """Overrides that could not be applied, with why."""


def default_out(submissions: Path, chapter: str) -> Path:
    name = submissions.resolve().name or "submissions"
    return Path("reports") / f"batch-{chapter}-{safe_name(name)}"


def run_batch(submissions: Path, *, out: Path | None = None, options: BatchOptions | None = None,
              progress: Progress | None = None) -> BatchOutcome:
    """Grade every submission in the folder; see `grader.batch`. Ctrl-C keeps what finished."""
    t0 = time.monotonic()
    options = options or BatchOptions()
    ch = get_chapter(options.chapter)
    settings = _settings(ch, options)
    deadline = _deadline(options.deadline)
    for kind in options.exports:
        if kind not in EXPORTS:
            raise UsageError(f"--export: unknown format {kind!r}", hint="Known: " + ", ".join(EXPORTS))
    people = read_roster(Path(options.roster)) if options.roster is not None else None
    out = Path(out) if out is not None else default_out(Path(submissions), ch.name)
    found = find_class(Path(submissions), ch, exclude=out, roster=people)
    subs = found.submissions
    chosen = _chosen(subs, options.learners)
    store = Store(out)
    store.lock()
    records: dict[str, Record] = {}
    prints: dict[str, set[int]] = {}
    overrides, problems = read_overrides(store.out)
    book = _Gradebook(store, ch, settings, found, records, overrides=overrides, prints=prints,
                      deadline=deadline)
    snapshots = Path(tempfile.mkdtemp(prefix="grader-batch-"))
    staging = store.out / ".batch" / "staging"
    shutil.rmtree(staging, ignore_errors=True)  # what a killed run left half-written
    tasks: list[Task] = []
    try:
        tasks, reused = plan(subs, store, settings=settings, records=records, snapshots=snapshots,
                             force=options.force, only=chosen, prints=prints, staging=staging)
        book.write(full=True)
        progress = progress or Progress(len(tasks))
        progress.begin(len(tasks))
        jobs = min(_jobs(options), len(tasks))
        if tasks:
            progress.say(f"grading {len(tasks)} of {len(subs)} submissions with {jobs} worker"
                         f"{'s' if jobs > 1 else ''}"
                         + (f" ({reused} already graded and unchanged)" if reused else ""))

        def on_reply(task: Task, reply: dict) -> None:
            record = _record_of(task, reply, store, ch.name, settings)
            records[task.safe] = record
            book.publish(record)
            progress.advance(shown_name(task.learner), _outcome_words(record, reply))
            book.write()

        pool = Pool(jobs=jobs, options={**settings, "max_time": _max_time(options, settings)},
                    log_dir=store.out / ".batch")
        pool.run(tasks, on_reply, on_tick=progress.draw)
    finally:
        if progress is not None:
            progress.finish()
        paths = book.write(full=True)
        shutil.rmtree(snapshots, ignore_errors=True)
        shutil.rmtree(staging, ignore_errors=True)
        store.unlock()
    rows = book.rows()
    for kind in options.exports:
        paths[kind] = write_export(kind, rows, out=store.out, chapter=ch, options=settings)
    return BatchOutcome(out=store.out, learners=len(rows), graded=len(tasks), reused=reused,
                        counts=counts(rows), paths=paths, seconds=time.monotonic() - t0,
                        ignored=found.ignored, problems=problems + book.problems)


def _chosen(subs: list[Submission], wanted: list[str]) -> set[str] | None:
    """The safe names of the learners `--learner` names (None: everyone); unknown names are errors."""
    if not wanted:
        return None
    chosen, unknown = set(), []
    for name in wanted:
        key = name.strip().casefold()
        hits = [s for s in subs if key in {s.learner.casefold(), s.safe.casefold(),
                                           s.entry.casefold(), s.origin.name.casefold(),
                                           s.origin.id.casefold() if s.origin.id else None,
                                           s.person.id.casefold() if s.person else None}]
        if not hits:
            unknown.append(name)
        chosen.update(s.safe for s in hits)
    if unknown:
        raise UsageError(f"--learner: no learner named {', '.join(map(repr, unknown))}",
                         hint="Give a name as the gradebook shows it, a roster id or the file's name. "
                              "Learners: " + ", ".join(s.learner for s in subs[:20])
                              + (" …" if len(subs) > 20 else ""))
    return chosen


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
                    file=str(_snapshot(snapshots, sub, data, sheet, helpers, chapter)),
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
    import importlib.util
    import sys

    if module in SPECIAL_MODULES or module in sys.builtin_module_names or module in sys.modules:
        return True
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return True


def is_empty(data: bytes, suffix: str) -> bool:
    """Nothing but blank lines and comments (a notebook: no code at all)."""
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


def _snapshot(root: Path, sub: Submission, data: bytes, sheet: bytes | None, helpers: dict[str, bytes],
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


def _record_of(task: Task, reply: dict, store: Store, chapter: str, settings: dict) -> Record:
    """The learner's record after a slot's reply: the unit it committed, or an `error` row."""
    if reply.get("state") == "done":
        record = commit_unit(store, task)
        if record is not None:
            return record
        message = "the grading process ended without writing a result"
    else:
        message = reply.get("message") or "the grading process failed"
        shutil.rmtree(task.staging, ignore_errors=True)
    record = failed_record(learner=task.learner, entry=task.entry, safe=task.safe, key=task.key,
                           chapter=chapter, status="error", kind="grader_error", message=message,
                           final=False, options=settings)
    store.save(record)
    return record


def _outcome_words(record: Record, reply: dict) -> str:
    seconds = f" in {reply['seconds']:.1f} s" if isinstance(reply.get("seconds"), (int, float)) else ""
    if record.status in ("passed", "failed"):
        result = record.run_result()
        return f"{result.points:g}/{result.max_points:g} ({result.score:.0f}%) {record.status}{seconds}"
    return f"{record.status}{seconds}: {record.error}"


class _Gradebook:
    """Keeps gradebook.csv current after every result; the JSON and the summary page as often as
    their cost allows (always at the start and the end), so a big class is not rewritten n² times.

    Rows are the learners' *effective* records: what discovery knows (ids, lateness, notes), the
    review, and the overrides, applied to the stored record each time (never saved into it)."""

    MIN_INTERVAL = 2.0

    def __init__(self, store: Store, ch, settings: dict, found: ClassFolder,
                 records: dict[str, Record], *, overrides: list, prints: dict[str, set[int]],
                 deadline: datetime | None):
        self.store, self.ch, self.settings, self.found, self.records = store, ch, settings, found, records
        self.overrides, self.prints, self.deadline = overrides, prints, deadline
        self.subs = {s.safe: s for s in found.submissions}
        self.problems: list[str] = []
        self._last, self._cost = 0.0, 0.0
        self._similar: dict[str, list[tuple[str, float]]] | None = None

    def similar(self) -> dict[str, list[tuple[str, float]]]:
        if self._similar is None:
            self._similar = {}
            for a, b, score in similar_pairs(self.prints):
                if a in self.subs and b in self.subs:
                    self._similar.setdefault(a, []).append((self.subs[b].learner, score))
                    self._similar.setdefault(b, []).append((self.subs[a].learner, score))
        return self._similar

    def effective(self, record: Record, problems: list[str] | None = None) -> Record:
        sub = self.subs.get(record.safe)
        record = copy.copy(record)
        if sub is not None:
            record.learner = sub.learner
            person = sub.person
            record.lms_id = person.id if person else sub.origin.id
            record.email = (person.email if person else "") or sub.origin.email
            record.submitted_at = sub.origin.submitted_at
            record.late = _late(sub, self.deadline)
            record.members = sub.origin.members
            record.notes = list(sub.notes)
        mine = for_learner(self.overrides, record)
        record, why = apply_overrides(record, mine, self.ch)
        if problems is not None:
            problems += why
        record.review = review_of(record, self.similar().get(record.safe, []))
        return record

    def publish(self, record: Record) -> None:
        """Write the learner's report and results.json from the effective record, when outdated."""
        effective = self.effective(record)
        if files_outdated(self.store, effective):
            write_learner_files(self.store, effective)

    def rows(self, problems: list[str] | None = None) -> list[Record]:
        rows = [self.effective(self.records[s.safe], problems) for s in self.found.submissions
                if s.safe in self.records]
        return rows + [missing_record(p, self.ch.name, self.settings) for p in self.found.missing]

    def write(self, *, full: bool = False) -> dict[str, Path]:
        now = time.monotonic()
        full = full or now - self._last >= max(self.MIN_INTERVAL, 20 * self._cost)
        problems: list[str] = []
        rows = self.rows(problems)
        if full:
            self.problems = problems
            known = set(self.records)
            unmatched = [o for o in self.overrides
                         if not any(o in for_learner([o], r) for r in rows)]
            self.problems += [f"overrides.csv line {o.line}: no learner {o.learner!r}" for o in unmatched]
            for record in rows:
                if record.safe in known and files_outdated(self.store, record):
                    write_learner_files(self.store, record)
        paths = write_gradebook(rows, store=self.store, chapter=self.ch, options=self.settings,
                                grader_version=grader.__version__, with_json=full)
        if full:
            paths["index"] = write_index(rows, store=self.store, chapter=self.ch.name,
                                         grader_version=grader.__version__, options=self.settings,
                                         extra={"ignored": self.found.ignored,
                                                "problems": self.problems,
                                                "layout": self.found.layout})
            self._last, self._cost = time.monotonic(), time.monotonic() - now
        return paths


def _late(sub: Submission, deadline: datetime | None) -> bool | None:
    if deadline is not None and sub.origin.submitted_at:
        when = parse_time(sub.origin.submitted_at)
        if when is not None:
            if (when.tzinfo is None) != (deadline.tzinfo is None):
                when, dl = when.astimezone().replace(tzinfo=None) if when.tzinfo else when, \
                    deadline.astimezone().replace(tzinfo=None) if deadline.tzinfo else deadline
            else:
                dl = deadline
            return when > dl
    return sub.origin.late


def _deadline(text: str | None) -> datetime | None:
    if not text:
        return None
    parsed = parse_time(text)
    if parsed is None:
        raise UsageError(f"--deadline: cannot read {text!r} as a date and time",
                         hint="Write it as 2026-12-04T17:30 (local time) or 2026-12-04T17:30-08:00.")
    return parsed


def _settings(ch, options: BatchOptions) -> dict[str, Any]:
    limits = Limits(timeout=options.timeout, memory_mb=options.memory_mb,
                    load_timeout=options.load_timeout).validate("batch options")
    if options.bear_budget <= 0:
        raise UsageError(f"--bear-budget must be a positive number of seconds, got {options.bear_budget:g}")
    if options.cell_timeout is not None and options.cell_timeout <= 0:
        raise UsageError(f"--cell-timeout must be a positive number of seconds, got {options.cell_timeout:g}")
    if options.jobs is not None and options.jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {options.jobs}")
    if options.max_time is not None and options.max_time <= 0:
        raise UsageError(f"--max-time must be a positive number of seconds, got {options.max_time:g}")
    return {"chapter": ch.name, "only": sorted(ch.resolve(options.only, option="--only")),
            "skip": sorted(ch.resolve(options.skip, option="--skip")), "timeout": limits.timeout,
            "memory_mb": limits.memory_mb, "load_timeout": limits.load_timeout,
            "timing": options.timing, "bear_budget": options.bear_budget,
            "cell_timeout": options.cell_timeout}


def _jobs(options: BatchOptions) -> int:
    if options.jobs:
        return options.jobs
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def _max_time(options: BatchOptions, settings: dict[str, Any]) -> float:
    if options.max_time is not None:
        return options.max_time
    bear = "train_bear_classifier"
    trains = bear not in settings["skip"] and (not settings["only"] or bear in settings["only"])
    return TRUSTED_MARGIN + (options.bear_budget if trains else 0.0)
