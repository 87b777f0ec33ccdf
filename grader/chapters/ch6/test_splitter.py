"""Exercise 4: a splitter for the PASCAL 2007 DataFrame, by its `is_valid` column."""

import pandas as pd
import pytest

from grader.suite.checks import is_tensor
from grader.suite.feedback import Feedback
from grader.suite.learner import fault_feedback
from grader.suite.render import render, type_name
from grader.chapters.ch6.misconceptions import SPLIT_MASKS, SPLIT_RANDOM, SPLIT_SWAPPED

pytestmark = pytest.mark.exercise("splitter")
NAME = "splitter"


def frame(grading, **kwargs) -> pd.DataFrame:
    """The PASCAL table, read from a copy beside the worker's folder, where learner code cannot
    change it (files in the worker's own folder can be, so nothing is read back from there)."""
    from grader.chapters.ch6.pascal_data import make_pascal

    name = "trusted-pascal-" + "-".join(f"{k}{v}" for k, v in sorted(kwargs.items()))
    twin = grading.workdir.parent / name
    if not twin.exists():
        make_pascal(twin, images=False, **kwargs)
    return pd.read_csv(twin / "train.csv")


def reference(df):
    return sorted(df.index[~df["is_valid"]].tolist()), sorted(df.index[df["is_valid"]].tolist())


def as_indices(got, n_rows: int) -> tuple[list[int], list[int]]:
    """The learner's two collections as sorted lists of ints, or Feedback saying what is wrong."""
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        raise Feedback(f"`{NAME}` must return two collections (train, valid); it returned "
                       f"{type_name(got)}", got=render(got))
    out = []
    for part in got:
        values = part.tolist() if hasattr(part, "tolist") else part
        if not isinstance(values, list):
            raise Feedback(f"`{NAME}` returned a {type_name(part)} inside its result; return lists, "
                           "arrays or tensors of row indices", got=render(part))
        if values and all(isinstance(v, bool) for v in values) or (
                is_tensor(part) and str(part.dtype) == "torch.bool"):
            raise Feedback(f"`{NAME}` returned boolean masks", hint=SPLIT_MASKS.hint,
                           misconception=SPLIT_MASKS.id, fix=SPLIT_MASKS.fix, got=render(part))
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            raise Feedback(f"`{NAME}` must return integer row indices", got=render(part))
        out.append(sorted(values))
    if len(out[0]) + len(out[1]) == 2 * n_rows and set(out[0]) <= {0, 1} and set(out[1]) <= {0, 1}:
        raise Feedback(f"`{NAME}` returned 0/1 masks", hint=SPLIT_MASKS.hint, misconception=SPLIT_MASKS.id,
                       fix=SPLIT_MASKS.fix)
    return out[0], out[1]


def check_split(learner, df):
    got = learner.call(NAME, df)
    train, valid = as_indices(got, len(df))
    expected = reference(df)
    if (train, valid) == expected:
        return
    if (valid, train) == expected:
        raise Feedback(f"`{NAME}` returned (valid, train)", hint=SPLIT_SWAPPED.hint,
                       misconception=SPLIT_SWAPPED.id)
    every_row_once = sorted(train + valid) == list(range(len(df)))
    # a split of every row that ignores `is_valid` is a random split; empty or partial ones are not
    m = SPLIT_RANDOM if every_row_once and train and valid else None
    raise Feedback(f"`{NAME}`'s split does not follow `is_valid`",
                   expected=f"{len(expected[0])} training rows, {len(expected[1])} validation rows",
                   got=f"{len(train)} training rows, {len(valid)} validation rows",
                   hint=m.hint if m else None, misconception=m.id if m else None)


@pytest.mark.points(3)
def test_split_follows_is_valid(learner, grading):
    """Training rows are those with is_valid False, validation rows those with True"""
    check_split(learner, frame(grading))


@pytest.mark.points(1)
def test_another_dataframe(learner, grading):
    """Works on another DataFrame (different rows and proportions)"""
    check_split(learner, frame(grading, seed=7, n=25, valid_pct=0.7))


@pytest.mark.property
@pytest.mark.points(1)
def test_every_row_once(learner, grading):
    """Every row lands in exactly one of the two sets"""
    df = frame(grading)
    train, valid = as_indices(learner.call(NAME, df), len(df))
    if set(train) & set(valid) or sorted(train + valid) != list(range(len(df))):
        raise Feedback("some rows are in both sets, in neither, or repeated",
                       got=f"{len(train)} + {len(valid)} indices for {len(df)} rows")


@pytest.mark.feedback_only
def test_dataframe_unchanged(learner, grading):
    """Leaves the DataFrame unchanged (reported by your own process: feedback only)"""
    df = frame(grading)
    out = learner.outcome(NAME, df, return_args=True)
    if out.fault is not None:
        raise fault_feedback(NAME, out.fault)
    after = out.args_after[0]
    if not isinstance(after, pd.DataFrame) or not after.equals(df):
        raise Feedback(f"`{NAME}` changed the DataFrame it was given",
                       hint="Do not add, drop or modify columns of `df`: only read `df['is_valid']`.",
                       misconception="modifies_inputs")
