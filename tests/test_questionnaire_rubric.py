"""The questionnaire rubric: the packaged one is complete, and a malformed one says where it is wrong."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from grader.errors import ConfigError, UnknownChapterError
from grader.questionnaire import RubricError, grade_questionnaire, load_rubric

ROOT = Path(__file__).resolve().parent.parent
PACKAGED = ROOT / "grader" / "chapters" / "ch6" / "rubric.json"

QUESTIONS = {
    1: "How could multi-label classification improve the usability of the bear classifier?",
    2: "How do we encode the dependent variable in a multi-label classification problem?",
    3: "How do you access the rows and columns of a DataFrame as if it was a matrix?",
    4: "How do you get a column by name from a DataFrame?",
    5: "What is the difference between a Dataset and DataLoader?",
    6: "What does a Datasets object normally contain?",
    7: "What does a DataLoaders object normally contain?",
    8: "What does lambda do in Python?",
    9: "What are the methods to customize how the independent and dependent variables are created "
       "with the data block API?",
    10: "Why is softmax not an appropriate output activation function when using a one hot encoded "
        "target?",
    11: "Why is nll_loss not an appropriate loss function when using a one-hot-encoded target?",
    12: "What is the difference between nn.BCELoss and nn.BCEWithLogitsLoss?",
    13: "Why can't we use regular accuracy in a multi-label problem?",
    14: "When is it okay to tune a hyperparameter on the validation set?",
    15: "How is y_range implemented in fastai? (See if you can implement it yourself and test it "
        "without peeking!)",
    16: "What is a regression problem? What loss function should you use for such a problem?",
    17: "What do you need to do to make sure the fastai library applies the same data augmentation to "
        "your inputs images and your target point coordinates?",
}


def minimal() -> dict:
    """A small valid rubric to break in one place at a time."""
    return {
        "chapter": "demo",
        "questions": [
            {"number": 1, "question": "What does softmax do?", "model_answer": "It makes them sum to 1.",
             "concepts": [{"id": "sum_to_one", "concept": "outputs sum to 1", "points": 1,
                           "feedback": "Say what the outputs add up to.", "any": ["sum to 1"]}]},
            {"number": 2, "question": "Name the loss for regression.", "model_answer": "MSE.",
             "concepts": [{"id": "mse", "concept": "MSE", "points": 2, "feedback": "Name it.",
                           "any": ["mse", {"phrase": "squared error", "polarity": "affirmed"}]}]},
        ],
    }


def write(tmp_path: Path, data, name: str = "rubric.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def test_packaged_rubric_has_the_17_questions_verbatim():
    rubric = load_rubric("ch6")
    assert {n: q.question for n, q in rubric.questions.items()} == QUESTIONS


def test_every_question_has_concepts_feedback_and_a_model_answer():
    rubric = load_rubric()
    for number, q in rubric.questions.items():
        assert q.model_answer, number
        assert q.max_points > 0, number
        for concept in q.concepts:
            assert concept.points > 0 and concept.feedback and concept.concept, (number, concept.id)


def test_question_12_and_14_concepts_from_the_spec_and_the_book():
    rubric = load_rubric()
    ids_12 = {c.id for c in rubric.questions[12].concepts}
    assert ids_12 == {"bceloss_probabilities", "logits_sigmoid_inside"}
    assert {c.id for c in rubric.questions[14].concepts} == {"smooth_curve", "not_an_outlier"}


def test_load_rubric_accepts_a_path_and_a_string_path(tmp_path):
    path = write(tmp_path, minimal())
    for source in (path, str(path)):
        rubric = load_rubric(source)
        assert rubric.chapter == "demo"
        assert sorted(rubric.questions) == [1, 2]
        assert rubric.max_points == 3


def test_a_custom_rubric_grades_answers(tmp_path):
    rubric = load_rubric(write(tmp_path, minimal()))
    result = grade_questionnaire({1: "Its outputs sum to one.", 2: "I don't know"}, rubric=rubric)
    assert [q.points for q in result.questions] == [1.0, 0.0]
    assert result.max_points == 3


def test_toml_rubric(tmp_path):
    toml = """
