"""Pet photos, drawn, in the Oxford-IIIT Pet layout: `dest/images/<breed>_<number>.jpg`.

As in the real data set, the breed is only in the file name (`Maine_Coon_157.jpg`,
`great_pyrenees_12.jpg`), cat breeds are capitalised and dog breeds lower case, and each breed's
image numbers are distinct but not consecutive. `untar_data(URLs.PETS)` returns the folder holding
`images/` (see `grader.data.fastai_cache`).

Each breed has its own look, so that a small network trained from scratch on 48-pixel images tells
them apart: a fur colour (hues spread around the colour wheel, jittered per image) and a coat
pattern (plain, stripes or spots); cats have pointed ears and a round face, dogs floppy ears and a
longer muzzle. Backgrounds are pale, unsaturated textures with a few clutter shapes.

Deterministic: everything comes from one `numpy.random.Generator` seeded with `seed`; the same seed
gives byte-identical files.
"""

from __future__ import annotations

import colorsys
import io
from pathlib import Path

import numpy as np

from grader.chapters.ch5.breeds import CAT_BREEDS, DOG_BREEDS

ALL_BREEDS = tuple(CAT_BREEDS + DOG_BREEDS)
TRAINING_BREEDS = ("Abyssinian", "Bengal", "Maine_Coon", "Russian_Blue", "Siamese",
                   "american_pit_bull_terrier", "beagle", "great_pyrenees", "pug", "shiba_inu")
"""The breeds of the training exercise: five cats, five dogs, four with underscores in their names."""
JPEG_QUALITY = 90


def is_cat(breed: str) -> bool:
    return breed[0].isupper()


def breed_look(breed: str) -> tuple[tuple[int, int, int], int]:
    """(fur colour, pattern 0-2) of a breed; the training breeds get well separated hues."""
    if breed in TRAINING_BREEDS:
        i = TRAINING_BREEDS.index(breed)
        hue, pattern = (i * 3 % 10) / 10, i % 3
    else:
        i = ALL_BREEDS.index(breed)
        hue, pattern = (i * 0.618034) % 1.0, (i // 2) % 3
    r, g, b = colorsys.hsv_to_rgb(hue, 0.75, 0.85)
    return (int(r * 255), int(g * 255), int(b * 255)), pattern


def _background(rng, size: int) -> np.ndarray:
    grey = rng.uniform(150, 235)
    tint = rng.normal(0, 8, size=3)
    cells = max(2, size // 8)
    coarse = rng.normal(0.0, 10.0, size=(cells, cells, 1))
    reps = -(-size // cells)
    pixels = grey + tint + np.kron(coarse, np.ones((reps, reps, 1)))[:size, :size]
    return pixels + rng.normal(0.0, 4.0, size=(size, size, 3))


def _pet(draw, rng, breed: str, size: int) -> None:
    base, pattern = breed_look(breed)
    jitter = rng.integers(-18, 19)
    fur = tuple(int(np.clip(c + jitter + rng.integers(-6, 7), 0, 255)) for c in base)
    dark = tuple(int(c * 0.45) for c in fur)
    cx, cy = size * rng.uniform(0.4, 0.6), size * rng.uniform(0.45, 0.6)
    r = size * rng.uniform(0.22, 0.3)
    if is_cat(breed):  # pointed ears, round face
        for side in (-1, 1):
            ex = cx + side * 0.6 * r
            draw.polygon([(ex - 0.35 * r, cy - 0.55 * r), (ex + 0.35 * r, cy - 0.55 * r),
                          (ex + side * 0.15 * r, cy - 1.35 * r)], fill=fur)
        draw.ellipse([cx - r, cy - r, cx + r, cy + r * 0.9], fill=fur)
    else:  # floppy ears hanging down the sides, longer face
        draw.ellipse([cx - 0.85 * r, cy - 1.0 * r, cx + 0.85 * r, cy + 1.1 * r], fill=fur)
        for side in (-1, 1):
            ex = cx + side * 0.95 * r
            draw.ellipse([ex - 0.3 * r, cy - 0.8 * r, ex + 0.3 * r, cy + 0.5 * r], fill=dark)
    if pattern == 1:  # stripes
        for k in range(-2, 3):
            y = cy + k * 0.3 * r
            draw.line([cx - 0.6 * r, y, cx + 0.6 * r, y - 0.1 * r], fill=dark, width=max(1, size // 40))
    elif pattern == 2:  # spots
        for _ in range(5):
            sx, sy = cx + rng.uniform(-0.6, 0.6) * r, cy + rng.uniform(-0.5, 0.6) * r
            d = 0.12 * r
            draw.ellipse([sx - d, sy - d, sx + d, sy + d], fill=dark)
    for side in (-1, 1):  # eyes and nose
        ex, ey, d = cx + side * 0.35 * r, cy - 0.15 * r, 0.1 * r
        draw.ellipse([ex - d, ey - d, ex + d, ey + d], fill=(20, 20, 20))
    d = 0.12 * r
    draw.ellipse([cx - d, cy + 0.3 * r - d, cx + d, cy + 0.3 * r + d], fill=(40, 20, 20))


def _image(rng, breed: str, size: int) -> bytes:
    from PIL import Image, ImageDraw

    img = Image.fromarray(np.clip(_background(rng, size), 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    for _ in range(int(rng.integers(0, 3))):  # clutter: pale shapes
        fill = tuple(int(c) for c in rng.integers(120, 220, size=3))
        x, y = rng.uniform(0, 0.9, size=2) * size
        w, h = rng.uniform(0.05, 0.2, size=2) * size
        draw.rectangle([x, y, x + w, y + h], fill=fill)
    _pet(draw, rng, breed, size)
    buffer = io.BytesIO()
    img.save(buffer, format="JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()


def pet_names(*, seed: int = 0, per_breed: int = 10, breeds=ALL_BREEDS) -> list[tuple[str, str]]:
    """(file name, breed) of every image: each breed's numbers drawn without repeats from 1-250."""
    if per_breed < 1 or per_breed > 250:
        raise ValueError(f"per_breed must lie in 1..250, got {per_breed}")
    rng = np.random.default_rng([seed, 1])
    out = []
    for breed in breeds:
        if breed not in ALL_BREEDS:
            raise ValueError(f"unknown breed {breed!r}")
        for number in sorted(rng.choice(np.arange(1, 251), size=per_breed, replace=False).tolist()):
            out.append((f"{breed}_{number}.jpg", breed))
    return out


def make_pets(dest: Path, *, seed: int = 0, per_breed: int = 10, breeds=ALL_BREEDS, size: int = 64) -> Path:
    """Write `dest/images/<breed>_<n>.jpg` (size x size RGB) for `per_breed` images of each breed;
    returns `dest` (what `untar_data(URLs.PETS)` returns)."""
    if size < 16:
        raise ValueError(f"size must be at least 16 pixels, got {size}")
    dest = Path(dest)
    (dest / "images").mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng([seed, 2])
    for fname, breed in pet_names(seed=seed, per_breed=per_breed, breeds=breeds):
        (dest / "images" / fname).write_bytes(_image(rng, breed, size))
    return dest
