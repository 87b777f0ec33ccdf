"""Reaches instructor files through a symbolic link placed in the submission's folder
(notes.py -> the checkout's solutions/ch6.py), importing it and reading it by path.

The worker sees only its own copied file: neither the folder nor the link's target.
expect-points: 0
expect-absent-text: Reference solutions for chapter 6
"""

LINKS = {"notes.py": "{{CHECKOUT}}/solutions/ch6.py"}


def stub(*args, **kwargs):
    raise NotImplementedError


binary_cross_entropy = stub
try:
    from notes import *  # noqa: F401,F403
except ImportError as exc:
    print("no import:", exc)
try:
    with open("{{FOLDER}}/notes.py") as handle:
        text = handle.read()
    print(text[:300])
    exec(compile(text, "notes", "exec"))
except OSError as exc:
    print("no read:", exc)
