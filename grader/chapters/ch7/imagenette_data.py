"""Imagenette, drawn: ten classes in the real data set's folder layout, where `untar_data` finds them.

Layout of `imagenette2-160` (what `untar_data(URLs.IMAGENETTE_160)` returns):
`dest/train/<wnid>/<wnid>_NNNNN.JPEG` and `dest/val/<wnid>/...`, one folder per class named by its
WordNet id, plus `noisy_imagenette.csv` (`path`, `noisy_labels_0/1/5/25/50`, `is_valid`; the labels
here are never noisy). The book reads it with `get_image_files` + `parent_label` (+ a random or
`GrandparentSplitter(valid_name='val')` split).

Each class is a simple drawn object with a shape and a colour family of its own (a fish, a dog's
head, a cassette, a chain saw, a church, a horn, a truck, a pump, a golf ball, a parachute) on a
random muted background, at a random place and scale: a small network trained from scratch tells
them apart in seconds, and normalization visibly helps (the backgrounds are far from zero-mean).
Images are SIZE pixels high and SIZE to 1.25 x SIZE wide (the real set's shortest side is 160).

Deterministic: one `numpy.random.Generator` per image from (seed, split, index); JPEG quality fixed.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

CLASSES = {
    "n01440764": "tench", "n02102040": "English springer", "n02979186": "cassette player",
    "n03000684": "chain saw", "n03028079": "church", "n03394916": "French horn",
    "n03417042": "garbage truck", "n03425413": "gas pump", "n03445777": "golf ball",
    "n03888605": "parachute",
}
"""WordNet id -> name, in the order of the real data set (sorted ids, as fastai's vocab)."""
WNIDS = tuple(CLASSES)
FOLDER = "imagenette2-160"
"""The folder `untar_data(URLs.IMAGENETTE_160)` extracts to."""
SIZE = 64
JPEG_QUALITY = 90
TRAIN_PER_CLASS, VALID_PER_CLASS = 40, 10

_COLOURS = {
    "n01440764": (96, 120, 40), "n02102040": (120, 70, 30), "n02979186": (40, 40, 48),
    "n03000684": (230, 120, 20), "n03028079": (200, 200, 190), "n03394916": (225, 180, 40),
    "n03417042": (40, 130, 60), "n03425413": (200, 30, 30), "n03445777": (245, 245, 245),
    "n03888605": (200, 40, 160),
}


def _jitter(rng, colour, spread=25):
    return tuple(int(v) for v in np.clip(np.asarray(colour) + rng.integers(-spread, spread + 1, 3), 0, 255))


def _draw(draw, rng, wnid: str, cx: float, cy: float, r: float) -> None:
    c = _jitter(rng, _COLOURS[wnid])
    dark = tuple(v // 3 for v in c)
    if wnid == "n01440764":  # fish: body and tail
        draw.ellipse([cx - r, cy - r / 2, cx + r * 0.6, cy + r / 2], fill=c)
        draw.polygon([(cx + r * 0.5, cy), (cx + r, cy - r / 2), (cx + r, cy + r / 2)], fill=c)
    elif wnid == "n02102040":  # dog's head: round face, long drooping ears, white muzzle
        draw.ellipse([cx - r * 0.6, cy - r * 0.6, cx + r * 0.6, cy + r * 0.6], fill=c)
        draw.ellipse([cx - r, cy - r * 0.4, cx - r * 0.5, cy + r], fill=dark)
        draw.ellipse([cx + r * 0.5, cy - r * 0.4, cx + r, cy + r], fill=dark)
        draw.ellipse([cx - r * 0.3, cy, cx + r * 0.3, cy + r * 0.5], fill=(240, 240, 235))
    elif wnid == "n02979186":  # cassette: dark box, two pale reels
        draw.rectangle([cx - r, cy - r * 0.6, cx + r, cy + r * 0.6], fill=c)
        for dx in (-0.45, 0.45):
            draw.ellipse([cx + dx * r - r * 0.2, cy - r * 0.2, cx + dx * r + r * 0.2, cy + r * 0.2],
                         fill=(220, 220, 220))
    elif wnid == "n03000684":  # chain saw: body and a long toothed bar
        draw.rectangle([cx - r, cy - r * 0.4, cx - r * 0.2, cy + r * 0.4], fill=c)
        draw.rectangle([cx - r * 0.2, cy - r * 0.15, cx + r, cy + r * 0.15], fill=(150, 150, 155))
        for k in range(5):
            x = cx - r * 0.2 + k * r * 0.24
            draw.polygon([(x, cy + r * 0.15), (x + r * 0.12, cy + r * 0.35), (x + r * 0.24, cy + r * 0.15)],
                         fill=(60, 60, 60))
    elif wnid == "n03028079":  # church: walls, roof, tower
        draw.rectangle([cx - r * 0.8, cy - r * 0.1, cx + r * 0.8, cy + r], fill=c)
        draw.polygon([(cx - r * 0.9, cy - r * 0.1), (cx, cy - r * 0.7), (cx + r * 0.9, cy - r * 0.1)],
                     fill=(150, 40, 30))
        draw.rectangle([cx - r * 0.1, cy - r, cx + r * 0.1, cy - r * 0.6], fill=dark)
    elif wnid == "n03394916":  # horn: a brass ring and a bell
        w = max(2, int(r * 0.25))
        draw.ellipse([cx - r * 0.8, cy - r * 0.8, cx + r * 0.8, cy + r * 0.8], outline=c, width=w)
        draw.polygon([(cx + r * 0.5, cy), (cx + r * 1.1, cy - r * 0.6), (cx + r * 1.1, cy + r * 0.6)], fill=c)
    elif wnid == "n03417042":  # truck: box, cab, two wheels
        draw.rectangle([cx - r, cy - r * 0.6, cx + r * 0.3, cy + r * 0.3], fill=c)
        draw.rectangle([cx + r * 0.35, cy - r * 0.2, cx + r, cy + r * 0.3], fill=dark)
        for x in (cx - r * 0.6, cx + r * 0.6):
            draw.ellipse([x - r * 0.25, cy + r * 0.2, x + r * 0.25, cy + r * 0.7], fill=(20, 20, 20))
    elif wnid == "n03425413":  # pump: tall box, a window, a hose
        draw.rectangle([cx - r * 0.4, cy - r, cx + r * 0.4, cy + r], fill=c)
        draw.rectangle([cx - r * 0.25, cy - r * 0.7, cx + r * 0.25, cy - r * 0.3], fill=(230, 230, 230))
        draw.line([(cx + r * 0.4, cy - r * 0.2), (cx + r * 0.8, cy + r * 0.4)], fill=(20, 20, 20),
                  width=max(1, int(r * 0.12)))
    elif wnid == "n03445777":  # golf ball: white disc with dimples
        draw.ellipse([cx - r * 0.7, cy - r * 0.7, cx + r * 0.7, cy + r * 0.7], fill=c)
        for _ in range(6):
            dx, dy = rng.uniform(-0.4, 0.4, 2) * r
            draw.ellipse([cx + dx - 1, cy + dy - 1, cx + dx + 1, cy + dy + 1], fill=(180, 180, 180))
    else:  # parachute: canopy and cords
        draw.pieslice([cx - r, cy - r, cx + r, cy + r * 0.6], 180, 360, fill=c)
        for x in (cx - r, cx, cx + r):
            draw.line([(x, cy - r * 0.2), (cx, cy + r)], fill=dark, width=1)


def _image(rng, wnid: str) -> bytes:
    from PIL import Image, ImageDraw

    h, w = SIZE, int(SIZE * rng.uniform(1.0, 1.25))
    top, bottom = rng.integers(60, 200, 3), rng.integers(60, 200, 3)
    ramp = np.linspace(0, 1, h)[:, None, None]
    pixels = top * (1 - ramp) + bottom * ramp + rng.normal(0, 8, (h, w, 3))
    img = Image.fromarray(np.clip(np.broadcast_to(pixels, (h, w, 3)), 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    r = SIZE * rng.uniform(0.25, 0.38)
    cx, cy = rng.uniform(r, w - r), rng.uniform(r, h - r)
    _draw(draw, rng, wnid, cx, cy, r)
    buffer = io.BytesIO()
    img.save(buffer, format="JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()


def make_imagenette(dest: Path, *, seed: int = 0, n: int | None = None, valid: int | None = None) -> Path:
    """Write the tree into `dest`: `n` training and `valid` validation images per class."""
    dest = Path(dest)
    per_split = {"train": TRAIN_PER_CLASS if n is None else n, "val": VALID_PER_CLASS if valid is None else valid}
    rows = []
    for split_index, (split, count) in enumerate(per_split.items()):
        for class_index, wnid in enumerate(WNIDS):
            folder = dest / split / wnid
            folder.mkdir(parents=True, exist_ok=True)
            for i in range(count):
                rng = np.random.default_rng([seed, split_index, class_index, i])
                name = f"{wnid}_{i:05d}.JPEG"
                (folder / name).write_bytes(_image(rng, wnid))
                rows.append((f"{split}/{wnid}/{name}", wnid, split == "val"))
    with open(dest / "noisy_imagenette.csv", "w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["path", "noisy_labels_0", "noisy_labels_1", "noisy_labels_5", "noisy_labels_25",
                      "noisy_labels_50", "is_valid"])
        for path, wnid, is_valid in rows:
            out.writerow([path, wnid, wnid, wnid, wnid, wnid, is_valid])
    return dest


def make_hidden_set(dest: Path, *, seed: int, per_class: int) -> list[tuple[Path, str]]:
    """`per_class` new images of each class written into `dest` as `hidden_NNNN.JPEG` in a shuffled
    order (nothing on disk says what they show); returns (file, wnid) pairs for the trusted side."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    drawn = [(class_index, i) for class_index in range(len(WNIDS)) for i in range(per_class)]
    order = np.random.default_rng([seed, 8]).permutation(len(drawn))
    out = []
    for k, index in enumerate(order):
        class_index, i = drawn[index]
        rng = np.random.default_rng([seed, 7, class_index, i])
        path = dest / f"hidden_{k:04d}.JPEG"
        path.write_bytes(_image(rng, WNIDS[class_index]))
        out.append((path, WNIDS[class_index]))
    return out
