"""Grading suite for chapter 7 (training a state-of-the-art model). Test files run in the trusted process; learner code only in the worker.

Everything of the chapter lives in this package: its suite (`test_*.py`, `suite.ini`), misconceptions,
data generators (`*_data.py`), worker operations (`ops/`), questionnaire rubric (`rubric.json`) and its
registration below (`CHAPTER`, found by `grader.chapters.registry`).
"""

from grader.chapters.registry import TRAINING_BUDGET, Chapter, DataSet, Exercise

CHAPTER = Chapter(
    package=__name__,
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
    datasets=(DataSet("IMAGENETTE_160", "imagenette2-160", "grader.chapters.ch7.imagenette_data:make_imagenette",
                      {}, kind="imagenette",
                      about="Imagenette-style train/ and val/ folders named by WordNet ids, noisy_imagenette.csv"),
              DataSet("IMAGENETTE", "imagenette2", "grader.chapters.ch7.imagenette_data:make_imagenette", {}),),
)
