"""Exercise 1: the breed from a file name with a regular expression, and the species from its capital."""

import random

import pytest

from grader.suite.feedback import Feedback
from grader.suite.render import render, type_name
from grader.chapters.ch5.breeds import CAT_BREEDS, DOG_BREEDS
from grader.chapters.ch5.misconceptions import LABEL, LABEL_FINDALL, SPECIES, SPECIES_BOOL


def names(seed: int, breeds, k: int) -> list[tuple[str, str]]:
    """(file name, breed) pairs in the Oxford-IIIT layout, image numbers drawn from `seed`."""
    rng = random.Random(seed)
    return [(f"{b}_{rng.randint(1, 250)}.jpg", b) for b in rng.sample(list(breeds), k)]


CASES = {
    "one-word cat breeds": names(1, [b for b in CAT_BREEDS if "_" not in b], 3),
    "one-word dog breeds": names(2, [b for b in DOG_BREEDS if "_" not in b], 3),
    "breeds with underscores": [("Maine_Coon_157.jpg", "Maine_Coon"), ("great_pyrenees_12.jpg", "great_pyrenees"),
                                ("american_pit_bull_terrier_3.jpg", "american_pit_bull_terrier"),
                                ("British_Shorthair_201.jpg", "British_Shorthair")],
    "every breed": names(3, CAT_BREEDS + DOG_BREEDS, len(CAT_BREEDS + DOG_BREEDS)),
}


def diagnose_all(got: list, misconceptions, fnames: list[str]):
    """The one misconception whose outputs on every name of the case equal the learner's."""
    matches = []
    for m in misconceptions:
        try:
            wrong = [m.compute(f) for f in fnames]
        except Exception:
            continue
        if wrong == got:
            matches.append(m)
    return matches[0] if len(matches) == 1 else None


def check_all(learner, name: str, cases: list[tuple[str, str]], misconceptions, wrong_type) -> None:
    """Call `name` on every file name of the case; every answer must be the expected str."""
    got = []
    for fname, expected in cases:
        value = learner.call(name, fname)
        wrong_type(value, fname, expected)
        if type(value) is not str:
            raise Feedback(f"`{name}({fname!r})` returned a {type_name(value)}, not a str",
                           got=render(value), expected=repr(expected))
        got.append(value)
    wrong = [(f, g, e) for (f, e), g in zip(cases, got) if g != e]
    if wrong:
        fname, value, expected = wrong[0]
        found = diagnose_all(got, misconceptions, [f for f, _ in cases])
        raise Feedback(f"`{name}({fname!r})` returned {value!r} ({len(wrong)} of {len(cases)} names wrong)",
                       expected=repr(expected), got=repr(value),
                       hint=found.hint if found else None, fix=found.fix if found else None,
                       misconception=found.id if found else None)


def label_type(value, fname, expected):
    if isinstance(value, list) and value == [expected]:
        raise Feedback(f"`label_from_name({fname!r})` returned a list", hint=LABEL_FINDALL.hint, fix=LABEL_FINDALL.fix,
                       misconception=LABEL_FINDALL.id, got=render(value), expected=repr(expected))


def species_type(value, fname, expected):
    if isinstance(value, bool):
        raise Feedback(f"`species({fname!r})` returned {value!r}", hint=SPECIES_BOOL.hint,
                       misconception=SPECIES_BOOL.id, expected=repr(expected))


@pytest.mark.exercise("label_from_name")
@pytest.mark.points(1)
@pytest.mark.parametrize("case", list(CASES))
def test_label_from_name(learner, case):
    """Returns the breed written in the file name"""
    check_all(learner, "label_from_name", CASES[case], LABEL, label_type)


def mixed(seed: int, k: int) -> list[tuple[str, str]]:
    cats, dogs = names(seed, CAT_BREEDS, k), names(seed + 1, DOG_BREEDS, k)
    pairs = [(f, "cat") for f, _ in cats] + [(f, "dog") for f, _ in dogs]
    random.Random(seed).shuffle(pairs)
    return pairs


SPECIES_CASES = {
    "three cats, three dogs": mixed(4, 3),
    "two-word breeds": [("Maine_Coon_157.jpg", "cat"), ("great_pyrenees_12.jpg", "dog"),
                        ("Russian_Blue_9.jpg", "cat"), ("shiba_inu_201.jpg", "dog")],
    "every breed": mixed(6, 12),
}


@pytest.mark.exercise("species")
@pytest.mark.points(1)
@pytest.mark.parametrize("case", list(SPECIES_CASES))
def test_species(learner, case):
    """Says 'cat' for capitalised breeds and 'dog' for lower-case ones"""
    check_all(learner, "species", SPECIES_CASES[case], SPECIES, species_type)
