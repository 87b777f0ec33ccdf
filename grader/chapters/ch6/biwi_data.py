"""A BIWI Kinect head-pose-style tree that the book's own parsing code reads unchanged.

Layout: `NN/frame_XXXXX_rgb.jpg`, `NN/frame_XXXXX_pose.txt` (three rows of the rotation, a blank line,
then the head centre `x y z` in mm) and `NN/rgb.cal` (intrinsics, distortion, rotation, translation,
image size, separated by blank lines), so `np.genfromtxt(f, skip_header=3)` gives the centre and
`np.genfromtxt(cal, skip_footer=6)` gives the 3x3 intrinsics.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

WIDTH, HEIGHT = 640, 480


def intrinsics(person: str) -> np.ndarray:
    """Per-person camera intrinsics: fx != fy and cx != cy, so swapped terms give wrong answers."""
    k = int(person)
    return np.array([[517.679 + k, 0.0, 320.0 + k / 2], [0.0, 517.679 - k / 3, 240.5 - k / 4],
                     [0.0, 0.0, 1.0]])


def cal_text(person: str) -> str:
    cal = intrinsics(person)
    rows = [" ".join(f"{v:g}" for v in row) for row in cal]
    return "\n".join(rows + ["", "0 0 0 0", "", "1 0 0", "0 1 0", "0 0 1", "", "0 0 0", "",
                             f"{WIDTH} {HEIGHT}", ""])


def project(centre: np.ndarray, cal: np.ndarray) -> tuple[float, float]:
    """The book's projection of a head centre onto the image."""
    x, y, z = centre
    return x * cal[0][0] / z + cal[0][2], y * cal[1][1] / z + cal[1][2]


def make_biwi(dest: Path, *, seed: int = 0, people: tuple[str, ...] = ("01", "02", "13"),
              frames: int = 6, images: bool = True, size: tuple[int, int] = (WIDTH, HEIGHT)) -> Path:
    """Write the tree under `dest` (people's folders, frames numbered from 3); returns `dest`."""
    from PIL import Image, ImageDraw

    dest = Path(dest)
    rng = np.random.default_rng(seed)
    for person in people:
        folder = dest / person
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "rgb.cal").write_text(cal_text(person))
        cal = intrinsics(person)
        for i in range(frames):
            stem = folder / f"frame_{3 + i * 7 + int(person):05d}"
            centre = np.array([rng.uniform(-120, 120), rng.uniform(-90, 90), rng.uniform(700, 1100)])
            rotation = np.eye(3) + rng.normal(0, 0.05, size=(3, 3))
            pose = [" ".join(f"{v:.6f}" for v in row) for row in rotation]
            pose += ["", " ".join(f"{v:.4f}" for v in centre), ""]
            Path(f"{stem}_pose.txt").write_text("\n".join(pose))
            if images:
                img = Image.new("RGB", size, tuple(int(c) for c in rng.integers(20, 90, size=3)))
                cx, cy = project(centre, cal)
                sx, sy = size[0] / WIDTH, size[1] / HEIGHT
                r = 60 * 900 / centre[2]
                ImageDraw.Draw(img).ellipse([(cx - r) * sx, (cy - r * 1.2) * sy, (cx + r) * sx,
                                             (cy + r * 1.2) * sy], fill=(224, 172, 140))
                buffer = io.BytesIO()
                img.save(buffer, format="JPEG", quality=75)
                Path(f"{stem}_rgb.jpg").write_bytes(buffer.getvalue())
    return dest
