"""The files a learner gets from a batch, next to their record: Gradescope's results.json and the report."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from grader.batch.gradescope import to_gradescope
from grader.batch.store import Record, Store, write_atomic

GRADESCOPE = "results.json"
REPORT = "report.html"


def learner_files(store: Store, safe: str) -> dict[str, Path]:
    folder = store.folder(safe)
    return {"gradescope": folder / GRADESCOPE, "report": folder / REPORT}


def write_learner_files(store: Store, record: Record) -> dict[str, Path | None]:
    """Write both files from the record; the report is None while no report module is installed."""
    paths = learner_files(store, record.safe)
    result = record.run_result()
    document = to_gradescope(result, status=record.status, error=record.error)
    write_atomic(paths["gradescope"], json.dumps(document, indent=1))
    return {"gradescope": paths["gradescope"], "report": _write_report(result, paths["report"])}


def _write_report(result, path: Path) -> Path | None:
    """The learner's report (atomic, like every file of the batch). A report that fails to render
    costs that report only: the result is already saved, and the batch goes on."""
    from grader.commands.check import write_html_report

    try:
        return write_html_report(result, path)
    except Exception as exc:
        print(f"grader batch: no report for {result.learner!r}: {type(exc).__name__}: {exc}",
              file=sys.stderr)
        return None


def files_outdated(store: Store, record: Record) -> bool:
    """True when a file is missing or older than the record (a kill came between the two writes)."""
    try:
        written = store.record_path(record.safe).stat().st_mtime
        return any(p.stat().st_mtime < written for p in learner_files(store, record.safe).values()
                   if p.name != REPORT or _report_module())
    except OSError:
        return True


def _report_module() -> bool:
    try:
        import grader.report  # noqa: F401
    except ImportError:
        return False
    return True
