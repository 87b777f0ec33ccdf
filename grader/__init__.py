"""fastbook-grader: an autograder for the exercises and questionnaires of fastbook.

Learner code never runs in this process: see `grader.worker`. `check` is the in-notebook self-check.
"""

from __future__ import annotations

__version__ = "0.1.0"


def check(*names: str, **options):
    """Self-check exercises defined in the live Jupyter kernel (not the official grade).

    Imported lazily so that `import grader` stays cheap.
    """
    from grader.selfcheck import check as _check

    return _check(*names, **options)


__all__ = ["__version__", "check"]
