"""Batch progress: a redrawn bar with count, rate and ETA on a terminal; plain log lines otherwise."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from grader.batch.names import ANSI, CONTROL


def _clean(text: str) -> str:
    """A line for the terminal: learner names and messages lose escape sequences and control characters."""
    return CONTROL.sub("", ANSI.sub("", " ".join(str(text).split())))


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 \
        else f"{seconds // 60}:{seconds % 60:02d}"


class Progress:
    """Counts finished gradings of `total`; rate and ETA count only what this run grades."""

    def __init__(self, total: int, *, stream: TextIO | None = None, tty: bool | None = None,
                 quiet: bool = False, clock=time.monotonic):
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.total, self.done, self.quiet = total, 0, quiet
        self.clock = clock
        self.started = clock()
        self._drawn = 0.0
        self._width = 0

    def begin(self, total: int) -> None:
        """Start counting: `total` gradings from now (planning time does not count in the rate)."""
        self.total, self.done, self.started = total, 0, self.clock()

    def rate(self) -> float:
        elapsed = self.clock() - self.started
        return self.done / elapsed if elapsed > 0 and self.done else 0.0

    def eta(self) -> float | None:
        rate = self.rate()
        return (self.total - self.done) / rate if rate else None

    def line(self) -> str:
        width = 24
        filled = int(width * self.done / self.total) if self.total else width
        eta = self.eta()
        return (f"grading [{'#' * filled}{'-' * (width - filled)}] {self.done}/{self.total}  "
                f"{self.rate():.2f}/s  ETA {_clock(eta) if eta is not None else '?'}")

    def advance(self, learner: str, outcome: str) -> None:
        self.done += 1
        if self.quiet:
            return
        if self.tty:
            self.draw(force=True)
        else:
            print(f"[{self.done}/{self.total}] {_clean(learner)}: {_clean(outcome)}", file=self.stream,
                  flush=True)

    def draw(self, *, force: bool = False) -> None:
        """Redraw the bar (at most a few times a second, so the ETA keeps moving while one grades)."""
        now = self.clock()
        if self.quiet or not self.tty or (not force and now - self._drawn < 0.5):
            return
        self._drawn = now
        text = self.line()
        pad = max(self._width - len(text), 0)
        self._width = len(text)
        self.stream.write("\r" + text + " " * pad)
        self.stream.flush()

    def finish(self) -> None:
        if self.tty and not self.quiet and self._width:
            self.stream.write("\n")
            self.stream.flush()

    def say(self, message: str) -> None:
        """A line of its own (the bar, on a terminal, is redrawn after it)."""
        if self.quiet:
            return
        if self.tty and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self._width = 0
        print(_clean(message), file=self.stream, flush=True)
