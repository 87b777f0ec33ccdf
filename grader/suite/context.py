"""What a suite's tests can reach besides the learner: shared data, options, and the device."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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

    def data(self, name: str, **kwargs) -> Path:
        """A generated data set in the worker's folder (`pascal`, `biwi`), made once per run."""
        key = name + repr(sorted(kwargs.items()))
        if key not in self._data:
            dest = self.workdir / "data" / f"{name}{len(self._data)}"
            if name == "pascal":
                from grader.data.pascal import make_pascal

                self._data[key] = make_pascal(dest, images=False, **kwargs)
            elif name == "biwi":
                from grader.data.biwi import make_biwi

                self._data[key] = make_biwi(dest, images=False, **kwargs)
            else:
                raise KeyError(f"no data set named {name!r}")
        return self._data[key]

    def not_applicable(self, reason: str) -> None:
        raise NotApplicable(reason)

    @property
    def device(self) -> str:
        return self.options.get("device", "cpu")
