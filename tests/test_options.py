"""`GradingOptions`: one frozen object, validated where it is built, serialised once."""

from __future__ import annotations

import argparse
import dataclasses

import pytest

from grader.commands import batch, check
from grader.errors import UsageError
from grader.options import GradingOptions
from grader.worker.limits import Limits


def test_aliases_resolve_and_the_dict_round_trips():
    options = GradingOptions.build(chapter="ch6", skip=["bear"], only=["bce,sigmoid_range"],
                                   limits=Limits(timeout=3.0), training_budget=30)
    assert options.skip == {"train_bear_classifier"}
    assert options.only == {"binary_cross_entropy", "sigmoid_range"}
    assert options.option("training_budget") == 30.0
    assert GradingOptions.from_dict({**options.to_dict(), "max_time": 5}) == options
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.timing = False


def test_the_default_chapter_and_its_option_defaults():
    options = GradingOptions()
    assert options.chapter == "ch6" and options.option("training_budget") == 600.0


@pytest.mark.parametrize("kwargs, message", [
    ({"training_budget": 0}, "--training-budget must be a positive"),
    ({"cell_timeout": -1}, "--cell-timeout must be a positive"),
    ({"data": "downloaded"}, "--data must be one of"),
    ({"only": ["nope"]}, "--only: no exercise named 'nope'"),
    ({"limits": Limits(timeout=0)}, "timeout must be a positive"),
    ({"no_such_option": 1}, "ch6 has no option no_such_option"),
])
def test_bad_values_are_usage_errors_naming_the_option(kwargs, message):
    with pytest.raises(UsageError, match=message):
        GradingOptions.build(**kwargs)


def test_commands_build_the_same_object_from_their_arguments():
    def parsed(module, argv):
        parser = argparse.ArgumentParser()
        module.add_arguments(parser)
        return parser.parse_args(argv)

    from grader.commands._options import grading_options

    args = parsed(check, ["ch6", "--skip", "bear", "--bear-budget", "9", "--no-timing"])
    one = grading_options(args, args.chapter)
    args = parsed(batch, ["subs", "--chapter", "ch6", "--skip", "bear", "--training-budget", "9",
                          "--no-timing"])
    other = grading_options(args, args.chapter)
    assert one == other and one.option("training_budget") == 9.0 and not one.timing


def test_batch_hide_model_answers_is_an_option_not_an_environment_variable(monkeypatch):
    seen = {}
    monkeypatch.setattr(batch, "main", lambda subs, options, **kw: seen.setdefault("o", options) and 0)
    parser = argparse.ArgumentParser()
    batch.add_arguments(parser)
    batch.run(parser.parse_args(["subs", "--hide-model-answers"]))
    assert seen["o"].grading.hide_model_answers is True
    assert "GRADER_HIDE_MODEL_ANSWERS" not in __import__("os").environ
