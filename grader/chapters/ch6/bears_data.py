"""Bear photos, drawn: black, grizzly and teddy bears, none, one or two (different kinds) per image.

The three kinds differ in colour and in shape, so that a small network trained from scratch on a few
hundred 64-pixel images tells them apart:

* black bear: near-black fur, walking on four legs, tall round ears, a tan muzzle;
* grizzly: brown fur with paler tips, walking on four legs, a shoulder hump, small ears, a pale muzzle;
* teddy: light tan or honey plush, sitting upright facing us, big round ears with pale insides,
  button eyes, a pale round belly and a coloured bow at the neck.

Backgrounds are a flat colour, a gradient or a noise texture (never close to a fur colour), with a
few clutter shapes that are not bears (rectangles, bars, triangles, balls) in any colour.

Layout (fastbook's PASCAL layout): `dest/images/bear_NNNNN.jpg` and `dest/labels.csv` with the
columns `fname` (relative to `dest`, e.g. `images/bear_00000.jpg`), `labels` (the kinds shown,
sorted, space-separated; the empty string when there is no bear) and `is_valid` (`True`/`False`).
Read it with `pd.read_csv(dest / "labels.csv", keep_default_na=False)`: otherwise pandas turns the
empty labels into NaN.

Deterministic: everything comes from one `numpy.random.Generator` seeded with `seed`, the JPEG
quality is fixed and nothing writes a timestamp, so the same seed gives byte-identical files.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

BEAR_CLASSES = ("black", "grizzly", "teddy")
"""The label vocabulary, in alphabetical order (the order fastai's MultiCategoryBlock sorts it into)."""

JPEG_QUALITY = 90
_PAIRS = (("black", "grizzly"), ("black", "teddy"), ("grizzly", "teddy"))

# Fur colour (RGB) and how far each channel may move from it, per kind.
_FUR = {"black": ((28, 26, 30), 14), "grizzly": ((128, 84, 46), 20), "teddy": ((218, 176, 108), 18)}
_MUZZLE = {"black": (168, 128, 88), "grizzly": (200, 160, 118), "teddy": (246, 226, 186)}
_BOWS = ((200, 30, 40), (40, 70, 200), (30, 150, 70), (150, 40, 170))
_MIN_BACKGROUND_DISTANCE = 110.0
"""Backgrounds keep at least this RGB distance from every fur colour, whatever the image shows."""


def bear_kinds(*, seed: int = 0, n: int = 300) -> list[tuple[str, ...]]:
    """What each image shows (a sorted tuple of kinds): a third none, a third one, a third two.

    The singles cycle through the three kinds and the pairs through the three pairs, so every kind
    appears equally often; the order is then shuffled from `seed`.
    """
    kinds: list[tuple[str, ...]] = []
    for i in range(n):
        group, k = i % 3, i // 3
        kinds.append(() if group == 0 else (BEAR_CLASSES[k % 3],) if group == 1 else _PAIRS[k % 3])
    rng = np.random.default_rng([seed, 1])
    return [kinds[i] for i in rng.permutation(n)]


def _valid_mask(n: int, valid_pct: float, seed: int) -> list[bool]:
    """Exactly round(n * valid_pct) validation rows (at least one if valid_pct > 0 and n > 1)."""
    if not 0.0 <= valid_pct <= 1.0:
        raise ValueError(f"valid_pct must lie in [0, 1], got {valid_pct}")
    count = int(round(n * valid_pct))
    if valid_pct > 0 and n > 1:
        count = min(max(count, 1), n - 1)
    chosen = set(np.random.default_rng([seed, 2]).permutation(n)[:count].tolist())
    return [i in chosen for i in range(n)]


def _jitter(rng, base, spread) -> tuple[int, int, int]:
    shift = rng.integers(-spread, spread + 1)  # one shift for all channels (shade) ...
    tint = rng.integers(-spread // 3, spread // 3 + 1, size=3)  # ... and a little per channel
    return tuple(int(v) for v in np.clip(np.asarray(base) + shift + tint, 0, 255))


def _shade(colour, factor: float) -> tuple[int, int, int]:
    return tuple(int(np.clip(c * factor, 0, 255)) for c in colour)


def _background_colour(rng) -> np.ndarray:
    furs = np.array([base for base, _ in _FUR.values()], dtype=float)
    while True:
        colour = rng.integers(0, 256, size=3).astype(float)
        if np.min(np.linalg.norm(furs - colour, axis=1)) >= _MIN_BACKGROUND_DISTANCE:
            return colour


def _background(rng, size: int) -> np.ndarray:
    """A size x size x 3 float array: flat colour, gradient or noise texture, plus a little noise."""
    style = rng.integers(0, 3)
    first = _background_colour(rng)
    if style == 0:
        pixels = np.broadcast_to(first, (size, size, 3)).copy()
    elif style == 1:
        second = _background_colour(rng)
        ramp = np.linspace(0.0, 1.0, size)
        ramp = ramp[:, None] if rng.random() < 0.5 else ramp[None, :]
        ramp = np.broadcast_to(ramp, (size, size))[..., None]
        pixels = first * (1 - ramp) + second * ramp
    else:  # blotchy texture: coarse noise scaled up
        cells = max(2, size // 8)
        coarse = rng.normal(0.0, 28.0, size=(cells, cells, 3))
        reps = -(-size // cells)
        pixels = first + np.kron(coarse, np.ones((reps, reps, 1)))[:size, :size]
    return pixels + rng.normal(0.0, 6.0, size=(size, size, 3))


def _clutter(draw, rng, size: int, count: int) -> None:
    """Shapes that are not bears, in any colour (brown and black ones included)."""
    for _ in range(count):
        fill = tuple(int(c) for c in rng.integers(0, 256, size=3))
        x, y = rng.uniform(-0.05, 0.95, size=2) * size
        w, h = rng.uniform(0.08, 0.3, size=2) * size
        shape = rng.integers(0, 4)
        if shape == 0:
            draw.rectangle([x, y, x + w, y + h], fill=fill)
        elif shape == 1:
            draw.line([x, y, x + w * rng.choice([-1, 1]), y + h], fill=fill, width=int(max(1, size // 32)))
        elif shape == 2:
            draw.polygon([(x, y + h), (x + w, y + h), (x + w * rng.uniform(0.2, 0.8), y)], fill=fill)
        else:
            d = min(w, h) * 0.6
            draw.ellipse([x, y, x + d, y + d], fill=fill)


def _ellipse(draw, cx, cy, rx, ry, fill) -> None:
    draw.ellipse([cx - rx, cy - ry, cx + rx, cy + ry], fill=fill)


def _walking_bear(draw, rng, kind: str, cx: float, cy: float, r: float, facing: int) -> None:
    """A black bear or a grizzly in profile on four legs, centred on (cx, cy); `r` is half the body
    length."""
    fur = _jitter(rng, *_FUR[kind])
    dark = _shade(fur, 0.8)
    f = facing  # +1: head on the right, -1: on the left
    cx -= f * 0.18 * r  # body and head together span [-r, 1.36 r] around the body's centre
    for dx in (-0.7, -0.35, 0.35, 0.7):  # legs, the far ones darker
        shade = dark if dx in (-0.35, 0.7) else fur
        x = cx + f * dx * r
        draw.rectangle([x - 0.13 * r, cy, x + 0.13 * r, cy + 0.75 * r], fill=shade)
    _ellipse(draw, cx, cy, r, 0.5 * r, fur)  # body
    if kind == "grizzly":  # the shoulder hump, and paler (grizzled) tips on the back
        _ellipse(draw, cx + f * 0.35 * r, cy - 0.42 * r, 0.42 * r, 0.3 * r, fur)
        tips = _shade(fur, 1.35)
        for _ in range(int(rng.integers(4, 8))):
            tx = cx + f * rng.uniform(-0.7, 0.6) * r
            ty = cy - rng.uniform(0.1, 0.45) * r
            _ellipse(draw, tx, ty, 0.07 * r, 0.05 * r, tips)
    hx, hy, hr = cx + f * 1.0 * r, cy - 0.35 * r, 0.36 * r  # head
    ear = (0.3 if kind == "black" else 0.2) * hr  # black bears: taller ears
    ear_y = hy - hr * (0.85 if kind == "black" else 0.8)
    for ex in (hx - f * 0.35 * hr, hx + f * 0.2 * hr):
        _ellipse(draw, ex, ear_y, ear, ear * (1.3 if kind == "black" else 1.0), fur)
    _ellipse(draw, hx, hy, hr, hr * 0.9, fur)
    muzzle = _jitter(rng, _MUZZLE[kind], 12)
    _ellipse(draw, hx + f * 0.7 * hr, hy + 0.2 * hr, 0.5 * hr, 0.35 * hr, muzzle)
    _ellipse(draw, hx + f * 1.1 * hr, hy + 0.1 * hr, 0.13 * hr, 0.11 * hr, (10, 8, 8))  # nose
    _ellipse(draw, hx + f * 0.15 * hr, hy - 0.3 * hr, 0.1 * hr, 0.1 * hr, (5, 5, 5))  # eye


def _teddy(draw, rng, cx: float, cy: float, r: float) -> None:
    """A teddy bear sitting upright, facing us; `r` is about half its height."""
    fur = _jitter(rng, *_FUR["teddy"])
    pale = _jitter(rng, _MUZZLE["teddy"], 8)
    bow = _BOWS[int(rng.integers(0, len(_BOWS)))]
    by, br = cy + 0.35 * r, 0.55 * r  # body
    for side in (-1, 1):
        _ellipse(draw, cx + side * 0.38 * r, by + 0.5 * r, 0.22 * r, 0.18 * r, fur)  # feet
        _ellipse(draw, cx + side * 0.38 * r, by + 0.52 * r, 0.11 * r, 0.09 * r, pale)  # foot pads
        _ellipse(draw, cx + side * 0.55 * r, by - 0.05 * r, 0.16 * r, 0.3 * r, fur)  # arms
    _ellipse(draw, cx, by, 0.45 * r, br, fur)
    _ellipse(draw, cx, by + 0.1 * r, 0.25 * r, 0.3 * r, pale)  # belly patch
    hy, hr = cy - 0.45 * r, 0.42 * r  # head
    for side in (-1, 1):
        _ellipse(draw, cx + side * 0.75 * hr, hy - 0.75 * hr, 0.35 * hr, 0.35 * hr, fur)  # round ears
        _ellipse(draw, cx + side * 0.75 * hr, hy - 0.75 * hr, 0.18 * hr, 0.18 * hr, pale)
    _ellipse(draw, cx, hy, hr, hr, fur)
    _ellipse(draw, cx, hy + 0.35 * hr, 0.4 * hr, 0.3 * hr, pale)  # muzzle
    _ellipse(draw, cx, hy + 0.22 * hr, 0.12 * hr, 0.09 * hr, (20, 10, 10))  # nose
    for side in (-1, 1):  # button eyes with a white glint
        _ellipse(draw, cx + side * 0.38 * hr, hy - 0.2 * hr, 0.15 * hr, 0.15 * hr, (8, 8, 8))
        _ellipse(draw, cx + side * 0.38 * hr - 0.05 * hr, hy - 0.25 * hr, 0.05 * hr, 0.05 * hr, (250, 250, 250))
    ny = hy + hr * 0.95  # the bow at the neck
    for side in (-1, 1):
        draw.polygon([(cx, ny), (cx + side * 0.45 * hr, ny - 0.25 * hr), (cx + side * 0.45 * hr, ny + 0.25 * hr)],
                     fill=bow)
    _ellipse(draw, cx, ny, 0.1 * hr, 0.1 * hr, bow)


def _draw_bear(draw, rng, kind: str, cx: float, cy: float, r: float) -> None:
    if kind == "teddy":
        _teddy(draw, rng, cx, cy, r)
    else:
        _walking_bear(draw, rng, kind, cx, cy, r, facing=1 if rng.random() < 0.5 else -1)


def _image(rng, kinds: tuple[str, ...], size: int) -> bytes:
    from PIL import Image, ImageDraw

    img = Image.fromarray(np.clip(_background(rng, size), 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    _clutter(draw, rng, size, int(rng.integers(1, 4)))
    order = list(kinds)
    if len(order) == 2 and rng.random() < 0.5:
        order.reverse()
    slots = [rng.uniform(0.4, 0.6)] if len(order) == 1 else [rng.uniform(0.22, 0.3), rng.uniform(0.7, 0.78)]
    for kind, sx in zip(order, slots):
        r = size * (rng.uniform(0.2, 0.27) if len(order) == 1 else rng.uniform(0.14, 0.18))
        cy = size * rng.uniform(0.45, 0.58)
        _draw_bear(draw, rng, kind, size * sx, cy, r)
    if rng.random() < 0.3:  # a little clutter in front of the bears too
        _clutter(draw, rng, size, 1)
    buffer = io.BytesIO()
    img.save(buffer, format="JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()


def make_bears(dest: Path, *, seed: int = 0, n: int = 300, valid_pct: float = 0.2, size: int = 64) -> Path:
    """Write `dest/images/bear_NNNNN.jpg` (size x size RGB) and `dest/labels.csv`; returns `dest`.

    `labels.csv` has the columns fname (relative to `dest`), labels (sorted, space-separated kinds
    from BEAR_CLASSES, empty for no bear) and is_valid (exactly round(n * valid_pct) rows True).
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    if size < 16:
        raise ValueError(f"size must be at least 16 pixels, got {size}")
    dest = Path(dest)
    (dest / "images").mkdir(parents=True, exist_ok=True)
    kinds = bear_kinds(seed=seed, n=n)
    valid = _valid_mask(n, valid_pct, seed)
    rng = np.random.default_rng([seed, 3])
    width = max(5, len(str(n - 1)))
    lines = ["fname,labels,is_valid"]
    for i, (shown, is_valid) in enumerate(zip(kinds, valid)):
        fname = f"images/bear_{i:0{width}d}.jpg"
        (dest / fname).write_bytes(_image(rng, shown, size))
        lines.append(f"{fname},{' '.join(shown)},{is_valid}")
    (dest / "labels.csv").write_text("\n".join(lines) + "\n")
    return dest


def bear_label_table(dest: Path) -> list[dict]:
    """`dest/labels.csv` read back: one dict per image with `fname` (str), `path` (absolute Path),
    `labels` (tuple of kinds, empty for no bear) and `is_valid` (bool)."""
    dest = Path(dest)
    with open(dest / "labels.csv", newline="") as handle:
        return [{"fname": row["fname"], "path": dest / row["fname"],
                 "labels": tuple(row["labels"].split()), "is_valid": row["is_valid"] == "True"}
                for row in csv.DictReader(handle)]
