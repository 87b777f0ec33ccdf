"""The generated bear images (exercise 8): deterministic, in the PASCAL layout, labels that match.

No fastai here: these tests stay fast.
"""

import csv
from collections import Counter

import numpy as np
import pytest
from PIL import Image

from grader.chapters.ch6.bears_data import BEAR_CLASSES, bear_kinds, bear_label_table, make_bears

N = 60


def tree_bytes(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def read_rows(root):
    with open(root / "labels.csv", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def bears(tmp_path_factory):
    return make_bears(tmp_path_factory.mktemp("bears"), seed=0, n=N)


def test_same_seed_same_bytes(bears, tmp_path):
    again = make_bears(tmp_path / "again", seed=0, n=N)
    assert tree_bytes(again) == tree_bytes(bears)


def test_other_seed_other_images_and_labels(bears, tmp_path):
    other = make_bears(tmp_path / "other", seed=1, n=N)
    assert (other / "labels.csv").read_bytes() != (bears / "labels.csv").read_bytes()
    mine, theirs = tree_bytes(bears), tree_bytes(other)
    assert sorted(mine) == sorted(theirs)  # same file names ...
    assert all(mine[name] != theirs[name] for name in mine if name.endswith(".jpg"))  # ... other pixels


def test_returns_dest_and_writes_the_pascal_columns(bears):
    header = (bears / "labels.csv").read_text().splitlines()[0]
    assert header == "fname,labels,is_valid"
    rows = read_rows(bears)
    assert len(rows) == N
    assert {row["is_valid"] for row in rows} == {"True", "False"}


def test_labels_are_sorted_kinds_and_empty_for_no_bear(bears):
    rows = read_rows(bears)
    for row in rows:
        labels = row["labels"].split(" ") if row["labels"] else []
        assert set(labels) <= set(BEAR_CLASSES)
        assert labels == sorted(set(labels))  # sorted, and two bears are always two different kinds
        assert row["labels"] == row["labels"].strip()
    lines = (bears / "labels.csv").read_text().splitlines()[1:]
    no_bear = [line for line in lines if line.split(",")[1] == ""]
    assert no_bear and all(",," in line for line in no_bear)  # a truly empty field, not "none" or "nan"


def test_a_third_each_of_none_one_and_two_with_balanced_kinds(bears):
    rows = read_rows(bears)
    counts = Counter(len(row["labels"].split()) for row in rows)
    assert counts == {0: N // 3, 1: N // 3, 2: N // 3}
    kinds = Counter(label for row in rows for label in row["labels"].split())
    assert set(kinds) == set(BEAR_CLASSES)
    assert max(kinds.values()) - min(kinds.values()) <= 2
    pairs = Counter(row["labels"] for row in rows if len(row["labels"].split()) == 2)
    assert len(pairs) == 3  # black+grizzly, black+teddy, grizzly+teddy all occur


def test_order_is_shuffled_from_the_seed():
    first, other = bear_kinds(seed=0, n=30), bear_kinds(seed=1, n=30)
    assert first != other and sorted(first) == sorted(other)
    assert [len(k) for k in first[:9]] != [0, 1, 2] * 3  # not the plain cycle


@pytest.mark.parametrize("valid_pct, expected", [(0.2, 60), (0.5, 150), (0.0, 0)])
def test_is_valid_share_follows_valid_pct(tmp_path, valid_pct, expected):
    from grader.chapters.ch6 import bears_data as module

    mask = module._valid_mask(300, valid_pct, seed=3)
    assert sum(mask) == expected
    root = make_bears(tmp_path, seed=3, n=12, valid_pct=valid_pct)
    valid = [row["is_valid"] == "True" for row in read_rows(root)]
    assert sum(valid) == round(12 * valid_pct)
    if valid_pct == 0.0:
        assert not any(valid)  # the hidden set: everything is for predicting


def test_every_fname_is_an_image_of_the_given_size(tmp_path):
    root = make_bears(tmp_path, seed=5, n=9, size=48)
    rows = read_rows(root)
    assert sorted(p.relative_to(root).as_posix() for p in (root / "images").iterdir()) == \
        sorted(row["fname"] for row in rows)
    for row in rows:
        assert row["fname"].startswith("images/") and row["fname"].endswith(".jpg")
        with Image.open(root / row["fname"]) as img:
            assert img.format == "JPEG" and img.mode == "RGB" and img.size == (48, 48)


def test_label_table_reads_back_the_csv(bears):
    table = bear_label_table(bears)
    rows = read_rows(bears)
    assert [t["fname"] for t in table] == [r["fname"] for r in rows]
    assert [t["labels"] for t in table] == [tuple(r["labels"].split()) for r in rows]
    assert [t["is_valid"] for t in table] == [r["is_valid"] == "True" for r in rows]
    assert all(t["path"].is_file() and t["path"] == bears / t["fname"] for t in table)


FUR = {"black": (28, 26, 30), "grizzly": (128, 84, 46), "teddy": (218, 176, 108)}


def fur_share(path, kind):
    pixels = np.asarray(Image.open(path).convert("RGB"), dtype=float)
    return float((np.linalg.norm(pixels - FUR[kind], axis=2) < 40).mean())


@pytest.mark.parametrize("kind", BEAR_CLASSES)
def test_the_labels_say_what_the_pixels_show(bears, kind):
    """Images labelled with a kind hold far more of its fur colour than images without it."""
    table = bear_label_table(bears)
    with_kind = [fur_share(t["path"], kind) for t in table if kind in t["labels"]]
    without = [fur_share(t["path"], kind) for t in table if kind not in t["labels"]]
    assert min(with_kind) > 0.003
    assert np.mean(with_kind) > 5 * np.mean(without) + 0.01
    no_bear = [fur_share(t["path"], kind) for t in table if not t["labels"]]
    assert np.median(no_bear) < 0.005  # backgrounds keep away from the fur colours


@pytest.mark.parametrize("kwargs", [{"n": 0}, {"valid_pct": 1.5}, {"valid_pct": -0.1}, {"size": 8}])
def test_bad_arguments_are_refused(tmp_path, kwargs):
    with pytest.raises(ValueError):
        make_bears(tmp_path, **kwargs)
