"""The one interface between the generic grader and a chapter: a `Chapter` object per chapter package.

A chapter package holds everything chapter-specific (suite, misconceptions, data generators, worker
operations in `ops/`, questionnaire rubric `rubric.json`) and a module-level `CHAPTER = Chapter(...)`.
The registry finds chapter packages in three places, in this order:

1. the sub-packages of `grader.chapters` (the chapters shipped with the grader);
2. the entry-point group `fastbook_grader.chapters` (an installed package adds one: `ch8 =
   "mypkg.ch8"`, the value a module with `CHAPTER`, or `module:attribute` naming the `Chapter`);
3. `GRADER_CHAPTER_PATH`: folders of chapter packages, separated by `os.pathsep` (each folder's parent
   goes on `sys.path`, so that its suite and operations can import it, here and in the worker).

Nothing in this module, nor anywhere in the generic core, names a chapter.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import pkgutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from grader.errors import UnknownChapterError, UsageError

ENTRY_POINTS = "fastbook_grader.chapters"
"""Entry-point group through which an installed package registers chapters."""
PATH_ENV = "GRADER_CHAPTER_PATH"
"""Environment variable: extra chapter package folders (`os.pathsep`-separated)."""

QUESTIONNAIRE = "questionnaire"
"""The name `--only`/`--skip` take for a chapter's questionnaire (beside its exercise names)."""


@dataclass(frozen=True)
class Exercise:
    """One exercise: the function a learner writes."""

    name: str
    """The function's name (also what `--only` takes)."""
    title: str
    """A few words for people."""
    slow: bool = False
    """Trains a model: minutes, not seconds."""


@dataclass(frozen=True)
class ChapterOption:
    """An option of a chapter's own (a training budget): a command-line flag of every command that
    grades, and a value in `GradingOptions.chapter_options` and in the suite's `grading.options`."""

    name: str
    """The key (`training_budget`), also argparse's `dest`."""
    flags: tuple[str, ...]
    """Command-line flags (`--training-budget`, and older spellings)."""
    default: Any
    help: str
    type: Callable[[str], Any] = float
    positive: bool = False
    """A number that must be above 0."""
    budget: bool = False
    """Seconds a training may take: batch grading allows that much more time when one is graded."""

    @property
    def flag(self) -> str:
        return self.flags[0]

    def check(self, value: Any) -> Any:
        """The value, converted; a UsageError naming the flag if it cannot be used."""
        try:
            value = self.type(value)
        except (TypeError, ValueError):
            raise UsageError(f"{self.flag}: {value!r} is not a {self.type.__name__}") from None
        if self.positive and not value > 0:
            what = "number of seconds" if self.budget else "number"
            raise UsageError(f"{self.flag} must be a positive {what}, got {value:g}")
        return value


TRAINING_BUDGET = ChapterOption(
    name="training_budget", flags=("--training-budget",), default=600.0,
    help="seconds the learner's training run may take (default %(default)s)", positive=True, budget=True)
"""The training budget option chapters with a training exercise declare (a chapter may add a flag
of its own with `dataclasses.replace(TRAINING_BUDGET, flags=(..., "--my-flag"))`: every command
accepts the flags of every chapter for an option)."""


@dataclass(frozen=True)
class DataSet:
    """A generated data set of a chapter, placed where fastai's `untar_data(URLs.<url>)` finds it."""

    url: str
    """fastai's `URLs` attribute (`PETS`); also the data set's key."""
    folder: str
    """The folder `untar_data` extracts the archive to (under the fastai config's data dir)."""
    maker: str
    """`module:function` writing the data set into a folder: `function(dest, **kwargs) -> Path`."""
    kwargs: dict[str, Any] = field(default_factory=dict)
    """Arguments for the fastai data folder (enough images for the book's code to run)."""
    kind: str | None = None
    """The name `grader data` writes it under (None: not offered there)."""
    real: bool = False
    """`--data real` requires the learner's fastai cache to hold the real one."""
    about: str = ""
    """One line for `grader data --help`."""
    count: str = "n"
    """The generator's keyword that `grader data --n` sets (images, rows, frames, images per class)."""
    count_max: int | None = None
    """The largest `--n` the generator accepts."""

    @property
    def module(self) -> str:
        return self.maker.partition(":")[0]

    def make(self, dest: Path, **kwargs) -> Path:
        return getattr(importlib.import_module(self.module), self.maker.partition(":")[2])(dest, **kwargs)

    @property
    def source(self) -> Path:
        """The generator's source file (its bytes key the per-user cache of generated data)."""
        return Path(importlib.util.find_spec(self.module).origin)


