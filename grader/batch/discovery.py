"""Find the submissions in an instructor's folder: one per learner, whatever shape the LMS gave it.

The folder may be a plain one (a `.py`/`.ipynb` file or a folder per learner), a Canvas or Moodle
download, or a Gradescope export (`grader.batch.lms` describes the shapes). Every file is first given
to a learner (its LMS id, or its name), then each learner's files are sorted out (`_choose`): the code
file that defines the most of the chapter's functions is graded and the other `.py` files beside it
are its helpers (importable while it is graded); a `.md` file is the questionnaire sheet; anything
else is listed as ignored, with a note, never as a learner. A loose file's sheet sits beside it as
`alice_ch6_questionnaire.md`, `alice_questionnaire.md` or `alice.md`. Anything that cannot be graded
still becomes a `Submission` with an `error`, so it shows up as an `ungradable` row instead of
vanishing. Names are untrusted text: `shown_name` cleans what is shown, `safe_name` gives each learner
a folder of their own.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from grader.batch.lms import (GRADESCOPE_FOLDER, GRADESCOPE_METADATA, Origin, canvas_file,
                              moodle_name, read_gradescope_metadata)
from grader.batch.names import clash_key, learner_key, safe_name, shown_name
from grader.batch.reading import Ungradable, _defined, _read_regular, read_submission  # noqa: F401
from grader.batch.roster import Person, Roster
from grader.chapters import Chapter
from grader.errors import SubmissionError
from grader.grading import SUFFIXES

__all__ = ["Submission", "ClassFolder", "Ungradable", "discover", "find_class", "read_submission",
           "safe_name", "learner_key"]

IGNORED = {"__pycache__", ".ipynb_checkpoints", "__MACOSX", "Thumbs.db", "desktop.ini"}
"""Entries that are never submissions (besides hidden ones, whose names start with a dot)."""
SHEET_SUFFIX = ".md"
MAX_ENTRIES = 10_000
"""Entries read from one folder: more is not a class, and is cut (with a note)."""


@dataclass
class Submission:
    """One learner's entry in the submissions folder."""

    learner: str
    """The learner's name as shown: the roster's, else the LMS's, else the file's or folder's name."""
    entry: str
    """The graded entry, relative to the submissions folder (`alice.py`, `bob/ch6.ipynb`)."""
    safe: str
    """A file-system-safe name, unique per learner, for the learner's output folder."""
    file: Path | None = None
    """The exercise file or notebook to grade (None when there is none to grade)."""
    sheet: Path | None = None
    """The learner's questionnaire answer sheet, when there is one."""
    error: str | None = None
    """Why this cannot be graded (None when it can)."""
    error_kind: str | None = None
    """A word for the kind of problem (`duplicate`, `too_large`, `unreadable`...)."""
    helpers: list[Path] = field(default_factory=list)
    """Other `.py` files of the learner, importable by the graded file."""
    origin: Origin = field(default_factory=lambda: Origin("plain", ""))
    """What the LMS export says about the learner (id, late, time)."""
    person: Person | None = None
    """The roster's person, when a roster was given and matched."""
    notes: list[str] = field(default_factory=list)
    """What the instructor should know (files ignored, helpers, a name that clashes)."""

    def fail(self, kind: str, message: str) -> "Submission":
        self.error_kind, self.error = kind, message
        return self


@dataclass
class ClassFolder:
    """What discovery found in the submissions folder."""

    submissions: list[Submission]
    """One per learner, sorted by name."""
    ignored: list[str] = field(default_factory=list)
    """Entries that belong to no learner, each with why it was ignored."""
    missing: list[Person] = field(default_factory=list)
    """The roster's people with no submission."""
    layout: str = "plain"
    """`plain`, `canvas`, `moodle`, `gradescope` (or `mixed`)."""


def normalise(name: str) -> str:
    return learner_key(name)


@dataclass
class _File:
    path: Path
    original: str
    """The file's name as the learner gave it (without the LMS's prefix)."""
    entry: str
    """Shown path relative to the submissions folder."""


@dataclass
class _Group:
    origin: Origin
    files: list[_File] = field(default_factory=list)
    folders: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)


def discover(root: Path, chapter: Chapter, *, exclude: Path | None = None) -> list[Submission]:
    """Every learner's submission in `root`, sorted by name; a SubmissionError if there are none."""
    return find_class(root, chapter, exclude=exclude).submissions


