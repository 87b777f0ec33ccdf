"""Generated data: deterministic, fast, and readable by the book's own parsing calls."""

import numpy as np
import pandas as pd

from grader.chapters.ch6.biwi_data import intrinsics, make_biwi, project
from grader.chapters.ch6.pascal_data import CLASSES, make_pascal


def tree_bytes(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_pascal_is_deterministic(tmp_path):
    a = make_pascal(tmp_path / "a", seed=3)
    b = make_pascal(tmp_path / "b", seed=3)
    c = make_pascal(tmp_path / "c", seed=4)
    assert tree_bytes(a) == tree_bytes(b)
    assert (a / "train.csv").read_bytes() != (c / "train.csv").read_bytes()


def test_pascal_layout(tmp_path):
    root = make_pascal(tmp_path, n=40)
    df = pd.read_csv(root / "train.csv")
    assert list(df.columns) == ["fname", "labels", "is_valid"] and len(df) == 40
    assert df["is_valid"].dtype == bool and df["is_valid"].any() and (~df["is_valid"]).any()
    assert all(set(labels.split(" ")) <= set(CLASSES) for labels in df["labels"])
    assert all((root / "train" / f).is_file() for f in df["fname"])


def test_biwi_parses_with_the_books_calls(tmp_path):
    root = make_biwi(tmp_path, people=("01", "13"), frames=3)
    cal = np.genfromtxt(root / "13" / "rgb.cal", skip_footer=6)
    assert np.allclose(cal, intrinsics("13"))
    pose = sorted((root / "01").glob("*_pose.txt"))[0]
    ctr = np.genfromtxt(pose, skip_header=3)
    assert ctr.shape == (3,) and 600 < ctr[2] < 1200
    assert pose.with_name(pose.name.replace("_pose.txt", "_rgb.jpg")).is_file()
    c1, c2 = project(ctr, cal)
    assert 0 < c1 < 640 and 0 < c2 < 480


def test_biwi_is_deterministic(tmp_path):
    assert tree_bytes(make_biwi(tmp_path / "a")) == tree_bytes(make_biwi(tmp_path / "b"))
