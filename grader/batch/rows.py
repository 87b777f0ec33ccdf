"""The gradebook's rows as they are shown: each learner's stored record, plus what discovery knows
(roster name and id, e-mail, lateness, notes), the review and the instructor's overrides, applied
on every write and never saved into the record. Keeps gradebook.csv current after every result, and
the JSON, the summary page and the learners' files as often as their cost allows.
"""

from __future__ import annotations

import copy
import time
from datetime import datetime
from pathlib import Path

import grader
from grader.batch.discovery import ClassFolder, Submission
from grader.batch.export import missing_record
from grader.batch.gradebook import write_gradebook
from grader.batch.learner_files import files_outdated, write_learner_files
from grader.batch.lms import parse_time
from grader.batch.overrides import apply_overrides, for_learner
from grader.batch.review import review_of
from grader.batch.similarity import similar_pairs
from grader.batch.store import Record, Store
from grader.batch.summary import write_index
from grader.errors import UsageError


class ClassBook:
    """Keeps gradebook.csv current as results come, and the JSON and the summary page, each as often
    as its cost allows (always at the start and the end), so a big class is not rewritten n² times:
    a write may take at most a twentieth of the time (a small class's CSV is rewritten after nearly
    every result; 2,000 learners' every few seconds, not 2,000 times at half a second each). After a
    kill, the CSV lags by at most that interval; the records are stored, and the next run writes it.

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
        self._last_csv, self._csv_cost = 0.0, 0.0
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
        if not full and now - self._last_csv < 20 * self._csv_cost:
            return {}  # written a moment ago: the next result (or the end) writes it
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
        self._last_csv, self._csv_cost = time.monotonic(), time.monotonic() - now
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


def parse_deadline(text: str | None) -> datetime | None:
    if not text:
        return None
    parsed = parse_time(text)
    if parsed is None:
        raise UsageError(f"--deadline: cannot read {text!r} as a date and time",
                         hint="Write it as 2026-12-04T17:30 (local time) or 2026-12-04T17:30-08:00.")
    return parsed


