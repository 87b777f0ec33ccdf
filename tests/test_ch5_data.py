"""Chapter 5's data: generated pets in the Oxford-IIIT layout, where `untar_data(URLs.PETS)` finds them."""

import re

from fastdownload import FastDownload
from test_notebook_data import no_download, untar_data

from grader.data import fastai_cache
from grader.chapters.ch5.breeds import CAT_BREEDS, DOG_BREEDS
from grader.chapters.ch5.pets_data import TRAINING_BREEDS, make_pets, pet_names

PETS_URL = "https://s3.amazonaws.com/fast-ai-imageclas/oxford-iiit-pet.tgz"  # URLs.PETS


def test_layout_names_and_species(tmp_path):
    dest = make_pets(tmp_path / "pets", per_breed=3)
    files = sorted(p.name for p in (dest / "images").iterdir())
    assert len(files) == 3 * 37
    for name in files:
        breed = re.match(r"^(.+)_(\d+)\.jpg$", name).group(1)
        assert breed in CAT_BREEDS + DOG_BREEDS
        assert name[0].isupper() == (breed in CAT_BREEDS)
    assert "Maine_Coon" in {re.match(r"^(.+)_\d+\.jpg$", n).group(1) for n in files}


def test_same_seed_same_bytes_other_seed_other_numbers(tmp_path):
    a = make_pets(tmp_path / "a", seed=3, per_breed=2, breeds=TRAINING_BREEDS)
    b = make_pets(tmp_path / "b", seed=3, per_breed=2, breeds=TRAINING_BREEDS)
    for p in (a / "images").iterdir():
        assert (b / "images" / p.name).read_bytes() == p.read_bytes()
    assert pet_names(seed=3, per_breed=5) != pet_names(seed=4, per_breed=5)


def test_untar_data_finds_the_generated_pets(tmp_path, monkeypatch):
    monkeypatch.setattr(FastDownload, "download", no_download)
    made = fastai_cache.populate(tmp_path / "fastai", skip={"bears"})
    pets = untar_data(PETS_URL, tmp_path / "fastai")
    assert pets == made["PETS"]
    assert len(list((pets / "images").glob("*.jpg"))) == 37 * fastai_cache.datasets()["PETS"].kwargs["per_breed"]


def test_grader_data_pets(tmp_path, capsys):
    from grader.commands.data import main

    assert main(kind="pets", dest=tmp_path / "p", n=2) == 0
    assert len(list((tmp_path / "p" / "images").glob("*.jpg"))) == 74
    assert "wrote 74 files" in capsys.readouterr().out
