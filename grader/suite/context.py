"""What a suite's tests can reach besides the learner: shared data, options, and the device."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pytest

from grader.suite.learner import Learner


class NotApplicable(pytest.skip.Exception):
    """A test the grader itself leaves out in this run (no GPU, `--no-timing`): worth no points here.

    Distinct from a skip the learner's code could cause: learner code never runs in this process, and
    any other skip scores 0 of the test's points.
    """


@dataclass
class GradingContext:
    """Everything the suite's `grading` fixture offers."""

    learner: Learner
    """Handle on the learner's code in the worker."""
    workdir: Path
    """The worker's private folder; data written here can be read by learner code."""
    options: dict[str, Any] = field(default_factory=dict)
    """Run options: `timing` (bool), `device` (`cpu`/`cuda`), `only`, `skip`..."""
    _data: dict[str, Path] = field(default_factory=dict)

    def data(self, make: Callable[..., Path], **kwargs) -> Path:
        """A generated data set in the worker's folder, made once per run by `make(dest, **kwargs)`
        (a chapter's generator): learner code can read it there."""
        key = f"{make.__module__}.{make.__qualname__}{sorted(kwargs.items())!r}"
        if key not in self._data:
            dest = self.workdir / "data" / f"{make.__name__}{len(self._data)}"
            self._data[key] = make(dest, **kwargs)
        return self._data[key]

    def not_applicable(self, reason: str) -> None:
        raise NotApplicable(reason)

    @property
    def device(self) -> str:
        return self.options.get("device", "cpu")
