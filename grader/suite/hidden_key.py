"""The grading machine's secret, which hidden data is drawn from.

The suites ship in the package every learner installs, so a seed written in them is no secret: code
that regenerates the "hidden" images from it can look their labels up. Hidden data is drawn instead
from a key that only the trusted side holds: `GRADER_HIDDEN_KEY` when set (an instructor who grades
on several machines sets the same value on each), otherwise a random key made on first use and kept
in `GRADER_STATE_DIR` (default `~/.local/state/fastbook-grader`), readable by its owner only. Workers
never see it: their environment is stripped, their view of the file system hides home folders, /tmp
and /run, and where the grader runs as root they run as a user of their own.

Seeds are derived from the key and a purpose, so one machine draws the same hidden set on every run
(a submission gets the same score when graded again) and another machine draws its own.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

KEY_ENV = "GRADER_HIDDEN_KEY"
STATE_ENV = "GRADER_STATE_DIR"
KEY_FILE = "hidden.key"

_run_key: bytes | None = None
"""A key for this process alone, where no key can be kept on disk (hidden sets then vary by run)."""


def state_dir(environ=None) -> Path:
    environ = os.environ if environ is None else environ
    if environ.get(STATE_ENV):
        return Path(environ[STATE_ENV])
    base = environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "fastbook-grader"


def machine_key(environ=None) -> bytes:
    """The key: from the environment, else from the key file (made on first use), else per process."""
    global _run_key
    environ = os.environ if environ is None else environ
    if environ.get(KEY_ENV):
        return environ[KEY_ENV].encode()
    path = state_dir(environ) / KEY_FILE
    try:
        return _read_or_make(path)
    except OSError:
        if _run_key is None:
            _run_key = secrets.token_bytes(32)
        return _run_key


def hidden_seed(purpose: str, environ=None) -> int:
    """A 62-bit seed for `purpose` (e.g. `ch6/bears`), which only this machine's key gives."""
    digest = hashlib.sha256(machine_key(environ) + b"\0" + purpose.encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 2


def _read_or_make(path: Path) -> bytes:
    try:
        key = path.read_bytes()
        if len(key) >= 16:
            return key
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, secrets.token_bytes(32))
    finally:
        os.close(fd)
    try:
        os.link(temporary, path)  # never replaces a key another grading process made meanwhile
    except FileExistsError:
        pass
    finally:
        os.unlink(temporary)
    return path.read_bytes()
