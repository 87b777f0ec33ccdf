"""A wrong `img2pose` that points through a link of its own: when `get_ctr` fails, the grader puts
the right pose file where the learner's `img2pose` looks (issue 12: get_ctr graded on its own), and
this case tries to make that write land outside the worker's folder (a link to a folder, and a link
to the file itself). The trusted process opens each component with O_NOFOLLOW from the work folder
down and never follows a link, so nothing is written outside and `get_ctr` scores 0.
expect-only: get_ctr
expect-points: 0
expect-forged: {{MARKER}}
"""

import os
from pathlib import Path

import numpy as np
import torch

MARKER = Path("{{MARKER}}")


def img2pose(x):
    here = Path.cwd()
    folder_link, file_link = here / "elsewhere", here / "pose-link.txt"
    for link, target in ((folder_link, MARKER.parent), (file_link, MARKER)):
        try:
            os.symlink(target, link)
        except OSError:
            pass
    return folder_link / MARKER.name if "00004" in str(x) else file_link


def get_ctr(f, cal):
    ctr = np.genfromtxt(img2pose(f), skip_header=3)
    c1 = ctr[0] * cal[0][0] / ctr[2] + cal[0][2]
    c2 = ctr[1] * cal[1][1] / ctr[2] + cal[1][2]
    return torch.tensor([c1, c2])
