"""A fastai data folder holding the grader's generated data sets where `untar_data` looks for them.

fastai's `untar_data(url)` reads `$FASTAI_HOME/config.ini` (default `~/.fastai`), whose `data` key
(default `data`, relative to that folder) is where archives are extracted; the folder for a URL is
named after the archive without `.tgz` (`.../imagelocal/pascal_2007.tgz` -> `data/pascal_2007`).
When that folder exists, `untar_data` returns it without downloading anything (fastdownload's
`FastDownload.get`). So pointing `FASTAI_HOME` at a folder made by `populate` lets a notebook copied
from the book run unchanged, offline:

    path = untar_data(URLs.PASCAL_2007)     # -> <home>/data/pascal_2007 (train.csv, train/*.jpg)
    path = untar_data(URLs.BIWI_HEAD_POSE)  # -> <home>/data/biwi_head_pose (NN/frame_*_rgb.jpg ...)

`real_data_status()` says whether a user's own fastai cache already holds the real data sets
(`grader check --data real`), and `use_offline_data()` is the first cell of the chapter notebooks:
real data when it is cached, the generated copies otherwise.
"""

from __future__ import annotations

import configparser
import os
import shutil
import tempfile
from pathlib import Path

import grader

DATASETS = {"PASCAL_2007": "pascal_2007", "BIWI_HEAD_POSE": "biwi_head_pose"}
"""fastai `URLs` attribute -> the folder `untar_data` extracts it to (under the config's data dir)."""
CONFIG = {"data": "data", "archive": "archive", "storage": "tmp", "model": "models"}
"""fastai's default `config.ini` keys (what `fastai_cfg()` would create)."""
CHAPTER_DATASETS = {"IMAGENETTE_160": "imagenette2-160", "IMAGENETTE": "imagenette2"}
"""Chapters' own generated data sets (`URLs` attribute -> folder), made by their chapter packages
(`grader.suites.ch7.imagenette_data`; the book's chapter 7 reads `URLs.IMAGENETTE`, the exercises
`URLs.IMAGENETTE_160`: the same generated images in both). Not part of `real_data_status`: a cache holding the real
chapter 6 data sets stays "real" without them."""
BEARS = "bears"
"""Folder (under the data dir) of the generated bear images, for the multi-label bear exercise."""
PASCAL_ROWS = 100
"""Rows of the generated PASCAL `train.csv`: every class appears among the training rows, and there
are more training rows than fastai's default batch size (64), so the book's `dataloaders(df)` has
a batch to show."""
BIWI_FRAMES = 33
"""Frames per person of the generated BIWI tree (3 people): 66 training images, more than a batch."""
_DONE = ".grader-generated"


def populate(fastai_home: Path, *, bears: bool = True) -> dict[str, Path]:
    """Write `config.ini` and the generated data sets into `fastai_home`; returns name -> folder.

    Names are the `URLs` attributes (`PASCAL_2007`, `BIWI_HEAD_POSE`) plus `bears` when the bear
    generator is available. Existing data folders are replaced, so the result is always the
    generator's output.
    """
    from grader.data.biwi import make_biwi
    from grader.data.pascal import make_pascal

    home = Path(fastai_home).expanduser().absolute()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "config.ini"
    if not config.exists():
        parser = configparser.ConfigParser()
        parser["DEFAULT"] = CONFIG
        with config.open("w") as handle:
            parser.write(handle)
    data = data_dir(home)
    (home / _config(home).get("archive", "archive")).mkdir(parents=True, exist_ok=True)
    made = {}
    for name, folder in DATASETS.items():
        dest = data / folder
        if dest.exists():
            shutil.rmtree(dest)
        if name == "PASCAL_2007":  # enough rows that every class is in the training set
            made[name] = make_pascal(dest, images=True, n=PASCAL_ROWS)
        else:
            made[name] = make_biwi(dest, images=True, frames=BIWI_FRAMES)
    if bears:
        try:
            from grader.data.bears import make_bears
        except ImportError:
            make_bears = None
        if make_bears is not None:
            dest = data / BEARS
            if dest.exists():
                shutil.rmtree(dest)
            made[BEARS] = make_bears(dest)
    for name, folder in CHAPTER_DATASETS.items():
        dest = data / folder
        if dest.exists():
            shutil.rmtree(dest)
        made[name] = _chapter_generator(name)(dest)
    (home / _DONE).write_text(grader.__version__)
    return made


