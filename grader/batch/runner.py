"""One batch run: discover, decide what needs grading, grade it in the pool, keep the gradebook current."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grader
from grader.batch.discovery import Submission, Ungradable, discover, read_submission, safe_name
from grader.batch.gradebook import counts, write_gradebook
from grader.batch.learner_files import files_outdated, write_learner_files
from grader.batch.pool import Pool, Task
from grader.batch.progress import Progress
from grader.batch.store import Record, Store, content_key, failed_record
from grader.batch.summary import write_index
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
    """`csv`, `json` and `index`."""
    seconds: float
    """Wall time of the run."""


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
    out = Path(out) if out is not None else default_out(Path(submissions), ch.name)
    subs = discover(Path(submissions), ch, exclude=out)
    store = Store(out)
    store.lock()
    records: dict[str, Record] = {}
    book = _Gradebook(store, ch, settings, subs, records)
    snapshots = Path(tempfile.mkdtemp(prefix="grader-batch-"))
    tasks: list[Task] = []
    try:
        tasks, reused = plan(subs, store, settings=settings, records=records, snapshots=snapshots,
                             force=options.force)
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
            progress.advance(task.learner, _outcome_words(record, reply))
            book.write()

        pool = Pool(jobs=jobs, options={**settings, "max_time": _max_time(options, settings)},
                    log_dir=store.out / ".batch")
        pool.run(tasks, on_reply, on_tick=progress.draw)
    finally:
        if progress is not None:
            progress.finish()
        paths = book.write(full=True)
        shutil.rmtree(snapshots, ignore_errors=True)
        store.unlock()
    rows = book.rows()
    return BatchOutcome(out=store.out, learners=len(rows), graded=len(tasks), reused=reused,
                        counts=counts(rows), paths=paths, seconds=time.monotonic() - t0)


def plan(subs: list[Submission], store: Store, *, settings: dict[str, Any], records: dict[str, Record],
         snapshots: Path, force: bool = False) -> tuple[list[Task], int]:
    """Decide what needs grading: record the ungradable rows and keep the unchanged results (both
    into `records`), snapshot the rest into `snapshots`; returns the tasks and how many were kept.

    A result is kept when its record is final (not a grader error) and its key (submission bytes,
    sheet, grader code and settings) and learner are the same, unless `force`."""
    chapter = settings["chapter"]
    tasks, reused = [], 0
    for sub in subs:
        if sub.error is None:
            try:
                data, sheet = read_submission(sub)
            except Ungradable as exc:
                sub.fail(exc.kind, exc.message)
        if sub.error is not None:
            record = failed_record(learner=sub.learner, entry=sub.entry, safe=sub.safe, key="",
                                   chapter=chapter, status="ungradable", kind=sub.error_kind or "error",
                                   message=sub.error, final=True, options=settings)
            store.save(record)
            write_learner_files(store, record)
            records[sub.safe] = record
            continue
        key = content_key(data=data, sheet=sheet, name=sub.file.name, settings=settings)
        known = store.load(sub.safe)
        if not force and known is not None and known.final and known.key == key \
                and known.learner == sub.learner and known.entry == sub.entry:
            if files_outdated(store, known):
                write_learner_files(store, known)
            records[sub.safe] = known
            reused += 1
            continue
        tasks.append(Task(id=len(tasks) + 1, learner=sub.learner, entry=sub.entry, safe=sub.safe,
                          key=key, file=str(_snapshot(snapshots, sub, data, sheet)),
                          out=str(store.out.resolve())))
    tasks.sort(key=lambda t: not t.file.endswith(".ipynb"))  # the slow ones first: better balance
    return tasks, reused


def _snapshot(root: Path, sub: Submission, data: bytes, sheet: bytes | None) -> Path:
    """A private copy of exactly the bytes that were hashed, under the submission's own file name."""
    folder = root / sub.safe
    folder.mkdir()
    path = folder / sub.file.name
    path.write_bytes(data)
    if sheet is not None and sub.sheet is not None:
        (folder / sub.sheet.name).write_bytes(sheet)
    return path


def _record_of(task: Task, reply: dict, store: Store, chapter: str, settings: dict) -> Record:
    """The learner's record after a slot's reply: the one its child wrote, or an `error` row."""
    if reply.get("state") == "done":
        record = store.load(task.safe)
        if record is not None and record.key == task.key:
            return record
        message = "the grading process ended without writing a result"
    else:
        message = reply.get("message") or "the grading process failed"
    record = failed_record(learner=task.learner, entry=task.entry, safe=task.safe, key=task.key,
                           chapter=chapter, status="error", kind="grader_error", message=message,
                           final=False, options=settings)
    store.save(record)
    write_learner_files(store, record)
    return record


def _outcome_words(record: Record, reply: dict) -> str:
    seconds = f" in {reply['seconds']:.1f} s" if isinstance(reply.get("seconds"), (int, float)) else ""
    if record.status in ("passed", "failed"):
        result = record.run_result()
        return f"{result.points:g}/{result.max_points:g} ({result.score:.0f}%) {record.status}{seconds}"
    return f"{record.status}{seconds}: {record.error}"


class _Gradebook:
    """Keeps gradebook.csv current after every result; the JSON and the summary page as often as
    their cost allows (always at the start and the end), so a big class is not rewritten n² times."""

    MIN_INTERVAL = 2.0

    def __init__(self, store: Store, ch, settings: dict, subs: list[Submission],
                 records: dict[str, Record]):
        self.store, self.ch, self.settings, self.subs, self.records = store, ch, settings, subs, records
        self._last, self._cost = 0.0, 0.0

    def rows(self) -> list[Record]:
        return [self.records[s.safe] for s in self.subs if s.safe in self.records]

    def write(self, *, full: bool = False) -> dict[str, Path]:
        now = time.monotonic()
        full = full or now - self._last >= max(self.MIN_INTERVAL, 20 * self._cost)
        rows = self.rows()
        paths = write_gradebook(rows, store=self.store, chapter=self.ch, options=self.settings,
                                grader_version=grader.__version__, with_json=full)
        if full:
            paths["index"] = write_index(rows, store=self.store, chapter=self.ch.name,
                                         grader_version=grader.__version__, options=self.settings)
            self._last, self._cost = time.monotonic(), time.monotonic() - now
        return paths


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
