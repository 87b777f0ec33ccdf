"""Grading suite for chapter 6. Test files run in the trusted process; learner code only in the worker.

Everything of the chapter lives in this package: its suite (`test_*.py`, `suite.ini`), misconceptions,
data generators (`*_data.py`), worker operations (`ops/`), questionnaire rubric (`rubric.json`) and its
registration below (`CHAPTER`, found by `grader.chapters.registry`).
"""

from dataclasses import replace

from grader.chapters.registry import TRAINING_BUDGET, Chapter, DataSet, Exercise

CHAPTER = Chapter(
    package=__name__,
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
    options=(replace(TRAINING_BUDGET, flags=(*TRAINING_BUDGET.flags, "--bear-budget")),),
    default=True,
    datasets=(DataSet("PASCAL_2007", "pascal_2007", "grader.chapters.ch6.pascal_data:make_pascal",
                      {"images": True, "n": 100}, kind="pascal", real=True,
                      about="PASCAL 2007-style train.csv (fname, labels, is_valid) and train/*.jpg"),
              DataSet("BIWI_HEAD_POSE", "biwi_head_pose", "grader.chapters.ch6.biwi_data:make_biwi",
                      {"images": True, "frames": 33}, kind="biwi", real=True, count="frames",
                      about="BIWI head-pose tree: NN/frame_XXXXX_rgb.jpg, _pose.txt and rgb.cal"),
              DataSet("bears", "bears", "grader.chapters.ch6.bears_data:make_bears", {}, kind="bears",
                      about="bear images (black, grizzly, teddy; none or two per image) and labels.csv")),
)