def _chapter_generator(name: str):
    """The function that writes a chapter's data set (imported when needed)."""
    from grader.suites.ch7.imagenette_data import make_imagenette

    return {"IMAGENETTE_160": make_imagenette, "IMAGENETTE": make_imagenette}[name]


def data_dir(fastai_home: Path) -> Path:
    """The folder `untar_data` extracts into for this fastai home (its config's `data` key)."""
    home = Path(fastai_home).expanduser().absolute()
    return home / _config(home).get("data", "data")


def default_home() -> Path:
    """The fastai home fastai itself would use: `$FASTAI_HOME`, else `~/.fastai`."""
    return Path(os.environ.get("FASTAI_HOME", "~/.fastai")).expanduser().absolute()


def real_data_status(fastai_home: Path | None = None) -> dict[str, Path | None]:
    """For each data set, its folder in a user's fastai cache, or None when it is not there."""
    home = Path(fastai_home) if fastai_home else default_home()
    data = data_dir(home)
    return {name: (data / folder if (data / folder).is_dir() else None)
            for name, folder in DATASETS.items()}


def generated_home() -> Path:
    """A per-user folder with the generated data sets, made once per version of the generators."""
    cache = Path(os.environ.get("XDG_CACHE_HOME", "~/.cache")).expanduser()
    home = cache / "fastbook-grader" / f"fastai-{grader.__version__}-{_DIGEST}"
    if (home / _DONE).is_file():
        return home
    home.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".fastai-", dir=home.parent))
    populate(scratch)
    try:
        scratch.rename(home)
    except OSError:  # made meanwhile by another process: keep theirs
        shutil.rmtree(scratch, ignore_errors=True)
    return home


def _generators_digest() -> str:
    """A short hash of the generators' source, so a changed generator never serves stale files.

    Taken once, at import: it must describe the code this process runs, not a later edit of it.
    """
    import hashlib

    digest = hashlib.sha256(f"{PASCAL_ROWS} {BIWI_FRAMES}".encode())
    here = Path(__file__).resolve().parent
    chapters = here.parent / "suites"
    for path in [here / n for n in ("pascal.py", "biwi.py", "bears.py", "fastai_cache.py")] + [
            chapters / "ch7" / "imagenette_data.py"]:
        digest.update(path.read_bytes() if path.is_file() else b"-")
    return digest.hexdigest()[:10]


_DIGEST = _generators_digest()


def copy_generated(fastai_home: Path) -> dict[str, Path]:
    """`populate(fastai_home)`, by copying the per-user cache of generated data (made on first use)."""
    source = generated_home()
    home = Path(fastai_home).expanduser().absolute()
    shutil.copytree(source, home, dirs_exist_ok=True)
    data = data_dir(home)
    made = {name: data / folder for name, folder in DATASETS.items()}
    if (data / BEARS).is_dir():
        made[BEARS] = data / BEARS
    made.update({name: data / folder for name, folder in CHAPTER_DATASETS.items() if (data / folder).is_dir()})
    return made


def use_offline_data(*, verbose: bool = True) -> Path:
    """Make `untar_data` work offline: the real data sets when cached, the generated ones otherwise.

    Call it before the first `untar_data`. It sets `FASTAI_HOME` for this process (fastai reads it
    on first use) and returns the fastai home in use.
    """
    current = default_home()
    if (current / _DONE).is_file():
        home, source = current, "the grader's generated data sets"
    elif all(real_data_status(current).values()):
        home, source = current, "the real data sets in your fastai cache"
    else:
        home, source = generated_home(), "the grader's generated copies (no download)"
        os.environ["FASTAI_HOME"] = str(home)
        _forget_fastai_config()
    if verbose:
        print(f"untar_data uses {home} ({source})")
    return home


def _forget_fastai_config() -> None:
    """fastai caches its config on first use; drop the cache if fastai is already imported."""
    import sys

    external = sys.modules.get("fastai.data.external")
    if external is not None and hasattr(external.fastai_cfg, "cache_clear"):
        external.fastai_cfg.cache_clear()


def _config(home: Path) -> dict[str, str]:
    parser = configparser.ConfigParser()
    parser.read(home / "config.ini", encoding="utf8")
    return dict(parser["DEFAULT"]) if parser.defaults() else dict(CONFIG)
