"""Find the submissions in an instructor's folder: one per learner, named after its file or folder.

A submission is a `.py`/`.ipynb` file (`alice.py`) or a folder holding exactly one such file, or
one named after the chapter among others (`bob/ch6.ipynb` beside `bob/helpers.py`), with the
questionnaire sheet beside it if there is one. Only that file is graded. Anything that cannot be
graded still becomes a `Submission` with an `error`, so it shows up as an `ungradable` row instead of
vanishing. Learner names are untrusted text: `safe_name` gives each one a file name of its own.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from grader.chapters import Chapter
from grader.errors import SubmissionError
from grader.grading import MAX_SUBMISSION_BYTES, SUFFIXES

IGNORED = {"__pycache__", ".ipynb_checkpoints", "__MACOSX", "Thumbs.db"}
"""Entries that are never submissions (besides hidden ones, whose names start with a dot)."""


@dataclass
class Submission:
    """One learner's entry in the submissions folder."""

    learner: str
    """The learner's name: the file's stem or the folder's name (Unicode NFC)."""
    entry: str
    """The entry as found in the folder, relative to it (`alice.py`, `bob`, `bob/ch6.ipynb`)."""
    safe: str
    """A file-system-safe name, unique per learner, for the learner's output folder."""
    file: Path | None = None
    """The exercise file or notebook to grade (None when there is none to grade)."""
    sheet: Path | None = None
    """The questionnaire answer sheet in the learner's folder, when there is one."""
    error: str | None = None
    """Why this cannot be graded (None when it can)."""
    error_kind: str | None = None
    """A word for the kind of problem (`duplicate`, `too_large`, `unreadable`...)."""

    def fail(self, kind: str, message: str) -> "Submission":
        self.error_kind, self.error = kind, message
        return self


