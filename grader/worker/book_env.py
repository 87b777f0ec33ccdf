"""The book's environment in a graded process: `untar_data` offline, and `import fastbook`.

Code copied from the book starts with `from fastbook import *` and calls `untar_data(URLs....)` at
its top level. Both must work in a `.py` worker exactly as in a notebook kernel, so both kinds of
process get the same private home, prepared here by the trusted side before any learner code runs:

- `home/.fastai`: a fastai home (`FASTAI_HOME`) holding the generated data sets (`--data generated`,
  the default: PASCAL 2007, BIWI head pose, the bears), writable, since fastai saves models beside
  them; or pointing at the user's own fastai cache (`--data real`), which is then readable only.
- `home/.torch`: a writable torch cache (`TORCH_HOME`) linking the weights the user already has.

`enter()` runs inside the graded process itself (worker or kernel), before the learner's code: it
makes the offline `fastbook` stand-in (`grader/offline/fastbook`) importable when no real fastbook
is installed, and forgets a fastai config read before `FASTAI_HOME` was set.
"""

from __future__ import annotations

import configparser
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

DATA_CHOICES = ("generated", "real")
OFFLINE_PACKAGES = Path(__file__).resolve().parent.parent / "offline"
"""A folder for `sys.path` holding the offline stand-ins of the book's own packages (`fastbook`)."""


@dataclass(frozen=True)
class BookHome:
    """What a graded process needs from its private home to run the book's code offline."""

    fastai_home: Path
    """Where `untar_data` looks (`FASTAI_HOME`)."""
    torch_home: Path
    """The process's writable torch cache (`TORCH_HOME`)."""
    readable: tuple[Path, ...]
    """Folders outside the home the process must be able to read (the real data, cached weights)."""
    notes: tuple[str, ...]
    """Things the learner should know (a real data set that is missing, ...)."""

    def env(self) -> dict[str, str]:
        return {"FASTAI_HOME": str(self.fastai_home), "TORCH_HOME": str(self.torch_home)}


def prepare(home: Path, data: str = "generated") -> BookHome:
    """Set up `home/.fastai` and `home/.torch` (done once per home; a restart reuses them)."""
    if data not in DATA_CHOICES:
        from grader.errors import UsageError

        raise UsageError(f"--data must be one of {', '.join(DATA_CHOICES)}, not {data!r}")
    home = Path(home).resolve()
    fastai_home = home / ".fastai"
    readable: list[Path] = []
    notes: list[str] = []
    if data == "generated":
        if not (fastai_home / "config.ini").is_file():
            copy_generated(fastai_home)
    else:
        real, note = point_at_real_data(fastai_home)
        readable += real
        notes += note
    torch_home, cached = private_torch_home(home)
    readable += cached
    return BookHome(fastai_home, torch_home, tuple(readable), tuple(notes))


def copy_generated(fastai_home: Path) -> None:
    """The generated data sets, writable by the graded process's user (fastai writes models/ there).

    Copied with `cp` and opened up with `chmod` where they are GNU's (issue 17: ~2 000 files, 0.5 s
    of CPU per submission in Python, a few hundredths of a second so); otherwise in Python."""
    from grader.data import fastai_cache

    source = fastai_cache.generated_home()  # made on first use
    fastai_home = Path(fastai_home)
    fastai_home.mkdir(parents=True, exist_ok=True)
    try:  # links are copied as links, and chmod leaves them (and what they point at) alone
        subprocess.run(["cp", "-R", "--no-preserve=mode,ownership", f"{source}/.", str(fastai_home)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run(["chmod", "-R", "a=rwX", str(fastai_home)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return
    except (OSError, subprocess.CalledProcessError):
        pass
    fastai_cache.copy_generated(fastai_home)
    open_up(fastai_home)


def point_at_real_data(fastai_home: Path) -> tuple[list[Path], list[str]]:
    """A private fastai home whose `data` is the user's real data folder (read-only when graded)."""
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
    """Make a folder tree of the private home writable by the graded process's own user."""
    for root, dirs, files in os.walk(folder):
        os.chmod(root, 0o777)
        for name in files:
            path = os.path.join(root, name)
            if not os.path.islink(path):  # a link's target is the user's own file: left alone
                os.chmod(path, 0o666)


def private_torch_home(home: Path) -> tuple[Path, list[Path]]:
    """A writable torch cache, linking the weights already in the user's cache.

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


# -- inside the graded process ----------------------------------------------------------------
def enter() -> None:
    """In the worker or kernel, before learner code: the book's imports resolve offline.

    The stand-in folder goes at the end of `sys.path`, so a real `fastbook` installed in the
    environment is the one imported. fastai caches its config on first use: a cache made before
    `FASTAI_HOME` pointed at this process's home (in the zygote) is dropped.
    """
    import importlib.util

    folder = str(OFFLINE_PACKAGES)
    if folder not in sys.path and importlib.util.find_spec("fastbook") is None:
        sys.path.append(folder)
    external = sys.modules.get("fastai.data.external")
    if external is not None and hasattr(getattr(external, "fastai_cfg", None), "cache_clear"):
        external.fastai_cfg.cache_clear()
