"""Exercise 7 (pet-breed classifier): the reference trains within the budget and passes on hidden
images; a model that did not learn earns nothing; asking for pretrained weights gets its hint."""

import pytest
from conftest import ROOT
from misconception_cases import submission_with

from grader.grading import grade

pytestmark = pytest.mark.slow
SOLUTION5 = ROOT / "solutions" / "ch5.py"
NAME = "train_pet_classifier"


def test_reference_passes_on_hidden_pets(zygote):
    result = grade(SOLUTION5, chapter="ch5", only={NAME}, zygote=zygote)
    exercise = result.exercises[0]
    assert exercise.points == exercise.max_points == 6, [(t.name, t.message) for t in exercise.tests]
    figures = {f["label"]: f["value"] for f in exercise.tests[0].details["figures"]}
    assert figures["breed accuracy (top-1)"] >= 0.9 and figures["species right (cat or dog)"] >= 0.95


def test_untrained_model_earns_nothing(grade_source):
    source = submission_with("""
def train_pet_classifier(path):
    from grader.chapters.ch5.pet_reference import train_pet_classifier as reference
    return reference(path, epochs=0)
""", SOLUTION5.read_text())
    result = grade_source(source, chapter="ch5", only={NAME}, skip=set())
    tests = result.exercises[0].tests
    assert all(t.points == 0 for t in tests)
    assert tests[0].misconception == "did_not_learn"


def test_pretrained_weights_get_their_hint(grade_source):
    source = submission_with("""
def train_pet_classifier(path):
    from fastai.vision.all import vision_learner
    from grader.chapters.ch5.pet_reference import pet_cnn, pet_dataloaders
    return vision_learner(pet_dataloaders(path), pet_cnn, pretrained=True)
""", SOLUTION5.read_text())
    result = grade_source(source, chapter="ch5", only={NAME}, skip=set())
    tests = result.exercises[0].tests
    assert all(t.points == 0 for t in tests) and "pretrained=False" in tests[0].hint
