"""The fastai data folder: `untar_data` finds the generated data sets without downloading anything."""

import configparser
import os

import pytest
from fastcore.xtras import Config
from fastdownload import FastDownload

from grader.data import fastai_cache
from grader.notebook import kernel as kernel_module
from grader.notebook import kernel_home

PASCAL_URL = "https://s3.amazonaws.com/fast-ai-imagelocal/pascal_2007.tgz"  # URLs.PASCAL_2007
BIWI_URL = "https://s3.amazonaws.com/fast-ai-imagelocal/biwi_head_pose.tgz"  # URLs.BIWI_HEAD_POSE


def untar_data(url: str, home) -> "os.PathLike":
    """What fastai's `untar_data(url)` does with FASTAI_HOME=home (fastai.data.external, without
    importing fastai): FastDownload with fastai's config, extracting into its `data` folder."""
    cfg = Config(home, "config.ini", create=dict(data="data", archive="archive", storage="tmp",
                                                 model="models"))
    return FastDownload(cfg, base=str(home)).get(url)


def no_download(*args, **kwargs):
    raise AssertionError("untar_data tried to download")


@pytest.fixture
def offline(monkeypatch):
    monkeypatch.setattr(FastDownload, "download", no_download)


def test_populate_puts_each_data_set_where_untar_data_looks(tmp_path, offline):
    made = fastai_cache.populate(tmp_path / "fastai")
    pascal = untar_data(PASCAL_URL, tmp_path / "fastai")
    biwi = untar_data(BIWI_URL, tmp_path / "fastai")
    assert pascal == made["PASCAL_2007"] and biwi == made["BIWI_HEAD_POSE"]
    assert (pascal / "train.csv").is_file() and any((pascal / "train").glob("*.jpg"))
    assert (biwi / "01" / "rgb.cal").is_file() and any((biwi / "13").glob("frame_*_rgb.jpg"))
    assert "bears" in made and (made["bears"] / "labels.csv").is_file()


def test_every_pascal_class_is_in_the_training_rows(tmp_path):
    import pandas as pd

    df = pd.read_csv(fastai_cache.populate(tmp_path, skip={"bears"})["PASCAL_2007"] / "train.csv")
    train = {label for labels in df[~df["is_valid"]]["labels"] for label in labels.split()}
    valid = {label for labels in df[df["is_valid"]]["labels"] for label in labels.split()}
    assert valid <= train  # otherwise MultiCategoryBlock fails on the validation set


def test_copies_come_from_one_cache(tmp_path, monkeypatch, offline):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first = fastai_cache.copy_generated(tmp_path / "a")
    second = fastai_cache.copy_generated(tmp_path / "b")
    csv = "train.csv"
    assert (first["PASCAL_2007"] / csv).read_bytes() == (second["PASCAL_2007"] / csv).read_bytes()
    assert len(list((tmp_path / "cache" / "fastbook-grader").iterdir())) == 1
    assert untar_data(BIWI_URL, tmp_path / "b") == second["BIWI_HEAD_POSE"]


def test_use_offline_data_points_fastai_at_the_generated_copies(tmp_path, monkeypatch, offline):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("FASTAI_HOME", str(tmp_path / "empty"))
    home = fastai_cache.use_offline_data(verbose=False)
    assert os.environ["FASTAI_HOME"] == str(home) != str(tmp_path / "empty")
    assert (untar_data(PASCAL_URL, home) / "train.csv").is_file()


def test_use_offline_data_keeps_real_data_when_it_is_cached(tmp_path, monkeypatch):
    real = tmp_path / "real"
    for folder in [d.folder for d in fastai_cache.real_datasets().values()]:
        (real / "data" / folder).mkdir(parents=True)
    monkeypatch.setenv("FASTAI_HOME", str(real))
    assert fastai_cache.use_offline_data(verbose=False) == real.absolute()
    assert os.environ["FASTAI_HOME"] == str(real)


def test_data_real_uses_the_users_cache_read_only_and_says_what_is_missing(tmp_path, monkeypatch, offline):
    real = tmp_path / "real"
    (real / "data" / "pascal_2007").mkdir(parents=True)
    monkeypatch.setenv("FASTAI_HOME", str(real))
    readable, notes = kernel_home.point_at_real_data(tmp_path / "private")
    assert readable == [(real / "data").resolve()]
    config = configparser.ConfigParser()
    config.read(tmp_path / "private" / "config.ini")
    assert config["DEFAULT"]["data"] == str((real / "data").absolute())
    assert untar_data(PASCAL_URL, tmp_path / "private") == real / "data" / "pascal_2007"
    assert len(notes) == 1 and "BIWI_HEAD_POSE is not in your fastai cache" in notes[0]


def test_unknown_data_choice_is_a_usage_error():
    from grader.errors import UsageError

    with pytest.raises(UsageError, match="--data must be one of generated, real"):
        kernel_module.start_kernel(data="downloaded")


def test_cached_weights_are_linked_into_a_private_writable_torch_cache(tmp_path, monkeypatch):
    real = tmp_path / "torch-real"
    (real / "hub" / "checkpoints").mkdir(parents=True)
    weights = real / "hub" / "checkpoints" / "resnet18-f37072fd.pth"
    weights.write_bytes(b"weights")
    weights.chmod(0o600)
    (real / "hub" / "checkpoints" / "resnet50.pth.partial").write_bytes(b"half")
    monkeypatch.setenv("TORCH_HOME", str(real))
    private, readable = kernel_home.private_torch_home(tmp_path / "kernel")
    link = private / "hub" / "checkpoints" / "resnet18-f37072fd.pth"
    assert link.is_symlink() and link.read_bytes() == b"weights"
    assert not (private / "hub" / "checkpoints" / "resnet50.pth.partial").exists()
    assert readable == [(real / "hub" / "checkpoints").resolve()]
    assert weights.stat().st_mode & 0o777 == 0o600  # the user's own file is not opened up
    assert (private / "hub" / "checkpoints").stat().st_mode & 0o777 == 0o777
