"""Grading suite for chapter 5 (pet breeds). Test files run in the trusted process; learner code only in the worker.

Everything of the chapter lives in this package: its suite (`test_*.py`, `suite.ini`), misconceptions,
data generators (`*_data.py`), worker operations (`ops/`), questionnaire rubric (`rubric.json`) and its
registration below (`CHAPTER`, found by `grader.chapters.registry`).
"""

from grader.chapters.registry import TRAINING_BUDGET, Chapter, DataSet, Exercise

CHAPTER = Chapter(
    package=__name__,
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
    datasets=(DataSet("PETS", "oxford-iiit-pet", "grader.chapters.ch5.pets_data:make_pets",
                      {"per_breed": 8}, kind="pets", count="per_breed", count_max=250,
                      about="Oxford-IIIT Pet layout: images/<breed>_<number>.jpg for the 37 breeds (--n: images per breed)"),),
)
