"""Write one of the generated data sets (deterministic from a seed) in its real on-disk format."""

from __future__ import annotations

import argparse
from pathlib import Path

from grader.errors import UsageError

NAME = "data"
HELP = "write a generated data set: pascal, biwi, bears, pets or imagenette"

KINDS = {
    "pascal": "PASCAL 2007-style train.csv (fname, labels, is_valid) and train/*.jpg",
    "biwi": "BIWI head-pose tree: NN/frame_XXXXX_rgb.jpg, _pose.txt and rgb.cal",
    "bears": "bear images (black, grizzly, teddy; none or two per image) and labels.csv",
    "pets": "Oxford-IIIT Pet layout: images/<breed>_<number>.jpg for the 37 breeds (--n: images per breed)",
    "imagenette": "Imagenette-style train/ and val/ folders named by WordNet ids, noisy_imagenette.csv",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", choices=sorted(KINDS), help="which data set: " +
                        "; ".join(f"{k}: {v}" for k, v in KINDS.items()))
    parser.add_argument("dest", type=Path, help="folder to write (created if missing)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default %(default)s)")
    parser.add_argument("--n", type=int, default=None, metavar="N",
                        help="number of images or rows (default: the data set's own)")


def run(args: argparse.Namespace) -> int:
    return main(kind=args.kind, dest=args.dest, seed=args.seed, n=args.n)


def main(*, kind: str, dest: Path, seed: int = 0, n: int | None = None) -> int:
    if n is not None and n <= 0:
        raise UsageError(f"--n must be a positive number, got {n}")
    if dest.exists() and not dest.is_dir():
        raise UsageError(f"{dest} exists and is not a folder")
    if dest.is_dir() and any(dest.iterdir()):
        raise UsageError(f"{dest} is not empty", hint="Choose a new or empty folder.")
    if kind == "pets" and n is not None and n > 250:
        raise UsageError(f"--n is the number of images per breed for pets: at most 250, got {n}")
    extra = {} if n is None else ({"frames": n} if kind == "biwi" else {"per_breed": n} if kind == "pets"
                                  else {"n": n})
    if kind == "pascal":
        from grader.data.pascal import make_pascal as make
    elif kind == "biwi":
        from grader.data.biwi import make_biwi as make
    elif kind == "pets":
        from grader.suites.ch5.pets_data import make_pets as make
    elif kind == "imagenette":  # --n: training images per class
        from grader.suites.ch7.imagenette_data import make_imagenette as make
    else:
        from grader.data.bears import make_bears as make
    out = make(dest, seed=seed, **extra)
    files = sum(1 for p in Path(out).rglob("*") if p.is_file())
    print(f"wrote {files} files to {out}")
    return 0