def find_class(root: Path, chapter: Chapter, *, exclude: Path | None = None,
               roster: list[Person] | None = None) -> ClassFolder:
    """The learners of `root` (see the module's docstring); a SubmissionError if there are none.

    `exclude`: a path inside `root` that is no submission (the batch's own output folder)."""
    names = _list(root, top=True)
    skipped = _top_entry(root, exclude) if exclude is not None else None
    names = [n for n in names if n != skipped]
    ignored: list[str] = []
    if GRADESCOPE_METADATA in names:
        groups = _gradescope(root, names, ignored)
    else:
        groups = _groups(root, names, chapter, ignored)
    found = [_choose(g, root, chapter) for g in groups.values()]
    if not found:
        raise SubmissionError(f"{root} holds no submissions" + (f" (ignored: {'; '.join(ignored[:5])})"
                                                                 if ignored else ""),
                              hint="Put one .py or .ipynb file (or one folder) per learner in it, or "
                                   "the folder an LMS export unpacks to.")
    missing = _match_roster(found, roster) if roster is not None else []
    _note_clashes(found)
    layouts = {g.origin.lms for g in groups.values()}
    return ClassFolder(submissions=sorted(found, key=lambda s: (s.learner.casefold(), s.learner)),
                       ignored=ignored, missing=missing,
                       layout=layouts.pop() if len(layouts) == 1 else "mixed")


def learner_folder(folder: Path, chapter: Chapter, learner: str) -> Submission:
    """One learner's folder (Gradescope's `/autograder/submission`), sorted out like a batch learner's."""
    g = _Group(Origin("plain", learner))
    if not folder.is_dir():
        return Submission(learner=learner, entry=folder.name, safe=safe_name(learner)).fail(
            "no_submission", "no files were submitted")
    g.folders.append(folder.name)
    _folder_files(g, folder, folder.name, [])
    return _choose(g, folder.parent, chapter)


def _list(folder: Path, *, top: bool = False) -> list[str]:
    if top and not folder.exists():
        raise SubmissionError(f"{folder}: no such folder",
                              hint="Give the folder that holds one file or folder per learner.")
    if top and not folder.is_dir():
        raise SubmissionError(f"{folder} is not a folder",
                              hint="`grader batch` takes a folder of submissions; use `grader check` "
                                   "for one file.")
    try:
        with os.scandir(folder) as it:
            names = []
            for item in it:
                if len(names) >= MAX_ENTRIES:
                    break
                names.append(item.name)
    except OSError as exc:
        if top:
            raise SubmissionError(f"{folder} cannot be read: {exc.strerror}") from None
        raise
    return sorted(n for n in names if not (n.startswith(".") or n in IGNORED))


def _top_entry(root: Path, inside: Path) -> str | None:
    """The name of the entry of `root` that holds `inside`, if `inside` is in `root`."""
    try:
        parts = inside.resolve().relative_to(root.resolve()).parts
    except ValueError:
        return None
    return parts[0] if parts else None


def _shown(name: str) -> str:
    return shown_name(name.encode("utf-8", "replace").decode("utf-8") if _has_surrogates(name) else name)


def _groups(root: Path, names: list[str], chapter: Chapter, ignored: list[str]) -> dict[str, _Group]:
    groups: dict[str, _Group] = {}
    sheets: list[str] = []

    def group(origin: Origin) -> _Group:
        return groups.setdefault(origin.identity, _Group(origin))

    for name in names:
        path, shown = root / name, _shown(name)
        try:
            info = os.lstat(path)
        except OSError as exc:
            group(Origin("plain", _stem(shown))).problems.append(("unreadable", f"{shown} cannot be "
                                                                                f"read: {exc.strerror}"))
            continue
        if stat.S_ISDIR(info.st_mode):
            lms = moodle_name(shown)
            g = group(lms[0] if lms else Origin("plain", shown))
            g.folders.append(shown)
            _folder_files(g, path, shown, ignored)
            continue
        lms = canvas_file(shown) or moodle_name(shown)
        if lms is not None:
            group(lms[0]).files.append(_File(path, lms[1] or shown, shown))
        elif Path(shown).suffix in SUFFIXES:
            group(Origin("plain", _stem(shown))).files.append(_File(path, shown, shown))
        elif Path(shown).suffix == SHEET_SUFFIX:
            sheets.append(name)
        else:
            kind = f"a {Path(shown).suffix} file" if Path(shown).suffix else "not a .py or .ipynb file"
            ignored.append(f"{shown}: {kind}, not a submission")
    for name in sheets:
        _loose_sheet(root / name, _shown(name), groups, chapter, ignored)
    return groups