class Ungradable(Exception):
    """A submission that cannot be graded at all; `kind` is a word, the message says why."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind, self.message = kind, message


def normalise(name: str) -> str:
    return unicodedata.normalize("NFC", name)


def learner_key(name: str) -> str:
    """What makes two names the same learner: equal after Unicode normalisation, ignoring case."""
    return normalise(name).casefold()


def safe_name(name: str) -> str:
    """An ASCII slug of the name plus a short hash of it: safe on any file system, never colliding."""
    ascii_only = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9_]+", "-", ascii_only).strip("-_").lower()[:40] or "learner"
    digest = hashlib.sha256(normalise(name).encode("utf-8", "surrogateescape")).hexdigest()[:8]
    return f"{slug}-{digest}"


def _ignored(name: str) -> bool:
    return name.startswith(".") or name in IGNORED


def discover(root: Path, chapter: Chapter, *, exclude: Path | None = None) -> list[Submission]:
    """Every learner's submission in `root`, sorted by name; a SubmissionError if there are none.

    `exclude`: a path inside `root` that is no submission (the batch's own output folder)."""
    if not root.exists():
        raise SubmissionError(f"{root}: no such folder",
                              hint="Give the folder that holds one file or folder per learner.")
    if not root.is_dir():
        raise SubmissionError(f"{root} is not a folder",
                              hint="`grader batch` takes a folder of submissions; use `grader check` "
                                   "for one file.")
    try:
        names = sorted(os.listdir(root))
    except OSError as exc:
        raise SubmissionError(f"{root} cannot be read: {exc.strerror}") from None
    skipped = _top_entry(root, exclude) if exclude is not None else None
    found = [_entry(root, name, chapter) for name in names if not _ignored(name) and name != skipped]
    if not found:
        raise SubmissionError(f"{root} holds no submissions",
                              hint="Put one .py or .ipynb file (or one folder) per learner in it.")
    return _merge_duplicates(found)


def _top_entry(root: Path, inside: Path) -> str | None:
    """The name of the entry of `root` that holds `inside`, if `inside` is in `root`."""
    try:
        parts = inside.resolve().relative_to(root.resolve()).parts
    except ValueError:
        return None
    return parts[0] if parts else None


def _entry(root: Path, name: str, chapter: Chapter) -> Submission:
    path = root / name
    shown = name.encode("utf-8", "replace").decode("utf-8") if _has_surrogates(name) else name
    stem = Path(shown).stem if Path(shown).suffix else shown
    try:
        info = os.lstat(path)
    except OSError as exc:
        sub = Submission(learner=normalise(stem), entry=shown, safe=safe_name(stem))
        return sub.fail("unreadable", f"{shown} cannot be read: {exc.strerror}")
    if stat.S_ISDIR(info.st_mode):
        sub = Submission(learner=normalise(shown), entry=shown, safe=safe_name(shown))
        return _folder(sub, path, chapter)
    sub = Submission(learner=normalise(stem), entry=shown, safe=safe_name(stem), file=path)
    if stat.S_ISLNK(info.st_mode):
        return sub.fail("link", f"{shown} is a symbolic link: submit the file itself (the grader never "
                                "follows links: they could point at files the learner cannot read)")
    if not stat.S_ISREG(info.st_mode):
        return sub.fail("unreadable", f"{shown} is not a regular file")
    if path.suffix not in SUFFIXES:
        kind = f"a {path.suffix} file" if path.suffix else "a file without a .py or .ipynb suffix"
        return sub.fail("wrong_type", f"{shown} is {kind}: submit a .py file or a .ipynb notebook")
    return sub


def _folder(sub: Submission, path: Path, chapter: Chapter) -> Submission:
    try:
        inside = sorted(os.listdir(path))
    except OSError as exc:
        return sub.fail("unreadable", f"the folder {sub.entry} cannot be read: {exc.strerror}")
    candidates = [n for n in inside if not _ignored(n) and Path(n).suffix in SUFFIXES
                  and ((path / n).is_file() or (path / n).is_symlink())]
    if not candidates:
        return sub.fail("no_submission", f"the folder {sub.entry} holds no .py or .ipynb file")
    named = [n for n in candidates if Path(n).stem == chapter.name]
    if len(candidates) > 1 and len(named) == 1:  # `ch6.py` beside helper files: the exercise file
        candidates = named
    if len(candidates) > 1:
        return sub.fail("several_submissions",
                        f"the folder {sub.entry} holds {len(candidates)} exercise files "
                        f"({', '.join(candidates)}): leave exactly one")
    sub.file = path / candidates[0]
    sub.entry = f"{sub.entry}/{candidates[0]}"
    sheet = path / chapter.questionnaire_sheet if chapter.questionnaire_sheet else None
    for inside_path in (sub.file, sheet):
        if inside_path is not None and inside_path.is_symlink():
            return sub.fail("link", f"{sub.entry.split('/')[0]}/{inside_path.name} is a symbolic link: "
                                    "submit the file itself")
    if sheet is not None and sheet.is_file():
        sub.sheet = sheet
    return sub


def _merge_duplicates(found: list[Submission]) -> list[Submission]:
    """One row per learner: entries whose names are the same learner become one ungradable row."""
    groups: dict[str, list[Submission]] = {}
    for sub in found:
        groups.setdefault(learner_key(sub.learner), []).append(sub)
    out = []
    for group in groups.values():
        if len(group) == 1:
            out.append(group[0])
            continue
        first = group[0]
        entries = ", ".join(s.entry for s in group)
        merged = Submission(learner=first.learner, entry=entries, safe=first.safe)
        out.append(merged.fail("duplicate", f"{len(group)} submissions for the same learner "
                                            f"({entries}): keep one and rerun"))
    return sorted(out, key=lambda s: (learner_key(s.learner), s.learner))


def read_submission(sub: Submission) -> tuple[bytes, bytes | None]:
    """The bytes of the submission (and its sheet), checked; raises Ungradable.

    Opened without following links and without blocking, then checked to be a regular file: what
    was swapped in since discovery cannot make the grader read elsewhere or hang."""
    assert sub.file is not None
    data = _read_regular(sub.file, sub.entry)
    sheet = _read_regular(sub.sheet, sub.entry) if sub.sheet is not None else None
    if b"\0" in data[:4096]:
        raise Ungradable("not_text", f"{sub.entry} is not a text file: submit the source file itself")
    return data, sheet


def _read_regular(path: Path, entry: str) -> bytes:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        raise Ungradable("unreadable", f"{entry} cannot be read: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise Ungradable("unreadable", f"{entry} is not a regular file")
        if info.st_size > MAX_SUBMISSION_BYTES:
            raise Ungradable("too_large", f"{entry} is {info.st_size / 1e6:.0f} MB, more than the "
                                          f"{MAX_SUBMISSION_BYTES / 1e6:.0f} MB a submission may be")
        try:
            data = handle.read(MAX_SUBMISSION_BYTES + 1)
        except OSError as exc:
            raise Ungradable("unreadable", f"{entry} cannot be read: {exc.strerror}") from None
    if len(data) > MAX_SUBMISSION_BYTES:
        raise Ungradable("too_large", f"{entry} is more than the "
                                      f"{MAX_SUBMISSION_BYTES / 1e6:.0f} MB a submission may be")
    return data


def _has_surrogates(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
