"""Chapter 7's generated Imagenette: deterministic, in the real layout, where `untar_data` finds it,
and a hidden set the training set does not contain."""

import csv
import hashlib

import pytest
from fastdownload import FastDownload

from grader.data import fastai_cache
from grader.chapters.ch7 import imagenette
from grader.chapters.ch7.imagenette_data import CLASSES, FOLDER, WNIDS, make_hidden_set, make_imagenette

IMAGENETTE_160_URL = "https://s3.amazonaws.com/fast-ai-imageclas/imagenette2-160.tgz"  # URLs.IMAGENETTE_160
IMAGENETTE_URL = "https://s3.amazonaws.com/fast-ai-imageclas/imagenette2.tgz"  # URLs.IMAGENETTE (the book's)


def _digest(root):
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(root)).encode() + p.read_bytes())
    return h.hexdigest()


def test_layout_wordnet_folders_and_csv(tmp_path):
    root = make_imagenette(tmp_path / "i", n=3, valid=2)
    assert sorted(p.name for p in (root / "train").iterdir()) == sorted(CLASSES) == list(WNIDS)
    assert all(len(list((root / "train" / w).glob("*.JPEG"))) == 3 for w in WNIDS)
    assert all(len(list((root / "val" / w).glob("*.JPEG"))) == 2 for w in WNIDS)
    rows = list(csv.DictReader(open(root / "noisy_imagenette.csv")))
    assert len(rows) == 50 and all((root / r["path"]).is_file() for r in rows)
    assert all(r["noisy_labels_0"] == r["path"].split("/")[1] for r in rows)
    assert {r["is_valid"] for r in rows} == {"True", "False"}


def test_same_seed_same_bytes_other_seed_other_images(tmp_path):
    a, b = make_imagenette(tmp_path / "a", n=2, valid=1), make_imagenette(tmp_path / "b", n=2, valid=1)
    c = make_imagenette(tmp_path / "c", n=2, valid=1, seed=1)
    assert _digest(a) == _digest(b) != _digest(c)


def test_hidden_set_is_shuffled_balanced_and_new(tmp_path):
    train = make_imagenette(tmp_path / "t", n=4, valid=1)
    hidden = make_hidden_set(tmp_path / "h", seed=12345, per_class=3)
    assert len(hidden) == 30 and sorted(w for _, w in hidden) == sorted(list(WNIDS) * 3)
    assert [w for _, w in hidden] != sorted(w for _, w in hidden)  # not in class order
    assert all(p.name.startswith("hidden_") for p, _ in hidden)
    seen = {p.read_bytes() for p in train.rglob("*.JPEG")}
    assert not any(p.read_bytes() in seen for p, _ in hidden)


def test_score_is_computed_from_predictions_alone():
    import torch

    truth = [w for w in WNIDS for _ in range(2)]
    perfect = torch.eye(10).repeat_interleave(2, dim=0)
    vocab = list(reversed(WNIDS))  # the learner's column order is honoured
    f = imagenette.score(perfect.flip(1), vocab, truth)
    assert f.accuracy == 1.0 and f.baseline == pytest.approx(0.1)
    constant = imagenette.score(torch.zeros(20, 10), list(WNIDS), truth)
    assert constant.accuracy == pytest.approx(0.1)


def test_untar_data_finds_the_generated_imagenette(tmp_path, monkeypatch):
    from fastcore.xtras import Config

    def no_download(*args, **kwargs):
        raise AssertionError("untar_data tried to download")

    monkeypatch.setattr(FastDownload, "download", no_download)
    made = fastai_cache.populate(tmp_path / "fastai")
    cfg = Config(tmp_path / "fastai", "config.ini", create=dict(data="data", archive="archive",
                                                               storage="tmp", model="models"))
    path = FastDownload(cfg, base=str(tmp_path / "fastai")).get(IMAGENETTE_160_URL)
    assert path == made["IMAGENETTE_160"] and path.name == FOLDER
    assert (path / "train" / WNIDS[0]).is_dir() and (path / "val" / WNIDS[-1]).is_dir()
    book = FastDownload(cfg, base=str(tmp_path / "fastai")).get(IMAGENETTE_URL)
    assert book == made["IMAGENETTE"] and (book / "train" / WNIDS[0]).is_dir()


def test_grader_data_imagenette_writes_the_tree(tmp_path, capsys):
    from grader.commands import data

    assert data.main(kind="imagenette", dest=tmp_path / "out", n=2) == 0
    assert len(list((tmp_path / "out" / "train").rglob("*.JPEG"))) == 20
    assert "wrote" in capsys.readouterr().out