def _stem(shown: str) -> str:
    return Path(shown).stem if Path(shown).suffix else shown


def _folder_files(g: _Group, path: Path, shown: str, ignored: list[str]) -> None:
    try:
        inside = _list(path)
    except OSError as exc:
        g.problems.append(("unreadable", f"the folder {shown} cannot be read: {exc.strerror}"))
        return
    for name in inside:
        item, item_shown = path / name, _shown(name)
        if item.is_dir() and not item.is_symlink():
            g.problems.append(("note", f"{shown}/{item_shown}/ (a folder inside) was not read"))
            continue
        lms = canvas_file(item_shown) if g.origin.lms != "moodle" else None
        g.files.append(_File(item, lms[1] if lms else item_shown, f"{shown}/{item_shown}"))


def _loose_sheet(path: Path, shown: str, groups: dict[str, _Group], chapter: Chapter,
                 ignored: list[str]) -> None:
    """`alice_ch6_questionnaire.md`, `alice_questionnaire.md` or `alice.md` beside `alice.py`."""
    stem = _stem(shown)
    for suffix in (f"_{chapter.questionnaire_sheet or ''}".removesuffix(SHEET_SUFFIX), "_questionnaire", ""):
        if suffix and not stem.endswith(suffix):
            continue
        owner = learner_key(stem[:len(stem) - len(suffix)] if suffix else stem)
        g = groups.get(Origin("plain", owner).identity)
        if g is not None and owner:
            g.files.append(_File(path, chapter.questionnaire_sheet or shown, shown))
            return
    ignored.append(f"{shown}: an answer sheet that matches no learner's file (a sheet for alice.py is "
                   f"named alice_{chapter.questionnaire_sheet or 'questionnaire.md'}, "
                   "alice_questionnaire.md or alice.md)")


def _gradescope(root: Path, names: list[str], ignored: list[str]) -> dict[str, _Group]:
    try:
        origins = read_gradescope_metadata(root / GRADESCOPE_METADATA)
    except (OSError, ValueError) as exc:
        raise SubmissionError(f"{root}: the Gradescope export's {GRADESCOPE_METADATA} cannot be read "
                              f"({exc})", hint="Unpack the export again, unchanged.") from None
    groups: dict[str, _Group] = {}
    for name in names:
        if name == GRADESCOPE_METADATA:
            continue
        path, shown = root / name, _shown(name)
        if not GRADESCOPE_FOLDER.match(name) or not path.is_dir() or path.is_symlink():
            ignored.append(f"{shown}: not a submission folder of the Gradescope export")
            continue
        origin = origins.get(name) or Origin("gradescope", shown)
        g = groups.setdefault(origin.identity, _Group(origin))
        g.folders.append(shown)
        _folder_files(g, path, shown, ignored)
    return groups


