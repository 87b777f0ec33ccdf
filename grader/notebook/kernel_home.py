"""The private folder a grading kernel runs in: its fastai data sets and its torch cache.

Prepared by the trusted side before (or while) the kernel starts. Everything here is the kernel's to
write, so it is opened up to the user the sandboxed kernel becomes; what comes from the user's own
caches (real data sets, downloaded weights) is only linked or pointed at, and stays read-only.
"""

from __future__ import annotations

import configparser
import os
from pathlib import Path


def copy_generated(fastai_home: Path) -> None:
    """The generated data sets, writable by the kernel's user (fastai writes models/ beside them)."""
    from grader.data import fastai_cache

    fastai_cache.copy_generated(fastai_home)
    open_up(fastai_home)


def point_at_real_data(fastai_home: Path) -> tuple[list[Path], list[str]]:
    """A private fastai home whose `data` is the user's real data folder (read-only in the kernel)."""
    from grader.data import fastai_cache

    real_home = fastai_cache.default_home()
    data = fastai_cache.data_dir(real_home)
    notes = []
    missing = [name for name, path in fastai_cache.real_data_status(real_home).items() if not path]
    if missing:
        notes.append(f"--data real: {', '.join(missing)} is not in your fastai cache ({data}), so "
                     "`untar_data` cannot find it (nothing is downloaded while grading). Run without "
                     "--data real to use the grader's generated data.")
    fastai_home.mkdir(parents=True, exist_ok=True)
    parser = configparser.ConfigParser()
    parser["DEFAULT"] = {**fastai_cache.CONFIG, "data": str(data)}
    with open(fastai_home / "config.ini", "w") as handle:
        parser.write(handle)
    (fastai_home / "archive").mkdir(exist_ok=True)
    open_up(fastai_home)
    return ([data.resolve()] if data.is_dir() else []), notes


def open_up(folder: Path) -> None:
    """Make a folder tree of the kernel's private home writable by the kernel's own user."""
    for root, dirs, files in os.walk(folder):
        os.chmod(root, 0o777)
        for name in files:
            path = os.path.join(root, name)
            if not os.path.islink(path):  # a link's target is the user's own file: left alone
                os.chmod(path, 0o666)


def private_torch_home(home: Path) -> tuple[Path, list[Path]]:
    """A writable torch cache for the kernel, linking the weights already in the user's cache.

    Cached weights load as usual (read-only); any others are looked for on the network, which fails
    at once with an error the grader explains (pass `pretrained=False`), rather than with a write
    into a read-only folder.
    """
    private = home / ".torch"
    checkpoints = private / "hub" / "checkpoints"
    checkpoints.mkdir(parents=True, exist_ok=True)
    real = Path(_torch_home()) / "hub" / "checkpoints"
    cached = []
    if real.is_dir():
        for weights in real.glob("*.pth"):
            link = checkpoints / weights.name
            if not link.exists():
                link.symlink_to(weights.resolve())
        cached.append(real.resolve())
    open_up(private)
    return private, cached


def _torch_home() -> str:
    """The user's torch cache, so pretrained weights already downloaded there can be used."""
    explicit = os.environ.get("TORCH_HOME")
    if explicit:
        return explicit
    cache = os.environ.get("XDG_CACHE_HOME", os.path.join(os.path.expanduser("~"), ".cache"))
    return os.path.join(cache, "torch")
