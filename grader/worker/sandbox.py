"""Confinement of a worker child beyond rlimits (run right after fork, before learner code).

The core keeps this minimal: a private working directory and a stripped environment are set by the
zygote. Hardening (an unprivileged user, no network) hooks in here.
"""

from __future__ import annotations


def confine(request: dict) -> None:
    """Apply the confinement the spawn request asks for. Best effort where the system refuses."""
    return None
