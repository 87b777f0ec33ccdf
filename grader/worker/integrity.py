"""Detecting a worker that changed the grader's own files, where the sandbox could not prevent it.

Where workers get a read-only view of the file system (root, or user namespaces), they cannot write
the grader's files. Elsewhere (a non-root user on a system without unprivileged user namespaces)
learner code could plant a conftest.py in the suite or a .pth start-up hook, which the trusted process
would then run. The zygote takes a fingerprint before any learner code runs; the plugin compares it
after collection and at the end, and a run in which anything changed scores 0.
"""

from __future__ import annotations

import hashlib
import os
import site
import sys
from pathlib import Path

import grader

WATCHED_SUFFIXES = (".py", ".ini", ".j2", ".html", ".css", ".json", ".toml", ".cfg", ".pth")
STARTUP_HOOKS = ("sitecustomize.py", "usercustomize.py")


def watched_roots() -> list[Path]:
    """The grader package and pytest's own packages: what the trusted process imports from."""
    import _pytest
    import pluggy
    import pytest

    return [Path(m.__file__).resolve().parent for m in (grader, _pytest, pluggy)] + \
        [Path(pytest.__file__).resolve().parent]


def fingerprint() -> dict[str, str]:
    """Content hash of every watched file, and of the start-up hooks in site-packages."""
    found: dict[str, str] = {}
    for root in watched_roots():
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d != "__pycache__"]
            for name in files:
                if name.endswith(WATCHED_SUFFIXES):
                    _add(found, Path(folder) / name)
    for folder in {*site.getsitepackages(), *(p for p in sys.path if os.path.isabs(p))}:
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        # A new module on the trusted process's path (a planted jinja2.py) would be imported later.
        found[folder + os.sep] = hashlib.sha256("\0".join(names).encode()).hexdigest()
        for name in names:
            if name.endswith(".pth") or name in STARTUP_HOOKS:
                _add(found, Path(folder) / name)
    return found


def _add(found: dict[str, str], path: Path) -> None:
    try:
        found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        found[str(path)] = "unreadable"


def changes(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Paths added, removed or changed between two fingerprints."""
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))
