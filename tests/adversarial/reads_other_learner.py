"""Reads another learner's submission: looks for the other files in the folder that holds the
submissions (the test puts a correct one there, as a batch would), and runs the first it can read.

The worker sees none of the submissions folder: only the copy of its own file.
expect-points: 0
"""

import glob
import os


def stub(*args, **kwargs):
    raise NotImplementedError


binary_cross_entropy = stub
for path in sorted(glob.glob("{{SUBMISSIONS}}/*/*.py") + glob.glob("{{SUBMISSIONS}}/*.py")):
    if os.path.abspath(path) == os.path.abspath(__file__) or "reads_other_learner" in path:
        continue
    try:
        with open(path) as handle:
            exec(compile(handle.read(), path, "exec"))
        print("ran", path)
        break
    except OSError as exc:
        print("could not read", path, exc)