chapter = "demo"
[[questions]]
number = 1
question = "What does softmax do?"
model_answer = "It makes them sum to 1."
[[questions.concepts]]
id = "sum_to_one"
concept = "outputs sum to 1"
points = 1
feedback = "Say what the outputs add up to."
any = ["sum to 1"]
"""
    rubric = load_rubric(write(tmp_path, toml, "rubric.toml"))
    assert rubric.questions[1].concepts[0].id == "sum_to_one"


def break_rubric(mutate) -> dict:
    data = copy.deepcopy(minimal())
    mutate(data)
    return data


def concept(data, q=1, c=0):
    return data["questions"][q - 1]["concepts"][c]


@pytest.mark.parametrize("mutate, where, problem", [
    (lambda d: concept(d, 2).update(points=-1),
     "questions[1] (question 2) > concepts[0] (mse) > points", "above 0"),
    (lambda d: concept(d, 2).update(points="two"),
     "questions[1] (question 2) > concepts[0] (mse) > points", "above 0"),
    (lambda d: concept(d).pop("feedback"),
     "questions[0] (question 1) > concepts[0] (sum_to_one)", "missing required field 'feedback'"),
    (lambda d: concept(d).update(feedback="  "),
     "questions[0] (question 1) > concepts[0] (sum_to_one) > feedback", "non-empty string"),
    (lambda d: concept(d, 2)["any"][1].update(polarity="sometimes"),
     "questions[1] (question 2) > concepts[0] (mse) > any[1]", "polarity must be one of"),
    (lambda d: concept(d).update({"any": ["sum to 1", {"regex": "([unclosed"}]}),
     "questions[0] (question 1) > concepts[0] (sum_to_one) > any[1]", "invalid regular expression"),
    (lambda d: concept(d).update({"any": ["... sum"]}),
     "questions[0] (question 1) > concepts[0] (sum_to_one) > any[0]", "'...' must stand between"),
    (lambda d: concept(d).update({"any": []}),
     "questions[0] (question 1) > concepts[0] (sum_to_one) > any", "must not be empty"),
    (lambda d: concept(d).update({"all": [["sum"]]}),
     "questions[0] (question 1) > concepts[0] (sum_to_one)", "exactly one of 'any'"),
    (lambda d: concept(d).update(scope="paragraph"),
     "questions[0] (question 1) > concepts[0] (sum_to_one) > scope", "must be one of"),
    (lambda d: concept(d).update(phrasings=["x"]),
     "questions[0] (question 1) > concepts[0] (sum_to_one) > phrasings", "unknown field"),
    (lambda d: concept(d).update(id="Sum To One"),
     "questions[0] (question 1) > concepts[0] > id", "lowercase identifier"),
    (lambda d: d["questions"][1].update(number=1),
     "questions[1] (question 1) > number", "appears twice"),
    (lambda d: d["questions"][0].update(number="one"),
     "questions[0] > number", "whole number"),
    (lambda d: d["questions"][0].pop("model_answer"),
     "questions[0]", "missing required field 'model_answer'"),
    (lambda d: d["questions"][0].update(concepts="sum to 1"),
     "questions[0] (question 1) > concepts", "must be a list"),
    (lambda d: d.update(aliases={"bce loss": ["binary cross entropy"]}),
     "aliases > 'bce loss'", "one word"),
    (lambda d: d.pop("questions"), "top level", "missing required field 'questions'"),
])
def test_malformed_rubric_names_where_the_bad_value_is(tmp_path, mutate, where, problem):
    path = write(tmp_path, break_rubric(mutate))
    with pytest.raises(RubricError) as info:
        load_rubric(path)
    error = info.value
    assert error.location == where
    assert problem in error.problem
    assert str(path) in str(error) and where in str(error)
    assert isinstance(error, ConfigError)


def test_invalid_json_gives_the_line(tmp_path):
    path = write(tmp_path, '{"chapter": "demo",\n "questions": [,]}')
    with pytest.raises(RubricError) as info:
        load_rubric(path)
    assert info.value.location.startswith("line 2")


def test_missing_rubric_file_and_unknown_chapter(tmp_path):
    with pytest.raises(RubricError, match="cannot read"):
        load_rubric(tmp_path / "nope.json")
    with pytest.raises(UnknownChapterError, match="ch99"):
        load_rubric("ch99")
    with pytest.raises(UnknownChapterError):
        grade_questionnaire({1: "x"}, chapter="ch99")


def test_packaged_file_is_valid_json_data_not_code():
    data = json.loads(PACKAGED.read_text())
    assert data["chapter"] == "ch6" and len(data["questions"]) == 17