@dataclass(frozen=True)
class Chapter:
    """A chapter's grading material."""

    name: str
    title: str
    exercises: tuple[Exercise, ...]
    default_submission: str
    """Where `grader check CHAPTER` looks when no submission is given."""
    questionnaire_sheet: str | None = None
    """File name of the questionnaire answer sheet beside a `.py` submission."""
    aliases: dict[str, str] = field(default_factory=dict)
    """Short names accepted by `--only`/`--skip` (`bear` for `train_bear_classifier`)."""
    code_checks: dict[int, str] = field(default_factory=dict)
    """Questionnaire questions whose answer is code -> the exercise whose tests check that code."""
    options: tuple[ChapterOption, ...] = ()
    """The chapter's own options (see `ChapterOption`)."""
    default: bool = False
    """The chapter graded when none is named (one chapter says so)."""
    datasets: tuple[DataSet, ...] = ()
    """Its generated data sets (see `DataSet`)."""
    package: str = ""
    """The chapter package's module name (its `__name__`)."""

    @property
    def folder(self) -> Path:
        return Path(importlib.import_module(self.package).__file__).resolve().parent

    @property
    def suite(self) -> Path:
        """The folder pytest runs: the package itself (its `test_*.py` and `suite.ini`)."""
        return self.folder

    @property
    def rubric(self) -> Path | None:
        """The questionnaire rubric (`rubric.json` in the package), if the chapter has one."""
        path = self.folder / "rubric.json"
        return path if path.is_file() else None

    def op(self, name: str) -> str:
        """A worker operation of this chapter, as the worker's request names it (`<chapter>/<op>`),
        found in the package's `ops/<op>.py` (`handle(server, request) -> dict`)."""
        return f"{self.name}/{name}"

    def exercise_names(self) -> list[str]:
        return [e.name for e in self.exercises]

    def resolve(self, names, *, option: str, questionnaire: bool = True) -> set[str]:
        """Exercise names from `--only`/`--skip` values; an unknown one is a usage error.

        With `questionnaire`, the chapter's questionnaire (when it has one) is a name too."""
        known = set(self.exercise_names())
        if questionnaire and self.questionnaire_sheet:
            known.add(QUESTIONNAIRE)
        out = set()
        for raw in names:
            for name in filter(None, (n.strip() for n in raw.split(","))):
                name = self.aliases.get(name, name)
                if name not in known:
                    raise UnknownChapterError(
                        f"{option}: no exercise named {name!r} in {self.name}",
                        hint="Known: " + ", ".join(sorted(known, key=self._order)) + " (see `grader list`).")
                out.add(name)
        return out

    def _order(self, name: str) -> int:
        names = self.exercise_names()
        return names.index(name) if name in names else len(names)

    def grades_questionnaire(self, only: set[str] | None, skip: set[str] | None) -> bool:
        """Whether a run with these `--only`/`--skip` names grades the questionnaire."""
        return (bool(self.questionnaire_sheet) and (not only or QUESTIONNAIRE in only)
                and QUESTIONNAIRE not in (skip or ()))


_found: dict[str, Chapter] | None = None


def chapters() -> dict[str, Chapter]:
    """Every registered chapter by name, in name order (found once per process)."""
    global _found
    if _found is None:
        found: dict[str, Chapter] = {}
        for chapter in _discover():
            if chapter.name in found and found[chapter.name].package != chapter.package:
                raise UsageError(f"two chapters are named {chapter.name!r}: {found[chapter.name].package} "
                                 f"and {chapter.package}")
            found[chapter.name] = chapter
        _found = dict(sorted(found.items()))
    return _found


def _discover():
    here = importlib.import_module("grader.chapters")
    for info in pkgutil.iter_modules(here.__path__):
        if info.ispkg:
            yield _chapter_of(f"grader.chapters.{info.name}")
    from importlib.metadata import entry_points

    for entry in entry_points(group=ENTRY_POINTS):
        yield _chapter_of(entry.value)
    for folder in filter(None, os.environ.get(PATH_ENV, "").split(os.pathsep)):
        folder = Path(folder).resolve()
        if not (folder / "__init__.py").is_file():
            raise UsageError(f"{PATH_ENV}: {folder} is not a chapter package (no __init__.py)")
        if str(folder.parent) not in sys.path:
            sys.path.append(str(folder.parent))
        yield _chapter_of(folder.name)


def _chapter_of(target: str) -> Chapter:
    module, _, attribute = target.partition(":")
    chapter = getattr(importlib.import_module(module), attribute or "CHAPTER", None)
    if not isinstance(chapter, Chapter):
        raise UsageError(f"{target} registers no chapter (a `CHAPTER = Chapter(...)` is expected)")
    return chapter


def chapter_of_op(op: str) -> tuple[Chapter, str]:
    """The chapter and operation name of a worker request's `<chapter>/<op>` (registered chapters only)."""
    name, _, op_name = op.partition("/")
    if not op_name.isidentifier() or name not in chapters():
        raise ValueError(f"unknown operation {op!r}")
    return chapters()[name], op_name


def default_chapter() -> Chapter:
    """The chapter that says it is the default (else the first one registered)."""
    known = chapters()
    return next((c for c in known.values() if c.default), next(iter(known.values())))


def get_chapter(name: str | None) -> Chapter:
    if not name:
        return default_chapter()
    try:
        return chapters()[name]
    except KeyError:
        raise UnknownChapterError(f"unknown chapter {name!r}",
                                  hint="Known chapters: " + ", ".join(chapters())) from None
