"""Write one of the generated data sets (deterministic from a seed) in its real on-disk format."""

from __future__ import annotations

import argparse
from pathlib import Path

from grader.chapters import chapters
from grader.errors import UsageError

NAME = "data"
HELP = "write a generated data set of a chapter (see `grader data --help`)"


def kinds() -> dict:
    """Name -> `DataSet`, for every registered chapter's data sets offered here."""
    return {d.kind: d for c in chapters().values() for d in c.datasets if d.kind}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    known = kinds()
    parser.add_argument("kind", choices=sorted(known), help="which data set: " +
                        "; ".join(f"{k}: {d.about}" for k, d in known.items()))
    parser.add_argument("dest", type=Path, help="folder to write (created if missing)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default %(default)s)")
    parser.add_argument("--n", type=int, default=None, metavar="N",
                        help="number of images or rows (default: the data set's own)")


def run(args: argparse.Namespace) -> int:
    return main(kind=args.kind, dest=args.dest, seed=args.seed, n=args.n)


def main(*, kind: str, dest: Path, seed: int = 0, n: int | None = None) -> int:
    known = kinds()
    if kind not in known:
        raise UsageError(f"no data set named {kind!r}", hint="Known: " + ", ".join(sorted(known)))
    dataset = known[kind]
    if n is not None and n <= 0:
        raise UsageError(f"--n must be a positive number, got {n}")
    if dest.exists() and not dest.is_dir():
        raise UsageError(f"{dest} exists and is not a folder")
    if dest.is_dir() and any(dest.iterdir()):
        raise UsageError(f"{dest} is not empty", hint="Choose a new or empty folder.")
    if n is not None and dataset.count_max is not None and n > dataset.count_max:
        raise UsageError(f"--n is the {dataset.count.replace('_', ' ')} for {kind}: at most "
                         f"{dataset.count_max}, got {n}")
    out = dataset.make(dest, seed=seed, **({} if n is None else {dataset.count: n}))
    files = sum(1 for p in Path(out).rglob("*") if p.is_file())
    print(f"wrote {files} files to {out}")
    return 0
