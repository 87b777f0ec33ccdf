"""The chapters the grader knows: their exercises, suite folder, and default submission."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from grader.errors import UnknownChapterError, UsageError

SUITES = Path(__file__).resolve().parent.parent / "suites"

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
    name="training_budget", flags=("--training-budget", "--bear-budget"), default=600.0,
    help="seconds the learner's training run may take (default %(default)s)", positive=True, budget=True)
"""The training budget option chapters with a training exercise declare."""


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

    @property
    def suite(self) -> Path:
        return SUITES / self.name

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


CH6 = Chapter(
    name="ch6",
    title="Other computer vision problems (multi-label classification, regression)",
    exercises=(
        Exercise("binary_cross_entropy", "Binary cross-entropy on logits"),
        Exercise("sigmoid_range", "sigmoid_range (y_range)"),
        Exercise("accuracy_multi", "Multi-label accuracy"),
        Exercise("splitter", "Split PASCAL rows on is_valid"),
        Exercise("is_valid_person", "BIWI validation person"),
        Exercise("img2pose", "BIWI image to pose file"),
        Exercise("get_ctr", "BIWI head centre"),
        Exercise("train_bear_classifier", "Multi-label bear classifier", slow=True),
    ),
    default_submission="exercises/ch6.py",
    questionnaire_sheet="ch6_questionnaire.md",
    aliases={"bear": "train_bear_classifier", "bce": "binary_cross_entropy"},
    code_checks={15: "sigmoid_range"},
    options=(TRAINING_BUDGET,),
    default=True,
)

CH5 = Chapter(
    name="ch5",
    title="Image classification (pet breeds, cross-entropy, learning rates, fine-tuning)",
    exercises=(
        Exercise("label_from_name", "Breed from a file name (regular expression)"),
        Exercise("species", "Cat or dog from the file name's capital letter"),
        Exercise("pets_datablock", "Pets DataBlock with presizing"),
        Exercise("softmax", "softmax from scratch"),
        Exercise("log_softmax", "log_softmax from scratch"),
        Exercise("nll_loss", "Negative log-likelihood from scratch"),
        Exercise("cross_entropy", "Cross-entropy loss from scratch"),
        Exercise("suggest_lr", "Learning rates from an LR-finder curve"),
        Exercise("lr_groups", "Discriminative learning rates across parameter groups"),
        Exercise("fine_tune_by_hand", "fine_tune by hand: freeze, train, unfreeze, train"),
        Exercise("train_pet_classifier", "Pet-breed classifier", slow=True),
    ),
    default_submission="exercises/ch5.py",
    questionnaire_sheet="ch5_questionnaire.md",
    aliases={"pets": "train_pet_classifier", "ce": "cross_entropy", "nll": "nll_loss",
             "datablock": "pets_datablock", "fine_tune": "fine_tune_by_hand"},
    code_checks={2: "label_from_name", 7: "softmax", 10: "cross_entropy", 17: "fine_tune_by_hand",
                 18: "lr_groups"},
    options=(TRAINING_BUDGET,),
)

CH7 = Chapter(
    name="ch7",
    title="Training a state-of-the-art model (Imagenette)",
    exercises=(
        Exercise("channel_stats", "Per-channel mean and std"),
        Exercise("normalize", "Normalize per channel"),
        Exercise("denormalize", "Undo normalization"),
        Exercise("progressive_plan", "Progressive resizing plan"),
        Exercise("train_progressively", "Progressive resizing on a Learner", slow=True),
        Exercise("tta_predict", "Test-time augmentation arithmetic"),
        Exercise("mixup", "Mixup of two images"),
        Exercise("mixup_batch", "Mixup of a batch"),
        Exercise("label_smoothing_ce", "Label smoothing cross-entropy"),
        Exercise("train_imagenette", "Imagenette-style classifier", slow=True),
    ),
    default_submission="exercises/ch7.py",
    questionnaire_sheet="ch7_questionnaire.md",
    aliases={"imagenette": "train_imagenette", "progressive": "train_progressively",
             "ls": "label_smoothing_ce", "tta": "tta_predict"},
    options=(TRAINING_BUDGET,),
)

CHAPTERS = {CH5.name: CH5, CH6.name: CH6, CH7.name: CH7}


def default_chapter() -> Chapter:
    """The chapter that says it is the default (else the first one registered)."""
    return next((c for c in CHAPTERS.values() if c.default), next(iter(CHAPTERS.values())))


def get_chapter(name: str | None) -> Chapter:
    if not name:
        return default_chapter()
    try:
        return CHAPTERS[name]
    except KeyError:
        raise UnknownChapterError(f"unknown chapter {name!r}",
                                  hint="Known chapters: " + ", ".join(CHAPTERS)) from None
