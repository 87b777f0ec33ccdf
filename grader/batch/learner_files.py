"""The files a learner gets from a batch, next to their record: Gradescope's results.json and the report.

They are written from the learner's *effective* record (overrides applied) and stamped, so a rerun
rewrites them exactly when the record, the overrides or the review changed, or a kill came between
the record and its files.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from grader.batch.gradescope import to_gradescope
from grader.batch.store import Record, Store, write_atomic

GRADESCOPE = "results.json"
REPORT = "report.html"
STAMP = ".published"


def learner_files(store: Store, safe: str) -> dict[str, Path]:
    folder = store.folder(safe)
    return {"gradescope": folder / GRADESCOPE, "report": folder / REPORT}


def stamp(record: Record) -> str:
    """What the learner's files were written from."""
    parts = [record.key, record.written, record.status, record.error, record.overrides,
             record.learner]
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:32]


def write_learner_files(store: Store, record: Record) -> dict[str, Path | None]:
    """Write both files from the record; the report is None while no report module is installed."""
    paths = learner_files(store, record.safe)
    result = record.run_result()
    document = to_gradescope(result, status=record.status, error=record.error)
    write_atomic(paths["gradescope"], json.dumps(document, indent=1))
    written = {"gradescope": paths["gradescope"], "report": _write_report(result, paths["report"])}
    write_atomic(store.folder(record.safe) / STAMP, stamp(record))
    return written


def _write_report(result, path: Path) -> Path | None:
    """The learner's report (atomic, like every file of the batch). A report that fails to render
    costs that report only: the result is already saved, and the batch goes on."""
    from grader.report import write_html_report

    try:
        return write_html_report(result, path)
    except Exception as exc:
        print(f"grader batch: no report for {result.learner!r}: {type(exc).__name__}: {exc}",
              file=sys.stderr)
        return None


def files_outdated(store: Store, record: Record) -> bool:
    """True when a file is missing or was written from another record, override or review."""
    try:
        return (store.folder(record.safe) / STAMP).read_text() != stamp(record) or not all(
            p.exists() for p in learner_files(store, record.safe).values())
    except OSError:
        return True
