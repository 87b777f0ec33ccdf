"""A fastai data folder holding the grader's generated data sets where `untar_data` looks for them.

fastai's `untar_data(url)` reads `$FASTAI_HOME/config.ini` (default `~/.fastai`), whose `data` key
(default `data`, relative to that folder) is where archives are extracted; the folder for a URL is
named after the archive without `.tgz` (`.../<name>.tgz` -> `data/<name>`).
When that folder exists, `untar_data` returns it without downloading anything (fastdownload's
`FastDownload.get`). So pointing `FASTAI_HOME` at a folder made by `populate` lets a notebook copied
from the book run unchanged, offline:

    path = untar_data(URLs.<NAME>)     # -> <home>/data/<the data set's folder>

The data sets are those the registered chapters declare (`Chapter.datasets`); this module names none.

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
from typing import Iterable

import grader
from grader.chapters.registry import DataSet, chapters

CONFIG = {"data": "data", "archive": "archive", "storage": "tmp", "model": "models"}
"""fastai's default `config.ini` keys (what `fastai_cfg()` would create)."""
_DONE = ".grader-generated"


def datasets() -> dict[str, DataSet]:
    """Every registered chapter's generated data sets, by `URLs` attribute (the chapters declare
    them: `grader.chapters.registry.DataSet`)."""
    return {d.url: d for chapter in chapters().values() for d in chapter.datasets}


def real_datasets() -> dict[str, DataSet]:
    """The data sets `--data real` requires in a learner's own fastai cache."""
    return {url: d for url, d in datasets().items() if d.real}


def populate(fastai_home: Path, *, skip: Iterable[str] = ()) -> dict[str, Path]:
    """Write `config.ini` and the generated data sets (but those in `skip`, by `URLs` attribute) into
    `fastai_home`; returns name -> folder. Existing data folders are replaced, so the result is
    always the generators' output."""
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
    for url, dataset in datasets().items():
        if url in skip:
            continue
        dest = data / dataset.folder
        if dest.exists():
            shutil.rmtree(dest)
        made[url] = dataset.make(dest, **dataset.kwargs)
    (home / _DONE).write_text(grader.__version__)
    return made


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
    return {name: (data / d.folder if (data / d.folder).is_dir() else None)
            for name, d in real_datasets().items()}


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
    """A short hash of the generators' source and arguments, so a changed generator never serves
    stale files.

    Taken once, at import: it must describe the code this process runs, not a later edit of it.
    """
    import hashlib

    digest = hashlib.sha256(Path(__file__).read_bytes())
    for url, dataset in sorted(datasets().items()):
        digest.update(f"{url} {dataset.folder} {dataset.maker} {sorted(dataset.kwargs.items())}".encode())
        digest.update(dataset.source.read_bytes() if dataset.source.is_file() else b"-")
    return digest.hexdigest()[:10]


_DIGEST = _generators_digest()


def copy_generated(fastai_home: Path) -> dict[str, Path]:
    """`populate(fastai_home)`, by copying the per-user cache of generated data (made on first use)."""
    source = generated_home()
    home = Path(fastai_home).expanduser().absolute()
    shutil.copytree(source, home, dirs_exist_ok=True)
    data = data_dir(home)
    return {url: data / d.folder for url, d in datasets().items() if (data / d.folder).is_dir()}


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
