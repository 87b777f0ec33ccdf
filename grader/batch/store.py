"""The batch's memory on disk: one record file per learner, written atomically as soon as it is known.

The gradebook is always rebuilt from these records, so whatever finished before a crash, a kill or
Ctrl-C is kept; a rerun skips a learner whose record has the same key (content + grader + options).
Layout of the output folder:

    learners/<safe>/run.json      the record (this module): key, status, the RunResult
    learners/<safe>/results.json  Gradescope's format (grader.batch.gradescope)
    learners/<safe>/report.html   the learner's feedback report
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import grader
from grader.errors import UsageError
from grader.results import Fault, RunResult

RECORD_FORMAT = 1
_UMASK = os.umask(0o022)
os.umask(_UMASK)
LEARNERS = "learners"


@dataclass
class Record:
    """What the batch knows about one learner."""

    learner: str
    """The learner's name."""
    entry: str
    """The submission's entry in the submissions folder."""
    safe: str
    """The learner's output folder name."""
    key: str
    """Resume key: what was graded and how (empty for rows that were never graded)."""
    status: str
    """`passed`, `failed`, `ungradable` (the submission's fault), or `error` (the grader's fault)."""
    error: str = ""
    """Why it could not be graded, for `ungradable` and `error` rows."""
    final: bool = True
    """False for `error` rows: a rerun grades them again instead of skipping them."""
    result: dict[str, Any] = field(default_factory=dict)
    """The learner's `RunResult.to_dict()` (a stand-in for rows that could not be graded)."""
    written: str = ""
    """When the record was written (ISO 8601)."""
    format: int = RECORD_FORMAT
    """Version of this record layout."""
    # What the batch knows besides the grading, refreshed on every run (never part of the key):
    lms_id: str = ""
    """The learner's id in the LMS or roster (what exports are keyed by)."""
    email: str = ""
    """Their e-mail address, when the roster or the export gives it."""
    late: bool | None = None
    """Submitted after the deadline (None: not known)."""
    submitted_at: str = ""
    """When it was submitted, where the export says (ISO 8601)."""
    members: list[dict[str, str]] = field(default_factory=list)
    """Every member of a group submission (`name`, `id`, `email`)."""
    notes: list[str] = field(default_factory=list)
    """What discovery noted about the learner's files (helpers, ignored files, a name clash)."""
    review: dict[str, Any] = field(default_factory=dict)
    """Why a person should look (`grader.batch.review`), empty when nothing needs one."""
    overrides: list[str] = field(default_factory=list)
    """The instructor's overrides applied to this row, in words."""

    def run_result(self) -> RunResult:
        return RunResult.from_dict(self.result)


def content_key(*, data: bytes, sheet: bytes | None, name: str, settings: dict[str, Any]) -> str:
    """sha256 of the submission's bytes, its sheet, its suffix, the grader's code and the options."""
    digest = hashlib.sha256()
    for part in (b"fastbook-grader batch", grader.__version__.encode(), grader_fingerprint().encode(),
                 json.dumps(settings, sort_keys=True).encode(), Path(name).suffix.encode(),
                 hashlib.sha256(data).digest(),
                 hashlib.sha256(sheet).digest() if sheet is not None else b"no sheet"):
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


_FINGERPRINT: list[str] = []


def grader_fingerprint() -> str:
    """A hash of the grading code (suites and the suite machinery), so editing a test regrades all."""
    if not _FINGERPRINT:
        root = Path(grader.__file__).resolve().parent
        digest = hashlib.sha256()
        for folder in (root / "suite", root / "suites"):
            for path in sorted(folder.rglob("*")):
                if path.suffix in (".py", ".ini") and "__pycache__" not in path.parts:
                    digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
        _FINGERPRINT.append(digest.hexdigest()[:16])
    return _FINGERPRINT[0]


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` so that readers see the old file or the new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes it private; the output is the user's to share
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


class Store:
    """The per-learner record files under an output folder."""

    def __init__(self, out: Path):
        self.out = out
        self.root = out / LEARNERS
        self._lock: int | None = None

    def lock(self) -> None:
        """Make the folder and hold it for this run: two batches writing one gradebook would each
        drop the other's rows. The lock goes with the process, however it ends. Also sweeps the
        temporary files a killed run may have left."""
        try:
            (self.out / ".batch").mkdir(parents=True, exist_ok=True)
            fd = os.open(self.out / ".batch" / "lock", os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise UsageError(f"--out: cannot write to {self.out}: {exc.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise UsageError(f"another `grader batch` is writing to {self.out}",
                             hint="Wait for it to finish, or choose another --out.") from None
        self._lock = fd
        for leftover in [*self.out.glob(".*.tmp"), *self.root.glob("*/.*.tmp")]:
            leftover.unlink(missing_ok=True)

    def unlock(self) -> None:
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None

    def folder(self, safe: str) -> Path:
        return self.root / safe

    def record_path(self, safe: str) -> Path:
        return self.folder(safe) / "run.json"

    def load(self, safe: str) -> Record | None:
        """The learner's record, or None when there is none or it cannot be read."""
        try:
            data = json.loads(self.record_path(safe).read_text(encoding="utf-8"))
            if data.get("format") != RECORD_FORMAT:
                return None
            record = Record(**{k: data[k] for k in Record.__dataclass_fields__ if k in data})
            record.run_result()  # a record whose result does not load is as good as none
            return record
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None

    def save(self, record: Record) -> Path:
        record.written = datetime.now().isoformat(timespec="seconds")
        path = self.record_path(record.safe)
        write_atomic(path, json.dumps(asdict(record), indent=1))
        return path


def stand_in_result(*, learner: str, entry: str, chapter: str, kind: str, message: str,
                    options: dict[str, Any] | None = None) -> dict[str, Any]:
    """A RunResult for a row that could not be graded: no exercises, the reason as its load error."""
    result = RunResult(submission=entry, learner=learner, chapter=chapter,
                       grader_version=grader.__version__,
                       started=datetime.now().isoformat(timespec="seconds"), device="",
                       load_error=Fault(kind, message), options=dict(options or {}))
    return result.to_dict()


def record_for_result(result: RunResult, *, entry: str, safe: str, key: str) -> Record:
    """The record of a submission that was graded (its status is the result's own)."""
    error = ""
    if result.load_error is not None and result.status == "ungradable":
        fault = result.load_error
        where = f" (line {fault.line})" if fault.line else ""
        error = f"{fault.kind}{where}: {fault.message}"
    return Record(learner=result.learner, entry=entry, safe=safe, key=key, status=result.status,
                  error=error, final=True, result=result.to_dict())


def failed_record(*, learner: str, entry: str, safe: str, key: str, chapter: str, status: str,
                  kind: str, message: str, final: bool, options: dict | None = None) -> Record:
    """The record of a row with no grading result (ungradable input, or the grader failed)."""
    return Record(learner=learner, entry=entry, safe=safe, key=key, status=status, error=message,
                  final=final, result=stand_in_result(learner=learner, entry=entry, chapter=chapter,
                                                      kind=kind, message=message, options=options))
