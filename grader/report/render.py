"""Render a grading run as one self-contained HTML page, and write it where nothing sees half a file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from grader.errors import GraderError
from grader.report.environment import environment
from grader.report.view import report_view
from grader.results import RunResult

TEMPLATE = "report.html.j2"


class ReportError(GraderError):
    """The report could not be written (the message names the path and the reason)."""


def render_report(result: RunResult) -> str:
    """The report of `result` as HTML text.

    It is rendered from `result.to_dict()`, the data `grader check --json` prints, so the two agree.
    """
    return environment().get_template(TEMPLATE).render(report=report_view(result.to_dict()))


def write_report(result: RunResult, path: Path) -> Path:
    """Render `result` to `path` (parent folders created) through a temporary file and `os.replace`,
    so a reader, or a run killed midway, never sees a partial report. Returns `path`."""
    path = Path(path)
    html = render_report(result)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise ReportError(f"cannot write the report to {path}: {exc.strerror or exc}",
                          hint="Choose another place with --report PATH, or skip it with --no-report.") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="replace", newline="\n") as handle:
            handle.write(html)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise ReportError(f"cannot write the report to {path}: {exc.strerror or exc}",
                          hint="Choose another place with --report PATH, or skip it with --no-report.") from None
    return path


def slug(name: str) -> str:
    """A file-name-safe form of a learner's or submission's name."""
    keep = "".join(c if c.isalnum() or c in "-_." else "-" for c in name)
    return keep.strip("-.") or "submission"


def write_html_report(result, report: Path | None = None) -> Path:
    """Write the result's report to `report` (default: reports/<learner>-<chapter>.html)."""
    return write_report(result, report or Path("reports") / f"{slug(result.learner)}-{result.chapter}.html")
