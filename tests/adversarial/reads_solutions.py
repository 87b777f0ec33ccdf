"""Reads the instructor's reference solutions: imports `solutions.ch6` (the checkout is on the
grader's own path) and, failing that, executes solutions/ch6.py found from the grader package's
location; prints what it read.

The worker's view of the file system holds the grader package but not the rest of the checkout.
expect-points: 0
expect-absent-text: Reference solutions for chapter 6
"""

from pathlib import Path

import grader


def stub(*args, **kwargs):
    raise NotImplementedError


binary_cross_entropy = stub
try:
    from solutions.ch6 import *  # noqa: F401,F403
except ImportError:
    pass
for source in (Path(grader.__file__).resolve().parents[1] / "solutions" / "ch6.py",
               Path("{{CHECKOUT}}") / "solutions" / "ch6.py"):
    try:
        text = source.read_text()
    except OSError as exc:
        print("could not read", source, exc)
        continue
    print(text[:400])
    exec(compile(text, "solutions", "exec"))
    break
