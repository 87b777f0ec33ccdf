"""A PASCAL VOC 2007-style folder: `train.csv` (fname, labels, is_valid) and `train/*.jpg`."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

CLASSES = ("aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
           "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa",
           "train", "tvmonitor")


def pascal_rows(*, seed: int = 0, n: int = 60, valid_pct: float = 0.4) -> list[dict]:
    """The rows of `train.csv`: fname, space-separated labels (1 to 3), and a boolean is_valid."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        k = int(rng.choice([1, 1, 1, 2, 2, 3]))
        labels = sorted(rng.choice(len(CLASSES), size=k, replace=False).tolist())
        rows.append({"fname": f"{5 + 2 * i + int(rng.integers(0, 2)):06d}.jpg",
                     "labels": " ".join(CLASSES[j] for j in labels),
                     "is_valid": bool(rng.random() < valid_pct)})
    if rows and all(r["is_valid"] == rows[0]["is_valid"] for r in rows):
        rows[-1]["is_valid"] = not rows[0]["is_valid"]
    return rows


def make_pascal(dest: Path, *, seed: int = 0, n: int = 60, valid_pct: float = 0.4,
                images: bool = True, size: int = 64) -> Path:
    """Write `dest/train.csv` (and `dest/train/<fname>` images when `images`); returns `dest`."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    rows = pascal_rows(seed=seed, n=n, valid_pct=valid_pct)
    lines = ["fname,labels,is_valid"] + [f"{r['fname']},{r['labels']},{r['is_valid']}" for r in rows]
    (dest / "train.csv").write_text("\n".join(lines) + "\n")
    if images:
        from PIL import Image

        (dest / "train").mkdir(exist_ok=True)
        rng = np.random.default_rng(seed + 1)
        for r in rows:
            colour = rng.integers(0, 256, size=3)
            noise = rng.integers(-40, 40, size=(size, size, 3))
            pixels = np.clip(colour + noise, 0, 255).astype(np.uint8)
            buffer = io.BytesIO()
            Image.fromarray(pixels).save(buffer, format="JPEG", quality=80)
            (dest / "train" / r["fname"]).write_bytes(buffer.getvalue())
    return dest
