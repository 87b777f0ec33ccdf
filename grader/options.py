"""How one submission is graded: one frozen, typed object, validated once where it is built.

The commands build it from their shared argparse helpers (`grader.commands._options`); batch grading
serialises it (`to_dict`) into its slots, its resume key and the Gradescope autograder's settings,
and each grading rebuilds it (`from_dict`). A chapter's own options (such as a training budget) are
declared by the chapter (`grader.chapters.registry.ChapterOption`) and travel in `chapter_options`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Iterable, Mapping

from grader.chapters.registry import Chapter, get_chapter
from grader.errors import UsageError
from grader.worker.book_env import DATA_CHOICES as DATA_SOURCES
from grader.worker.limits import Limits


@dataclass(frozen=True)
class GradingOptions:
    """Everything that decides how a submission is graded (and nothing about where it comes from)."""

    chapter: str = ""
    """The chapter's name (empty: the registry's default chapter)."""
    only: frozenset[str] | None = None
    """Exercise names (or the questionnaire) to grade; None: all. Aliases are resolved."""
    skip: frozenset[str] = frozenset()
    """Exercise names (or the questionnaire) left out."""
    limits: Limits = field(default_factory=Limits)
    """What the learner's worker may use."""
    timing: bool = True
    """Run the timed tests."""
    cell_timeout: float | None = None
    """Seconds one notebook cell may run (None: the notebook grader's default)."""
    data: str = "generated"
    """`generated` or `real` data sets for `untar_data`."""
    reveal: bool = False
    """Show the literal fix of each recognised mistake in the terminal summary."""
    hide_model_answers: bool | None = None
    """Leave the questionnaire's model answers out (None: the rubric's or the environment's choice)."""
    chapter_options: tuple[tuple[str, Any], ...] = ()
    """The chapter's own options (name, value), every declared one present, sorted by name."""

    def __post_init__(self):
        ch = get_chapter(self.chapter) if self.chapter else get_chapter(None)
        set_ = lambda name, value: object.__setattr__(self, name, value)  # noqa: E731 (frozen)
        set_("chapter", ch.name)
        only = ch.resolve(_names(self.only), option="--only") if self.only else set()
        set_("only", frozenset(only) or None)
        set_("skip", frozenset(ch.resolve(_names(self.skip), option="--skip")))
        limits = self.limits if isinstance(self.limits, Limits) else Limits(**dict(self.limits))
        set_("limits", limits.validate("options"))
        if self.cell_timeout is not None:
            if not isinstance(self.cell_timeout, (int, float)) or self.cell_timeout <= 0:
                raise UsageError(f"--cell-timeout must be a positive number of seconds, "
                                 f"got {self.cell_timeout!r}")
            set_("cell_timeout", float(self.cell_timeout))
        if self.data not in DATA_SOURCES:
            raise UsageError(f"--data must be one of {', '.join(DATA_SOURCES)}, got {self.data!r}")
        set_("timing", bool(self.timing))
        set_("reveal", bool(self.reveal))
        set_("chapter_options", _chapter_options(ch, dict(self.chapter_options)))

    @classmethod
    def build(cls, *, chapter: str | None = None, only: Iterable[str] | None = None,
              skip: Iterable[str] | None = None, limits: Limits | None = None,
              **rest: Any) -> "GradingOptions":
        """Options from loose values (lists of names with aliases, a chapter's option by its name).

        Keywords that are not fields are the chapter's own options (`training_budget=60`)."""
        known = {f.name for f in fields(cls)}
        own = {k: v for k, v in rest.items() if k not in known}
        given = {k: v for k, v in rest.items() if k in known and v is not None}
        if own:
            given["chapter_options"] = tuple({**dict(given.get("chapter_options", ())), **own}.items())
        return cls(chapter=chapter or "", only=frozenset(only) if only else None,
                   skip=frozenset(skip or ()), limits=limits or Limits(), **given)

    @property
    def chapter_object(self) -> Chapter:
        return get_chapter(self.chapter)

    def option(self, name: str) -> Any:
        """A chapter option's value (a KeyError names an option the chapter does not declare)."""
        return dict(self.chapter_options)[name]

    def selects(self, name: str) -> bool:
        """Whether this run grades the exercise (or the questionnaire) of that name."""
        return (not self.only or name in self.only) and name not in self.skip

    def trains(self) -> bool:
        """This run grades a training exercise (minutes on a CPU; GPU workers take it on a cluster)."""
        return any(e.slow and self.selects(e.name) for e in self.chapter_object.exercises)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; `from_dict` gives back an equal object. Also part of batch's resume key."""
        return {"chapter": self.chapter, "only": sorted(self.only or ()), "skip": sorted(self.skip),
                "limits": self.limits.to_dict(), "timing": self.timing,
                "cell_timeout": self.cell_timeout, "data": self.data, "reveal": self.reveal,
                "hide_model_answers": self.hide_model_answers,
                "chapter_options": dict(self.chapter_options)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "GradingOptions":
        """The inverse of `to_dict`; keys that are not options (a batch's `max_time`) are ignored."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["only"] = frozenset(values.get("only") or ()) or None
        values["skip"] = frozenset(values.get("skip") or ())
        values["limits"] = Limits(**dict(values.get("limits") or {}))
        values["chapter_options"] = tuple(dict(values.get("chapter_options") or {}).items())
        return cls(**values)


def _names(raw) -> list[str]:
    return [raw] if isinstance(raw, str) else list(raw)


def _chapter_options(ch: Chapter, given: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    declared = {o.name: o for o in ch.options}
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise UsageError(f"{ch.name} has no option {', '.join(unknown)}",
                         hint="Its options: " + (", ".join(o.flag for o in ch.options) or "none") + ".")
    return tuple(sorted((name, o.check(given.get(name, o.default))) for name, o in declared.items()))
