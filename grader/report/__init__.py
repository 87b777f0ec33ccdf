"""The HTML feedback report: one self-contained page per grading run (inline CSS, no script, no
external request), rendered with Jinja2 from the same result objects as `grader check --json`.

    from grader.report import render_report, write_report, environment
    html = render_report(result)                        # str
    write_report(result, Path("reports/ana-ch6.html"))  # atomic; returns the path

`environment()` is the single shared Jinja environment (autoescaping, `StrictUndefined`, the filters of
`grader.report.filters`); other pages (batch grading's class summary) render with it and may include
the style partial `_style.css.j2`.
"""

from grader.report.environment import STYLE, environment
from grader.report.render import ReportError, render_report, slug, write_html_report, write_report

__all__ = ["STYLE", "ReportError", "environment", "render_report", "slug", "write_html_report",
           "write_report"]
