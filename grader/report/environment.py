"""The one Jinja environment of the grader's HTML pages (this report, and batch grading's class page).

Autoescaping is on for every template, whatever its name: all text that reaches a page may come from a
learner. Undefined names are errors (`StrictUndefined`), so a template typo fails the tests instead of
printing nothing. Templates live in `grader/report/templates/`; the page style is the partial
`_style.css.j2`, which another page includes inside its own `<style>` element.
"""

from __future__ import annotations

from functools import lru_cache

import jinja2

from grader.report.filters import FILTERS, finalize

STYLE = "_style.css.j2"
"""The CSS partial: `<style>{% include "_style.css.j2" %}</style>`."""


@lru_cache(maxsize=None)
def environment() -> jinja2.Environment:
    """The shared environment (built once per process)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("grader", "report/templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    return env