def _choose(g: _Group, root: Path, chapter: Chapter) -> Submission:
    """The learner's submission: which file is graded, which sheet is read, what is ignored."""
    origin = g.origin
    origin.name = shown_name(origin.name)
    for member in origin.members:
        member.update({k: shown_name(v) if v else "" for k, v in member.items()})
    where = g.folders[0] if len(g.folders) == 1 and not any("/" not in f.entry for f in g.files) \
        else None
    sub = Submission(learner=origin.name, entry=where or origin.name, origin=origin,
                     safe=safe_name(origin.name if origin.lms == "plain" else f"{origin.name}-{origin.id}"))
    for kind, message in g.problems:
        if kind == "note":
            sub.notes.append(message)
        else:
            return sub.fail(kind, message)
    code = [f for f in g.files if Path(f.original).suffix in SUFFIXES]
    sheets = [f for f in g.files if _is_sheet(f.original, chapter)]
    other = [f for f in g.files if f not in code and f not in sheets]
    sub.notes += [f"{f.entry}: ignored (not a .py or .ipynb file, nor an answer sheet)"
                  for f in other]
    if not code:
        what = f"the folder {where}" if where else f"{origin.name}'s submission"
        only = f" (only {', '.join(f.entry for f in g.files[:5])})" if g.files else ""
        return sub.fail("no_submission", f"{what} holds no .py or .ipynb file{only}")
    main, why = _main_file(code, chapter)
    if main is None:
        entries = ", ".join(sorted(Path(f.entry).name if where else f.entry for f in code))
        if where:
            return sub.fail("several_submissions",
                            f"the folder {where} holds {len(code)} exercise files ({entries}) and none "
                            "defines more of the chapter's functions than the others: leave one")
        return sub.fail("duplicate", f"{len(code)} submissions for the same learner ({entries}) and "
                                     "none defines more of the chapter's functions: keep one and rerun")
    sub.file, sub.entry = main.path, main.entry
    for f in code:
        if f is main:
            continue
        if Path(f.original).suffix == ".py" and not f.path.is_symlink() and f.path.is_file():
            sub.helpers.append(f.path)
            sub.notes.append(f"{f.entry}: a helper file ({why}); importable as "
                             f"`{re.sub(r'[^0-9A-Za-z_]', '_', Path(f.original).stem)}`")
        else:
            sub.notes.append(f"{f.entry}: ignored ({why})")
    if sheets:
        sheets.sort(key=lambda f: (f.original != chapter.questionnaire_sheet,
                                   "questionnaire" not in f.original.lower(), f.entry))
        sub.sheet = sheets[0].path
        sub.notes += [f"{f.entry}: a second answer sheet, ignored ({sheets[0].entry} was read)"
                      for f in sheets[1:]]
    for path, name in [(sub.file, sub.entry)] + ([(sub.sheet, sheets[0].entry)] if sheets else []):
        if path.is_symlink():
            return sub.fail("link", f"{name} is a symbolic link: submit the file itself (the grader "
                                    "never follows links: they could point at files the learner "
                                    "cannot read)")
    try:
        info = os.lstat(sub.file)
    except OSError as exc:
        return sub.fail("unreadable", f"{sub.entry} cannot be read: {exc.strerror}")
    if not stat.S_ISREG(info.st_mode):
        return sub.fail("unreadable", f"{sub.entry} is not a regular file")
    return sub


def _is_sheet(name: str, chapter: Chapter) -> bool:
    """A learner's `.md` file that holds answers (`ch6_questionnaire.md`, `answers.md`, `ch6.md`),
    not a README or notes."""
    stem = Path(name).stem.lower()
    return Path(name).suffix.lower() == SHEET_SUFFIX and (
        "questionnaire" in stem or "answer" in stem or stem == chapter.name)


def _main_file(code: list[_File], chapter: Chapter) -> tuple[_File | None, str]:
    """The file to grade among the learner's code files, and why the others are not it."""
    if len(code) == 1:
        return code[0], ""
    wanted = set(chapter.exercise_names())
    defines = {id(f): len(wanted & _defined(f.path)) for f in code}
    best = max(defines.values())
    top = [f for f in code if defines[id(f)] == best]
    if len(top) == 1 and best > 0:
        return top[0], f"{top[0].entry} defines more of the chapter's functions"
    named = [f for f in top if re.sub(r"-\d+$", "", Path(f.original).stem) == chapter.name]
    if len(named) == 1:
        return named[0], f"{named[0].entry} is named after the chapter"
    return None, ""


def _match_roster(found: list[Submission], people: list[Person]) -> list[Person]:
    """Give each submission its roster person (name shown, id for exports); the people left over."""
    roster = Roster(people)
    matched: dict[str, Submission] = {}
    for sub in found:
        person = roster.match(sub.origin)
        if person is None:
            sub.notes.append(f"{sub.learner}: not on the roster (matched by no id, e-mail or name)")
            continue
        if person.id in matched:
            other = matched[person.id]
            sub.notes.append(f"the roster's {person.name} ({person.id}) has another submission too: "
                             f"{other.entry}")
            other.notes.append(f"the roster's {person.name} ({person.id}) has another submission too: "
                               f"{sub.entry}")
            continue
        matched[person.id] = sub
        sub.person, sub.learner = person, person.name
    return [p for p in people if p.id not in matched]


def _note_clashes(found: list[Submission]) -> None:
    """Two learners whose names differ only in case: both graded, both told (a person decides)."""
    by_key: dict[str, list[Submission]] = {}
    for sub in found:
        by_key.setdefault(clash_key(sub.learner), []).append(sub)
    for group in by_key.values():
        if len(group) < 2:
            continue
        for sub in group:
            others = ", ".join(o.entry for o in group if o is not sub)
            sub.notes.append(f"name clash: {sub.entry} and {others} differ only in case; both are "
                             "graded, check that they are different learners")


def _has_surrogates(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
