"""Typed errors of the grader library.

The library raises these; only the CLI turns them into a message and an exit code, so that a learner
never sees a traceback from the grader itself (sqlite-utils style).
"""

from __future__ import annotations

EXIT_OK = 0
"""Everything graded passed."""
EXIT_FAILED = 1
"""The submission was graded and some tests failed."""
EXIT_UNGRADABLE = 2
"""The submission could not be graded, or the command line was wrong."""


class GraderError(Exception):
    """Base of every error the grader reports to a person.

    `message` says what went wrong, `hint` what to try; `exit_code` is what the CLI returns.
    """

    exit_code = EXIT_UNGRADABLE

    def __init__(self, message: str, *, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n{self.hint}"


class UsageError(GraderError):
    """The command line or an option value is wrong (the message names the option)."""


class SubmissionError(GraderError):
    """The submission file cannot be graded at all: missing, a folder, wrong type, unreadable."""


class UnknownChapterError(UsageError):
    """A chapter or exercise name that the grader does not know."""


class WorkerError(GraderError):
    """The worker process that runs learner code failed in a way the grader cannot recover from."""


class ConfigError(GraderError):
    """Bad configuration data shipped with, or passed to, the grader (the message says where)."""
