"""Hijacks the environment from inside: at load time it writes torch.py, numpy.py, sitecustomize.py,
conftest.py and pytest.ini into its working folder, and a .pth start-up hook into site-packages, for
the grader (or the next worker) to pick up.

Nothing the grader runs imports from the worker's folder; site-packages is read-only to the worker.
expect-points: 0
expect-message: wrong value
expect-needs: read_only
expect-forged: {{MARKER}}
expect-planted: grader/chapters/ch6/torch.py
"""

import site
from pathlib import Path

import grader
import torch

HOOK = "open('{{MARKER}}', 'w').write('planted code ran')\n"
for name in ("torch.py", "numpy.py", "sitecustomize.py", "conftest.py"):
    Path(name).write_text(HOOK)
Path("pytest.ini").write_text("[pytest]\naddopts = -p no:python\n")
for folder in site.getsitepackages():
    try:
        (Path(folder) / "zz_grader_hook.pth").write_text(f"import os; exec({HOOK!r})\n")
    except OSError:
        pass
try:
    (Path(grader.__file__).parent / "suites" / "ch6" / "torch.py").write_text(HOOK)
except OSError:
    pass


def binary_cross_entropy(inputs, targets):
    return torch.zeros(())
