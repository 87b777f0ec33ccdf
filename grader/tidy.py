"""What a learner is shown of a run, tidied: their output without the grader's own noise, and paths
as they know them (relative to the data set), never the grader's temporary folders."""

from __future__ import annotations

import re
from pathlib import Path

from grader.results import RunResult

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LIBRARY_WARNING = re.compile(r"^\s*\S*(site-packages|dist-packages|/lib/python3[.\d]*)/\S+:\d+: \w*Warning: ")
_GRADER_NOISE = (
    re.compile(r"joblib.*(Operation not permitted|will operate in serial mode)", re.I),
    re.compile(r"^\s*warnings\.warn\("),
)


def clean_output(text: str) -> str:
    """What the learner's code printed, without the grader environment's own noise.

    Progress bars redraw a line with carriage returns and terminal escapes: only the last state of
    each line is kept, and no control character remains. Warnings raised inside libraries (a
    deprecation in torch, joblib's notice that the sandbox forbids its semaphores) are the grader's
    environment speaking, not the learner's code: they are left out, with the source line that
    Python prints under them."""
    lines, skip_next = [], False
    for raw in text.split("\n"):
        line = _CONTROL.sub("", _ANSI.sub("", raw.rsplit("\r", 1)[-1] if raw.rstrip("\r") else raw))
        if skip_next:
            skip_next = False
            if line.startswith(" "):
                continue
        if _LIBRARY_WARNING.match(line):
            skip_next = True
            continue
        if any(p.search(line) for p in _GRADER_NOISE):
            continue
        lines.append(line)
    return "\n".join(lines)


def relative_paths(result: RunResult, workdir: Path) -> None:
    """Paths in a run's feedback as the learner knows them: relative to the data set
    (`01/frame_00004_pose.txt`) or to the work folder, never the grader's temporary folders (the work
    folder's parent is the run's private folder)."""
    fix = _fixer(workdir, private_parent=True)
    relative_in_exercises(result.exercises, workdir, fix=fix)
    if result.load_error is not None:
        result.load_error.message = fix(result.load_error.message)
        result.load_error.traceback = [fix(line) for line in result.load_error.traceback]
    result.output = fix(result.output)


def relative_in_exercises(exercises, workdir: Path, fix=None) -> list:
    """The same for exercises' tests and notes; returns the tests' faults (fixed too)."""
    fix = fix or _fixer(workdir, private_parent=False)
    faults = []
    for exercise in exercises:
        exercise.notes = [fix(n) for n in exercise.notes]
        for t in exercise.tests:
            t.message, t.hint, t.expected, t.got = fix(t.message), fix(t.hint), fix(t.expected), fix(t.got)
            t.inputs = fix(t.inputs)
            t.notes = [fix(n) for n in t.notes]
            if t.fault is not None:
                t.fault.message = fix(t.fault.message)
                t.fault.traceback = [fix(line) for line in t.fault.traceback]
                faults.append(t.fault)
    return faults


def _fixer(workdir: Path, *, private_parent: bool):
    root = re.escape(str(workdir))
    patterns = [(re.compile(root + r"/data/[a-z]+\d*/"), ""), (re.compile(root + r"/"), "")]
    if private_parent:
        patterns.append((re.compile(re.escape(str(workdir.parent))), "<grader's folder>"))

    def fix(text):
        if not isinstance(text, str):
            return text
        for pattern, repl in patterns:
            text = pattern.sub(repl, text)
        return text

    return fix
