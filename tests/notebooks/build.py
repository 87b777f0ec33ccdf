"""Small notebooks written by the tests: a list of cells in, an .ipynb file out."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

SIGMOID_RANGE = "import torch\ndef sigmoid_range(x, lo, hi):\n    return torch.sigmoid(x) * (hi - lo) + lo"
IMG2POSE = "from pathlib import Path\ndef img2pose(x):\n    return Path(f'{str(x)[:-7]}pose.txt')"
ACCURACY_MULTI = ("def accuracy_multi(inp, targ, thresh=0.5, sigmoid=True):\n"
                  "    if sigmoid: inp = inp.sigmoid()\n"
                  "    return ((inp > thresh) == targ.bool()).float().mean()")


def code(source: str, *tags: str):
    return new_code_cell(source, metadata={"tags": list(tags)} if tags else {})


def markdown(source: str):
    return new_markdown_cell(source)


def write_notebook(path: Path, cells: list, *, kernel: str | None = "python3") -> Path:
    spec = {"name": kernel, "display_name": kernel, "language": "python"}
    metadata = {"kernelspec": spec} if kernel else {}
    nb = new_notebook(cells=cells, metadata=metadata)
    nbformat.write(nb, str(path))
    return Path(path)
