"""One batch run: discover, decide what needs grading, grade it in the pool, keep the gradebook current."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.batch.discovery import Submission, find_class, safe_name
from grader.batch.export import EXPORTS, write_export
from grader.batch.gradebook import counts
from grader.batch.names import shown_name
from grader.batch.overrides import read_overrides
from grader.batch.planning import is_empty, plan, read_helpers, snapshot  # noqa: F401 (re-exported)
from grader.batch.pool import Pool, Task
from grader.batch.progress import Progress
from grader.batch.roster import read_roster
from grader.batch.rows import ClassBook, parse_deadline
from grader.batch.store import Record, Store, failed_record
from grader.batch.unit import commit_unit
from grader.errors import UsageError
from grader.options import GradingOptions

TRUSTED_MARGIN = 600.0
"""Seconds a grading may run beyond its training budgets before its slot gives up on it."""


@dataclass
class BatchOptions:
    """How every submission of the batch is graded (the same for all, and part of the resume key),
    and what the batch itself does."""

    grading: GradingOptions = field(default_factory=GradingOptions)
    """How each submission is graded."""
    max_time: float | None = None
    """Seconds one whole grading may take before it is stopped (default: the chapter's training
    budgets, when a training is graded, + `TRUSTED_MARGIN`)."""
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
    scheduler: str | None = None
    """Grade on a Dask cluster: its scheduler's address, or `local:N` (None: this machine's pool)."""


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
    ch = options.grading.chapter_object
    settings = _settings(options)
    deadline = parse_deadline(options.deadline)
    if options.scheduler is not None:
        from grader.batch.cluster import check_scheduler

        check_scheduler(options.scheduler, jobs=options.jobs)
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
    book = ClassBook(store, ch, settings, found, records, overrides=overrides, prints=prints,
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
        if tasks and options.scheduler is None:
            progress.say(f"grading {len(tasks)} of {len(subs)} submissions with {jobs} worker"
                         f"{'s' if jobs > 1 else ''}"
                         + (f" ({reused} already graded and unchanged)" if reused else ""))

        def on_reply(task: Task, reply: dict) -> None:
            record = _record_of(task, reply, store, ch.name, settings)
            records[task.safe] = record
            book.publish(record)
            progress.advance(shown_name(task.learner), _outcome_words(record, reply))
            book.write()

        pool_options = {**settings, "max_time": _max_time(options)}
        if options.scheduler is None:
            pool = Pool(jobs=jobs, options=pool_options, log_dir=store.out / ".batch")
        else:
            from grader.batch.cluster.client import ClusterPool

            if tasks:
                progress.say(f"grading {len(tasks)} of {len(subs)} submissions on a Dask cluster"
                             + (f" ({reused} already graded and unchanged)" if reused else ""))
            pool = ClusterPool(options.scheduler, options=pool_options, say=progress.say)
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
    if reply.get("worker"):  # graded on a cluster: say where
        seconds += f" on worker {reply['worker']}"
    if record.status in ("passed", "failed"):
        result = record.run_result()
        return f"{result.points:g}/{result.max_points:g} ({result.score:.0f}%) {record.status}{seconds}"
    return f"{record.status}{seconds}: {record.error}"


def _settings(options: BatchOptions) -> dict[str, Any]:
    """The grading options as the slots, the resume key and the records get them (batch-only
    options checked here, once)."""
    if options.jobs is not None and options.jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {options.jobs}")
    if options.max_time is not None and options.max_time <= 0:
        raise UsageError(f"--max-time must be a positive number of seconds, got {options.max_time:g}")
    return options.grading.to_dict()


def _jobs(options: BatchOptions) -> int:
    if options.jobs:
        return options.jobs
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def _max_time(options: BatchOptions) -> float:
    if options.max_time is not None:
        return options.max_time
    grading = options.grading
    ch = grading.chapter_object
    budgets = sum(grading.option(o.name) for o in ch.options if o.budget)
    return TRUSTED_MARGIN + (budgets if grading.trains() else 0.0)
